"""Citation metadata. CITATION.cff is the one source: the book's version, the how-to-cite
page, each chapter's cite box and the Scholar meta tags are all generated from it."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths
from .output import Markdown


@dataclass(frozen=True)
class BookMeta:
    title: str
    authors: tuple[str, ...]
    version: str
    date_released: str
    url: str
    repository: str
    license: str

    @property
    def year(self) -> str:
        return self.date_released[:4]

    def page_url(self, docname: str) -> str:
        return self.url.rstrip("/") + "/" + docname + ".html"


def _author_name(author: dict) -> str:
    if "name" in author:
        return author["name"]
    return " ".join(p for p in (author.get("given-names"), author.get("family-names")) if p)


CFF_SCHEMA = Path(__file__).parent / "schemas" / "cff-1.2.0.schema.json"


def _plain(value):
    # YAML reads an unquoted date as a date object; CFF (and its schema) means the ISO string.
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def read_cff(path: Path | None = None) -> dict:
    path = path or paths.root() / "CITATION.cff"
    return _plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def cff_problems(path: Path | None = None) -> list[str]:
    """Every way CITATION.cff breaks the CFF 1.2.0 schema, each naming the key."""
    import jsonschema

    path = path or paths.root() / "CITATION.cff"
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(read_cff(path)), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{paths.display(path)}: {'/'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}" for e in errors]


@lru_cache(maxsize=1)
def book_meta() -> BookMeta:
    data = read_cff()
    return BookMeta(
        title=data["title"],
        authors=tuple(_author_name(a) for a in data["authors"]),
        version=str(data["version"]),
        date_released=str(data["date-released"]),
        url=data["url"],
        repository=data["repository-code"],
        license=data["license"],
    )


def _bibtex_authors(meta: BookMeta) -> str:
    # Braces keep a group author whole instead of being split into first and last names.
    return " and ".join("{" + a + "}" for a in meta.authors)


def book_citation(meta: BookMeta | None = None) -> tuple[str, str]:
    meta = meta or book_meta()
    text = f"{'; '.join(meta.authors)} ({meta.year}). *{meta.title}* (version {meta.version}). {meta.url}"
    bib = (
        f"@book{{ldnbook{meta.year},\n"
        f"  author = {{{_bibtex_authors(meta)}}},\n"
        f"  title = {{{{{meta.title}}}}},\n"
        f"  year = {{{meta.year}}},\n"
        f"  edition = {{Version {meta.version}}},\n"
        f"  url = {{{meta.url}}},\n"
        f"  note = {{Licence {meta.license}}}\n"
        f"}}"
    )
    return text, bib


def chapter_citation(chapter_title: str, docname: str, key: str, meta: BookMeta | None = None) -> tuple[str, str]:
    meta = meta or book_meta()
    url = meta.page_url(docname)
    text = f"{'; '.join(meta.authors)} ({meta.year}). {chapter_title}. In *{meta.title}* (version {meta.version}). {url}"
    bib = (
        f"@incollection{{ldnbook{meta.year}-{key},\n"
        f"  author = {{{_bibtex_authors(meta)}}},\n"
        f"  title = {{{{{chapter_title}}}}},\n"
        f"  booktitle = {{{{{meta.title}}}}},\n"
        f"  year = {{{meta.year}}},\n"
        f"  edition = {{Version {meta.version}}},\n"
        f"  url = {{{url}}}\n"
        f"}}"
    )
    return text, bib


def cite_box(text: str, bib: str, heading: str = "Cite this chapter") -> Markdown:
    """An admonition with the citation as text and as BibTeX (the code block gets a copy button)."""
    return Markdown(
        f"::::{{admonition}} {heading}\n:class: tip ldn-cite\n\n{text}\n\n```bibtex\n{bib}\n```\n::::\n"
    )


def chapter_cite_box(chapter_title: str, docname: str, key: str) -> Markdown:
    return cite_box(*chapter_citation(chapter_title, docname, key))
