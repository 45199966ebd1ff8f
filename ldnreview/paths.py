"""Where things live. Every path resolves from the repository root, so Jupyter,
the book build and nbval agree whatever their working directory."""

from __future__ import annotations

import os
from pathlib import Path

_MARKERS = ("_config.yml", "data")


def root() -> Path:
    """The repository root: $LDNREVIEW_ROOT, else the checkout this package was installed from,
    else the nearest parent of the working directory that holds the book's config."""
    env = os.environ.get("LDNREVIEW_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if all((here / m).exists() for m in _MARKERS):
        return here
    for candidate in (Path.cwd(), *Path.cwd().parents):
        if all((candidate / m).exists() for m in _MARKERS):
            return candidate
    raise FileNotFoundError("cannot find the repository root (no _config.yml and data/ above the working directory)")


def data_dir() -> Path:
    return root() / "data"


def figures_dir() -> Path:
    return root() / "figures"


def book_dir() -> Path:
    return root() / "book"


def bib_path() -> Path:
    return book_dir() / "references.bib"


def display(path: Path) -> str:
    """A path as a person should read it in an error: relative to the root when inside it."""
    try:
        return str(Path(path).resolve().relative_to(root()))
    except (ValueError, FileNotFoundError):
        return str(path)
