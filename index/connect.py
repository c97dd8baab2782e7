"""Connecting to Chroma: the client of an embedded store (a folder) or of a server, an
embedded client made anew to see what other processes wrote, and the threads using a
client, so that it is not made anew under them."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from index.errors import StoreUnavailable

log = logging.getLogger(__name__)


def open_client(data_dir: Path, host: str | None = None, port: int = 8000):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if host:
            return chromadb.HttpClient(host=host, port=port, settings=settings)
        (Path(data_dir) / "chroma").mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(Path(data_dir) / "chroma"), settings=settings)
    except Exception as e:  # noqa: BLE001 - chromadb raises bare ValueError/Exception for connection errors
        log.debug("opening the Chroma client failed", exc_info=True)
        where = f"Chroma server at {host}:{port}" if host else f"store at {data_dir}"
        raise StoreUnavailable(f"cannot open the {where}: {_first_line(e)}") from None


def reopen_embedded(client, connect):
    """A client that sees what other processes wrote to an embedded store.

    Chroma's embedded mode keeps each store's segments in memory, once per process;
    writes by another process stay invisible to it (queries return the old vectors,
    gets of new ids fail with "Error finding id") until that in-memory system is
    rebuilt. Chroma has no public call that does it: the public ``Client.close()``
    followed by a new client was tried (chromadb 1.5.9) and the next write failed with
    "attempt to write a readonly database", and ``clear_system_cache()`` drops every
    store's system in the process. So we drop this store's system from the registry,
    a private attribute; chromadb is pinned to the tested minor range in pyproject,
    and tests/test_crash.py (queries during a re-index, embedded) fails if an upgrade
    breaks this. Several processes that share a store for long should use a Chroma
    server instead, where every client sees every write.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    ident = getattr(client, "_identifier", None)
    system = SharedSystemClient._identifier_to_system.pop(ident, None) if ident else None
    if system is not None:
        try:
            system.stop()
        except Exception:  # noqa: BLE001 - a half-stopped old system must not block the new one
            log.debug("stopping the old Chroma system failed", exc_info=True)
    return connect()


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


class ClientUse:
    """The threads using a Chroma client now. ``reading()`` marks a use;
    ``replacing()`` waits (up to ``wait`` seconds) until no other thread uses the client,
    and lets none start until the new client is in place. The bot answers in worker
    threads: a read on a client another thread had just stopped failed inside Chroma's
    bindings. A thread already reading may read again (no deadlock on itself), and a
    replacement waiting goes before new readers (readers never starve it)."""

    def __init__(self, wait: float = 60):
        self.wait = wait
        self._readers: Counter[int] = Counter()
        self._changed = threading.Condition()
        self._replacing = False

    @contextmanager
    def reading(self):
        me = threading.get_ident()
        with self._changed:
            if me not in self._readers:
                self._changed.wait_for(lambda: not self._replacing)
            self._readers[me] += 1
        try:
            yield
        finally:
            with self._changed:
                self._readers[me] -= 1
                if not self._readers[me]:
                    del self._readers[me]
                self._changed.notify_all()

    @contextmanager
    def replacing(self):
        me = threading.get_ident()
        with self._changed:
            self._replacing = True
            try:
                if not self._changed.wait_for(lambda: not set(self._readers) - {me}, timeout=self.wait):
                    log.warning("replacing the Chroma client while another thread still uses it")
                yield
            finally:
                self._replacing = False
                self._changed.notify_all()
