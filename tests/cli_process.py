"""The real CLI in a subprocess, for tests that check what the owner sees on the console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "python"


def run_cli(*args: str, cwd: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``segmenter`` with ``args``, run from ``cwd``.

    The package of this checkout (as the tests import it), UTF-8 console streams.
    """
    env = {**os.environ, "PYTHONPATH": str(PACKAGE), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "segmenter.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=cwd, timeout=600)
    return done.returncode, done.stdout, done.stderr
