"""The library never imports an interface: index/ and bench/ must not import bot."""

import ast
from pathlib import Path

from conftest import REPO


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_library_and_bench_never_import_bot():
    offenders = []
    files = sorted((REPO / "index").rglob("*.py")) + sorted((REPO / "bench").rglob("*.py"))
    assert len(files) > 10
    for f in files:
        bad = {m for m in imported_modules(f) if m == "bot" or m.startswith("bot.")}
        if bad:
            offenders.append(f"{f.relative_to(REPO)}: {sorted(bad)}")
    assert not offenders, offenders


def test_the_check_sees_an_import_of_bot(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("def f():\n    from bot.cli import app\n")
    assert "bot.cli" in imported_modules(f)


def test_a_wheel_carries_the_seeds(tmp_path):
    """`cited ask` answers from seeds/ with no setup; a wheel (pip install ., pipx) must
    carry it beside index/, where settings.py looks. Built from a copy: setuptools
    writes build/ into the tree it builds."""
    import shutil
    import subprocess
    import sys
    import zipfile

    src = tmp_path / "src"
    for part in ("index", "bot", "seeds"):
        shutil.copytree(REPO / part, src / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / part, src / part)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                        "-w", str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "seeds/hikvision-dahua-un-global-compact.txt" in names and "index/settings.py" in names
