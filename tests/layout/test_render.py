"""Render the Segment Charts sheet with headless LibreOffice and check the picture is not blank.

Skipped when LibreOffice is absent, unless SEGMENTER_REQUIRE_LIBREOFFICE=1 (then it fails).
``python tests/layout/test_render.py`` regenerates the images in docs/img/ from the demo and CDNOW runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import segmenter
from segmenter.io.file_writer import WORKBOOK_OPTIONS, Styles, apply_sheet
from segmenter.layout import charts

ROOT = Path(__file__).resolve().parents[2]
CDNOW = ROOT / "tests" / "data" / "cdnow_orders.csv"
DOCS_IMG = ROOT / "docs" / "img"


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe and shutil.which("pdftoppm"):
        return exe
    if os.environ.get("SEGMENTER_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice (soffice) and pdftoppm are required but not found")
    pytest.skip("LibreOffice (soffice) or pdftoppm not installed")


def chart_workbook(seg, path: Path) -> Path:
    """Only the chart sheet, printed to one page: the PDF is the picture, not hundreds of pages."""
    import xlsxwriter

    spec = charts.chart_sheet(seg)
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet(spec.name)
    apply_sheet(ws, spec, Styles(wb))
    ws.print_area(charts.print_area(spec))
    ws.set_paper(8)  # A3
    ws.fit_to_pages(1, 1)
    wb.close()
    return path


def to_pdf(exe: str, files: list[Path], out_dir: Path) -> list[Path]:
    """One LibreOffice start for all files, with a private profile (safe next to other runs)."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run(
            [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), *map(str, files)],
            check=True, capture_output=True, timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdfs = [out_dir / f"{f.stem}.pdf" for f in files]
    assert all(p.exists() for p in pdfs), [p for p in pdfs if not p.exists()]
    return pdfs


def pages(pdf: Path, dpi: int = 60) -> list[np.ndarray]:
    """Every page as an RGB array (pdftoppm's PPM output, parsed with numpy)."""
    folder = pdf.parent / f"{pdf.stem}-pages-{dpi}"
    folder.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), str(pdf), str(folder / "p")], check=True, timeout=120)
    out = []
    for ppm in sorted(folder.glob("p*.ppm")):
        data = ppm.read_bytes()
        parts = data.split(maxsplit=4)
        assert parts[0] == b"P6"
        w, h = int(parts[1]), int(parts[2])
        out.append(np.frombuffer(parts[4][: w * h * 3], dtype=np.uint8).reshape(h, w, 3))
    return out


def colour_pixels(img: np.ndarray, hex_colour: str, tol: int = 40) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)])
    return int((np.abs(img.astype(int) - rgb).max(axis=2) <= tol).sum())


def cdnow_grid() -> list[list]:
    from segmenter.engine.orders import customer_features, to_customer_grid

    orders = pd.read_csv(CDNOW)
    return to_customer_grid(customer_features([list(orders.columns),
                                               *orders.to_numpy(dtype=object).tolist()]))


def demo_grid_() -> list[list]:
    from segmenter.demo_data import load_demo_customers

    df = load_demo_customers()
    return [list(df.columns), *df.to_numpy(dtype=object).tolist()]


def render_runs(runs: dict, d: Path) -> dict:
    exe = soffice()
    files = [chart_workbook(seg, d / f"{name}.xlsx") for name, seg in runs.items()]
    pdfs = to_pdf(exe, files, d)
    return {name: (seg, pages(pdf)) for (name, seg), pdf in zip(runs.items(), pdfs, strict=True)}


def check_picture(seg, imgs: list[np.ndarray]) -> None:
    assert len(imgs) == 1, f"{len(imgs)} pages: the print area should fit one page"
    img = imgs[0]
    ink = (img.min(axis=2) < 200).mean()
    assert ink > 0.03, f"only {ink:.1%} of the page is drawn on: the charts look empty"
    for s in seg.sizes:
        n = colour_pixels(img, charts.segment_color(s))
        assert n > 50, f"segment {s} colour {charts.segment_color(s)} hardly appears ({n} px)"


@pytest.fixture(scope="module")
def rendered_demo(tmp_path_factory, demo_grid):
    runs = {"demo": segmenter.segment(demo_grid),
            "demo-hierarchical": segmenter.segment(demo_grid, method="hierarchical")}
    return render_runs(runs, tmp_path_factory.mktemp("render"))


@pytest.mark.parametrize("name", ["demo", "demo-hierarchical"])
def test_demo_chart_sheet_renders_on_one_page_with_every_segment_colour(rendered_demo, name):
    check_picture(*rendered_demo[name])


@pytest.mark.slow
def test_cdnow_chart_sheet_renders(tmp_path, cdnow_path):
    runs = {"cdnow": segmenter.segment(cdnow_grid()),
            "cdnow-hierarchical": segmenter.segment(cdnow_grid(), method="hierarchical")}
    for seg, imgs in render_runs(runs, tmp_path).values():
        check_picture(seg, imgs)


def test_blank_page_would_fail_the_check():
    white = np.full((100, 100, 3), 255, dtype=np.uint8)
    assert (white.min(axis=2) < 200).mean() == 0
    assert colour_pixels(white, "0072B2") == 0


# ----------------------------------------------------------------------------- docs images


def crop_box(img: np.ndarray, margin: int) -> tuple[int, int, int, int]:
    rows = np.flatnonzero((img.min(axis=2) < 245).any(axis=1))
    cols = np.flatnonzero((img.min(axis=2) < 245).any(axis=0))
    y0, y1 = max(rows[0] - margin, 0), min(rows[-1] + margin, img.shape[0])
    x0, x1 = max(cols[0] - margin, 0), min(cols[-1] + margin, img.shape[1])
    return x0, y0, x1 - x0, y1 - y0


def write_docs_images(dpi: int = 90) -> list[Path]:
    """docs/img/<run>-charts.png: the chart sheet as LibreOffice draws it, cropped."""
    exe = shutil.which("soffice")
    if not exe:
        raise SystemExit("soffice not found")
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    runs = {"demo-charts": segmenter.segment(demo_grid_()),
            "demo-hierarchical-charts": segmenter.segment(demo_grid_(), method="hierarchical")}
    if CDNOW.exists():
        runs["cdnow-charts"] = segmenter.segment(cdnow_grid())
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        files = [chart_workbook(seg, d / f"{name}.xlsx") for name, seg in runs.items()]
        for pdf in to_pdf(exe, files, d):
            x, y, w, h = crop_box(pages(pdf, dpi)[0], margin=int(dpi / 6))
            target = DOCS_IMG / pdf.stem
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", "-x", str(x),
                            "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), str(target)],
                           check=True, timeout=120)
            out.append(target.with_suffix(".png"))
    return out


if __name__ == "__main__":
    for p in write_docs_images(int(sys.argv[1]) if len(sys.argv) > 1 else 90):
        print(p)
