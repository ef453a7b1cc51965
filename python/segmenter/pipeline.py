"""The public calls: the engine's numbers, then the story's words, built into one result.

:func:`segment` takes what Excel or openpyxl hands over (a grid of cell values)
or a DataFrame and returns a :class:`~segmenter.result.Segmentation`. It computes
everything and writes nothing, so a bridge lays it out only once it is complete.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from segmenter.catalog import msg
from segmenter.columns import ColumnRows
from segmenter.engine.chart_inputs import chart_inputs
from segmenter.engine.fit import Fitted, fit_table
from segmenter.engine.join import Joined, join_customers
from segmenter.engine.orders import (
    CLUSTER_FEATURES,
    ID_NAME,
    ORDER_ROLES,
    OrderFeatures,
    customer_features,
    to_customer_grid,
)
from segmenter.engine.predict import PredictionResult, predict_customers
from segmenter.errors import SegmenterError
from segmenter.log import CleaningLog
from segmenter.options import make_options
from segmenter.result import Segmentation, assemble
from segmenter.story import tracking
from segmenter.story.explain import explain_segmentation

TRACK_MODES = ("refit", "assign")
Progress = Callable[[str, int], None]
"""``progress(stage, rows)``: told as each stage starts (the CLI's stage lines use it)."""


def _bad_track(track: Any) -> str:
    return msg("{name}={value!r} is not valid; use {values}", name="track", value=track,
               values="refit or assign")


def _rows(data: Any) -> int:
    """Data rows of a grid (less its header row) or a DataFrame, for the progress lines."""
    if isinstance(data, (list, ColumnRows)):
        return max(len(data) - 1, 0)
    try:
        return len(data)
    except TypeError:
        return 0


def segment(
    data: Any,
    k: int | str = "auto",
    method: str = "kmeans",
    *,
    origin: tuple[int, int] = (1, 1),
    source_name: str = "",
    previous: tracking.Previous | None = None,
    track: str = "refit",
    story: bool = True,
    progress: Progress | None = None,
    silhouettes: bool = True,
    **options: Any,
) -> Segmentation:
    """Segment customers in ``data``; see the README for every option.

    ``origin`` is the sheet (row, column) of ``data[0][0]`` so that every log line
    and label can name the real sheet row; ``source_name`` (e.g.
    ``"Customers!A1:H501"``) is recorded in the Segmenter Run sheet. ``previous``
    (a :class:`segmenter.story.tracking.Previous` read from last month's workbook) keeps
    segment numbers and names: ``track="refit"`` fits again and matches segments,
    ``track="assign"`` puts the new rows into the saved segments.

    ``story=False`` skips the story step (names, per-customer reasons, rules,
    tracking, chart inputs): segments keep the plain names "Segment 1", "Segment 2",
    ... and everything else (labels, centres, profiles, quality, k scan) is the same.
    The worksheet functions use it; it cannot be combined with ``previous``.
    ``silhouettes=False`` (with ``story=False`` only) also leaves out the silhouettes,
    most of the time ``=SEGMENT`` takes; :func:`segmenter.engine.fit.with_silhouettes`
    adds them to the result when a function shows them.
    ``progress(stage, rows)`` is called as cleaning, clustering and naming start.
    """
    if track not in TRACK_MODES:
        raise SegmenterError(_bad_track(track))
    if not story and previous is not None:
        raise SegmenterError(msg("{option} cannot keep a previous run's segments; leave {name} on",
                                 option="story=False", name="story"))
    if story and not silhouettes:
        raise SegmenterError(msg("{option} needs {other}: the story reads the silhouettes",
                                 option="silhouettes=False", other="story=False"))
    try:
        opts = make_options(k=k, method=method, **options)
        if progress is not None:
            progress("cleaning", _rows(data))
        fitted = fit_table(data, opts, origin=origin, source_name=source_name, progress=progress,
                           silhouettes=silhouettes)
        if not story:
            return assemble(fitted)
        return _tell_story(fitted, previous, track, progress=progress)
    except MemoryError:
        raise SegmenterError(msg(
            "not enough memory for this selection; select fewer rows or columns, or close "
            "other programs and try again"
        )) from None


def _tell_story(fitted: Fitted, previous: tracking.Previous | None, track: str,
                progress: Progress | None = None, **parts: Any) -> Segmentation:
    """Names, explanations and actions; with a previous run, its numbers and names carry over."""
    if progress is not None:
        progress("naming segments", len(fitted.used_rows))
    moved = None
    fixed = None
    if previous is not None:
        step = tracking.assign if track == "assign" else tracking.refit_and_match
        fitted, moved = step(fitted, previous)
        fixed = moved.names
    story = explain_segmentation(fitted, fixed_names=fixed)
    names = story.name_map
    if moved is not None:
        moved = moved.with_names(names, story.language)
    model = {**tracking.remember(fitted, names), "language": story.language}
    return assemble(fitted, story=story, tracking=moved, charts=chart_inputs(fitted),
                    model=model, **parts)


def segment_orders(
    data: Any,
    k: int | str = "auto",
    method: str = "kmeans",
    *,
    origin: tuple[int, int] = (1, 1),
    source_name: str = "",
    previous: tracking.Previous | None = None,
    track: str = "refit",
    snapshot_date: Any = None,
    frequency: str = "days",
    calibration_end: Any = None,
    horizon_days: float = 90,
    discount_rate: float = 0.01,
    progress: Progress | None = None,
    customers: Any = None,
    customers_origin: tuple[int, int] = (1, 1),
    customers_key: str | None = None,
    **options: Any,
) -> Segmentation:
    """Segment customers from an order ledger: orders -> RFM features -> segments.

    With ``customers`` (the customer list, a grid or DataFrame at ``customers_origin``) there
    is one row per listed customer: the list's columns, the ledger's measures, predictions.
    The shared key (``customer=`` / ``customers_key`` name it) is compared as an owner reads it
    (:mod:`segmenter.engine.join`); customers with no order are never bought, a segment of
    their own. Default features: the ledger's and the list's usable attributes.

    Column roles (``customer=``, ``date=``, ``amount=``, ``quantity=``, ``category=``,
    ``channel=``, ``order_id=``) name headers when detection is not enough. The
    Cleaning Log starts with the order rows (their sheet rows), then the customer
    table's steps (rows of the Segments sheet). The classic RFM scores and segment
    map ride along (``seg.orders``) for the RFM sheet.

    Predictions (BG/NBD and Gamma-Gamma, :func:`~segmenter.engine.predict.predict_customers`)
    come from the same purchases: ``seg.predictions`` per customer over the next
    ``horizon_days``, value discounted by ``discount_rate`` a month, ``seg.prediction_segments``
    per segment, ``seg.prediction_model``; with ``calibration_end`` also
    ``seg.prediction_check`` (fitted up to that date, compared with the order days after it).
    When the data cannot support the models, the fields stay empty and ``seg.warnings``
    says why in one line.
    """
    if track not in TRACK_MODES:
        raise SegmenterError(_bad_track(track))
    roles = {r: options.pop(r) for r in ORDER_ROLES if r in options}
    if progress is not None:
        progress("cleaning orders", _rows(data))
    features, table, joined, default_columns = _order_table(
        data, customers, options, roles, origin=origin, customers_origin=customers_origin,
        customers_key=customers_key, snapshot_date=snapshot_date, frequency=frequency)
    if progress is not None:
        progress("predicting", len(features.customers))
    forecast = _forecast(features, calibration_end, horizon_days, discount_rate)
    if options.get("columns") is None:
        options["columns"] = default_columns
    try:
        opts = make_options(k=k, method=method, **options)
        if progress is not None:
            progress("cleaning customers", len(features.customers))
        fitted = fit_table(table, opts, source_name=source_name, progress=progress)
    except MemoryError:
        raise SegmenterError(msg(
            "not enough memory for these orders; select fewer rows, or close other programs "
            "and try again"
        )) from None
    if joined is not None:
        features = dataclasses.replace(
            features, log=CleaningLog([*features.log.entries, *joined.log.entries]),
            warnings=[*features.warnings, *joined.warnings])
    fitted = _with_ledger(fitted, features, joined, source_name)
    return _tell_story(fitted, previous, track, progress, orders=features, forecast=forecast,
                       forecast_settings={"horizon_days": float(horizon_days),
                                          "discount_rate": float(discount_rate)})


def _with_ledger(fitted: Fitted, features: OrderFeatures, joined: Any, source_name: str) -> Fitted:
    """The fit with the ledger's log and warnings first and its facts on the Run sheet."""
    return dataclasses.replace(
        fitted,
        log=CleaningLog([*features.log.entries, *fitted.log.entries]),
        warnings=[*features.warnings, *fitted.warnings],
        run={
            "input": source_name,
            "orders_in": features.n_orders_in,
            "orders_used": features.n_orders_used,
            "snapshot_date": features.snapshot_date,
            "order_columns": ", ".join(f"{r}: {c}" for r, c in features.columns.items()),
            **(_join_run(joined) if joined is not None else {}),
            **{k: v for k, v in fitted.run.items() if k != "input"},
        },
    )


def _order_table(data: Any, customers: Any, options: dict[str, Any], roles: dict[str, Any], *,
                 origin: tuple[int, int], customers_origin: tuple[int, int],
                 customers_key: str | None, **ledger: Any,
                 ) -> tuple[OrderFeatures, Any, Joined | None, list[str]]:
    """The ledger's features, the per-customer table to segment, the join and default features.

    Sets ``options["id_column"]`` to the table's ID column (a ledger's unless the owner named one).
    """
    if customers is None:
        features = customer_features(data, origin=origin, **ledger, **roles)
        options.setdefault("id_column", ID_NAME)
        return features, to_customer_grid(features), None, list(CLUSTER_FEATURES)
    joined = join_customers(
        data, customers, origin=origin, customers_origin=customers_origin,
        customers_key=customers_key, id_column=options.get("id_column"), **ledger, **roles,
    )
    options["id_column"] = joined.id_column
    return joined.features, joined.frame, joined, joined.feature_columns


def _join_run(joined: Joined) -> dict[str, Any]:
    """The join's numbers for the Segmenter Run sheet."""
    st = joined.stats
    return {
        "join_key": f"{joined.key[0]} = {joined.key[1]} ({joined.kind})",
        "customers_on_list": st["customers"],
        "order_rows_matched": f"{st['order_rows_matched']:,} of {st['order_rows']:,} "
                              f"({st['order_rows_matched'] / max(st['order_rows'], 1):.1%})",
        "never_bought": st["never_bought"],
    }


def predict_orders(
    data: Any,
    *,
    origin: tuple[int, int] = (1, 1),
    snapshot_date: Any = None,
    calibration_end: Any = None,
    horizon_days: float = 90,
    discount_rate: float = 0.01,
    **roles: Any,
) -> PredictionResult:
    """Only the predictions of :func:`segment_orders` (no segments): for ``=SEGMENT_PREDICT``.

    The ledger is read and cleaned exactly as :func:`segment_orders` reads it; ``roles``
    are its column roles (``customer=``, ``date=``, ``amount=`` ...).
    """
    unknown = set(roles) - set(ORDER_ROLES)
    if unknown:
        raise SegmenterError(msg("unknown option(s) {names}; use one of: {values}",
                                 names=", ".join(sorted(unknown)), values=", ".join(ORDER_ROLES)))
    features = customer_features(data, snapshot_date=snapshot_date, origin=origin, **roles)
    return _forecast(features, calibration_end, horizon_days, discount_rate)


def _forecast(features: OrderFeatures, calibration_end: Any, horizon_days: Any,
              discount_rate: Any) -> PredictionResult:
    """The models on the ledger's cleaned rows, before the (slower) clustering.

    Purchases and returns both go in: a day counts as an order when it has a purchase
    (as Frequency counts it; a zero amount the ledger kept is an order worth 0) and a
    day's value is net of that day's returns.
    """
    tx = features.transactions
    return predict_customers(
        tx[[ID_NAME, "Date", "Amount"]], snapshot_date=features.snapshot_date,
        horizon_days=_number("horizon_days", horizon_days),
        discount_rate=_number("discount_rate", discount_rate),
        calibration_end=calibration_end, count_zero_amounts=True,
    )


def _number(name: str, value: Any) -> float:
    """A CLI or cell value as a float, or the one-line error."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise SegmenterError(msg("{name}={value!r} is not a number", name=name, value=value)) from None
