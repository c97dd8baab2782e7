"""What names a chunk in Chroma and what it records there: its id (its file's key, the
file's content hash, its number) and its metadata (where it is, its section, title and
carried fence). Ids start with the file's key so a filter on files needs no lookup."""

from __future__ import annotations


def path_key(path: str) -> str:
    """What every chunk id of ``path`` starts with (so a filter on paths needs no lookup)."""
    import hashlib

    return hashlib.sha1(path.encode("utf-8", "replace")).hexdigest()[:16]


def chunk_id(path: str, sha: str, n: int) -> str:
    return f"{path_key(path)}-{sha[:16]}-{n:05d}"


def path_key_of(cid: str) -> str:
    """The path_key a chunk id starts with."""
    return cid.split("-", 1)[0]


def chunk_metadata(
    path: str, sha: str, n: int, start: int, end: int, page: int | None, text_hash: str, line: int | None = None,
    section: str = "", title: str | None = None, fence: str = "", anchors: tuple[tuple[str, str], ...] = (),
    before: str = "",
) -> dict:
    meta = {"path": path, "sha": sha, "n": n, "start": start, "end": end, "text_hash": text_hash}
    if before:
        meta["before"] = before  # see Chunk.before
    if anchors:
        # Chroma metadata holds no lists or maps: JSON, {section label: id}.
        import json

        meta["anchors"] = json.dumps(dict(anchors), ensure_ascii=False)
    if fence:
        meta["fence"] = fence
    if section:
        meta["section"] = section
    if title:
        meta["title"] = title
    # Chroma metadata cannot hold None: absent means "no page" / "no lines".
    if page is not None:
        meta["page"] = page
    if line is not None:
        meta["line"] = line
    return meta
