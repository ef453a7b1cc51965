"""Shared fixtures: the demo data and the real CDNOW orders."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"  # CDNOW is copied into the repo with its licence


@pytest.fixture(scope="session")
def demo_grid() -> list[list]:
    from segmenter.demo_data import load_demo_customers

    df = load_demo_customers()
    return [list(df.columns), *df.to_numpy(dtype=object).tolist()]


@pytest.fixture(scope="session")
def cdnow_path() -> Path:
    path = DATA / "cdnow_orders.csv"
    assert path.exists(), f"CDNOW data missing at {path} (tests/data/README.md says where it is from)"
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
