"""Where a laid-out report goes: an .xlsx file (the live workbook writer lives with the ribbon)."""
