"""Wires Settings to the index stages: one object the CLI and the Discord bot share.

Heavy parts (Chroma client, model) are created on first use and then kept, so a
long-running bot answers from memory while a one-shot CLI pays only for what it uses.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from index.answer import Answer, SentenceVectors, answer
from index.errors import WouldRemove
from index.settings import BUNDLED_SEEDS, Settings
from index.chunking import CHUNKER
from index.embedding import MODEL_NAME, Embedder, load_embedder
from index.search import Searcher
from index.sources import printable
from index.connect import open_client
from index.store import FileRecord, Store
from index.sync import Progress, SyncReport, lock, sync


@dataclass
class Status:
    store: str
    sources: str
    files: int
    chunks: int
    model: str
    chunk_size: int
    chunk_overlap: int
    chunker: str  # the version of the chunking code (index/chunking.py CHUNKER)
    index_precision: str
    generation: str
    # Why the store cannot answer as configured (built with another model, settings or
    # chunker: StoreMismatch's message); "" when it can. The fields above say what
    # built it.
    problem: str = ""


class Cited:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self._embedder = embedder
        self._store: Store | None = None
        self._searcher: Searcher | None = None
        self._sentences: SentenceVectors | None = None
        self._index_embedder: Embedder | None = None
        self._init = threading.Lock()

    # -- parts -----------------------------------------------------------------------
    @property
    def location(self) -> str:
        s = self.settings
        return f"http://{s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(Path(s.data_dir).resolve() / "chroma")

    @property
    def lexical_dir(self) -> Path:
        s = self.settings
        name = f"lexical-{s.chroma_host}-{s.chroma_port}-{s.collection}" if s.chroma_host else f"lexical-{s.collection}"
        return Path(s.data_dir) / name

    @property
    def store(self) -> Store:
        with self._init:
            if self._store is None:
                s = self.settings
                self._store = Store(
                    lambda: open_client(Path(s.data_dir), s.chroma_host, s.chroma_port),
                    s.collection, self._expected(), self.location, embedded=not s.chroma_host,
                    marker=None if s.chroma_host else self.store_marker,
                )
            return self._store

    def _expected(self) -> dict[str, str]:
        """What the store must have been built with to be read: the model, the chunk
        settings, the precision of its vectors, the chunker's version."""
        s = self.settings
        return {k: str(v) for k, v in (("model", MODEL_NAME), ("chunk_size", s.chunk_size),
                                       ("chunk_overlap", s.chunk_overlap), ("index_precision", s.index_precision),
                                       ("chunker", CHUNKER))}

    @property
    def embedder(self) -> Embedder:
        with self._init:
            if self._embedder is None:
                self._embedder = load_embedder(Path(self.settings.cache_dir), self.settings.embed_backend)
            return self._embedder

    @property
    def index_embedder(self) -> Embedder:
        """What embeds documents: the query embedder, or its int8 copy."""
        if self.settings.index_precision == "fp32":
            return self.embedder
        with self._init:
            if self._index_embedder is None:
                self._index_embedder = load_embedder(Path(self.settings.cache_dir), "onnx-int8")
            return self._index_embedder

    @property
    def searcher(self) -> Searcher:
        store, embedder = self.store, self.embedder
        with self._init:
            if self._searcher is None:
                self._searcher = Searcher(store, embedder, self.lexical_dir)
            return self._searcher

    # -- jobs ------------------------------------------------------------------------
    def index(
        self, folder: Path | None = None, progress: Progress | None = None, rebuild: bool = False, wait: float = 0,
        prune: bool = True,
    ) -> SyncReport:
        """Sync ``folder`` (default: the configured sources) into the store. With
        ``prune`` False, a run removing more than half of the files raises WouldRemove."""
        from index.splitter import sentence_splitter
        from index.sources import check_folder

        # A folder given is checked before the lock or the store makes anything: a mistyped
        # folder left an empty store (and a lock file) behind, which `cited ask` then took
        # for an indexed one. The remembered folder is read under the lock, after refresh.
        if folder is not None:
            check_folder(folder)
        with lock(Path(self.settings.data_dir), wait):
            self.store.refresh()  # another process may have written since we opened it
            folder = check_folder(folder or self.sources_folder())
            before = self.store.indexed_from()
            moved = before is not None and Path(before) != folder.resolve()
            # The store `cited ask` built from the bundled demo gives way to the user's
            # own folder without --prune: nothing of theirs is lost.
            prune = prune or (moved and Path(before) == BUNDLED_SEEDS.resolve())
            try:
                outdated = None if rebuild else self.store.outdated()
                if rebuild or outdated:
                    self._before_rebuild(folder, prune)
                    self.store.reset()
                elif before is None:
                    self.store.ensure()  # made now, with its marker:
                    self.store.mark_sources(folder)  # a first run cut short resumes from this folder
                split = sentence_splitter(self.settings.chunk_size, self.settings.chunk_overlap)
                report = sync(folder, self.store, self.index_embedder, split, self.lexical_dir, progress, prune=prune)
            except WouldRemove as e:
                if not moved:
                    raise
                raise WouldRemove(f"the store was indexed from {printable(before)}, not {printable(str(folder))}: "
                                  f"{e}, or give another --data-dir to keep both") from None
            self.store.remember_sources(folder)
            report.rebuilt_from = outdated or ""
            return report

    def _before_rebuild(self, folder: Path, prune: bool) -> None:
        """What a rebuild checks before it drops anything: the folder can be read, and
        (without ``prune``) holds at least half as many sources as the store has files,
        as a sync checks what it would remove; then the folder is kept in the marker, so
        a rebuild cut short is resumed from it."""
        from index.errors import StoreDamaged, StoreMismatch
        from index.sources import find_sources

        files, _ = find_sources(folder)  # a missing folder raises here, before the store is touched
        try:
            indexed = len(self.store.manifest())
        except (StoreDamaged, StoreMismatch):
            indexed = 0  # the repair of a damaged or mismatched store: nothing it can read to protect
        if not prune and indexed and len(files) * 2 < indexed:
            raise WouldRemove(
                f"rebuilding from {printable(str(folder))} would index {len(files)} files where the store holds "
                f"{indexed}; run again with --prune to rebuild from it"
            )
        self.store.mark_sources(folder)

    def sources_folder(self) -> Path:
        """The folder a sync reads when none is given: CITED_SOURCES when it is set, else
        the folder the store was last indexed from (`cited index ./docs` once, then
        `cited index`, `/reindex` and `--watch` keep to ./docs), else the bundled seeds."""
        remembered = None if "sources" in self.settings.model_fields_set else self.store.indexed_from()
        return Path(remembered) if remembered else Path(self.settings.sources)

    def interrupted(self) -> bool:
        """Is an index run under way, or did the last one die before it finished (its
        "under way" generation is left)? The store still answers, from what that run
        had committed; the next `cited index` repairs one that died. (Which of the two
        is not asked of the lock: taking it, even for a moment, could fail the very
        `cited index` that repairs the store.)"""
        return self.store.generation().startswith("sync-")

    def is_empty(self) -> bool:
        return self.store.count() == 0

    def ask(
        self, question: str, history: list[str] | None = None, top_k: int | None = None, within: list[str] | None = None
    ) -> Answer:
        """Answer ``question``; ``within`` (globs or folders) limits the sources searched."""
        s = self.settings
        return answer(
            question,
            self.searcher,
            history=history,
            top_k=top_k or s.top_k,
            min_confidence=s.min_confidence,
            max_chars=s.max_question_chars,
            sentence_vectors=self.sentence_vectors,
            paths=self.select_sources(within) if within else None,
        )

    def ask_written(
        self, question: str, history: list[str] | None = None, top_k: int | None = None,
        within: list[str] | None = None, on_text=None,
    ):
        """Answer ``question`` in writing when a language model is configured
        (CITED_LLM_URL): a Written (index/answer/written.py) whose answer is checked
        sentence by sentence, or the extractive one with a note saying why. Without a
        model, the extractive answer exactly as ask() gives it. ``on_text`` receives
        the model's text as it arrives."""
        from index.answer.written import Written, write
        from index.llm import LLMConfig

        extractive = self.ask(question, history=history, top_k=top_k, within=within)
        config = LLMConfig.from_settings(self.settings)
        if config is None:
            return Written(extractive, [])
        return write(extractive, config, self.embedder.embed, history=history, on_text=on_text,
                     passages=top_k or self.settings.top_k)

    def select_sources(self, patterns: list[str]) -> frozenset[str]:
        """The indexed files that ``patterns`` name; NoSuchSource when none does."""
        from index.errors import NoSuchSource
        from index.sources import select

        paths = select(self.store.manifest(), [self._under_sources(p) for p in patterns])
        if not paths:
            shown = ", ".join(repr(p) for p in patterns)
            raise NoSuchSource(f"no indexed source matches {shown} (see `cited sources`)")
        return frozenset(paths)

    def _under_sources(self, pattern: str) -> str:
        """A pattern that names a file or folder on disk inside the sources folder (from
        the working directory, or absolute: "docs/reports" when ./docs is indexed, ".")
        as the relative path select() reads; any other pattern as it is."""
        path = Path(pattern).expanduser()
        if not path.exists():
            return pattern  # a glob, or a name matched wherever it is
        try:
            inside = path.resolve().relative_to(Path(self.sources_folder()).resolve())
        except (ValueError, OSError):
            return pattern
        return "*" if inside == Path(".") else inside.as_posix()

    @property
    def sentence_vectors(self) -> SentenceVectors:
        embedder = self.embedder
        with self._init:
            if self._sentences is None:
                self._sentences = SentenceVectors(embedder)
            return self._sentences

    def on_disk(self) -> bool:
        """Is there anything of a store where the settings point (always, for a server)?
        When not, nothing should open one: opening creates an empty store where a
        mistyped --data-dir points."""
        s = self.settings
        return bool(s.chroma_host) or (Path(s.data_dir) / "chroma").exists() or self.store_marker.exists()

    @property
    def store_marker(self) -> Path:
        return Path(self.settings.data_dir) / f"store-{self.settings.collection}.json"

    def sources(self) -> list[FileRecord]:
        if not self.on_disk():
            return []
        return sorted(self.store.manifest().values(), key=lambda r: r.path)

    def status(self) -> Status:
        """What the store holds and what built it; a store built otherwise than
        configured is described too (with ``problem`` saying so), not refused: status
        is where a user looks when the store is refused."""
        from index.errors import StoreMismatch

        s = self.settings
        built = self.on_disk()
        problem = ""
        try:
            files = self.store.manifest() if built else {}
        except StoreMismatch as e:
            files, problem = self.store.manifest(checked=False), str(e)
        made = {**self._expected(), **(self.store.built_with() if built else {})}
        return Status(
            store=self.location if built else f"{self.location} (no store yet: `cited index FOLDER` builds one)",
            sources=str(self.sources_folder() if built else Path(s.sources)),
            files=len(files),
            chunks=sum(r.chunks for r in files.values()),
            model=made["model"],
            chunk_size=int(made["chunk_size"]),
            chunk_overlap=int(made["chunk_overlap"]),
            chunker=made["chunker"],
            index_precision=made["index_precision"],
            generation=self.store.generation() if built else "none",
            problem=problem,
        )
