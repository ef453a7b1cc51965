"""Write the benchmark's synthetic customers as an .xlsx: an ID column plus the features.

``python bench/make_xlsx.py 100000 out.xlsx`` makes the 100,000 x 9 table of issue 14
(``Customer ID`` then f1..f8, from :func:`synth.make_data`). XlsxWriter's
constant-memory mode writes a full sheet (1,048,575 rows) in a few hundred MB.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402


def write_table(n: int, path: Path, n_features: int = synth.N_FEATURES) -> Path:
    """``n`` customers with planted segments, header in row 1."""
    import xlsxwriter

    X, _ = synth.make_data(n, n_features=n_features)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Customers")
    ws.write_row(0, 0, ["Customer ID", *synth.columns(n_features)])
    for i, row in enumerate(X.tolist(), start=1):
        ws.write_string(i, 0, f"C{i:07d}")
        ws.write_row(i, 1, row)
    wb.close()
    return path


if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"customers-{rows}.xlsx")
    print(write_table(rows, out))
