"""Limits: what keeps a long-running bot's memory flat and its users' pace fair.

An LRU dict bounds every per-thread, per-answer and per-user cache; the RateLimiter
allows each user a number of questions per sliding minute and tells them once when they
go over; a Refusal is the polite no the bot gives instead of an answer (a question it
cannot take, a channel it does not answer in, a user over the limit, a library error).
Nothing here imports discord.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass

# Caches bounded so a bot in a busy server for months keeps a flat memory: a thread
# not seen among the last 2,000 is read back from Discord when it speaks again.
CONVERSATIONS_MAX = 2000
ANSWERS_MAX = 2000
RATE_KEYS_MAX = 10_000


class LRU(OrderedDict):
    """A dict keeping only its ``maxsize`` most recently used keys."""

    def __init__(self, maxsize: int):
        super().__init__()
        self.maxsize = maxsize

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (a sliding window),
    for the ``max_keys`` most recent keys."""

    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic, max_keys: int = RATE_KEYS_MAX):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: LRU = LRU(max_keys)
        self._told: LRU = LRU(max_keys)  # key -> when it was last told it is limited

    def _recent(self, key) -> deque:
        now = self.clock()
        q = self._events.get(key)
        if q is None:
            q = deque()
            self._events.put(key, q)
        while q and now - q[0] >= self.window:
            q.popleft()
        return q

    def allow(self, key: int) -> bool:
        q = self._recent(key)
        if len(q) >= self.limit:
            return False
        q.append(self.clock())
        return True

    def retry_after(self, key: int) -> float:
        q = self._events.get(key)
        return max(0.0, self.window - (self.clock() - q[0])) if q else 0.0

    def first_refusal(self, key: int) -> bool:
        """True once per window for a limited key: tell a user once, not at every message."""
        told = self._told.get(key)
        now = self.clock()
        if told is not None and now - told < self.window:
            return False
        self._told.put(key, now)
        return True


@dataclass
class Refusal:
    """A polite no, shown only to the asker where Discord allows it."""

    text: str
    quiet: bool = False  # already said once: say nothing in a channel
