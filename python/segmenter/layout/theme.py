"""The look of result sheets, shared by both writers.

The file writer (XlsxWriter) and the Excel writer (xlwings) must draw the same
sheets; every colour, font size and number format they use is defined here
once. Colours are hex without '#' (openpyxl's form); :func:`rgb` gives the
'#RRGGBB' form xlwings wants.
"""

from __future__ import annotations

HEADER_FILL = "DCE6F1"  # background of a table's header row
NOTE_COLOR = "555555"  # italic notes under titles
TITLE_SIZE = 14  # points, bold
SCALE_COLORS = ("5A8AC6", "FCFCFF", "F8696B")  # heatmap low, middle (at 0), high
SCALE_MID_VALUE = 0

FMT_INT = "#,##0"
FMT_NUM = "#,##0.00"
FMT_PCT = "0.0%"
FMT_SCORE = "0.000"
FMT_DATE = "yyyy-mm-dd"
FMT_DATETIME = "yyyy-mm-dd hh:mm:ss"
FMT_TEXT = "@"  # IDs and phone numbers: text, every digit, never 1.4E+10


def rgb(hex_color: str) -> str:
    """'DCE6F1' -> '#DCE6F1' (xlwings' colour form)."""
    return "#" + hex_color
