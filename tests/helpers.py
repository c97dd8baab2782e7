"""Test helpers: a deterministic embedder for tests that do not depend on meaning."""

from __future__ import annotations

import hashlib

import numpy as np

from index.embedding import DIM


class HashEmbedder:
    """Bag of hashed words -> unit vector. Fast and deterministic; similar word sets
    get similar vectors, which is all the sync and store tests need."""

    name = "hash"

    def __init__(self):
        self.calls = 0
        self.texts = 0

    def embed(self, texts):
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % DIM] += 1.0
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        return out


def extracted(path):
    """The extraction of the file at ``path``, as a sync reads it."""
    from index.sources import SourceFile, extract

    return extract(SourceFile(path.name, path), path.read_bytes())


def indexed(folder, data_dir, embedder):
    """A Cited over ``folder`` (the real model, real Chroma under ``data_dir``), indexed."""
    from index.cited import Cited
    from index.settings import Settings

    cited = Cited(Settings(data_dir=data_dir, sources=folder), embedder=embedder)
    cited.index(folder)
    return cited


def make_pdf(pages: list) -> bytes:
    """A small valid PDF built by hand, so tests need no PDF-writing library. A page is
    a string (one line of 12 pt Helvetica) or a list of lines ``(text, font, size, x,
    y)`` laid out as a docs page is printed, with font "mono" (Courier), "bold"
    (Helvetica-Bold) or "text" (Helvetica)."""
    fonts = {"text": "Helvetica", "mono": "Courier", "bold": "Helvetica-Bold"}
    objs: list[bytes] = []
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    font_id = 3 + 2 * n
    refs = " ".join(f"/F{k} {font_id + k} 0 R" for k in range(len(fonts)))
    for i, page in enumerate(pages):
        lines = [(page, "text", 12, 72, 720)] if isinstance(page, str) else page
        ops = []
        for text, font, size, x, y in lines:
            safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F{list(fonts).index(font)} {size} Tf {x} {y} Td ({safe}) Tj ET")
        stream = "\n".join(ops).encode("latin-1")  # the standard fonts' own encoding
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << {refs} >> >> >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    for base in fonts.values():
        objs.append(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


# A docs page as projects write them: front matter, ATX and Setext headings, a colon-led
# list, a table, fenced code (test_structure.py and test_units.py).
DOC = """---
title: Front matter title
weight: 10
---

Setup guide
===========

Intro text before any option.

## Options

### Password prompt

The prompt asks once. It never echoes what you type.

### Proxy

To route traffic through a proxy, set one of these options:

- `proxy_url`: the address of the proxy.
- `proxy_auth`: a user name and password for it.

```python
client = Client(proxy_url="http://localhost:8030")

client.get("/")
```

Other settings
--------------

| setting | default |
|---|---|
| `timeout` | 5 seconds |
| `retries` | 3 |
"""


def md_hit(text: str, section: str = "Guide"):
    """A search hit whose passage is the whole Markdown ``text`` of guide.md."""
    from index.search import Hit

    return Hit("c1", "guide.md", None, 0, len(text), text, 0.5, 0.5, 0.5, 1, section, "Guide")
