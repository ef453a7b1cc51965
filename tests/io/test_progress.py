"""Stage progress: lines on a terminal (a real pseudo-terminal), silence on a pipe."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from segmenter.io.progress import StageProgress

LINE = re.compile(r"^ *(\d+\.\d) s  (.+)$")


def _demo_csv(path: Path, orders: bool) -> Path:
    from segmenter.demo_data import load_demo_customers, load_demo_orders

    (load_demo_orders() if orders else load_demo_customers()).to_csv(path, index=False)
    return path


def _run(args: list[str], tty: bool) -> tuple[int, str, str]:
    """The CLI in a fresh Python; stderr on a pseudo-terminal when ``tty``, else a pipe."""
    cmd = [sys.executable, "-m", "segmenter.cli", *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if not tty:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = proc.stdout.read().decode() if proc.stdout else ""
    proc.wait(timeout=300)
    return proc.returncode, out, b"".join(chunks).decode().replace("\r\n", "\n")


def _stages(err: str) -> list[tuple[float, str]]:
    lines = [LINE.match(x) for x in err.strip().splitlines()]
    assert all(lines), f"not a stage line in: {err!r}"
    return [(float(m.group(1)), m.group(2)) for m in lines if m]


@pytest.mark.parametrize("orders", [False, True], ids=["customers", "orders"])
def test_stage_lines_on_a_terminal(tmp_path, orders):
    src = _demo_csv(tmp_path / "shop.csv", orders)
    out = tmp_path / "out.xlsx"
    code, stdout, err = _run(["segment-orders" if orders else "segment", str(src), "--output", str(out)],
                             tty=True)
    assert code == 0, err
    stages = _stages(err)
    names = [s for _, s in stages]
    rows = sum(1 for _ in src.open(encoding="utf-8")) - 1
    expected = (["reading shop.csv", f"cleaning orders {rows:,} rows"] if orders
                else ["reading shop.csv", f"cleaning {rows:,} rows"])
    assert names[:2] == expected
    assert any(n.startswith("clustering ") and n.endswith(" rows") for n in names)
    assert any(n.startswith("writing out.xlsx ") for n in names)
    assert names[-1] == "done"
    times = [t for t, _ in stages]
    assert times == sorted(times), "elapsed time runs forward"
    assert "wrote" in stdout and "s  " not in stdout, "stage lines stay off stdout"


def test_quiet_when_stderr_is_a_pipe(tmp_path):
    src = _demo_csv(tmp_path / "shop.csv", orders=False)
    code, stdout, err = _run(["segment", str(src), "--output", str(tmp_path / "o.xlsx")], tty=False)
    assert code == 0 and err == ""
    assert "wrote" in stdout


def test_not_a_terminal_writes_nothing():
    buf = io.StringIO()
    progress = StageProgress(buf)
    progress("cleaning", 10)
    progress.done()
    assert buf.getvalue() == ""
