"""Compile segmenter's bytecode before a bench, as an installed package has it.

pip compiles ``.pyc`` files when it installs a package, and an editable install writes
them on the first import. A shell with ``PYTHONDONTWRITEBYTECODE=1`` (ours had it) never
writes them, so every fresh process of the bench compiled about 100 modules from source:
0.2-0.4 s that no owner pays, charged to imports and to the first call.
"""

from __future__ import annotations

import compileall
import importlib.util
from pathlib import Path


def compile_segmenter() -> Path:
    """Write the ``.pyc`` files of the segmenter package that the bench imports; its folder."""
    spec = importlib.util.find_spec("segmenter")
    if spec is None or spec.origin is None:
        raise SystemExit("segmenter is not importable: install it or set PYTHONPATH=python")
    folder = Path(spec.origin).parent
    compileall.compile_dir(str(folder), quiet=1)
    return folder
