"""retention-xl: customer-retention analytics for Excel users."""

__version__ = "0.1.0"
__all__ = ["__version__", "main"]


def main() -> None:
    """Build the retention report in the workbook that called (the ribbon's **Build report**).

    xlwings' ribbon add-in runs ``import retention_xl; retention_xl.main()``; the work is
    imported only here, so importing the package stays light.
    """
    from retention_xl.excel.macro import main as build_in_calling_workbook

    build_in_calling_workbook()
