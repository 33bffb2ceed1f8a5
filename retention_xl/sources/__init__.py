"""Where order tables come from: files (CSV, XLSX, Parquet), checked before they are parsed."""
