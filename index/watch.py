"""Watch a sources folder and yield each debounced batch of changes."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

# Wait for this long a quiet spell before syncing: an editor's save or a copy of
# many files arrives as a burst of events, and one sync should cover the burst.
DEBOUNCE_MS = 1000


def relevant_in(folder: Path):
    """A watchfiles filter keeping changes whose path *inside* ``folder`` has no hidden
    part. Judged relative to the folder: `../docs` or a folder under ~/.local must
    not make every event look hidden."""
    root = Path(folder).resolve()

    def relevant(change, path: str) -> bool:
        p = Path(path)
        try:
            rel = p.resolve().relative_to(root) if not p.is_relative_to(root) else p.relative_to(root)
        except ValueError:
            return False
        return not any(part.startswith(".") for part in rel.parts)

    return relevant


def watch_folder(folder: Path, stop_event=None) -> Iterator[set]:
    from watchfiles import watch

    yield from watch(folder, watch_filter=relevant_in(folder), debounce=DEBOUNCE_MS, stop_event=stop_event)


async def awatch_folder(folder: Path, stop_event=None):
    from watchfiles import awatch

    async for changes in awatch(folder, watch_filter=relevant_in(folder), debounce=DEBOUNCE_MS,
                                stop_event=stop_event):
        yield changes
