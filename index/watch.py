"""Watch a sources folder and yield each debounced batch of changes."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

# Wait for this long a quiet spell before syncing: an editor's save or a copy of
# many files arrives as a burst of events, and one sync should cover the burst.
DEBOUNCE_MS = 1000


def relevant_in(folder: Path, ignore: Path | None = None):
    """A watchfiles filter keeping changes whose path *inside* ``folder`` has no hidden
    part, and is not under ``ignore`` (the data folder, when it sits inside the sources:
    each sync's own writes would start the next). Judged relative to the folder:
    `../docs` or a folder under ~/.local must not make every event look hidden."""
    root = Path(folder).resolve()
    skip = Path(ignore).resolve() if ignore is not None else None

    def relevant(change, path: str) -> bool:
        p = Path(path)
        try:
            rel = p.resolve().relative_to(root) if not p.is_relative_to(root) else p.relative_to(root)
        except ValueError:
            return False
        if skip is not None and (root / rel).is_relative_to(skip):
            return False
        return not any(part.startswith(".") for part in rel.parts)

    return relevant


def watch_folder(folder: Path, stop_event=None, ignore: Path | None = None) -> Iterator[set]:
    from watchfiles import watch

    yield from watch(folder, watch_filter=relevant_in(folder, ignore), debounce=DEBOUNCE_MS, stop_event=stop_event)


async def awatch_folder(folder: Path, stop_event=None, ignore: Path | None = None):
    from watchfiles import awatch

    async for changes in awatch(folder, watch_filter=relevant_in(folder, ignore), debounce=DEBOUNCE_MS,
                                stop_event=stop_event):
        yield changes
