"""/reindex and watching, through the library: the sync runs in a child process
(`python -m index.sync --json`), so the bot's event loop never waits on indexing, and its
SyncReport comes back as data."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from bot.settings import BotSettings as Settings
from index.errors import CitedError


async def sync_in_child(settings: Settings, folder: Path):
    """Sync ``folder`` in a child process given ``settings``: its SyncReport, or a
    CitedError whose line a Discord user can act on."""
    from index.sources import Skipped
    from index.sync import SyncReport

    env = {**os.environ, **settings_env(settings)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "index.sync", "--json", "--wait", "60", str(folder),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )
    try:
        out, err = await proc.communicate()
    except asyncio.CancelledError:
        # The bot is closing: do not leave an orphan indexer behind.
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        last = (err.decode(errors="replace").strip().splitlines() or ["unknown error"])[-1]
        if _error_kind(out) == "WouldRemove":
            # Its own message says "run again with --prune", which no Discord user can.
            raise CitedError("re-index refused: it would remove most of the indexed files (is the sources folder "
                             "right?); an operator can allow it with `cited index --prune` where the bot runs")
        raise CitedError(f"re-index failed: {last.removeprefix('error: ')}")
    data = json.loads(out.decode().strip().splitlines()[-1])
    data["skipped"] = [Skipped(**s) for s in data.get("skipped", [])]
    return SyncReport(**data)


def settings_env(settings: Settings) -> dict[str, str]:
    """The library's settings as CITED_* variables, for a child process. Secrets are
    left out: str() of one is a mask, and the child (a sync) never needs them."""
    from pydantic import SecretStr

    from index.settings import Settings as LibrarySettings

    env = {}
    for name in LibrarySettings.model_fields:
        value = getattr(settings, name)
        if value is not None and not isinstance(value, SecretStr):
            env[f"CITED_{name.upper()}"] = str(value)
    return env


def _error_kind(out: bytes) -> str | None:
    """The kind of error `python -m index.sync --json` reported on stdout, if any."""
    try:
        return json.loads(out.decode().strip().splitlines()[-1]).get("kind")
    except (ValueError, IndexError, AttributeError):
        return None
