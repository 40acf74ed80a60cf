"""Files in the instance folder hold secrets and working data: only their owner reads them."""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """A folder only its owner can enter (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    path.chmod(0o600)
