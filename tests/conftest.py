import csv
import shutil
from pathlib import Path

import pytest

from ldnreview import paths

ROOT = paths.root()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (row counts data rows from 1, as the error messages do)."""
    header, rows = read_rows(path)
    rows[row - 1][column] = value
    write_rows(path, header, rows)


# -- the built site, shared by the browser tests in this worker -------------------------

@pytest.fixture(scope="session")
def built() -> Path:
    """The strict build in _build/html: reused when current (stamped and newer than every source),
    else rebuilt from scratch once."""
    from ldnreview import site

    return site.current_build()


@pytest.fixture(scope="session")
def base_url(built):
    from ldnreview import site

    with site.serve(built) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """One browser for every page, search, table and PDF check in this worker."""
    from ldnreview import site

    with site.browser() as running:
        yield running
