"""`make bench`: the numbers issue 15 holds the book to, measured side by side in one run and
printed as one table.

  fresh clone to tested   `git clone` of HEAD into a temp folder, then `make book` and `make test`
                          there (pip's cache is warm; the clone gets its own .venv)      < 3 min
  nbval / floor           pytest --nbval of all notebooks on 2 cores against the serial floor
                          (same count of notebooks that only import pandas + matplotlib)  <= 0.75
  strict build            fresh strict HTML build, seconds per page                      <= 0.5 s/page
  page weight             every page, HTML + its images                                  <= 1 MB
  10x synthetic data      a temporary copy with every study, outcome and adverse event repeated
                          ten times under new ids (never committed), re-derived, re-executed and
                          built: build s/page and the heaviest page

    python scripts/bench.py [--no-clone] [--no-10x]
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from ldnreview import notebooks, paths, site

ROOT = paths.root()
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval", "--nbval-current-env"]
COPIES = 10
# What the synthetic copy needs of the repository (no .git, no venv, no build).
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv*", "_build", "__pycache__", "*.egg-info", ".pytest_cache")


def run(cmd, check=True, **kwargs) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if check and result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed, result.returncode, result.stdout[-2000:] + result.stderr[-2000:]


def page_weight(html: Path) -> int:
    text = html.read_text(encoding="utf-8")
    images = set(re.findall(r'<img[^>]+src="([^"]+)"', text))
    return html.stat().st_size + sum((html.parent / src).resolve().stat().st_size for src in images)


def weights(html: Path, docs: list[str]) -> dict[str, int]:
    return {d: page_weight(html / f"{d}.html") for d in docs}


def timed_build(output: Path) -> tuple[float, Path]:
    start = time.perf_counter()
    html = site.build(output)
    return time.perf_counter() - start, html


def fresh_clone(tmp: Path) -> tuple[float, float, int, str]:
    """Seconds for `make book` and `make test` in a fresh clone of HEAD, and make test's exit code."""
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("LDNREVIEW_ROOT", "VIRTUAL_ENV")}
    book, rc, out = run(["make", "book"], check=False, cwd=clone, env=env)
    if rc != 0:
        return book, 0.0, rc, out
    test, rc, out = run(["make", "test"], check=False, cwd=clone, env=env)
    return book, test, rc, out


def _renamed(value: str, k: int, pattern: str) -> str:
    """'Smith2019a' -> 'SmithSynb2019a': still matches the id pattern, unique per copy."""
    match = re.fullmatch(pattern, value)
    return f"{match[1]}Syn{chr(ord('a') + k - 1)}{match[2]}{match[3]}"


def synthetic_copy(tmp: Path) -> Path:
    """The repository with every study (and its outcomes, adverse events and risk of bias) present COPIES times."""
    copy = tmp / "x10"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    data = copy / "data"

    def read(name):
        with (data / name).open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            return reader.fieldnames, list(reader)

    def write(name, header, rows):
        with (data / name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    header, studies = read("studies.csv")
    linked = {name: (key, *read(name)) for name, key in (("outcomes.csv", "outcome_id"), ("adverse_events.csv", "ae_id"),
                                                         ("risk_of_bias.csv", "rob_id"))}
    out = list(studies)
    extra = {name: [] for name in linked}
    for k in range(1, COPIES):
        ids = {s["study_id"]: _renamed(s["study_id"], k, r"([A-Z][A-Za-z]+)([0-9]{4})([a-z]?)") for s in studies}
        for s in studies:
            row = dict(s, study_id=ids[s["study_id"]],
                       bibkey=_renamed(s["bibkey"], k, r"([A-Z][A-Za-z]+)([0-9]{4})([a-z]+)"))
            row["pmid"] = str(int(s["pmid"]) + k * 100_000_000) if s["pmid"] else ""
            row["doi"] = f"{s['doi']}/syn{k}" if s["doi"] else ""
            row["secondary_to"] = ids.get(s["secondary_to"], "") if s["secondary_to"] else ""
            out.append(row)
        for name, (key, _, rows) in linked.items():
            extra[name] += [dict(r, study_id=ids[r["study_id"]], **{key: f"{r[key]}-syn{k}"}) for r in rows]
    write("studies.csv", header, out)
    for name, (_, h, rows) in linked.items():
        write(name, h, rows + extra[name])
    return copy


def ten_x(tmp: Path) -> dict:
    copy = synthetic_copy(tmp)
    env = dict(os.environ, LDNREVIEW_ROOT=str(copy))
    run([sys.executable, "-m", "ldnreview", "derive"], env=env)
    execute, _, _ = run([sys.executable, "-m", "ldnreview", "execute"], env=env)
    docs = notebooks.toc_docs((copy / "_toc.yml").read_text(encoding="utf-8"))
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(copy), "-W", "-n", "--keep-going", "--all"]
    build, _, _ = run(cmd, env=env)
    w = weights(copy / "_build" / "html", docs)
    heaviest = max(w, key=w.get)
    return {"execute": execute, "build": build, "pages": len(docs), "heaviest": heaviest, "weight": w[heaviest],
            "over": sorted(d for d, v in w.items() if v > 1_000_000)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-clone", action="store_true", help="skip the fresh-clone measurement")
    parser.add_argument("--no-10x", action="store_true", help="skip the 10x synthetic-data measurement")
    args = parser.parse_args()
    docs = notebooks.toc_docs()
    books = notebooks.notebooks()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.no_clone:
            book, test, rc, out = fresh_clone(tmp)
            status = "passed" if rc == 0 else f"make test FAILED (exit {rc})"
            rows.append(("fresh clone: make book + make test", f"{book + test:.0f} s",
                         f"book {book:.0f} s, test {test:.0f} s; {status}", "< 180 s"))
        build, html = timed_build(tmp / "out")
        nbval, nbval_rc, _ = run([*PYTEST, "--nbval-sanitize-with", "tests/sanitize.cfg", "-n", "2", "--dist", "loadfile",
                           *[str(p) for p in books]], check=False, cwd=ROOT)
        floor_dir = tmp / "floor"
        floor_dir.mkdir()
        for i in range(len(books)):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas\nimport matplotlib.pyplot")])
            nbformat.write(nb, floor_dir / f"floor{i:02d}.ipynb")
        floor, _, _ = run([*PYTEST, "-p", "no:xdist", str(floor_dir)], cwd=floor_dir)
        w = weights(html, docs)
        heaviest = max(w, key=w.get)
        rows += [
            ("strict HTML build (stored outputs, fresh)", f"{build:.1f} s", f"{build / len(docs):.2f} s/page for {len(docs)} pages", "<= 0.5 s/page"),
            ("pytest --nbval, all notebooks, -n 2", f"{nbval:.1f} s", f"{len(books)} notebooks" + ("" if nbval_rc == 0 else "; some cells FAILED"), ""),
            ("floor: same count importing pandas+matplotlib, serial", f"{floor:.1f} s", "", ""),
            ("ratio nbval / floor", f"{nbval / floor:.2f}", "", "<= 0.75"),
            ("heaviest page (HTML + images)", f"{w[heaviest] / 1e6:.2f} MB", heaviest, "<= 1 MB"),
            ("median page", f"{sorted(w.values())[len(w) // 2] / 1e6:.2f} MB", "", ""),
        ]
        if not args.no_10x:
            x = ten_x(tmp)
            rows += [
                (f"{COPIES}x data: execute all notebooks", f"{x['execute']:.0f} s", "", ""),
                (f"{COPIES}x data: strict HTML build", f"{x['build']:.1f} s", f"{x['build'] / x['pages']:.2f} s/page",
                 "reported: pages hold 10x the rows"),
                (f"{COPIES}x data: heaviest page", f"{x['weight'] / 1e6:.2f} MB", x["heaviest"],
                 "<= 1 MB" + (f"; over: {', '.join(x['over'])}" if x["over"] else "")),
            ]

    widths = [max(len(r[i]) for r in rows + [("measure", "value", "detail", "target")]) for i in range(4)]
    line = lambda r: "| " + " | ".join(c.ljust(wd) for c, wd in zip(r, widths)) + " |"
    print(line(("measure", "value", "detail", "target")))
    print("|" + "|".join("-" * (wd + 2) for wd in widths) + "|")
    for r in rows:
        print(line(r))
    print()
    print("| page | weight |")
    print("|---|---|")
    for doc, weight in sorted(w.items()):
        print(f"| {doc} | {weight / 1e3:,.0f} kB |")


if __name__ == "__main__":
    main()
