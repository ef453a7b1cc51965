"""Words for the numbers: names, reasons, actions, month-over-month tracking, languages."""
