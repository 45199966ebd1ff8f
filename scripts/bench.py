"""`make bench`: build time, nbval time against its floor, and page weight, printed as one table.

Targets: nbval of all notebooks on 2 cores <= 0.75 x the serial floor; every chapter page <= 1 MB;
strict build <= 0.5 s per page.
"""

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from ldnreview import notebooks, paths, site

ROOT = paths.root()
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval", "--nbval-current-env"]


def timed(cmd, **kwargs) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed


def page_weight(html: Path) -> int:
    text = html.read_text(encoding="utf-8")
    images = set(re.findall(r'<img[^>]+src="([^"]+)"', text))
    return html.stat().st_size + sum((html.parent / src).resolve().stat().st_size for src in images)


def main() -> None:
    docs = notebooks.toc_docs()
    books = notebooks.notebooks()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        html = site.build(Path(tmp) / "out")
        build = time.perf_counter() - start
        nbval = timed([*PYTEST, "--nbval-sanitize-with", "tests/sanitize.cfg", "-n", "2", "--dist", "loadfile",
                       *[str(p) for p in books]], cwd=ROOT)
        floor_dir = Path(tmp) / "floor"
        floor_dir.mkdir()
        for i in range(len(books)):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas\nimport matplotlib.pyplot")])
            nbformat.write(nb, floor_dir / f"floor{i:02d}.ipynb")
        floor = timed([*PYTEST, "-p", "no:xdist", str(floor_dir)], cwd=floor_dir)
        weights = {d: page_weight(html / f"{d}.html") for d in docs if d.startswith("book/conditions/")}

    rows = [
        ("strict HTML build (stored outputs)", f"{build:.1f} s", f"{build / len(docs):.2f} s/page for {len(docs)} pages", "<= 0.5 s/page"),
        ("pytest --nbval, all notebooks, -n 2", f"{nbval:.1f} s", f"{len(books)} notebooks", ""),
        ("floor: same count importing pandas+matplotlib, serial", f"{floor:.1f} s", "", ""),
        ("ratio nbval / floor", f"{nbval / floor:.2f}", "", "<= 0.75"),
        ("heaviest chapter page (HTML + images)", f"{max(weights.values()) / 1e6:.2f} MB", max(weights, key=weights.get), "<= 1 MB"),
        ("median chapter page", f"{sorted(weights.values())[len(weights) // 2] / 1e6:.2f} MB", "", ""),
    ]
    widths = [max(len(r[i]) for r in rows + [("measure", "value", "detail", "target")]) for i in range(4)]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(("measure", "value", "detail", "target")))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    print()
    print("| chapter page | weight |")
    print("|---|---|")
    for doc, weight in sorted(weights.items()):
        print(f"| {doc} | {weight / 1e3:,.0f} kB |")


if __name__ == "__main__":
    main()
