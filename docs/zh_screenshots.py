"""Regenerate the README's screenshots of a Chinese run (docs/img/zh-*.png).

    python docs/zh_screenshots.py

The bundled demo shop with Chinese headers (客户编号, 年龄, ...) is written to a temporary
workbook, segmented by the ``segmenter segment`` CLI with the default options (the
language resolves to Chinese from the headers), and three result sheets are rendered
by headless LibreOffice (``addin/lo_inspect.py --render``: PDF, then ``pdftoppm``).
Needs soffice, python3-uno, pdftoppm and a CJK font (Noto CJK: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
HEADERS = {"Customer ID": "客户编号", "Age": "年龄", "Income": "年收入", "Annual spend": "年消费额",
           "Orders": "订单数", "Last order": "最近下单日期", "City": "城市", "Channel": "渠道"}
VALUES = {"City": {"Beijing": "北京", "Shanghai": "上海", "Shenzhen": "深圳", "Hangzhou": "杭州",
                   "Chengdu": "成都"},
          "Channel": {"WeChat": "微信", "Store": "门店", "Online": "网店"}}
SHEETS = {"客户分群": ("zh-segments", 16, 12), "分群画像": ("zh-profiles", 26, 8),
          "分群图表": ("zh-charts", 40, 14)}
"""Result sheet -> (file name, rows, columns rendered)."""


def chinese_demo(path: Path) -> Path:
    """The demo customers with Chinese headers, cities and channels: a Chinese owner's sheet."""
    from openpyxl import Workbook

    from segmenter.demo_data import load_demo_customers

    df = load_demo_customers()
    for column, names in VALUES.items():
        df[column] = df[column].map(lambda v, names=names: names.get(v, v))
    df = df.rename(columns=HEADERS)
    wb = Workbook()
    ws = wb.active
    ws.title = "会员"
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if v != v else v for v in row])
    wb.save(path)
    return path


def main() -> int:
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found (apt-get install libreoffice-calc-nogui poppler-utils)")
    if not subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip():
        raise SystemExit("no Chinese font (apt-get install fonts-noto-cjk)")
    with tempfile.TemporaryDirectory() as tmp:
        src = chinese_demo(Path(tmp) / "会员名单.xlsx")
        out = Path(tmp) / "会员名单-分群.xlsx"
        segmenter = Path(sys.executable).with_name("segmenter")
        cli = [str(segmenter)] if segmenter.exists() else [sys.executable, "-c",
                                                           "import sys; from segmenter.cli import main; sys.exit(main())"]
        subprocess.run([*cli, "segment", str(src), "--output", str(out)], check=True)
        for sheet, (name, rows, cols) in SHEETS.items():
            subprocess.run(["/usr/bin/python3", str(ROOT / "addin" / "lo_inspect.py"), str(out),
                            "--render", str(IMG), "--sheets", sheet, "--names", name,
                            "--rows", str(rows), "--cols", str(cols)],
                           check=True, stdout=subprocess.DEVNULL)
            png = IMG / f"{name}.png"
            print(f"{png.relative_to(ROOT)}: {png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
