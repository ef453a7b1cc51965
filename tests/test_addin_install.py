"""``segmenter addin install|uninstall|status`` in a fake home, per OS (sys.platform patched).

References: xlwings' own config writer (``xlwings.cli.config_create``) for the file
format, and the paths the add-in's xlwings VBA reads (``GetConfigFilePath``).
"""

from __future__ import annotations

import csv
import importlib
import io
import sys
import zipfile
from pathlib import Path

import pytest
import xlwings

import segmenter
from segmenter import addin_install

MAC_STARTUP = ("Library/Group Containers/UBF8T346G9.Office/User Content.localized/"
               "Startup.localized/Excel")


def _fake_addin(path: Path, xlwings_version: str = xlwings.__version__,
                segmenter_version: str = segmenter.__version__) -> Path:
    """A minimal add-in package carrying the version stamps the build writes."""
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="SegmenterVersion">'
        f"<vt:lpwstr>{segmenter_version}</vt:lpwstr></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="XlwingsVersion">'
        f"<vt:lpwstr>{xlwings_version}</vt:lpwstr></property></Properties>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("docProps/custom.xml", custom)
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return path


@pytest.fixture
def windows(monkeypatch, tmp_path):
    home = tmp_path / "Users" / "owner"
    appdata = home / "AppData" / "Roaming"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(appdata))
    monkeypatch.setenv("USERPROFILE", str(home))
    return home, appdata


@pytest.fixture
def mac(monkeypatch, tmp_path):
    home = tmp_path / "Users" / "owner"
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", str(home))
    return home


def _config(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    """Parse the config file as VBA's ``Input #`` does: comma-separated, double-quoted, decoded
    in the code page (VBA's file I/O decodes the Windows ANSI code page)."""
    return [row for row in csv.reader(io.StringIO(path.read_bytes().decode(encoding))) if row]


def test_windows_install_copies_to_xlstart_and_writes_the_interpreter(windows, tmp_path, capsys):
    home, appdata = windows
    source = _fake_addin(tmp_path / "segmenter.xlam")
    assert addin_install.run("install", source=source) == 0
    target = appdata / "Microsoft" / "Excel" / "XLSTART" / "segmenter.xlam"
    assert target.read_bytes() == source.read_bytes()
    config = home / ".segmenter" / "segmenter.conf"
    assert _config(config) == [["ADD_WORKBOOK_TO_PYTHONPATH", "False"], ["INTERPRETER_WIN", sys.executable]]
    out = capsys.readouterr().out
    assert str(target) in out and sys.executable in out
    assert "runpython install" not in out


def _xlwings_config(tmp_path: Path, monkeypatch) -> str:
    """What ``xlwings config create`` (xlwings.cli.config_create) writes in this environment."""
    xlwings_conf = tmp_path / "xlwings-ref" / "xlwings.conf"
    cli = importlib.import_module("xlwings.cli")
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(xlwings_conf))
    cli.config_create(None)
    return xlwings_conf.read_text()


OUR_LINE = '"ADD_WORKBOOK_TO_PYTHONPATH","False"\n'


def test_config_lines_are_the_ones_xlwings_writes(windows, tmp_path, monkeypatch):
    """Same lines as ``xlwings config create`` on Windows, plus our one setting (issue 15 item 2)."""
    home, _ = windows
    for key in ("CONDA_DEFAULT_ENV", "CONDA_EXE", "CONDA_PREFIX"):
        monkeypatch.delenv(key, raising=False)
    reference = _xlwings_config(tmp_path, monkeypatch)
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam")) == 0
    ours = (home / ".segmenter" / "segmenter.conf").read_text("utf-8")
    assert ours == OUR_LINE + reference


def test_conda_env_is_written_as_xlwings_writes_it(windows, tmp_path, monkeypatch):
    """An active conda env: CONDA PATH / CONDA ENV, no interpreter, as xlwings' config create."""
    home, _ = windows
    monkeypatch.setenv("CONDA_EXE", "/opt/miniconda3/bin/conda")
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "segments")
    monkeypatch.setenv("CONDA_PREFIX", sys.prefix)
    reference = _xlwings_config(tmp_path, monkeypatch)
    assert reference == '"CONDA PATH","/opt/miniconda3"\n"CONDA ENV","segments"\n'
    config = home / ".segmenter" / "segmenter.conf"
    config.parent.mkdir(parents=True)
    config.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n')  # a previous, non-conda install
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam")) == 0
    assert config.read_text("utf-8") == OUR_LINE + reference


def test_windows_conda_root_is_cut_from_conda_exe(tmp_path, monkeypatch):
    monkeypatch.setenv("CONDA_EXE", "C:\\Users\\ana\\miniconda3\\Scripts\\conda.exe")
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "seg")
    monkeypatch.setenv("CONDA_PREFIX", sys.prefix)
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), platform="windows",
                             target_dir=tmp_path / "out", encoding="cp1252") == 0
    assert _config(tmp_path / "out" / "segmenter.conf", "cp1252") == [
        ["ADD_WORKBOOK_TO_PYTHONPATH", "False"], ["CONDA PATH", "C:\\Users\\ana\\miniconda3"],
        ["CONDA ENV", "seg"]]


def test_a_venv_inside_a_conda_shell_keeps_its_interpreter(tmp_path, monkeypatch):
    monkeypatch.setenv("CONDA_EXE", "/opt/miniconda3/bin/conda")
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "base")
    monkeypatch.setenv("CONDA_PREFIX", str(tmp_path / "miniconda3"))  # not this Python's prefix
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), platform="windows",
                             target_dir=tmp_path / "out", encoding="cp1252") == 0
    rows = _config(tmp_path / "out" / "segmenter.conf", "cp1252")
    assert ["INTERPRETER_WIN", sys.executable] in rows and not [r for r in rows if r[0].startswith("CONDA")]


def test_install_keeps_other_config_keys(windows, tmp_path):
    home, _ = windows
    config = home / ".segmenter" / "segmenter.conf"
    config.parent.mkdir(parents=True)
    config.write_text('"PYTHONPATH","C:\\work"\n"INTERPRETER_WIN","C:\\old\\python.exe"\n')
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam")) == 0
    assert _config(config) == [["PYTHONPATH", "C:\\work"], ["ADD_WORKBOOK_TO_PYTHONPATH", "False"],
                               ["INTERPRETER_WIN", sys.executable]]


def test_mac_install_uses_the_office_group_container_and_the_sandbox_config(mac, tmp_path, capsys):
    home = mac
    source = _fake_addin(tmp_path / "segmenter.xlam")
    assert addin_install.run("install", source=source) == 0
    assert (home / MAC_STARTUP / "segmenter.xlam").read_bytes() == source.read_bytes()
    # GetConfigFilePath on Mac: (sandboxed home) & "/" & PROJECT_NAME & ".conf"
    config = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "segmenter.conf"
    assert _config(config) == [["ADD_WORKBOOK_TO_PYTHONPATH", "False"], ["INTERPRETER_MAC", sys.executable]]
    out = capsys.readouterr().out
    assert "xlwings runpython install" in out
    assert "Windows only" in out
    # what `xlwings runpython install` does (xlwings.cli.runpython_install): the AppleScript
    script = f"xlwings-{xlwings.__version__}.applescript"
    installed = home / "Library" / "Application Scripts" / "com.microsoft.Excel" / script
    assert installed.read_bytes() == (Path(xlwings.__file__).parent / script).read_bytes()


def test_linux_says_excel_is_not_here_and_points_to_the_cli(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    for action in ("install", "uninstall", "status"):
        assert addin_install.run(action, source=_fake_addin(tmp_path / "a.xlam")) == 1
    out = capsys.readouterr().out
    assert "Excel is not available" in out and "segmenter segment" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlam"]


def test_status_reports_install_and_version_match(windows, tmp_path, capsys):
    _, appdata = windows
    assert addin_install.run("status") == 1
    assert "not installed" in capsys.readouterr().out
    addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"))
    capsys.readouterr()
    assert addin_install.run("status") == 0
    out = capsys.readouterr().out
    assert str(appdata / "Microsoft" / "Excel" / "XLSTART" / "segmenter.xlam") in out
    assert f"xlwings: add-in {xlwings.__version__}, installed package {xlwings.__version__} -> match" in out


def test_status_flags_an_xlwings_mismatch(windows, tmp_path, capsys):
    addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam", xlwings_version="0.30.0"))
    capsys.readouterr()
    assert addin_install.run("status") == 1
    out = capsys.readouterr().out
    assert f"xlwings: add-in 0.30.0, installed package {xlwings.__version__} -> MISMATCH" in out


def test_status_reads_the_stamps_of_the_real_build(windows, capsys):
    built = Path(__file__).resolve().parents[1] / "addin" / "segmenter.xlam"
    if not built.is_file():
        pytest.skip("addin/segmenter.xlam not built")
    assert addin_install.run("install", source=built) == 0
    capsys.readouterr()
    assert addin_install.run("status") == 0


def test_uninstall_removes_the_addin_and_our_config(windows, tmp_path, capsys):
    home, appdata = windows
    addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"))
    assert addin_install.run("uninstall") == 0
    assert not (appdata / "Microsoft" / "Excel" / "XLSTART" / "segmenter.xlam").exists()
    assert not (home / ".segmenter").exists()
    assert addin_install.run("uninstall") == 0
    assert "was not installed" in capsys.readouterr().out


def test_unknown_action(capsys):
    assert addin_install.run("frobnicate") == 2


# --------------------------------------------------------------------------- issue 15: real-world setups


@pytest.fixture
def no_conda(monkeypatch):
    for key in ("CONDA_DEFAULT_ENV", "CONDA_EXE", "CONDA_PREFIX"):
        monkeypatch.delenv(key, raising=False)


@pytest.mark.parametrize("code_page,exe", [
    ("cp936", "C:\\Users\\张三\\AppData\\Local\\Programs\\Python\\Python311\\python.exe"),
    ("cp1252", "C:\\Users\\José Müller\\AppData\\Local\\Programs\\Python\\Python311\\python.exe"),
])
def test_windows_config_is_in_the_ansi_code_page(tmp_path, monkeypatch, no_conda, code_page, exe):
    """VBA's ``Open ... For Input`` decodes the ANSI code page: the bytes must be that code page's."""
    monkeypatch.setattr(sys, "executable", exe)
    out = tmp_path / "pkg"
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), platform="windows",
                             target_dir=out, encoding=code_page) == 0
    config = out / "segmenter.conf"
    assert _config(config, code_page) == [["ADD_WORKBOOK_TO_PYTHONPATH", "False"], ["INTERPRETER_WIN", exe]]
    assert config.read_bytes() != config.read_bytes().decode(code_page).encode("utf-8")
    assert (out / "segmenter.xlam").is_file()


def test_a_path_the_code_page_cannot_hold_fails_in_one_line_and_writes_nothing(
        tmp_path, monkeypatch, no_conda, capsys):
    monkeypatch.setattr(sys, "executable", "C:\\Users\\张三\\Python311\\python.exe")
    out = tmp_path / "pkg"
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), platform="windows",
                             target_dir=out, encoding="cp1252") == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "cp1252" in err and "8.3" in err and "ASCII" in err
    assert not out.exists()


def test_short_names_come_from_windows_only():
    """The 8.3 fallback asks GetShortPathNameW; there is none off Windows."""
    if sys.platform.startswith("win"):
        pytest.skip("on Windows the short name depends on the volume")
    assert addin_install.short_path(sys.executable) is None


def test_windows_layout_off_windows_needs_the_code_page(tmp_path, no_conda, capsys):
    if sys.platform.startswith("win"):
        pytest.skip("Windows knows its own code page")
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), platform="windows",
                             target_dir=tmp_path / "pkg") == 2
    assert "--encoding" in capsys.readouterr().err
    assert not (tmp_path / "pkg").exists()


def test_onedrive_workbook_is_not_mapped_to_a_folder(tmp_path, monkeypatch, no_conda):
    """xlwings' own prepare_sys_path, fed the string the add-in's VBA builds from our config
    (AddExcelDir; ActiveWorkbook.FullName; ThisWorkbook.FullName; OneDrive settings; PYTHONPATH)."""
    from xlwings import XlwingsError
    from xlwings.utils import prepare_sys_path

    for var in ("OneDrive", "OneDriveConsumer", "OneDriveCommercial"):
        monkeypatch.delenv(var, raising=False)
    addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), platform="windows",
                      target_dir=tmp_path, encoding="cp1252")
    value = dict((r[0], r[1]) for r in _config(tmp_path / "segmenter.conf", "cp1252"))[
        "ADD_WORKBOOK_TO_PYTHONPATH"]
    url = "https://d.docs.live.net/4a1b2c3d4e5f/Documents/Customers.xlsx"
    tail = f";{url};C:\\Users\\owner\\AppData\\Roaming\\Microsoft\\Excel\\XLSTART\\segmenter.xlam;;;;"
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = list(sys.path)
    prepare_sys_path(value + tail)  # no error; only the (empty) PYTHONPATH setting is added
    assert sys.path[len(sys.path) - len(before):] == before
    assert set(sys.path[:len(sys.path) - len(before)]) <= {""}
    with pytest.raises(XlwingsError, match="OneDrive"):  # what xlwings' default "true" does
        prepare_sys_path("true" + tail)


def test_mac_target_dir_does_not_touch_this_home_and_says_what_to_run(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    out = tmp_path / "pkg"
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), platform="mac",
                             target_dir=out) == 0
    assert sorted(p.name for p in out.iterdir()) == ["segmenter.conf", "segmenter.xlam"]
    assert _config(out / "segmenter.conf")[-1] == ["INTERPRETER_MAC", sys.executable]
    assert not (tmp_path / "home").exists()
    assert "xlwings runpython install" in capsys.readouterr().out


def test_dry_run_prints_the_plan_and_writes_nothing(mac, tmp_path, capsys):
    home = mac
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam"), dry_run=True) == 0
    out = capsys.readouterr().out
    assert "Dry run" in out and "run: xlwings runpython install" in out
    assert f"INTERPRETER_MAC = {sys.executable}" in out and "ADD_WORKBOOK_TO_PYTHONPATH = False" in out
    assert str(home / MAC_STARTUP / "segmenter.xlam") in out
    assert not home.exists()


def test_mac_config_failure_is_a_config_problem_not_quit_excel(mac, tmp_path, capsys):
    home = mac
    blocker = home / "Library" / "Containers"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the sandbox folder should be")
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam")) == 1
    out = capsys.readouterr().out
    assert "config file" in out and "quit Excel" not in out


def test_cli_installs_for_another_platform(tmp_path, no_conda, capsys):
    """The CLI as packagers call it."""
    from segmenter.cli import main

    out = tmp_path / "pkg"
    args = ["addin", "install", "--platform", "windows", "--target-dir", str(out), "--encoding", "cp936"]
    assert main(args) == 0
    assert (out / "segmenter.xlam").is_file()
    assert ["INTERPRETER_WIN", sys.executable] in _config(out / "segmenter.conf", "cp936")
    capsys.readouterr()
    assert main([*args[:5], str(tmp_path / "dry"), *args[6:], "--dry-run"]) == 0
    assert "Dry run" in capsys.readouterr().out
    assert not (tmp_path / "dry").exists()
    assert main([*args[:6], "--encoding", "no-such-code-page"]) == 2
