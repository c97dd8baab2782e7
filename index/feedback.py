"""Readers' votes on answers, kept as JSON lines in the data folder, and the 👎 ones
exported as a `cited eval questions` file: a gap in the docs becomes a regression check
once the owner writes the words a good answer must contain.

Library code: it stores and exports plain data; the Discord bot decides when to call it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from index.errors import CitedError

FEEDBACK_FILE = "feedback.jsonl"
# A secret salt kept beside the votes: a plain hash of a Discord id could be reversed
# by hashing every id of a server's members; with the salt it cannot, yet one voter's
# votes still share one hash.
SALT_FILE = "feedback.salt"


@dataclass
class Vote:
    vote: Literal["up", "down"]
    question: str
    answer: str
    citations: list[str] = field(default_factory=list)  # Citation.where() of each citation
    voter: str = ""  # salted hash of the voter's id, never the id
    at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


class FeedbackLog:
    """Votes appended to ``data_dir/feedback.jsonl`` (one JSON object a line)."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir)
        self.path = self.dir / FEEDBACK_FILE
        self._lock = threading.Lock()

    def voter_hash(self, voter_id: int | str) -> str:
        salt_file = self.dir / SALT_FILE
        with self._lock:
            if not salt_file.exists():
                self.dir.mkdir(parents=True, exist_ok=True)
                salt_file.write_text(secrets.token_hex(16))
            salt = salt_file.read_text().strip()
        return hashlib.sha256(f"{salt}:{voter_id}".encode()).hexdigest()[:16]

    def record(self, vote: Vote) -> None:
        line = json.dumps(asdict(vote), ensure_ascii=False) + "\n"
        with self._lock:
            self.dir.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)

    def votes(self) -> list[Vote]:
        if not self.path.exists():
            return []
        out = []
        for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                out.append(Vote(**json.loads(line)))
            except (ValueError, TypeError) as e:
                raise CitedError(f"{self.path}:{n}: not a vote ({e})") from None
        return out

    def export_checks(self, dest: Path) -> int:
        """Write each question voted 👎 once, as ``{"q": ..., "expect": []}`` lines for
        `cited eval questions`, with the answer given and its citations beside it
        (ignored by the loader) so the owner can fill in ``expect``. Returns how many."""
        seen: dict[str, Vote] = {}
        for v in self.votes():
            if v.vote == "down" and v.question.strip():
                seen[v.question.strip()] = v  # the latest answer to a question wins
        lines = [
            json.dumps({"q": q, "expect": [], "answer_given": v.answer, "cited": v.citations}, ensure_ascii=False)
            for q, v in seen.items()
        ]
        if not lines:
            return 0  # no file: an empty one would only be run as checks of nothing
        try:
            Path(dest).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        except OSError as e:
            from index.errors import CitedError

            raise CitedError(f"cannot write {dest}: {e.strerror or e}") from None
        return len(lines)
