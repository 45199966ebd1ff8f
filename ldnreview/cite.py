"""Citation metadata. CITATION.cff is the one source: the book's version, the how-to-cite
page, each chapter's cite box and the Scholar meta tags are all generated from it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from . import paths
from .output import Admonition, CodeBlock, Paragraph


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


@lru_cache(maxsize=1)
def book_meta() -> BookMeta:
    data = yaml.safe_load((paths.root() / "CITATION.cff").read_text(encoding="utf-8"))
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
    text = f"{'; '.join(meta.authors)} ({meta.year}). {meta.title} (version {meta.version}). {meta.url}"
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
    text = f"{'; '.join(meta.authors)} ({meta.year}). {chapter_title}. In {meta.title} (version {meta.version}). {url}"
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


def cite_box(text: str, bib: str, heading: str = "Cite this chapter") -> Admonition:
    """A box with the citation as text and as BibTeX (the code block gets a copy button)."""
    return Admonition(heading, Paragraph(text), CodeBlock(bib, "bibtex"), kind="tip", css_class="ldn-cite")


def chapter_cite_box(chapter_title: str, docname: str, key: str) -> Admonition:
    return cite_box(*chapter_citation(chapter_title, docname, key))
