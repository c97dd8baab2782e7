"""Bring the store in line with a sources folder, touching only what changed.

Files are compared by content hash. A changed file is re-chunked, and chunks whose
text did not change keep their stored vectors; only new text is embedded. Files are
committed in batches, each by one manifest write (see store.py), so a crash loses at
most the batch in flight, and the next run repairs: orphan chunks are deleted,
incomplete files redone.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from index.chunking import FENCE_LINE, Chunk, chunk
from index.splitter import Splitter
from index.embedding import Embedder
from index.errors import SourceError, StoreLocked, StoreUnavailable
from index.lexical import LexicalIndex, ids_digest, rebuild_from_store
from index.rst import rst_labels
from index.sources import (BROKEN_LINK, RST_SUFFIXES, UNLISTED, Extracted, SourceFile, Skipped, content_hash, decode,
                           extract, find_sources, printable, read_bytes)
from index.records import chunk_id, chunk_metadata
from index.store import Store
from index.structure import Block, Section

log = logging.getLogger(__name__)
# Files extracted and embedded together: big enough for full embedding batches,
# small enough that a crash or a kill loses little work.
FILE_BATCH = 64


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    embedded: int = 0  # chunks embedded this run
    reused: int = 0  # chunks whose stored vector was kept
    repaired: int = 0  # orphan chunks from an interrupted run, deleted
    # The chunker version of a store an upgrade of cited left behind, which this run
    # rebuilt (Store.outdated); "" when it was not one.
    rebuilt_from: str = ""

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.repaired)

    def summary(self) -> str:
        s = f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, {self.unchanged} unchanged"
        if self.skipped:
            s += f", {len(self.skipped)} skipped"
        if self.repaired:
            s += f", {self.repaired} orphan chunks repaired"
        if self.rebuilt_from:
            s += f" (rebuilt: the store was cut by chunker {self.rebuilt_from}, an older version of cited)"
        return s


Progress = Callable[[int, int], None]


def lock(data_dir: Path, wait: float = 0):
    """An exclusive lock on the store for one writer; the OS frees it if we die."""
    from filelock import FileLock, Timeout

    data_dir = Path(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:  # a file where the folder should be, no permission
        raise StoreUnavailable(f"cannot use {printable(str(data_dir))} as the data folder: {e.strerror or e}") from None
    fl = FileLock(str(data_dir / "index.lock"), timeout=wait)

    class _Ctx:
        def __enter__(self):
            try:
                fl.acquire()
            except Timeout:
                raise StoreLocked(
                    f"another `cited index` is writing to {data_dir}; wait for it to finish (or use --wait)"
                ) from None
            return self

        def __exit__(self, *exc):
            fl.release()

    return _Ctx()


def sync(
    folder: Path,
    store: Store,
    embedder: Embedder,
    split: Splitter,
    lexical_dir: Path,
    progress: Progress | None = None,
    prune: bool = True,
) -> SyncReport:
    """Index ``folder`` into ``store``; the caller holds the lock. Without ``prune``, a
    run that would remove more than half of the indexed files (an empty or mistyped
    folder) raises WouldRemove before touching anything."""
    report = SyncReport()
    files, report.skipped = find_sources(folder)
    store.ensure()
    manifest = store.manifest()
    stored = store.stored_chunks()

    # Repair: chunks not backed by the manifest are leftovers of an interrupted run.
    live_counts: dict[str, int] = {}
    orphans = []
    for c in stored:
        rec = manifest.get(c.path)
        if rec is not None and rec.sha == c.sha:
            live_counts[c.path] = live_counts.get(c.path, 0) + 1
        else:
            orphans.append(c.id)
    pending: list[tuple[SourceFile, str, bytes]] = []
    keep: set[str] = set()
    for src in files:
        keep.add(src.rel)  # unreadable now (permissions, vanished): keep what the store has of it
        data = _or_skip(src, report, lambda: read_bytes(src))
        if data is None:
            continue
        sha = content_hash(data)
        rec = manifest.get(src.rel)
        if rec and rec.sha == sha and live_counts.get(src.rel, 0) == rec.chunks:
            report.unchanged += 1
        else:
            pending.append((src, sha, data))

    for sk in report.skipped:
        # A file the walk had to skip (a pipe now, a folder that cannot be listed) keeps
        # its last indexed version, as an unreadable file does; a broken link is a
        # deleted document.
        if sk.rel in manifest and sk.reason != BROKEN_LINK:
            keep.add(sk.rel)
        elif sk.reason.startswith(UNLISTED):
            under = "" if sk.rel == "." else sk.rel.rstrip("/") + "/"
            keep.update(p for p in manifest if p.startswith(under))
    gone_now = sorted(set(manifest) - keep)
    if not prune and len(gone_now) * 2 > len(manifest):
        from index.errors import WouldRemove

        raise WouldRemove(
            f"indexing {printable(str(folder))} would remove {len(gone_now)} of the {len(manifest)} indexed files "
            f"(e.g. {printable(gone_now[0])}); run again with --prune to remove them"
        )
    if pending or orphans or gone_now:
        # Mark the store as changing before touching it: a reader (or the next run,
        # after a crash) then rebuilds its lexical index from what is live, and keeps
        # it off disk until the sync's last bump (see Store.bump_generation).
        store.bump_generation(syncing=True)

    # Removals commit first (manifest), then their chunks go.
    for path in sorted(set(manifest) - keep):
        store.forget_file(path)
        report.removed.append(path)
    report.repaired = len(orphans)
    gone = set(report.removed)
    orphans += [c.id for c in stored if c.path in gone]
    if orphans:
        store.delete_chunks(orphans)

    old_by_path: dict[str, list] = {}
    for c in stored:
        old_by_path.setdefault(c.path, []).append(c)
    total = len(pending)
    labels = _rst_labels(files, pending)
    if progress:
        progress(0, total)
    for b in range(0, total, FILE_BATCH):
        _index_batch(pending[b : b + FILE_BATCH], store, embedder, split, manifest, old_by_path, report, labels)
        if progress:
            progress(min(b + FILE_BATCH, total), total)

    gen = store.generation()
    if gen.startswith("sync-"):  # changed now, or by a sync that died before its end
        gen = store.bump_generation()
    lexical = LexicalIndex.load(lexical_dir)
    # Nothing touched: the live chunks are those seen at the start; a cache covering
    # other ids (saved by a reader racing a sync that then died) is rebuilt.
    stale = lexical is None or lexical.generation != gen or report.touched
    if not stale:
        dead = set(orphans)
        stale = lexical.digest != ids_digest(c.id for c in stored if c.id not in dead)
    if stale:
        rebuild_from_store(store, gen).save(lexical_dir)
    return report


def _rst_labels(files: list[SourceFile], pending: list[tuple[SourceFile, str, bytes]]) -> dict[str, str]:
    """The reStructuredText cross-reference targets of the folder (rst.rst_labels), read
    only when a .rst file is to be indexed: a sync with none to index reads none twice.
    A file unreadable now only lacks its labels: its skip is reported where it is read."""
    if not any(src.path.suffix.lower() in RST_SUFFIXES for src, _, _ in pending):
        return {}
    held = {src.rel: data for src, _, data in pending}
    labels: dict[str, str] = {}
    for src in files:
        if src.path.suffix.lower() not in RST_SUFFIXES:
            continue
        try:
            # Decoded as extraction decodes it: a Latin-1 file's titles read right.
            text = decode(held[src.rel] if src.rel in held else read_bytes(src))
        except (SourceError, OSError):
            continue
        labels.update(rst_labels(text))
    return labels


def _or_skip(src: SourceFile, report: SyncReport, step):
    """``step()``, or None with ``src`` reported as skipped: one file's fault never
    stops the run."""
    try:
        return step()
    except SourceError as e:
        report.skipped.append(Skipped(src.rel, str(e)))
    except Exception as e:  # noqa: BLE001 - one file's fault never stops the run
        report.skipped.append(_unexpected(src, e))
    return None


def _unexpected(src: SourceFile, e: Exception) -> Skipped:
    # A bug or a library's surprise on one file (pypdf raises many types): the run
    # goes on, the operator gets the traceback, the user one line.
    log.exception("unexpected error on %s", src.rel)
    first = str(e).splitlines()[0][:200] if str(e) else ""
    return Skipped(src.rel, f"unexpected {type(e).__name__}" + (f": {first}" if first else ""))


# A run of text with no blank line longer than this (a log, a dump) is cut into
# windows of about WINDOW characters before chunking: the prose splitter works on a
# paragraph at a time and failed on a 10-15 MB one (regex time-out, 6 GB at 50 MB).
# Prose paragraphs are far shorter, so ordinary files are cut exactly as before. In a
# source with blocks, only such a run inside one block is cut: a run of short blocks
# (a 50 KB table of one-line rows, Traefik's option tables) is packed block by block,
# and cut into windows its rows lost their table's head row.
LONG_RUN = 20_000
WINDOW = 2_000


def _bounded(ex: Extracted) -> Extracted:
    """``ex`` with section (and block) boundaries added inside overly long runs of text
    without blank lines (of a source with blocks, runs inside one block), at a line
    break (else a space) near every WINDOW characters. The text is unchanged, so
    offsets still point into the file."""
    text = ex.text
    cuts: list[int] = []
    breaks = [(m.start(), m.end()) for m in _BLANK.finditer(text)]
    runs = list(zip([0] + [e for _, e in breaks], [s for s, _ in breaks] + [len(text)]))
    if ex.blocks is not None:
        starts = [lo for lo, _ in runs]
        within = []
        for b in ex.blocks:
            if b.end - b.start > LONG_RUN:
                # The runs that overlap the block, clipped to it.
                first, last = bisect.bisect_right(starts, b.start) - 1, bisect.bisect_left(starts, b.end)
                within += [(max(lo, b.start), min(hi, b.end)) for lo, hi in runs[first:last]]
        runs = within
    for lo, hi in runs:
        if hi - lo > LONG_RUN:
            at = lo
            while hi - at > WINDOW:
                nl = text.rfind("\n", at + WINDOW // 2, at + WINDOW)
                sp = text.rfind(" ", at + WINDOW // 2, at + WINDOW)
                at = (nl if nl > 0 else sp if sp > 0 else at + WINDOW - 1) + 1
                cuts.append(at)
    if not cuts:
        return ex
    cuts = sorted(set(cuts))  # a long block nested in another is cut once
    sections = _cut(ex.sections or [Section(0, len(text), ())], cuts)
    blocks = _cut(ex.blocks, cuts, text) if ex.blocks is not None else None
    return replace(ex, sections=sections, blocks=blocks)


_BLANK = re.compile(r"\n[ \t]*\n\s*")  # a paragraph break


def _cut(spans: list, cuts: list[int], text: str = "") -> list:
    """Each span (Section or Block) split at the ``cuts`` that fall inside it. A block's
    pieces after the first open where they are (not where the block opens: each would
    be counted from there again) and a code block's carry its opening fence line, or
    their closing fence would read as opening a block."""
    out = []
    for sp in spans:
        start = sp.start
        inside = cuts[bisect.bisect_right(cuts, sp.start) : bisect.bisect_left(cuts, sp.end)]
        if not inside:
            out.append(sp)
            continue
        later = {}
        if isinstance(sp, Block):
            nl = text.find("\n", sp.start, sp.end)
            first = text[sp.start : nl if nl >= 0 else sp.end].strip()
            later = {"opens": None, "fence": first if sp.kind == "code" and FENCE_LINE.match(first) else sp.fence}
        for c in inside:
            out.append(replace(sp, start=start, end=c, **(later if start > sp.start else {})))
            start = c
        out.append(replace(sp, start=start, end=sp.end, **later))
    return out


def _index_batch(batch, store: Store, embedder: Embedder, split: Splitter, manifest, old_by_path, report,
                 labels: dict[str, str] | None = None) -> None:
    planned: list[tuple[SourceFile, str, list[Chunk]]] = []
    for src, sha, data in batch:
        # A file that cannot be read now (overwritten with binary bytes, a PDF still
        # being copied) keeps its last indexed version: the store is not touched.
        chunks = _or_skip(src, report, lambda: chunk(_bounded(extract(src, data, labels)), split))
        if chunks is None:
            continue
        planned.append((src, sha, chunks))

    # Vectors of unchanged chunk texts are reused, not recomputed.
    reuse: dict[str, list[float]] = {}
    old_ids = [c.id for src, _, _ in planned for c in old_by_path.get(src.rel, [])]
    if old_ids:
        got = store.get_chunks(old_ids, include=("embeddings", "metadatas"))
        for emb, meta in zip(got["embeddings"], got["metadatas"]):
            reuse[meta["text_hash"]] = emb
    todo = sorted({c.text_hash: c.embed_text for _, _, cs in planned for c in cs if c.text_hash not in reuse}.items())
    if todo:
        vecs = embedder.embed([t for _, t in todo])  # the header-and-text, see Chunk.embed_text
        for (h, _), v in zip(todo, vecs):
            reuse[h] = v
        report.embedded += len(todo)

    # One write each for the batch's chunks, its manifest records (the commit), and
    # the superseded chunks: per-file writes made Chroma half of indexing time.
    ids, docs, metas, commits, stale = [], [], [], [], []
    for src, sha, chunks in planned:
        file_ids = [chunk_id(src.rel, sha, n) for n in range(len(chunks))]
        ids += file_ids
        docs += [c.text for c in chunks]
        metas += [chunk_metadata(src.rel, sha, n, c.start, c.end, c.page, c.text_hash, c.line, c.section, c.title,
                                 c.fence, c.anchors, c.before) for n, c in enumerate(chunks)]
        commits.append((src.rel, sha, len(chunks)))
        keep = set(file_ids)
        stale += [c.id for c in old_by_path.get(src.rel, []) if c.id not in keep]
        (report.changed if src.rel in manifest else report.added).append(src.rel)
    if ids:
        vectors = np.asarray([reuse[m["text_hash"]] for m in metas], dtype=np.float32)
        store.add_chunks(ids, vectors, docs, metas)
    store.commit_files(commits)
    store.delete_chunks(stale)
    report.reused += len(ids) - len(todo)


def main(argv: list[str] | None = None) -> int:
    """`python -m index.sync [FOLDER] [--json] [--wait S]`: sync FOLDER (default: the
    configured sources) and print the SyncReport, as one JSON object with --json.
    Used by the Discord bot's /reindex, which runs it as a child process so its event
    loop never waits on indexing, and reads the report as data."""
    import argparse
    import json
    import sys
    from dataclasses import asdict

    from index.cited import Cited
    from index.errors import CitedError
    from index.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m index.sync", description=main.__doc__)
    parser.add_argument("folder", nargs="?", type=Path, help="sources folder (default CITED_SOURCES)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for another index to finish")
    parser.add_argument("--prune", action="store_true", help="allow removing more than half of the indexed files")
    args = parser.parse_args(argv)
    try:
        report = Cited(load_settings()).index(args.folder, wait=args.wait, prune=args.prune)
    except CitedError as e:
        print(f"error: {e}", file=sys.stderr)
        if args.json:  # the error as data too: its kind, for a caller to act on
            print(json.dumps({"error": str(e), "kind": type(e).__name__}, ensure_ascii=False))
        return e.exit_code
    print(json.dumps(asdict(report), ensure_ascii=False) if args.json else report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
