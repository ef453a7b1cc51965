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


def _config(path: Path) -> list[list[str]]:
    """Parse the config file as VBA's ``Input #`` does: comma-separated, double-quoted."""
    return [row for row in csv.reader(io.StringIO(path.read_text("utf-8"))) if row]


def test_windows_install_copies_to_xlstart_and_writes_the_interpreter(windows, tmp_path, capsys):
    home, appdata = windows
    source = _fake_addin(tmp_path / "segmenter.xlam")
    assert addin_install.run("install", source=source) == 0
    target = appdata / "Microsoft" / "Excel" / "XLSTART" / "segmenter.xlam"
    assert target.read_bytes() == source.read_bytes()
    config = home / ".segmenter" / "segmenter.conf"
    assert _config(config) == [["INTERPRETER_WIN", sys.executable]]
    out = capsys.readouterr().out
    assert str(target) in out and sys.executable in out
    assert "runpython install" not in out


def test_config_line_is_the_one_xlwings_writes(windows, tmp_path, monkeypatch):
    """Same format as ``xlwings config create`` (xlwings.cli.config_create) on Windows."""
    home, _ = windows
    xlwings_conf = tmp_path / "xlwings-ref" / "xlwings.conf"
    cli = importlib.import_module("xlwings.cli")
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(xlwings_conf))
    monkeypatch.delenv("CONDA_DEFAULT_ENV", raising=False)
    monkeypatch.delenv("CONDA_EXE", raising=False)
    cli.config_create(None)
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam")) == 0
    ours = (home / ".segmenter" / "segmenter.conf").read_text("utf-8")
    assert ours == xlwings_conf.read_text()


def test_install_keeps_other_config_keys(windows, tmp_path):
    home, _ = windows
    config = home / ".segmenter" / "segmenter.conf"
    config.parent.mkdir(parents=True)
    config.write_text('"PYTHONPATH","C:\\work"\n"INTERPRETER_WIN","C:\\old\\python.exe"\n')
    assert addin_install.run("install", source=_fake_addin(tmp_path / "a.xlam")) == 0
    assert _config(config) == [["PYTHONPATH", "C:\\work"], ["INTERPRETER_WIN", sys.executable]]


def test_mac_install_uses_the_office_group_container_and_the_sandbox_config(mac, tmp_path, capsys):
    home = mac
    source = _fake_addin(tmp_path / "segmenter.xlam")
    assert addin_install.run("install", source=source) == 0
    assert (home / MAC_STARTUP / "segmenter.xlam").read_bytes() == source.read_bytes()
    # GetConfigFilePath on Mac: (sandboxed home) & "/" & PROJECT_NAME & ".conf"
    config = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "segmenter.conf"
    assert _config(config) == [["INTERPRETER_MAC", sys.executable]]
    out = capsys.readouterr().out
    assert "xlwings runpython install" in out
    assert "Windows only" in out


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
