"""The strict build, then every page of it in Debian's Chromium served from 127.0.0.1.

The build is reused when current (see site.current_build); the browser pass loads each page
once. Its pages are split between this file and test_site_pages.py so both workers share it."""

import re
import shutil
import subprocess

import pytest
import rispy
import yaml
from pybtex.database import parse_string

from ldnreview import cite, feed, load, paths, site
from sitecheck import CHAPTERS, DOCS, page_tests

ROOT = paths.root()
MAX_PAGE_BYTES = 1_000_000

globals().update(page_tests(DOCS[0::2]))


def test_build_is_strict_and_complete(built):
    assert site.is_current(built), "the build under test must be a strict build newer than every source"
    for doc in DOCS:
        assert (built / f"{doc}.html").exists(), doc


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_has_cite_box_and_download(built, doc):
    html = (built / f"{doc}.html").read_text(encoding="utf-8")
    key = doc.rsplit("/", 1)[1]
    assert "ldn-cite" in html and "@incollection" in html and "ldnbook" in html and key in html
    assert f"_sources/{doc}.ipynb" in html, "chapter should offer its .ipynb"
    assert re.search(r"Last updated on \d{4}-\d{2}-\d{2}", html)
    assert "Accessed [date]." in html
    for suffix in cite.CITE_FORMATS:
        href = f"../../{cite.CITE_DIR}/{key}{suffix}"
        assert f'href="{href}"' in html, f"{doc}: cite box should link {href}"
        assert (built / doc).parent.joinpath(href).resolve().is_file()


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_citation_files_parse(built, doc):
    key = doc.rsplit("/", 1)[1]
    folder = built / cite.CITE_DIR
    bib = parse_string((folder / f"{key}.bib").read_text(encoding="utf-8"), "bibtex")
    (entry,) = bib.entries.values()
    (ris,) = rispy.loads((folder / f"{key}.ris").read_text(encoding="utf-8"))
    # The chapter's title as the cite box (chapter.Chapter.title) has it, from data/conditions.csv.
    title = load().conditions.set_index("condition").loc[key, "display_name"]
    expected = cite.citation_files(cite.chapter_work(title, doc))
    for suffix, text in expected.items():
        assert (folder / f"{key}{suffix}").read_text(encoding="utf-8") == text
    assert entry.fields["url"] == ris["urls"][0] == cite.book_meta().page_url(doc)


def test_changelog_feed_is_in_the_build(built):
    assert (built / feed.FEED_NAME).read_text(encoding="utf-8") == feed.atom()
    assert feed.FEED_NAME in (built / "book" / "changelog.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", DOCS)
def test_page_weight(built, doc):
    html = built / f"{doc}.html"
    text = html.read_text(encoding="utf-8")
    images = set(re.findall(r'<img[^>]+src="([^"]+)"', text))
    weight = html.stat().st_size + sum((html.parent / src).resolve().stat().st_size for src in images)
    assert weight <= MAX_PAGE_BYTES, f"{doc}: {weight:,} bytes"


def test_search_finds_a_known_word(chromium, base_url):
    page = chromium.new_page()
    page.goto(f"{base_url}/search.html?q=fibromyalgia", wait_until="load")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    assert page.locator("#search-results ul.search li").count() >= 1
    page.close()


def test_sorting_and_filtering_work(chromium, base_url):
    page = chromium.new_page()
    page.goto(f"{base_url}/book/conditions/fibromyalgia.html", wait_until="load")
    section = page.locator("section#studies .ldn-table")
    rows = section.locator("tbody tr")
    total = rows.count()
    section.locator(".ldn-filter input").fill("crossover")
    visible = sum(1 for i in range(total) if rows.nth(i).is_visible())
    assert 0 < visible < total
    header = section.locator("th").nth(3)
    header.locator("button.ldn-sort").click()
    assert header.get_attribute("aria-sort") == "ascending"
    page.close()


def test_published_pages_never_disappear(built):
    listed = [l.strip() for l in (ROOT / "tests" / "published_pages.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    redirects = yaml.safe_load((ROOT / "book" / "redirects.yml").read_text()) or {}
    for doc in listed:
        assert doc in DOCS or doc in redirects, f"{doc} was published; keep it or add a redirect in book/redirects.yml"
        assert (built / f"{doc}.html").exists()
    unlisted = [d for d in DOCS if d not in listed]
    assert unlisted == [], f"new pages must be added to tests/published_pages.txt: {unlisted}"


def test_chapter_prints_to_pdf_with_its_figures(chromium, base_url, tmp_path):
    out = site.print_pdf(f"{base_url}/book/conditions/fibromyalgia.html", tmp_path / "fibromyalgia.pdf", chromium)
    assert site.pdf_page_count(out) >= 2
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: run `make browser`")
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    # The figures are SVG with text kept as text, so they print as vector drawings whose words can be found.
    for label in ("favours LDN", "favours placebo", "Naltrexone dose", "Randomisation"):
        assert label in text, f"figure text {label!r} missing from the printed chapter"
