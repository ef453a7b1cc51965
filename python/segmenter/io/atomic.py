"""What every file we write shares: the mode a new file gets under the user's umask.

Outputs are written to a ``mkstemp`` file and renamed into place; mkstemp makes
the file 0600, and that mode would survive the rename, so an output another
user (or a shared folder's backup job) should read would be private.
"""

from __future__ import annotations

import os


def umask_mode(base: int = 0o666) -> int:
    """The mode ``open()`` would give a new file under the current umask."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask
