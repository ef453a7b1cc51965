"""Last run's settings are this run's defaults, so a monthly re-run compares like with like.

An owner who ran ``--k 4 --columns ...`` in May and only ``--previous`` in June
would otherwise get an automatic k and every column, and hundreds of customers
would "move" for no reason. The saved model keeps the options it was fitted with
(``model["options"]``); here they become the defaults, and whatever the owner sets
explicitly this time (a CLI flag, a Settings value other than the default) wins.
Both bridges (the CLI and the Excel buttons) use this, so they agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from segmenter.catalog import msg
from segmenter.errors import SegmenterError
from segmenter.options import BY_NAME, OPTIONS

NOT_CARRIED = frozenset({"reference_date"})
"""Options that belong to one month: this month's days are counted from this month's data."""

RUN_KEY = "settings_from_previous_run"
"""The Segmenter Run sheet line ("Settings from previous run") naming what was carried over."""


@dataclass(frozen=True)
class RunSettings:
    """The keyword options for this run and the names of those taken from the previous run."""

    options: dict[str, Any]
    from_previous: tuple[str, ...] = ()
    had_previous: bool = False

    def describe(self) -> str:
        """'k = 4; columns = Age, Income' (or 'none' when nothing was carried over)."""
        if not self.from_previous:
            return "none (every setting given this time or left at its default)"
        return "; ".join(f"{n} = {_show(self.options[n])}" for n in self.from_previous)

    def mark(self, seg: Any) -> Any:
        """``seg`` with the Run sheet line saying which settings came from the previous run."""
        if not self.had_previous:
            return seg
        return dataclasses.replace(seg, run={**seg.run, RUN_KEY: self.describe()})

    def explain(self, exc: SegmenterError) -> SegmenterError:
        """The engine's message, plus where the settings it complains about came from."""
        if not self.from_previous:
            return exc
        return SegmenterError(msg("{error} (settings from the previous run: {settings}; set them "
                                  "yourself to change them)", error=exc.text, settings=self.describe()))


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return "none" if value == "" else str(value)


def _differs(name: str, value: Any) -> bool:
    """True when ``value`` is a real choice: not blank and not the option's default."""
    option = BY_NAME.get(name)
    if option is None:
        return value is not None
    if value is None:
        return False
    try:
        return bool(option.rule.parse(name, value) != option.default)
    except SegmenterError:
        return True  # invalid: let make_options report it with its usual message


def explicit(options: Mapping[str, Any]) -> dict[str, Any]:
    """Settings-sheet options that differ from the defaults (the sheet lists every default)."""
    return {k: v for k, v in options.items() if _differs(k, v)}


def saved_options(model: Mapping[str, Any]) -> dict[str, Any]:
    """The non-default options the saved model was fitted with, parsed back to their types."""
    saved = model.get("options")
    if not isinstance(saved, Mapping):
        return {}
    out: dict[str, Any] = {}
    for option in OPTIONS:
        value = saved.get(option.name)
        if option.name in NOT_CARRIED or value is None:
            continue
        try:
            parsed = option.rule.parse(option.name, value)
        except SegmenterError:
            raise SegmenterError(msg(
                "the saved model in sheet {sheet!r} has {name}={value!r}, which is not valid; set "
                "{name} yourself or delete that sheet", sheet="Segmenter Model", name=option.name,
                value=value)) from None
        if parsed != option.default:
            out[option.name] = parsed
    return out


def with_previous(given: Mapping[str, Any], previous: Any) -> RunSettings:
    """This run's options: ``given`` (set explicitly) over the previous run's saved ones.

    ``previous`` is a :class:`segmenter.story.tracking.Previous` (or None on a first run).
    """
    if previous is None:
        return RunSettings(dict(given))
    saved = saved_options(previous.model)
    taken = {k: v for k, v in saved.items() if k not in given}
    return RunSettings({**taken, **given}, tuple(taken), had_previous=True)
