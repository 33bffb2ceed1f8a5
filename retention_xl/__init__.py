"""retention-xl: customer-retention analytics for Excel users."""

__version__ = "0.1.0"
