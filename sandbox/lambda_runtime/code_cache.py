"""Deployment packages extracted once, keyed by the sha256 of the zip."""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import threading
import uuid
import zipfile
from pathlib import Path

#: Default cache location (override with ``CodeCache(root)`` or ``$SANDBOX_CODE_CACHE``).
DEFAULT_ROOT = Path(tempfile.gettempdir()) / "labelchain-sandbox-code"


class CodeCache:
    """Extract zips into ``<root>/<sha256>/`` once; concurrent callers share the result.

    Parameters
    ----------
    root : cache directory; default :data:`DEFAULT_ROOT`.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else DEFAULT_ROOT
        self._lock = threading.Lock()

    def directory_for(self, package: bytes) -> Path:
        """The directory holding ``package`` extracted (an empty directory for an empty package)."""
        digest = hashlib.sha256(package).hexdigest()
        target = self.root / digest
        if target.is_dir():
            return target
        with self._lock:
            if target.is_dir():
                return target
            self.root.mkdir(parents=True, exist_ok=True)
            staging = self.root / f".staging-{uuid.uuid4().hex}"
            staging.mkdir()
            try:
                if package:
                    with zipfile.ZipFile(io.BytesIO(package)) as archive:
                        archive.extractall(staging)
                # An atomic rename: another process extracting the same digest either wins or loses cleanly.
                staging.rename(target)
            except OSError:
                if not target.is_dir():
                    raise
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return target
