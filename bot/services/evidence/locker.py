"""The folder the documents' bytes live in, addressed by content (``ab/cd/<sha256>``).

A file is written to a temporary name in its final folder, fsynced, renamed into place and
its folder fsynced, so a crash leaves either the whole file or none; the same bytes twice
are one file. Called from a worker thread: nothing here touches the event loop.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


class Locker:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> tuple[str, int]:
        """Keep ``data``; (its sha256, its size)."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if target.exists() and target.stat().st_size == len(data):
            return digest, len(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        return digest, len(data)

    def size(self) -> int:
        """The bytes kept, in all."""
        if not self.root.exists():
            return 0
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())

    def copy_to(self, target: Path) -> int:
        """Copy every kept file (not the temporary ones) to ``target``; how many."""
        count = 0
        if not self.root.exists():
            return 0
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith(".part-"):
                destination = target / path.relative_to(self.root)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)
                count += 1
        return count
