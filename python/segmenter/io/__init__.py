"""Files: read an owner's workbook or CSV, write result workbooks and mailing-list CSVs."""
