"""The reader's quick paths give what the plain per-value code gives."""

from __future__ import annotations

import random

import pytest

from segmenter.engine import reader
from segmenter.engine import textvalues as tv

POOL = ["Total", "total", "合计", "小计", "华东小计", "#N/A", "#DIV/0!", "Subtotal North",
        "Northeast Subtotal", "Sales", "Gross", "C0001", "北京", "", "Total", "x", "s", "tl",
        "Gesamt", "Summe", "ＴＯＴＡＬ", "Grand total", "a\x00b", "总计：", "Kunde 7 gesamt",
        "lone \ud800 surrogate", "\udc80"]


def per_text(stripped: list[str]) -> list[int]:
    return [i for i, t in enumerate(stripped) if t[:1] in reader._FLAG_FIRST
            or t[-1:] in reader._FLAG_LAST and tv.may_be_summary(t)]


@pytest.mark.parametrize("seed", range(4))
def test_flag_candidates_are_the_per_text_ones(seed: int):
    rng = random.Random(seed)
    for _ in range(300):
        texts = [rng.choice(POOL) + rng.choice(["", "1", "a", "X", "计", " s", "l"])
                 for _ in range(rng.randint(0, 40))]
        if seed == 0:
            texts = [t for t in texts if "\x00" not in t]  # the joined search, never the fallback
        stripped = list(map(str.strip, texts))
        assert reader._flag_candidates(stripped) == per_text(stripped)
