"""Open Office files in headless LibreOffice and report what it sees, as JSON.

An independent reader for the built files (there is no Excel here). Run it with the
*system* Python that has LibreOffice's ``uno`` module (``/usr/bin/python3``), not
the project venv:

    /usr/bin/python3 addin/lo_inspect.py segmenter.xlsm addin/segmenter.xlam
    /usr/bin/python3 addin/lo_inspect.py segmenter.xlsm --render docs/img \\
        --sheets "Start here" Customers

For each file it prints the sheet names, the Basic libraries with their modules
(LibreOffice imports a file's VBA source into Basic, so an empty or unreadable
VBA project shows up as missing modules), and the form controls on each sheet.
LibreOffice refuses ``.xlam`` files, so an add-in is inspected through a copy whose
workbook content type is rewritten to a macro-enabled workbook's.
With ``--render`` it writes ``<sheet>.png`` (first printed page, via PDF and
``pdftoppm``) of the first file's named sheets (``--names`` for other file names).
With ``--call Module.Function --args calls.json`` it opens the files with macros on and
reports what LibreOffice Basic returns for each argument list (``calls``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import uno  # type: ignore[import-not-found]  # LibreOffice's bridge, system Python only
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLAM_MAIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"


def _props(**kwargs) -> tuple:
    out = []
    for key, value in kwargs.items():
        p = PropertyValue()
        p.Name, p.Value = key, value
        out.append(p)
    return tuple(out)


def as_workbook_copy(xlam: Path, folder: Path) -> Path:
    """A copy of an add-in whose workbook content type says macro-enabled workbook."""
    target = folder / (xlam.stem + "-as-workbook.xlsm")
    with zipfile.ZipFile(xlam) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(XLAM_MAIN.encode(), XLSM_MAIN.encode())
            dst.writestr(info.filename, data)
    return target


class Office:
    """A private headless soffice process and a UNO desktop connected to it."""

    def __init__(self, workdir: Path) -> None:
        self.pipe = f"segmenter_lo_{os.getpid()}"
        profile = (workdir / "profile").as_uri()
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation={profile}", f"--accept=pipe,name={self.pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 60
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("LibreOffice did not start") from None
                time.sleep(0.3)
        self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self.ctx = ctx

    def executable_vba(self) -> None:
        """Import VBA as runnable Basic (Options > Load/Save > VBA Properties > Executable
        code); off by default, when LibreOffice imports the VBA source as comments."""
        provider = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.ctx)
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            _props(nodepath="/org.openoffice.Office.Calc/Filter/Import/VBA"))
        access.setPropertyValue("Executable", True)
        access.commitChanges()

    def load(self, path: Path, run_macros: bool = False):
        """Open ``path``; its macros stay off unless ``run_macros`` (4: always, no warning)."""
        return self.desktop.loadComponentFromURL(
            path.resolve().as_uri(), "_blank", 0,
            _props(Hidden=True, MacroExecutionMode=4 if run_macros else 0))

    def close(self) -> None:
        try:
            self.desktop.terminate()
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def describe(doc) -> dict:
    """Sheets, Basic libraries and their modules, and form controls per sheet."""
    sheets = list(doc.Sheets.ElementNames)
    libraries = {}
    basic = doc.BasicLibraries
    for name in basic.ElementNames:
        basic.loadLibrary(name)
        lib = basic.getByName(name)
        libraries[name] = {m: len(lib.getByName(m)) for m in lib.ElementNames}
    controls = {}
    for sheet_name in sheets:
        page = doc.Sheets.getByName(sheet_name).DrawPage
        macros = _control_macros(page)
        found = []
        for i in range(page.Count):
            shape = page.getByIndex(i)
            if shape.supportsService("com.sun.star.drawing.ControlShape"):
                model = shape.Control
                found.append({"name": model.Name, "label": getattr(model, "Label", ""),
                              "type": model.ImplementationName,
                              "macro": macros.get(model.Name, "")})
        if found:
            controls[sheet_name] = found
    return {"sheets": sheets, "basic_libraries": libraries, "controls": controls}


def _control_macros(page) -> dict[str, str]:
    """Control name -> the script LibreOffice bound its click to (it resolves Excel's
    ``[0]!Macro`` to ``vnd.sun.star.script:<library>.<module>.<Macro>...`` when it finds it)."""
    out = {}
    forms = page.Forms
    for i in range(forms.Count):
        form = forms.getByIndex(i)
        for j in range(form.Count):
            for event in form.getScriptEvents(j):
                if event.EventMethod == "actionPerformed":
                    out[form.getByIndex(j).Name] = event.ScriptCode
    return out


def call(doc, function: str, calls: list[list]) -> list:
    """Results of the VBA ``Module.Function`` for each argument list, run by LibreOffice Basic
    (its VBA support mode): a second interpreter of our VBA source.

    The module is copied alone into a new library first: LibreOffice compiles a library as a
    whole, and xlwings' Windows-only declarations in the same project do not compile there.
    """
    module, _, name = function.partition(".")
    basic = doc.BasicLibraries
    basic.loadLibrary("segmenter")
    probe = basic.createLibrary("probe")
    probe.insertByName(module, basic.getByName("segmenter").getByName(module))
    script = doc.getScriptProvider().getScript(
        f"vnd.sun.star.script:probe.{module}.{name}?language=Basic&location=document")
    return [script.invoke(tuple(args), (), ())[0] for args in calls]


def render(doc, sheets: list[str], rows: int, cols: int, out_dir: Path, tmp: Path,
           names: list[str] | None = None) -> list[str]:
    """PNG of the top-left ``rows`` x ``cols`` cells of each named sheet (PDF, then pdftoppm);
    named after the sheet (ASCII letters and digits) unless ``names`` gives the file names."""
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, wanted in enumerate(sheets):
        sheet = doc.Sheets.getByName(wanted)
        area = sheet.getCellRangeByPosition(0, 0, cols - 1, rows - 1)
        pdf = tmp / "sheet.pdf"
        doc.storeToURL(pdf.as_uri(), _props(
            FilterName="calc_pdf_Export",
            FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", _props(Selection=area))))
        stem = names[i] if names else re.sub(r"[^A-Za-z0-9]+", "-", wanted).strip("-").lower()
        target = out_dir / f"{stem}.png"
        x, y, w, h = _content_box(pdf, tmp, DPI)
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-singlefile", "-f", "1", "-l", "1",
                        "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h),
                        str(pdf), str(target.with_suffix(""))], check=True)
        written.append(str(target))
    return written


DPI = 170


def _content_box(pdf: Path, tmp: Path, dpi: int, margin: int = 16) -> tuple[int, int, int, int]:
    """Pixel box of the non-white part of page 1 (to crop the paper margins away)."""
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-singlefile", "-f", "1", "-l", "1",
                    str(pdf), str(tmp / "page")], check=True)
    data = (tmp / "page.pgm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    width, height = int(width), int(height)
    white = bytes([255])
    top = bottom = None
    left, right = width, 0
    for row in range(height):
        line = pixels[row * width:(row + 1) * width]
        if not line.strip(white):
            continue
        top = row if top is None else top
        bottom = row
        left = min(left, width - len(line.lstrip(white)))
        right = max(right, len(line.rstrip(white)))
    if top is None:
        return 0, 0, width, height
    x, y = max(left - margin, 0), max(top - margin, 0)
    return x, y, min(right + margin, width) - x, min(bottom + margin, height) - y


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--render", type=Path, help="folder for PNGs of the first file's sheets")
    parser.add_argument("--sheets", nargs="*", default=["Start here", "Customers"])
    parser.add_argument("--rows", type=int, default=28, help="rows of each sheet to render")
    parser.add_argument("--cols", type=int, default=13, help="columns of each sheet to render")
    parser.add_argument("--names", nargs="*", help="file names (no .png) for the rendered sheets")
    parser.add_argument("--call", help="Module.Function of the VBA to run in each file (macros on)")
    parser.add_argument("--args", type=Path, help="JSON file: a list of argument lists for --call")
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None:
        print(json.dumps({"error": "soffice not found"}))
        return 2
    report = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        office = Office(tmp)
        if args.call:
            office.executable_vba()
        try:
            for i, path in enumerate(args.files):
                opened = as_workbook_copy(path, tmp) if path.suffix.lower() == ".xlam" else path
                doc = office.load(opened, run_macros=bool(args.call))
                if doc is None:
                    report[str(path)] = {"error": "LibreOffice could not open it"}
                    continue
                try:
                    report[str(path)] = describe(doc)
                    if args.call:
                        calls = json.loads(args.args.read_text("utf-8")) if args.args else [[]]
                        report[str(path)]["calls"] = call(doc, args.call, calls)
                    if args.render and i == 0:
                        report[str(path)]["rendered"] = render(doc, args.sheets, args.rows, args.cols,
                                                               args.render, tmp, args.names)
                finally:
                    doc.close(True)
        finally:
            office.close()
    print(json.dumps(report, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
