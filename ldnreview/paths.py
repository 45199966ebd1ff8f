"""Where things live. Every path resolves from the repository root, so Jupyter,
the book build and nbval agree whatever their working directory."""

from __future__ import annotations

import functools
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
    raise FileNotFoundError(
        "ldnreview cannot find the book's data: it looks in $LDNREVIEW_ROOT, then in the checkout the package "
        f"was installed from, then above the working directory ({Path.cwd()}). Clone the book, then either work "
        "inside the clone or set LDNREVIEW_ROOT=/path/to/the/clone."
    )


def data_dir() -> Path:
    return root() / "data"


def figures_dir() -> Path:
    """Where figures are exported: $LDNREVIEW_FIGURES_DIR when set (the tests use a scratch
    folder, so they never rewrite the committed figures), else figures/ in the checkout."""
    scratch = os.environ.get("LDNREVIEW_FIGURES_DIR")
    return Path(scratch) if scratch else root() / "figures"


def book_dir() -> Path:
    return root() / "book"


def bib_path() -> Path:
    return book_dir() / "references.bib"


def display(path: Path) -> str:
    """A path as a person should read it in an error: relative to the root when inside it."""
    return _display(str(path), os.environ.get("LDNREVIEW_ROOT"), os.getcwd())


@functools.lru_cache(maxsize=256)
def _display(path: str, _root_env: str | None, _cwd: str) -> str:
    # Validation names a file once per problem and per checked cell: resolve each path once, not every time.
    try:
        return str(Path(path).resolve().relative_to(root()))
    except (ValueError, FileNotFoundError):
        return path
