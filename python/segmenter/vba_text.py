"""The add-in's own words (ribbon, VBA message boxes, Insert Function help), as one VBA module.

The ribbon's ``getLabel``/``getScreentip``/``getSupertip`` callbacks, the VBA message
boxes and the Chinese Insert Function help all read the generated ``SegmenterText``
module, which picks English or Simplified Chinese from Excel's UI language
(``Application.LanguageSettings.LanguageID(msoLanguageIDUI)``: 2052, 4100, 1028, 3076
or 5124 -> Chinese). The English is here, marked for the gettext catalogue with the
context ``ribbon``; the Chinese is the catalogue's, so the build cannot drift from
the ``.po``. The Insert Function help's English is the worksheet functions' docstrings
(:func:`segmenter.vba_wrapper.udf_functions`), translated under the context ``udf``.

Chinese is written into the VBA source as UTF-16 code units, four hex digits each
(``SegmenterFromHex("5BA27FA4")``): a VBA module is stored in the project's ANSI code
page, which cannot hold Chinese on a Western Windows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from segmenter.catalog import ptr, translations

MODULE_NAME = "SegmenterText"
CHINESE_UI = (2052, 4100, 1028, 3076, 5124)
"""LCIDs of Excel UIs shown the Chinese text: PRC, Singapore, Taiwan, Hong Kong, Macao."""
MSO_LANGUAGE_ID_UI = 2
UDF_CONTEXT = "udf"


def ribbon_texts(language: str) -> dict[str, str]:
    """Key (control id + ``.label``/``.screentip``/``.supertip``, or ``msg.*``) -> text."""
    lang = language
    return {
        "segmenterRun.label": ptr("ribbon", "Segment", lang),
        "segmenterResults.label": ptr("ribbon", "Results", lang),
        "segmenterSetup.label": ptr("ribbon", "Setup", lang),
        "segmenterSegment.label": ptr("ribbon", "Segment", lang),
        "segmenterSegment.screentip": ptr("ribbon", "Segment the selected customers", lang),
        "segmenterSegment.supertip": ptr(
            "ribbon", "Select a customer table (or one cell in it), then click. Segmenter adds its "
            "result sheets to this workbook and never changes your data.", lang),
        "segmenterSegmentOrders.label": ptr("ribbon", "Segment orders (RFM)", lang),
        "segmenterSegmentOrders.screentip": ptr("ribbon", "Segment customers from an order list", lang),
        "segmenterSegmentOrders.supertip": ptr(
            "ribbon", "Select an order table (customer, date, amount). Segmenter computes recency, "
            "frequency and monetary value per customer and segments them.", lang),
        "segmenterExport.label": ptr("ribbon", "Export lists", lang),
        "segmenterExport.screentip": ptr("ribbon", "Export one customer list per segment", lang),
        "segmenterExport.supertip": ptr(
            "ribbon", "Writes the customers of each segment to their own list, for mailings or "
            "follow-up.", lang),
        "segmenterClear.label": ptr("ribbon", "Clear results", lang),
        "segmenterClear.screentip": ptr("ribbon", "Remove Segmenter's result sheets", lang),
        "segmenterClear.supertip": ptr(
            "ribbon", "Deletes only the sheets Segmenter created in this workbook. Your own sheets "
            "stay untouched.", lang),
        "segmenterSettings.label": ptr("ribbon", "Settings", lang),
        "segmenterSettings.screentip": ptr("ribbon", "Open the Segmenter Settings sheet", lang),
        "segmenterSettings.supertip": ptr(
            "ribbon", "Creates or shows the 'Segmenter Settings' sheet: number of segments, method, "
            "scaling, missing values and more.", lang),
        "segmenterSelfTest.label": ptr("ribbon", "Self-test", lang),
        "segmenterSelfTest.screentip": ptr("ribbon", "Check that this installation works", lang),
        "segmenterSelfTest.supertip": ptr(
            "ribbon", "Runs Segmenter on its built-in demo data inside Excel and reports pass or "
            "fail.", lang),
        "segmenterAbout.label": ptr("ribbon", "About", lang),
        "segmenterAbout.screentip": ptr("ribbon", "Versions and setup check", lang),
        "segmenterAbout.supertip": ptr(
            "ribbon", "Shows the Segmenter and xlwings versions, the Python in use, and whether the "
            "add-in matches the installed package.", lang),
        "msg.protectedView": ptr(
            "ribbon", "This workbook is open in Protected View. Click Enable Editing in the yellow "
            "bar, then click the Segmenter button again.", lang),
        "msg.noWorkbook": ptr(
            "ribbon", "No workbook is open. Open the workbook with your customer table, then click "
            "the Segmenter button again.", lang),
    }


def udf_help_texts(functions: dict[str, dict[str, Any]]) -> dict[str, tuple[str, list[str]]]:
    """Function -> (description, argument descriptions) in English, as the help module has them
    (one line each; Excel's Insert Function dialog shows them)."""
    return {
        name: (_line(f["ret"].get("doc", "")), [_line(a.get("doc", "")) for a in f["args"] if not a["vba"]])
        for name, f in functions.items()
    }


def udf_chinese(english: str) -> str:
    """The catalogue's Chinese of one Insert Function text (the English when it has none)."""
    return translations("zh").pgettext(UDF_CONTEXT, english) if english else english


def _line(text: str) -> str:
    return " ".join(str(text or "").split())


def hex_units(text: str) -> str:
    """``text`` as UTF-16 code units, four upper-case hex digits each."""
    data = text.encode("utf-16-be")
    return "".join(f"{data[i]:02X}{data[i + 1]:02X}" for i in range(0, len(data), 2))


def _vba_ascii(text: str) -> str:
    """An English VBA string literal (the English is ASCII; refuse anything else)."""
    text.encode("ascii")
    return '"' + text.replace('"', '""') + '"'


def _vba_chinese(text: str) -> str:
    return f'SegmenterFromHex("{hex_units(text)}")'


_HEADER = f"""\
Attribute VB_Name = "{MODULE_NAME}"
' Generated by addin/build.py from python/segmenter/vba_text.py and the gettext catalogue
' (python/segmenter/locale/zh_CN/LC_MESSAGES/segmenter.po). Do not edit: rebuild.
' Every text the add-in's VBA shows, in English and Simplified Chinese, chosen by Excel's UI
' language. Chinese is written as UTF-16 code units, 4 hex digits each, so that this source
' stays ASCII whatever the VBA project's code page.
Option Explicit

Public Function SegmenterChinese() As Boolean
    ' Excel's UI language (msoLanguageIDUI = {MSO_LANGUAGE_ID_UI}) is Chinese: PRC, Singapore, Taiwan,
    ' Hong Kong or Macao. Where Excel cannot tell (an error), English.
    Dim id As Long
    On Error Resume Next
    id = Application.LanguageSettings.LanguageID({MSO_LANGUAGE_ID_UI})
    Select Case id
    Case {", ".join(map(str, CHINESE_UI))}
        SegmenterChinese = True
    End Select
End Function

Public Function SegmenterFromHex(units As String) As String
    ' "5BA27FA4" -> the two characters U+5BA2 U+7FA4 (4 hex digits per UTF-16 code unit).
    Dim i As Long, j As Long, code As Long, out As String
    For i = 1 To Len(units) Step 4
        code = 0
        For j = 0 To 3
            code = code * 16 + InStr(1, "0123456789ABCDEF", Mid$(units, i + j, 1)) - 1
        Next j
        out = out & ChrW(code)
    Next i
    SegmenterFromHex = out
End Function

Public Function SegmenterText(key As String) As String
    ' The text of key in Excel's UI language.
    SegmenterText = SegmenterTextIn(key, SegmenterChinese())
End Function
"""


def _text_function(english: dict[str, str], chinese: dict[str, str]) -> list[str]:
    lines = ["",
             "Public Function SegmenterTextIn(key As String, chinese As Boolean) As String",
             "    ' The text of key in Chinese or English; an unknown key comes back as itself.",
             "    Select Case key"]
    for key, en in english.items():
        lines += [f'    Case "{key}"',
                  f"        If chinese Then SegmenterTextIn = {_vba_chinese(chinese[key])} "
                  f"Else SegmenterTextIn = {_vba_ascii(en)}"]
    lines += ["    Case Else", "        SegmenterTextIn = key", "    End Select", "End Function"]
    return lines


def _register_function(help_texts: dict[str, tuple[str, list[str]]], category: str) -> list[str]:
    lines = ["",
             "Public Function SegmenterRegisterChinese() As Boolean",
             "    ' With Excel in Chinese: the Insert Function help in Chinese, and True. Else False",
             "    ' (nothing done): the help module then registers the English.",
             "    If Not SegmenterChinese() Then Exit Function",
             "    On Error Resume Next  ' help text only: never stop Excel over it"]
    for name, (description, args) in help_texts.items():
        lines.append(f"    Application.MacroOptions Macro:=\"'\" & ThisWorkbook.Name & \"'!{name}\", _")
        lines.append(f"        Description:={_vba_chinese(udf_chinese(description))}, _")
        tail = ", _" if args else ""
        lines.append(f'        Category:={_vba_ascii(category)}{tail}')
        for i, arg in enumerate(args):
            start = "ArgumentDescriptions:=Array(" if i == 0 else "    "
            end = ")" if i == len(args) - 1 else ", _"
            lines.append(f"        {start}{_vba_chinese(udf_chinese(arg))}{end}")
    lines += ["    SegmenterRegisterChinese = True", "End Function"]
    return lines


def segmenter_text_vba(functions: dict[str, dict[str, Any]], category: str = "Segmenter") -> str:
    """The ``SegmenterText`` module (LF line ends; the build makes them CRLF)."""
    english, chinese = ribbon_texts("en"), ribbon_texts("zh")
    body = _text_function(english, chinese) + _register_function(udf_help_texts(functions), category)
    return _HEADER + "\n".join(body) + "\n"


def untranslated(texts: Iterable[str]) -> list[str]:
    """Insert Function texts the catalogue has no Chinese for."""
    return [t for t in texts if t and udf_chinese(t) == t]
