"""Watch a sources folder and yield each debounced batch of changes."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

# Wait for this long a quiet spell before syncing: an editor's save or a copy of
# many files arrives as a burst of events, and one sync should cover the burst.
DEBOUNCE_MS = 1000


def _relevant(change, path: str) -> bool:
    return not any(part.startswith(".") for part in Path(path).parts)


def watch_folder(folder: Path, stop_event=None) -> Iterator[set]:
    from watchfiles import watch

    yield from watch(folder, watch_filter=_relevant, debounce=DEBOUNCE_MS, stop_event=stop_event)


async def awatch_folder(folder: Path, stop_event=None):
    from watchfiles import awatch

    async for changes in awatch(folder, watch_filter=_relevant, debounce=DEBOUNCE_MS, stop_event=stop_event):
        yield changes
