"""Uploaded workbooks waiting for the commissioner to confirm their import.

Kept in the instance folder under a random token, readable only by the user who uploaded them,
and thrown away once imported, cancelled or an hour old.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

MAX_AGE_SECONDS = 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class PendingImport:
    """An upload waiting for confirmation, with the inputs' fingerprint its preview was made
    against."""

    token: str
    content: bytes
    filename: str
    fingerprint: str = ""


class PendingImports:
    """The folder of pending imports for one app."""

    def __init__(self, instance_path: str | Path) -> None:
        self.folder = Path(instance_path) / "pending_imports"

    def keep(
        self, content: bytes, user_id: int | None, filename: str, fingerprint: str = ""
    ) -> str:
        """Store an upload for `user_id`, previewed against the inputs' `fingerprint`; returns
        the token the confirm form carries."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._forget_old()
        token = secrets.token_urlsafe(32)
        (self.folder / f"{token}.xlsx").write_bytes(content)
        meta = {
            "user_id": user_id,
            "filename": filename[:200],
            "fingerprint": fingerprint,
            "at": time.time(),
        }
        (self.folder / f"{token}.json").write_text(json.dumps(meta))
        return token

    def take(self, token: str, user_id: int | None) -> PendingImport | None:
        """The upload behind `token` if it belongs to `user_id` and is still fresh."""
        if not _TOKEN.match(token or ""):
            return None
        meta_path, content_path = self.folder / f"{token}.json", self.folder / f"{token}.xlsx"
        try:
            meta = json.loads(meta_path.read_text())
            content = content_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("user_id") != user_id or time.time() - meta.get("at", 0) > MAX_AGE_SECONDS:
            return None
        return PendingImport(
            token, content, str(meta.get("filename", "")), str(meta.get("fingerprint", ""))
        )

    def discard(self, token: str) -> None:
        if _TOKEN.match(token or ""):
            for suffix in (".json", ".xlsx"):
                (self.folder / f"{token}{suffix}").unlink(missing_ok=True)

    def _forget_old(self) -> None:
        now = time.time()
        for path in self.folder.glob("*.json"):
            try:
                if now - path.stat().st_mtime > MAX_AGE_SECONDS:
                    self.discard(path.stem)
            except OSError:
                continue
