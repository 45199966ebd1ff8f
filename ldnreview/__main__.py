"""Command line used by the Makefile.

    python -m ldnreview validate        check every table; exit 1 with file/row/column messages
    python -m ldnreview derive          regenerate what derives from data/ and CITATION.cff: references.bib,
                                        datapackage.json, _toc.yml, .zenodo.json, and a notebook for each new condition
    python -m ldnreview check           validate, and fail if a derived file is out of date
    python -m ldnreview execute [NB..]  re-execute notebooks in place (all by default), two at a time
    python -m ldnreview release-notes V print CHANGELOG.md's section for version V (the release workflow)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import bib, cite, feed, notebooks, paths, schema
from .load import DataError, load


def datapackage_text() -> str:
    return json.dumps(schema.datapackage(), indent=2, ensure_ascii=False) + "\n"


def _derived_files(data) -> dict[Path, str]:
    return {
        paths.bib_path(): bib.render(data.studies),
        paths.data_dir() / "datapackage.json": datapackage_text(),
        paths.root() / "_toc.yml": notebooks.toc(data.conditions),
        paths.root() / ".zenodo.json": cite.zenodo_text(),
    }


def derived_problems(data) -> list[str]:
    problems = cite.cff_problems() + bib.stale_problems(data.studies)
    for path, text in _derived_files(data).items():
        if path.name == "references.bib":
            continue  # reported above, key by key
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            problems.append(f"{paths.display(path)}: out of date with data/, CITATION.cff and ldnreview/; run `make data`")
    problems += notebooks.stale_output_problems(data.fingerprint)
    for row in notebooks.chapter_conditions(data.conditions).itertuples():
        if not notebooks.chapter_path(row.condition).exists():
            problems.append(f"data/conditions.csv: condition {row.condition!r} has no chapter "
                            f"{paths.display(notebooks.chapter_path(row.condition))}; run `make data`")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ldnreview")
    parser.add_argument("command", choices=("validate", "derive", "check", "execute", "release-notes"))
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "release-notes":
        wanted = [str(v) for v in args.notebooks]
        text = (paths.root() / "CHANGELOG.md").read_text(encoding="utf-8")
        found = [s["body"] for s in feed.sections(text) if s["version"] in wanted]
        if not found:
            print(f"CHANGELOG.md has no section for version {' '.join(wanted)}", file=sys.stderr)
            return 1
        print(found[0])
        return 0
    if args.command == "execute":
        targets = [p.resolve() for p in args.notebooks] or notebooks.notebooks()
        for path in notebooks.execute_all(targets):
            print(f"executed {paths.display(path)}")
        return 0
    try:
        data = load()
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "derive":
        for path, text in _derived_files(data).items():
            path.write_text(text, encoding="utf-8")
            print(f"wrote {paths.display(path)}")
        for path in notebooks.scaffold(data.conditions):
            print(f"new chapter {paths.display(path)} (run `make execute`)")
        return 0
    if args.command == "check":
        problems = derived_problems(data)
        if problems:
            print(DataError(problems), file=sys.stderr)
            return 1
    print(f"data OK: {', '.join(f'{n} {name}' for name, n in data.row_counts.items())} (fingerprint {data.fingerprint})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
