"""A :class:`ChartSpec` as a native XlsxWriter chart (scatter, column or line).

The layout's vocabulary follows DrawingML (openpyxl's names: "sysDash", "outEnd");
XlsxWriter names the same things in words, translated here.
"""

from __future__ import annotations

import re
from typing import Any

from segmenter.layout.blocks import Box, ChartSpec, SeriesStyle

__all__ = ["add_chart"]

EMU_PER_CM, EMU_PER_PX = 360_000, 9_525
_DASH = {"dash": "dash", "sysDash": "square_dot", "sysDot": "round_dot", "solid": "solid",
         "dashDot": "dash_dot", "lgDash": "long_dash", "dot": "dot"}
_LABEL_POS = {"t": "above", "b": "below", "l": "left", "r": "right", "ctr": "center",
              "outEnd": "outside_end", "inEnd": "inside_end", "inBase": "inside_base",
              "bestFit": "best_fit"}
_LEGEND_POS = {"r": "right", "l": "left", "t": "top", "b": "bottom", "tr": "top_right"}
_LOOKS_LIKE_REF = re.compile(r"^=?[^!]+!\$?[A-Z]+\$?\d+")


def add_chart(wb: Any, ws: Any, spec: ChartSpec) -> None:
    """Insert the chart of ``spec`` on ``ws`` (an XlsxWriter worksheet of ``wb``)."""
    name = ws.get_name()
    if spec.kind == "scatter":
        chart = wb.add_chart({"type": "scatter"})
        chart.set_style(13)
        overlay = None
        for i, (series_title, xbox, ybox) in enumerate(spec.series):
            chart.add_series(_series(spec, i, series_title, name, xbox, ybox, marker="circle",
                                     line=False))
    else:
        chart, overlay = _category_chart(wb, spec, name)
    if spec.title:
        heading: dict[str, Any] = {"name": _literal(spec.title)}
        if spec.title_size:
            heading["name_font"] = {"size": spec.title_size, "bold": True}
        chart.set_title(heading)
    _axes(chart, spec)
    if overlay is not None:
        chart.combine(overlay)
    _legend(chart, spec)
    chart.set_size({"width": _px(spec.width_cm), "height": _px(spec.height_cm)})
    ws.insert_chart(spec.anchor[0] - 1, spec.anchor[1] - 1, chart)


def _px(cm: float) -> int:
    return round(cm * EMU_PER_CM / EMU_PER_PX)


def _ref(sheet: str, box: Box) -> list[Any]:
    r1, c1, r2, c2 = box
    return [sheet, r1 - 1, c1 - 1, r2 - 1, c2 - 1]


def _literal(text: str) -> str:
    """A title XlsxWriter keeps as text ('Sheet!A1' would be read as a cell reference)."""
    return text.replace("!", "\u01c3") if _LOOKS_LIKE_REF.match(text) else text


def _category_chart(wb: Any, spec: ChartSpec, sheet: str) -> tuple[Any, Any]:
    """Column or line chart, and the line chart overlaid on columns (None when no series asks)."""
    bar = spec.kind == "bar"
    chart = wb.add_chart({"type": "column" if bar else "line"})
    overlay = None
    first = True
    for i, (title, xbox, ybox) in enumerate(spec.series):
        style = spec.style(i)
        if bar and style.as_line:
            overlay = overlay or wb.add_chart({"type": "line"})
            overlay.add_series(_series(spec, i, title, sheet, xbox, ybox, marker="none", line=True))
            continue
        s = _series(spec, i, title, sheet, xbox, ybox, marker="none" if bar else "", line=not bar,
                    fill=bar)
        if first and bar:
            s.update({k: v for k, v in (("gap", spec.gap_width), ("overlap", spec.overlap))
                      if v is not None})
        if first and spec.point_colors:
            s["points"] = [{"fill": {"color": "#" + c}, "border": {"color": "#" + c}}
                           for c in spec.point_colors]
        first = False
        chart.add_series(s)
    return chart, overlay


def _series(spec: ChartSpec, i: int, title: str, sheet: str, xbox: Box | None, ybox: Box, *,
            marker: str, line: bool, fill: bool = False) -> dict[str, Any]:
    """Colour, marker, line and labels of series ``i`` (defaults: the chart kind's look)."""
    style = spec.style(i)
    color = "#" + spec.colors[i] if i < len(spec.colors) else None
    s: dict[str, Any] = {"name": _literal(title), "values": _ref(sheet, ybox)}
    if xbox:
        s["categories"] = _ref(sheet, xbox)
    symbol = style.marker or marker
    if symbol and not fill:
        s["marker"] = _marker(symbol, style, color)
    draw_line = line if style.line is None else style.line
    if fill and color:
        s["fill"] = {"color": color}
        s["border"] = {"color": color}
    elif not draw_line:
        s["line"] = {"none": True}
    else:
        ln: dict[str, Any] = {}
        if color:
            ln["color"] = color
        if style.line_width_pt:
            ln["width"] = style.line_width_pt
        if style.dash:
            ln["dash_type"] = _DASH.get(style.dash, "dash")
        if ln:
            s["line"] = ln
    if spec.kind in ("scatter", "line") or style.as_line:
        s["smooth"] = False
    if style.labels:
        s["data_labels"] = _labels(style)
    return s


def _marker(symbol: str, style: SeriesStyle, color: str | None) -> dict[str, Any]:
    if symbol == "none":
        return {"type": "none"}
    m: dict[str, Any] = {"type": symbol, "size": style.marker_size or 5}
    if color:
        m["fill"] = {"color": color}
        m["border"] = {"color": "#" + style.outline if style.outline else color}
    return m


def _labels(style: SeriesStyle) -> dict[str, Any]:
    labels: dict[str, Any] = {"series_name": style.labels == "name", "value": style.labels == "value"}
    if style.label_position:
        labels["position"] = _LABEL_POS.get(style.label_position, "right")
    if style.label_fill:
        labels["fill"] = {"color": "#" + style.label_fill}
    return labels


def _axes(chart: Any, spec: ChartSpec) -> None:
    """Axis titles, scales, number formats and label positions."""
    x = _axis(spec.x_title, spec.x_min, spec.x_max, spec.x_major_unit, spec.x_format)
    y = _axis(spec.y_title, spec.y_min, spec.y_max, None, spec.y_format)
    if spec.kind == "scatter":
        # axis labels at the low end, not at the zero line in the middle of the points
        x["label_position"] = y["label_position"] = "low"
        x["major_gridlines"] = {"visible": True}  # both value axes ruled, as in a plain scatter
    if not spec.x_labels:
        x["visible"] = False
    chart.set_x_axis(x)
    chart.set_y_axis(y)


def _axis(title: str, lo: float | None, hi: float | None, unit: float | None,
          fmt: str) -> dict[str, Any]:
    axis: dict[str, Any] = {}
    if title:
        axis["name"] = _literal(title)
    if fmt:
        axis["num_format"] = fmt
    if lo is not None:
        axis["min"] = lo
    if hi is not None:
        axis["max"] = hi
    if unit is not None:
        axis["major_unit"] = unit
    return axis


def _legend(chart: Any, spec: ChartSpec) -> None:
    """The legend at its position, without the series styled to stay out of it."""
    if not spec.legend:
        chart.set_legend({"none": True})
        return
    hidden = [i for i in range(len(spec.series)) if not spec.style(i).legend]
    legend: dict[str, Any] = {"position": _LEGEND_POS.get(spec.legend, "right")}
    if hidden:
        legend["delete_series"] = hidden
    chart.set_legend(legend)
