"""The Chroma store: one collection of chunks and one of files (the manifest).

The manifest is the commit point. A chunk is *live* only while the manifest holds its
file at the same content hash; sync writes a file's new chunks first, then its manifest
record, then deletes the old chunks. A reader or a crash at any moment therefore sees
the file's old version or its new one, never a mix, and the next sync deletes orphans.
Both collections live in Chroma, so several processes (or machines, with a Chroma
server) share one truth.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import numpy as np

from index.connect import ClientUse, reopen_embedded
from index.errors import StoreDamaged, StoreMismatch, StoreUnavailable

SCHEMA = "1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileRecord:
    path: str
    sha: str
    chunks: int
    indexed_at: str


@dataclass(frozen=True)
class StoredChunk:
    id: str
    path: str
    sha: str
    start: int
    end: int
    page: int | None
    text_hash: str


class Store:
    def __init__(self, connect, name: str, expected: dict, location: str, embedded: bool = True,
                 marker: Path | None = None):
        """``connect()`` makes a Chroma client. ``expected`` is the model and chunking
        this process uses; a store built with others is refused (StoreMismatch)
        rather than silently mixed. ``marker`` (an embedded store's) is a small file
        beside the Chroma folder written once the store exists, holding the sources
        folder: Chroma's files can be lost (a deleted or truncated chroma.sqlite3, an
        interrupted rebuild) while the marker says a store was there, so their loss is
        damage, never "no store yet", and the folder to rebuild from survives it."""
        self._connect = connect
        self.embedded = embedded
        self.marker = marker
        self.client = connect()
        self.name = name
        self.expected = {k: str(v) for k, v in expected.items()}
        self.location = location
        self._chunks = None
        self._files = None
        # Each use of the client, so refresh() never stops it under another thread.
        self._use = ClientUse()

    # -- collections ---------------------------------------------------------------
    def _open(self, create: bool, rebuilding: bool = False) -> bool:
        """Open both collections; with ``create``, make them when neither exists.

        False only when the store truly does not exist (neither collection, no marker).
        One collection without the other, or neither where the marker says a store
        was, is damage (StoreDamaged), and any other failure is StoreUnavailable: none
        is ever taken for an empty store, which would get the user's chunks deleted as
        orphans or the seeds indexed over them. ``rebuilding``: the collections were
        just dropped on purpose (reset)."""
        if self._chunks is not None:
            return True
        chunks, files = self._get(self.name), self._get(f"{self.name}-files")
        if chunks is None and files is None:
            if not rebuilding and self.marker is not None and self.marker.exists():
                raise StoreDamaged(
                    f"the store at {self.location} is damaged: its collections are missing (its files were deleted, "
                    f"or a rebuild was interrupted); nothing was changed. Rebuild it with `cited index --rebuild`"
                )
            if not create:
                return False
            try:
                chunks = self.client.get_or_create_collection(
                    self.name,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={**self.expected, "schema": SCHEMA, "generation": "0"},
                    embedding_function=None,
                )
                files = self.client.get_or_create_collection(f"{self.name}-files", embedding_function=None)
            except Exception as e:  # noqa: BLE001 - chromadb raises bare exceptions
                raise StoreUnavailable(f"cannot open the store at {self.location}: {_first_line(e)}") from None
        elif chunks is None or files is None:
            missing = "chunks" if chunks is None else f"manifest ({self.name}-files)"
            raise StoreDamaged(
                f"the store at {self.location} is damaged: its {missing} collection is missing; "
                f"nothing was changed. Rebuild it with `cited index --rebuild`"
            )
        self._chunks, self._files = chunks, files
        self._check()
        if self.marker is not None and not self.marker.exists():
            self._mark(self.indexed_from())  # made now, or by a version that wrote none
        return True

    def _mark(self, sources: str | None) -> None:
        import json

        if self.marker is None:
            return
        try:
            tmp = self.marker.with_name(self.marker.name + ".tmp")
            tmp.write_text(json.dumps({"collection": self.name, "sources": sources}))
            tmp.replace(self.marker)
        except OSError:
            log.warning("could not write %s (a read-only data folder?)", self.marker, exc_info=True)

    def _marked_sources(self) -> str | None:
        import json

        try:
            return json.loads(self.marker.read_text()).get("sources") if self.marker is not None else None
        except (OSError, ValueError, AttributeError):
            return None

    def _get(self, name: str):
        """The collection ``name``, None when it does not exist, StoreUnavailable when
        the store cannot say."""
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(name, embedding_function=None)
        except NotFoundError:
            return None
        except Exception as e:  # noqa: BLE001 - any other failure (I/O, a server gone) is the store's, told as one line
            log.debug("opening collection %s failed", name, exc_info=True)
            raise StoreUnavailable(f"cannot open the store at {self.location}: {_first_line(e)}") from None

    def _check(self) -> None:
        meta = self._chunks.metadata or {}
        schema = str(meta.get("schema", SCHEMA))
        if not schema.isdigit() or int(schema) > int(SCHEMA):
            raise StoreMismatch(
                f"the store at {self.location} was written by a newer version of cited (schema {schema}; this one "
                f"reads schema {SCHEMA}): upgrade cited, or point --data-dir elsewhere"
            )
        for key, want in self.expected.items():
            have = meta.get(key)
            if str(have) != want:
                if self.outdated():
                    raise StoreMismatch(
                        f"the store at {self.location} was cut by another version of cited (chunker {have}; this one "
                        f"cuts {want}): `cited index` rebuilds it from its sources"
                    )
                built = f"{key}={have}" if have is not None else f"an older version of cited (no {key})"
                raise StoreMismatch(
                    f"the store at {self.location} was built with {built}, but {key}={want} is configured; "
                    f"rebuild it with `cited index --rebuild` (or point --data-dir elsewhere)"
                )

    def outdated(self) -> str | None:
        """The chunker version of a store that differs from this code's in that alone
        (the model and the settings as configured), else None: one an upgrade of cited
        left behind, which a sync rebuilds. Its chunks are derived from the sources, so
        the rebuild loses nothing; a change of model or settings is the user's, and
        still waits for their `--rebuild`. Read unchecked, as indexed_from is."""
        built = self.built_with()
        have = built.get("chunker")
        if have is None or have == self.expected.get("chunker", have):
            return None
        return have if all(built.get(k) == v for k, v in self.expected.items() if k != "chunker") else None

    def exists(self) -> bool:
        with self._use.reading():
            return self._open(create=False)

    def ensure(self) -> "Store":
        self._open(create=True)
        return self

    @property
    def chunks(self):
        self.ensure()
        return self._chunks

    @property
    def files(self):
        self.ensure()
        return self._files

    def refresh(self) -> None:
        """Forget cached state so the next call sees other processes' writes. Waits
        for other threads' reads to end; none starts meanwhile (ClientUse)."""
        with self._use.replacing():
            if self.embedded:
                self.client = reopen_embedded(self.client, self._connect)
            self._chunks = self._files = None

    def reset(self) -> None:
        """Drop both collections and make them anew, empty (the marker, and the
        folder it names, stay: a rebuild cut short is repaired by the next one)."""
        from chromadb.errors import NotFoundError

        for name in (self.name, f"{self.name}-files"):
            try:
                self.client.delete_collection(name)
            except NotFoundError:
                pass  # absent already
        self._chunks = self._files = None
        self._open(create=True, rebuilding=True)

    # -- generation: changes whenever a sync changed anything ---------------------
    def generation(self) -> str:
        """The token of the store's last change, read fresh (another process may have
        synced): "none" when the store does not exist, ``sync-…`` while a sync is
        under way or after one died (see bump_generation)."""
        with self._use.reading():
            col, files = self._get(self.name), self._get(f"{self.name}-files")
            if col is None or files is None:
                if col is not None or files is not None or (self.marker is not None and self.marker.exists()):
                    self._chunks = None
                    self._open(create=False)  # raises StoreDamaged
                return "none"
            return str((col.metadata or {}).get("generation", "0"))

    def bump_generation(self, syncing: bool = False) -> str:
        """A new generation token. ``syncing`` marks it as the state of a sync under
        way: nothing derived from it (the BM25 cache) is kept on disk, so a sync that
        dies before its last bump never leaves a cache that later runs accept."""
        gen = ("sync-" if syncing else "") + uuid.uuid4().hex[:12]
        meta = dict(self.chunks.metadata or {})
        meta.update(self.expected, schema=SCHEMA, generation=gen)
        self.chunks.modify(metadata=meta)
        return gen

    def indexed_from(self) -> str | None:
        """The folder the last sync read (absolute), if one ran. Read from the chunks
        collection alone, unchecked: `cited index --rebuild`, the repair that a damaged
        or mismatched store's message names, must still find the folder to rebuild."""
        return self._recorded().get("sources") or self._marked_sources()

    def mark_sources(self, folder: Path) -> None:
        """Write ``folder`` into the marker alone (the store may be damaged or about to
        be dropped). Only a marker that exists is written: it is made with the store."""
        where = str(Path(folder).resolve())
        if self.marker is not None and self.marker.exists() and self._marked_sources() != where:
            self._mark(where)

    def remember_sources(self, folder: Path) -> None:
        """Keep ``folder`` as the one the store is indexed from: in the store, and in
        the marker, written before a rebuild drops the store (so one cut short is
        rebuilt from the user's folder, not the default)."""
        self.mark_sources(folder)
        where = str(Path(folder).resolve())
        meta = dict(self.chunks.metadata or {})
        if meta.get("sources") != where:  # most syncs re-read the same folder: no write
            meta["sources"] = where
            self.chunks.modify(metadata=meta)

    # -- manifest ------------------------------------------------------------------
    def built_with(self) -> dict[str, str]:
        """The model, settings and chunker the store was built with, as recorded in it
        (unchecked, as indexed_from reads it); {} when there is no store."""
        meta = self._recorded()
        return {k: str(meta[k]) for k in self.expected if k in meta}

    def _recorded(self) -> dict:
        """The chunks collection's metadata, read unchecked ({} when there is none)."""
        with self._use.reading():
            chunks = self._chunks if self._chunks is not None else self._get(self.name)
            return dict(chunks.metadata or {}) if chunks is not None else {}

    def manifest(self, paths: list[str] | None = None, checked: bool = True) -> dict[str, FileRecord]:
        """The indexed files (of ``paths`` only, when given). Unchecked, the manifest of
        a store built otherwise than configured is read too (for `cited status`)."""
        if paths is not None and not paths:
            return {}
        with self._use.reading():
            if checked and not self.exists():
                return {}
            files = self._files if checked else self._get(f"{self.name}-files")
            if files is None:
                return {}
            ids = list(dict.fromkeys(paths)) if paths is not None else None
            got = files.get(ids=ids, include=["metadatas"])
        try:
            return {
                i: FileRecord(i, m["sha"], int(m.get("chunks", 0)), m.get("indexed_at", ""))
                for i, m in zip(got["ids"], got["metadatas"])
            }
        except (KeyError, TypeError, ValueError):
            raise StoreDamaged(
                f"the store at {self.location} is damaged: its manifest has records without a content hash; "
                f"nothing was changed. Rebuild it with `cited index --rebuild`"
            ) from None

    def commit_files(self, records: list[tuple[str, str, int]]) -> None:
        """Make (path, sha, chunk count) the live version of each file, in one write."""
        if not records:
            return
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.files.upsert(
            ids=[p for p, _, _ in records],
            embeddings=[[1.0]] * len(records),  # Chroma wants a vector; the manifest needs none
            metadatas=[{"sha": sha, "chunks": n, "indexed_at": now} for _, sha, n in records],
        )

    def forget_file(self, path: str) -> None:
        self.files.delete(ids=[path])

    # -- chunks --------------------------------------------------------------------
    def add_chunks(self, ids, embeddings: np.ndarray, documents, metadatas) -> None:
        step = self.client.get_max_batch_size()
        for b in range(0, len(ids), step):
            self.chunks.upsert(
                ids=ids[b : b + step],
                embeddings=embeddings[b : b + step],
                documents=documents[b : b + step],
                metadatas=metadatas[b : b + step],
            )

    def delete_chunks(self, ids: list[str]) -> None:
        step = self.client.get_max_batch_size()
        for b in range(0, len(ids), step):
            self.chunks.delete(ids=ids[b : b + step])

    def iter_chunks(self, include=("metadatas",), page_size: int = 5000, where=None) -> Iterator[dict]:
        """Every stored chunk (live or not), paged so huge stores stream."""
        if not self.exists():
            return
        offset = 0
        while True:
            with self._use.reading():  # a page at a time: a refresh may come between pages
                got = self.chunks.get(include=list(include), limit=page_size, offset=offset, where=where)
            n = len(got["ids"])
            for i in range(n):
                yield {k: got[k][i] for k in ("ids", *include)}
            if n < page_size:
                return
            offset += n

    def stored_chunks(self, where=None) -> list[StoredChunk]:
        return [_stored(row["ids"], row["metadatas"]) for row in self.iter_chunks(where=where)]

    def get_chunks(self, ids: list[str], include=("documents", "metadatas")) -> dict:
        with self._use.reading():
            return self.chunks.get(ids=ids, include=list(include))

    def query(self, vector: np.ndarray, n: int, paths: frozenset[str] | None = None) -> dict:
        """The ``n`` nearest chunks, of the files in ``paths`` only when given."""
        # Chroma returns fewer than n when the collection is smaller (also when empty).
        where = {"path": {"$in": sorted(paths)}} if paths is not None else None
        with self._use.reading():
            return self.chunks.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])

    def matches(self, pattern: str) -> bool:
        """Does a stored chunk's text match the regular expression ``pattern`` (Chroma's
        $regex, Rust's syntax)? Over every stored chunk, also one a sync has not yet
        made live or removed: what the sources write, give or take the run under way."""
        if not self.exists():
            return False
        with self._use.reading():
            return bool(self.chunks.get(where_document={"$regex": pattern}, limit=1, include=[])["ids"])

    def count(self) -> int:
        with self._use.reading():
            return self.chunks.count() if self.exists() else 0


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _stored(cid: str, m: dict | None) -> StoredChunk:
    try:
        return StoredChunk(cid, m["path"], m["sha"], int(m["start"]), int(m["end"]), m.get("page"), m["text_hash"])
    except (KeyError, TypeError, ValueError):
        # A record whose metadata was damaged belongs to no file: an orphan, which
        # the next sync deletes (a search never takes it for live).
        log.warning("chunk %s has unreadable metadata; the next `cited index` removes it", cid)
        return StoredChunk(cid, "", "", 0, 0, None, "")
