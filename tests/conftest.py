"""Shared fixtures: the demo data and the real CDNOW orders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def demo_grid() -> list[list]:
    from segmenter.demo_data import load_demo_customers

    df = load_demo_customers()
    return [list(df.columns), *df.to_numpy(dtype=object).tolist()]


@pytest.fixture(scope="session")
def cdnow_path() -> Path:
    path = SHARED / "cdnow_orders.csv"
    if not path.exists():
        pytest.skip(f"CDNOW data not found at {path}")
    return path


@pytest.fixture
def opened(monkeypatch):
    """Open remote-engine Books (xlwings' own engine, licence key set for this test only)."""
    import remote_book as rb

    rb.ensure_remote_engine(monkeypatch)
    books = []

    def _open(data):
        b = rb.open_book(data)
        books.append(b)
        return b

    yield _open
    for b in books:
        rb.close(b)
