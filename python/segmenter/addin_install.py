"""``segmenter addin install | uninstall | status``: put the add-in where Excel loads it.

Mirrors what ``xlwings addin install`` does for xlwings' own add-in, without
needing a running Excel (xlwings asks Excel for ``Application.StartupPath``; we
use the folders that call returns for a normal user install):

- the add-in goes into Excel's startup folder, so Excel opens it at every start:
  Windows ``%APPDATA%\\Microsoft\\Excel\\XLSTART``; Mac the ``Startup.localized/Excel``
  folder of the Office group container;
- the interpreter goes into the add-in's user config file, in xlwings' format
  (``"INTERPRETER_WIN","C:\\...\\python.exe"``), at the path the add-in's xlwings VBA
  reads: ``%USERPROFILE%\\.segmenter\\segmenter.conf`` on Windows and
  ``~/Library/Containers/com.microsoft.Excel/Data/segmenter.conf`` on Mac
  (``GetConfigFilePath`` with ``PROJECT_NAME = "segmenter"``).

``status`` compares the versions the build stamped into the add-in
(docProps/custom.xml) with this Python's packages: a different xlwings breaks
RunPython, because the VBA and the Python side must be the same release.
"""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

ADDIN_NAME = "segmenter.xlam"
PROJECT_NAME = "segmenter"
MAC_GROUP = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized",
             "Startup.localized", "Excel")
MAC_SANDBOX = ("Library", "Containers", "com.microsoft.Excel", "Data")
CLI_HINT = "segmenter segment <workbook.xlsx>"


@dataclass(frozen=True)
class Places:
    """Where the add-in and its config file go on this machine."""

    system: str  # "windows" | "mac"
    startup: Path
    config: Path

    @property
    def addin(self) -> Path:
        return self.startup / ADDIN_NAME

    @property
    def interpreter_key(self) -> str:
        return "INTERPRETER_WIN" if self.system == "windows" else "INTERPRETER_MAC"


def places() -> Places | None:
    """The add-in and config locations for this OS; None where there is no desktop Excel."""
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA")
        profile = os.environ.get("USERPROFILE") or str(Path.home())
        if not appdata:
            appdata = str(Path(profile) / "AppData" / "Roaming")
        return Places("windows", Path(appdata) / "Microsoft" / "Excel" / "XLSTART",
                      Path(profile) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf")
    if sys.platform == "darwin":
        home = Path(os.environ.get("HOME") or Path.home())
        return Places("mac", home.joinpath(*MAC_GROUP),
                      home.joinpath(*MAC_SANDBOX) / f"{PROJECT_NAME}.conf")
    return None


def bundled_addin() -> Path | None:
    """The built segmenter.xlam: package data in a wheel, else addin/ of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / ADDIN_NAME, here.parents[1] / "addin" / ADDIN_NAME):
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- config file


def read_config(path: Path) -> list[tuple[str, str]]:
    """(key, value) lines of an xlwings-style config file ("KEY","VALUE" per line)."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        key, _, value = line.partition(",")
        out.append((key.strip().strip('"'), value.strip().strip('"')))
    return out


def write_config_value(path: Path, key: str, value: str | None) -> None:
    """Set (or with None remove) one key, keeping the others, as xlwings' update_user_config."""
    lines = [(k, v) for k, v in read_config(path) if k.upper() != key.upper()]
    if value is not None:
        lines.append((key, value))
    if not lines:
        if path.is_file():
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'"{k}","{v}"\n' for k, v in lines), "utf-8")


# --------------------------------------------------------------------------- versions


def addin_versions(path: Path) -> dict[str, str]:
    """The versions the build stamped into an add-in (SegmenterVersion, XlwingsVersion)."""
    try:
        with zipfile.ZipFile(path) as zf:
            root = ET.fromstring(zf.read("docProps/custom.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return {}
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    return {p.get("name", ""): "".join(p.itertext()).strip() for p in root.iter(f"{ns}property")}


def _package_versions() -> dict[str, str]:
    import xlwings

    from segmenter.version import __version__

    return {"SegmenterVersion": __version__, "XlwingsVersion": xlwings.__version__}


# --------------------------------------------------------------------------- actions


def _no_excel() -> int:
    print("Excel is not available on this system (the add-in needs Excel on Windows or Mac).")
    print(f"Segment files from the command line instead: {CLI_HINT}  (see: segmenter --help)")
    return 1


def install(where: Places, source: Path | None = None) -> int:
    source = source or bundled_addin()
    if source is None or not source.is_file():
        print(f"Cannot find {ADDIN_NAME} to install; rebuild it with: python addin/build.py")
        return 1
    try:
        where.startup.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, where.addin)
        write_config_value(where.config, where.interpreter_key, sys.executable)
    except PermissionError:
        print(f"Could not write {where.addin}: quit Excel (it locks the add-in) and try again.")
        return 1
    print(f"Installed the Segmenter add-in: {where.addin}")
    print(f"Python for the add-in ({where.interpreter_key}): {sys.executable}")
    print(f"  written to {where.config}")
    if where.system == "mac":
        print("Mac: RunPython also needs xlwings' AppleScript; run once:  xlwings runpython install")
        print("Mac: the =SEGMENT worksheet functions work on Windows only; the ribbon buttons work.")
    print("Restart Excel; the ribbon then shows a 'Segmenter' tab.")
    return 0


def uninstall(where: Places) -> int:
    removed = False
    try:
        if where.addin.is_file():
            where.addin.unlink()
            removed = True
        write_config_value(where.config, where.interpreter_key, None)
    except PermissionError:
        print(f"Could not remove {where.addin}: quit Excel and try again.")
        return 1
    if where.config.parent.name == f".{PROJECT_NAME}" and where.config.parent.is_dir():
        try:
            where.config.parent.rmdir()  # only if empty
        except OSError:
            pass
    print(f"Removed {where.addin}" if removed else f"The add-in was not installed at {where.addin}")
    return 0


def status(where: Places) -> int:
    print(f"Python:  {sys.executable}")
    if not where.addin.is_file():
        print(f"The Segmenter add-in is not installed (it would go to {where.addin}).")
        print("Install it with: segmenter addin install")
        return 1
    print(f"Add-in:  {where.addin}")
    config = dict((k.upper(), v) for k, v in read_config(where.config))
    configured = config.get(where.interpreter_key)
    print(f"Config:  {where.config} ({where.interpreter_key} = {configured or 'not set'})")
    ok = True
    if configured and Path(configured) != Path(sys.executable):
        print("  note: the add-in uses a different Python than this one")
    stamped, here = addin_versions(where.addin), _package_versions()
    for key, label in (("XlwingsVersion", "xlwings"), ("SegmenterVersion", "segmenter")):
        got, want = stamped.get(key, "unknown"), here[key]
        same = got == want
        ok &= same
        print(f"{label}: add-in {got}, installed package {want} -> {'match' if same else 'MISMATCH'}")
    if not ok:
        print("The add-in does not match this Python's packages (RunPython breaks on an xlwings "
              "mismatch); run: segmenter addin install")
    return 0 if ok else 1


def run(action: str, *, source: Path | None = None) -> int:
    """Entry point for ``segmenter addin install|uninstall|status``; prints, returns an exit code."""
    action = action.strip().lower()
    if action not in ("install", "uninstall", "status"):
        print(f"Unknown action {action!r}; use install, uninstall or status.")
        return 2
    where = places()
    if where is None:
        return _no_excel()
    if action == "install":
        return install(where, source)
    if action == "uninstall":
        return uninstall(where)
    return status(where)
