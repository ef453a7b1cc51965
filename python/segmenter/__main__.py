"""``python -m segmenter``: the same command line as the ``segmenter`` script.

Why: where the venv's scripts folder is not on PATH (a scheduled task, a Mac with
several Pythons) the module form is the one that always works.
"""

from __future__ import annotations

import sys

from segmenter.cli import main

if __name__ == "__main__":
    sys.exit(main())
