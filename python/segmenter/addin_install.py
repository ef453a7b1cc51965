"""``segmenter addin install | uninstall | status``: put the add-in where Excel loads it.

Mirrors what ``xlwings addin install`` and ``xlwings config create`` do for
xlwings' own add-in, without needing a running Excel (xlwings asks Excel for
``Application.StartupPath``; we use the folders that call returns for a normal
user install):

- the add-in goes into Excel's startup folder, so Excel opens it at every start:
  Windows ``%APPDATA%\\Microsoft\\Excel\\XLSTART``; Mac the ``Startup.localized/Excel``
  folder of the Office group container;
- the interpreter goes into the add-in's user config file, in xlwings' format
  (``"INTERPRETER_WIN","C:\\...\\python.exe"``), at the path the add-in's xlwings VBA
  reads: ``%USERPROFILE%\\.segmenter\\segmenter.conf`` on Windows and
  ``~/Library/Containers/com.microsoft.Excel/Data/segmenter.conf`` on Mac
  (``GetConfigFilePath`` with ``PROJECT_NAME = "segmenter"``).

The config is read by VBA's ``Open ... For Input``, which decodes the Windows
ANSI code page (cp936 on a Chinese Windows, cp1252 on a Western one), so on
Windows it is written in that code page, as ``xlwings config create`` does (it
writes with Python's locale encoding). A path the code page cannot hold falls
back to its 8.3 short name. In an active conda env the config names the env
(``CONDA PATH``/``CONDA ENV``) instead of the interpreter, so that the add-in
activates it and numpy's DLLs load. ``ADD_WORKBOOK_TO_PYTHONPATH`` is off:
Segmenter needs nothing from the workbook's folder, and for a OneDrive or
SharePoint workbook xlwings would fail to map its URL to a folder.

``status`` compares the versions the build stamped into the add-in
(docProps/custom.xml) with this Python's packages: a different xlwings breaks
RunPython, because the VBA and the Python side must be the same release.
"""

from __future__ import annotations

import locale
import ntpath
import os
import posixpath
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

ADDIN_NAME = "segmenter.xlam"
PROJECT_NAME = "segmenter"
CONFIG_NAME = f"{PROJECT_NAME}.conf"
MAC_GROUP = ("Library", "Group Containers", "UBF8T346G9.Office", "User Content.localized",
             "Startup.localized", "Excel")
MAC_SANDBOX = ("Library", "Containers", "com.microsoft.Excel", "Data")
CLI_HINT = "segmenter segment <workbook.xlsx>"
NO_WORKBOOK_PATH = ("ADD_WORKBOOK_TO_PYTHONPATH", "False")
CONDA_KEYS = ("CONDA PATH", "CONDA ENV")


class InstallError(Exception):
    """A problem the owner can fix; the message is one line saying what to do."""


@dataclass(frozen=True)
class Places:
    """Where the add-in and its config file go, and how the config is encoded."""

    system: str  # "windows" | "mac"
    startup: Path
    config: Path
    encoding: str = "utf-8"
    target_dir: bool = field(default=False)  # a packager's folder, not this user's Excel

    @property
    def addin(self) -> Path:
        return self.startup / ADDIN_NAME

    @property
    def interpreter_key(self) -> str:
        return "INTERPRETER_WIN" if self.system == "windows" else "INTERPRETER_MAC"


def host_system() -> str | None:
    """"windows" or "mac" for a desktop-Excel OS, else None."""
    if sys.platform.startswith("win"):
        return "windows"
    if sys.platform == "darwin":
        return "mac"
    return None


def windows_code_page() -> str | None:
    """The ANSI code page VBA's file I/O uses on this Windows (GetACP); None elsewhere.

    ``locale.getencoding`` is the ANSI code page even in Python's UTF-8 mode,
    where ``getpreferredencoding`` would say UTF-8.
    """
    if not sys.platform.startswith("win"):
        return None
    getencoding = getattr(locale, "getencoding", None)
    return getencoding() if getencoding else locale.getpreferredencoding(False)


def places(system: str | None = None, target_dir: Path | None = None,
           encoding: str | None = None) -> Places | None:
    """The add-in and config locations; None where there is no desktop Excel.

    ``system`` ("windows"/"mac") defaults to this OS; ``target_dir`` puts both
    files in one folder (packagers, tests); ``encoding`` overrides the code page.
    """
    system = system or host_system()
    if system is None:
        return None
    if system == "windows":
        encoding = encoding or windows_code_page()
        if encoding is None:
            raise InstallError("--platform windows off Windows needs --encoding CODEPAGE, the ANSI "
                               "code page of the target Windows (e.g. cp1252, or cp936 for Chinese)")
    encoding = encoding or "utf-8"
    if target_dir is not None:
        return Places(system, target_dir, target_dir / CONFIG_NAME, encoding, True)
    if system == "windows":
        appdata = os.environ.get("APPDATA")
        profile = os.environ.get("USERPROFILE") or str(Path.home())
        if not appdata:
            appdata = str(Path(profile) / "AppData" / "Roaming")
        return Places("windows", Path(appdata) / "Microsoft" / "Excel" / "XLSTART",
                      Path(profile) / f".{PROJECT_NAME}" / CONFIG_NAME, encoding)
    home = Path(os.environ.get("HOME") or Path.home())
    return Places("mac", home.joinpath(*MAC_GROUP), home.joinpath(*MAC_SANDBOX) / CONFIG_NAME,
                  encoding)


def bundled_addin() -> Path | None:
    """The built segmenter.xlam: package data in a wheel, else addin/ of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / ADDIN_NAME, here.parents[1] / "addin" / ADDIN_NAME):
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- config file


def read_config(path: Path, encoding: str = "utf-8") -> list[tuple[str, str]]:
    """(key, value) lines of an xlwings-style config file ("KEY","VALUE" per line)."""
    if not path.is_file():
        return []
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # written by an older installer in UTF-8
        text = data.decode("utf-8", "replace")
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, value = line.partition(",")
        out.append((key.strip().strip('"'), value.strip().strip('"')))
    return out


def config_text(lines: list[tuple[str, str]]) -> str:
    return "".join(f'"{k}","{v}"\n' for k, v in lines)


def updated_config(old: list[tuple[str, str]], changes: dict[str, str | None]) -> list[tuple[str, str]]:
    """``old`` with each key of ``changes`` set (appended at the end) or, for None, removed."""
    upper = {k.upper() for k in changes}
    lines = [(k, v) for k, v in old if k.upper() not in upper]
    return lines + [(k, v) for k, v in changes.items() if v is not None]


def write_config(path: Path, lines: list[tuple[str, str]], encoding: str = "utf-8") -> None:
    """Write the config in ``encoding`` (or remove the file when no line is left)."""
    if not lines:
        if path.is_file():
            path.unlink()
        return
    data = config_text(lines).encode(encoding)  # encode first: a failure writes nothing
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_config_value(path: Path, key: str, value: str | None, encoding: str = "utf-8") -> None:
    """Set (or with None remove) one key, keeping the others, as xlwings' update_user_config."""
    write_config(path, updated_config(read_config(path, encoding), {key: value}), encoding)


def short_path(path: str) -> str | None:
    """The 8.3 short form of an existing path (Windows GetShortPathNameW); None elsewhere,
    or where the volume keeps no short names (fsutil 8dot3name)."""
    import ctypes

    windll = getattr(ctypes, "windll", None)  # exists on Windows only
    if windll is None:
        return None
    size = windll.kernel32.GetShortPathNameW(path, None, 0)
    buf = ctypes.create_unicode_buffer(max(size, 1))
    if not size or not windll.kernel32.GetShortPathNameW(path, buf, size):
        return None
    return buf.value


def encodable_path(path: str, encoding: str) -> str:
    """``path`` if the code page holds it, else its 8.3 short name; InstallError if neither."""
    try:
        path.encode(encoding)
        return path
    except UnicodeEncodeError:
        pass
    short = short_path(path)
    if short is not None:
        try:
            short.encode(encoding)
            return short
        except UnicodeEncodeError:
            pass
    raise InstallError(
        f"the path {path} has characters the Windows code page {encoding} cannot hold, and it has no "
        "8.3 short name; install Python in a folder with an English (ASCII) name, e.g. C:\\Python311, "
        "then run: segmenter addin install")


def conda_settings(system: str) -> tuple[str, str] | None:
    """(CONDA PATH, CONDA ENV) when this Python is an active conda env, as xlwings' config create.

    xlwings derives the conda root from ``CONDA_EXE`` (minus ``Scripts\\conda.exe``) and
    takes ``CONDA_DEFAULT_ENV``; we also require ``CONDA_PREFIX`` to be this Python's
    prefix, so a venv made inside a conda shell keeps its own interpreter. Windows only,
    as in xlwings (the Mac add-in ignores the conda keys).
    """
    env, exe, prefix = (os.environ.get(k) for k in ("CONDA_DEFAULT_ENV", "CONDA_EXE", "CONDA_PREFIX"))
    if system != "windows" or not env or not exe or not prefix:
        return None
    if os.path.normcase(os.path.abspath(prefix)) != os.path.normcase(os.path.abspath(sys.prefix)):
        return None
    paths = ntpath if "\\" in exe else posixpath
    return paths.dirname(paths.dirname(exe)), env


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
    print("Packagers: segmenter addin install --platform windows|mac --target-dir DIR")
    return 1


def config_changes(where: Places) -> dict[str, str | None]:
    """The keys install sets (and the stale ones it removes) for this Python."""
    changes: dict[str, str | None] = {NO_WORKBOOK_PATH[0]: NO_WORKBOOK_PATH[1]}
    conda = conda_settings(where.system)
    if conda is not None:  # the add-in then runs "python" of the activated env
        changes[where.interpreter_key] = None
        changes.update(zip(CONDA_KEYS, conda, strict=True))
    else:
        changes[where.interpreter_key] = sys.executable
        changes.update(dict.fromkeys(CONDA_KEYS))
    for key, value in changes.items():
        if value is not None and where.system == "windows":
            changes[key] = encodable_path(value, where.encoding)
    return changes


def runpython_install_dir() -> Path:
    """Where ``xlwings runpython install`` puts xlwings' AppleScript (Mac)."""
    return Path(os.path.expanduser("~")) / "Library" / "Application Scripts" / "com.microsoft.Excel"


def _plan(where: Places, source: Path, changes: dict[str, str | None]) -> list[str]:
    lines = [f"copy {source} -> {where.addin}",
             f"write {where.config} ({where.encoding}):"]
    lines += [f"  {k} = {v}" if v is not None else f"  remove {k}" for k, v in changes.items()]
    if where.system == "mac" and not where.target_dir:
        lines.append(f"run: xlwings runpython install  (AppleScript into {runpython_install_dir()})")
    return lines


def install(where: Places, source: Path | None = None, dry_run: bool = False) -> int:
    source = source or bundled_addin()
    if source is None or not source.is_file():
        print(f"Cannot find {ADDIN_NAME} to install; rebuild it with: python addin/build.py")
        return 1
    try:
        changes = config_changes(where)
        lines = updated_config(read_config(where.config, where.encoding), changes)
        config_text(lines).encode(where.encoding)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if dry_run:
        print("Dry run; nothing is written. Would:")
        print("\n".join(f"  {line}" for line in _plan(where, source, changes)))
        return 0
    try:
        where.startup.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, where.addin)
    except PermissionError:
        fix = ("quit Excel (it locks the add-in) and try again" if where.system == "windows"
               else "check that folder's permissions and try again")
        print(f"Could not write {where.addin}: {fix}.")
        return 1
    try:
        write_config(where.config, lines, where.encoding)
    except OSError as exc:
        print(f"Installed the add-in, but could not write its config file {where.config} "
              f"({exc.strerror or exc}); check that folder's permissions, then run: "
              "segmenter addin install")
        return 1
    return _after_install(where, changes)


def _after_install(where: Places, changes: dict[str, str | None]) -> int:
    print(f"Installed the Segmenter add-in: {where.addin}")
    shown = {k: v for k, v in changes.items() if v is not None}
    for key, value in shown.items():
        print(f"  {key} = {value}")
    print(f"  written to {where.config} ({where.encoding})")
    if where.system == "mac":
        if where.target_dir:
            print("Mac: on the target Mac also run once:  xlwings runpython install")
        else:
            try:
                from xlwings.cli import runpython_install

                runpython_install(None)
                print(f"Mac: enabled RunPython (xlwings runpython install -> {runpython_install_dir()})")
            except OSError as exc:
                print(f"Mac: could not run 'xlwings runpython install' ({exc}); run it in a terminal.")
                return 1
        print("Mac: the =SEGMENT worksheet functions work on Windows only; the ribbon buttons work.")
    print("Restart Excel; the ribbon then shows a 'Segmenter' tab.")
    return 0


def uninstall(where: Places, dry_run: bool = False) -> int:
    keys = [where.interpreter_key, NO_WORKBOOK_PATH[0], *CONDA_KEYS]
    if dry_run:
        print(f"Dry run; nothing is written. Would remove {where.addin} and {', '.join(keys)} "
              f"from {where.config}")
        return 0
    removed = False
    try:
        if where.addin.is_file():
            where.addin.unlink()
            removed = True
    except PermissionError:
        print(f"Could not remove {where.addin}: quit Excel and try again.")
        return 1
    try:
        lines = updated_config(read_config(where.config, where.encoding), dict.fromkeys(keys))
        write_config(where.config, lines, where.encoding)
    except (OSError, UnicodeEncodeError) as exc:
        print(f"Could not update the config file {where.config} ({exc}); edit or delete it by hand.")
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
    config = dict((k.upper(), v) for k, v in read_config(where.config, where.encoding))
    configured = config.get(where.interpreter_key)
    print(f"Config:  {where.config} ({where.interpreter_key} = {configured or 'not set'})")
    if config.get("CONDA ENV"):
        print(f"  conda: {config.get('CONDA PATH')} env {config['CONDA ENV']}")
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


def run(action: str, *, source: Path | None = None, platform: str | None = None,
        target_dir: Path | None = None, dry_run: bool = False, encoding: str | None = None) -> int:
    """Entry point for ``segmenter addin install|uninstall|status``; prints, returns an exit code."""
    action = action.strip().lower()
    if action not in ("install", "uninstall", "status"):
        print(f"Unknown action {action!r}; use install, uninstall or status.")
        return 2
    if platform is not None and platform not in ("windows", "mac"):
        print(f"error: unknown --platform {platform!r}; use windows or mac", file=sys.stderr)
        return 2
    if target_dir is not None and platform is None and host_system() is None:
        print("error: --target-dir needs --platform windows or --platform mac here", file=sys.stderr)
        return 2
    if encoding is not None:
        try:
            "".encode(encoding)
        except LookupError:
            print(f"error: unknown --encoding {encoding!r}; use a code page such as cp1252 or cp936",
                  file=sys.stderr)
            return 2
    try:
        where = places(platform, target_dir, encoding)
    except InstallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if where is None:
        return _no_excel()
    if action == "install":
        return install(where, source, dry_run)
    if action == "uninstall":
        return uninstall(where, dry_run)
    return status(where)
