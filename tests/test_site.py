"""The strict build, then every page of it in Debian's Chromium served from 127.0.0.1."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from ldnreview import notebooks, paths, site

ROOT = paths.root()
DOCS = notebooks.toc_docs()
CHAPTERS = [d for d in DOCS if d.startswith("book/conditions/")]
MAX_PAGE_BYTES = 1_000_000
# Exactly the console messages known to be harmless on a correct site (see TOOLCHAIN.md).
CONSOLE_ALLOWLIST = (
    "Identifier 'THEBE_JS_URL' has already been declared",
    "Got invalid theme mode",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return site.build(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def base_url(built):
    with site.serve(built) as url:
        yield url


@pytest.fixture(scope="module")
def page_results(built, base_url):
    """Load each page once; record console errors, requests, images and Scholar tags."""
    results = {}
    with site.browser() as chromium:
        context = chromium.new_context()
        for doc in DOCS:
            page = context.new_page()
            errors, requests = [], []
            page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.on("request", lambda r, requests=requests: requests.append(r.url))
            response = page.goto(f"{base_url}/{doc}.html", wait_until="networkidle")
            page.evaluate("() => Promise.all(Array.from(document.images).map(i => { i.loading = 'eager';"
                          " return i.complete ? null : new Promise(d => { i.onload = i.onerror = d; }); }))")
            results[doc] = {
                "status": response.status,
                "errors": [e for e in errors if not any(a in e for a in CONSOLE_ALLOWLIST)],
                "requests": requests,
                "broken_images": page.evaluate("() => Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src)"),
                "images_without_alt": page.evaluate("() => Array.from(document.images).filter(i => !i.alt && !i.closest('.navbar-brand')).map(i => i.src)"),
                "meta": page.evaluate("() => Array.from(document.querySelectorAll('meta[name^=citation_]')).map(m => [m.name, m.content])"),
                "tables_without_headers": page.evaluate("() => Array.from(document.querySelectorAll('article table')).filter(t => !t.querySelector('th')).length"),
            }
            page.close()
    return results


def test_build_is_strict_and_complete(built):
    for doc in DOCS:
        assert (built / f"{doc}.html").exists(), doc


@pytest.mark.parametrize("doc", DOCS)
def test_page_loads_cleanly(page_results, doc):
    result = page_results[doc]
    assert result["status"] == 200
    assert result["errors"] == [], f"console errors on {doc}: {result['errors']}"
    assert result["broken_images"] == [], f"images that did not decode on {doc}"
    assert result["images_without_alt"] == []
    assert result["tables_without_headers"] == 0


@pytest.mark.parametrize("doc", DOCS)
def test_no_request_leaves_the_site(page_results, doc):
    off_host = [u for u in page_results[doc]["requests"] if urlparse(u).hostname not in ("127.0.0.1",) and not u.startswith("data:")]
    assert off_host == [], f"{doc} asked another host: {off_host}"


@pytest.mark.parametrize("doc", CHAPTERS + ["book/evidence-map", "book/claims-audit"])
def test_scholar_meta_tags(page_results, doc):
    meta = dict(page_results[doc]["meta"])
    for name in ("citation_title", "citation_author", "citation_publication_date", "citation_public_url", "citation_book_title"):
        assert meta.get(name), f"{doc} lacks {name}"
    assert meta["citation_public_url"].endswith(f"{doc}.html")


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_has_cite_box_and_download(built, doc):
    html = (built / f"{doc}.html").read_text(encoding="utf-8")
    key = doc.rsplit("/", 1)[1]
    assert "ldn-cite" in html and "@incollection" in html and f"ldnbook" in html and key in html
    assert f"_sources/{doc}.ipynb" in html, "chapter should offer its .ipynb"
    assert re.search(r"Last updated on \d{4}-\d{2}-\d{2}", html)


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_page_weight(built, doc):
    html = built / f"{doc}.html"
    text = html.read_text(encoding="utf-8")
    images = set(re.findall(r'<img[^>]+src="([^"]+)"', text))
    weight = html.stat().st_size + sum((html.parent / src).resolve().stat().st_size for src in images)
    assert weight <= MAX_PAGE_BYTES, f"{doc}: {weight:,} bytes"


def test_search_finds_a_known_word(built, base_url):
    with site.browser() as chromium:
        page = chromium.new_page()
        page.goto(f"{base_url}/search.html?q=fibromyalgia", wait_until="networkidle")
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        assert page.locator("#search-results ul.search li").count() >= 1


def test_sorting_and_filtering_work(base_url):
    with site.browser() as chromium:
        page = chromium.new_page()
        page.goto(f"{base_url}/book/conditions/fibromyalgia.html", wait_until="networkidle")
        section = page.locator("section#studies .ldn-table")
        rows = section.locator("tbody tr")
        total = rows.count()
        section.locator(".ldn-filter input").fill("crossover")
        visible = sum(1 for i in range(total) if rows.nth(i).is_visible())
        assert 0 < visible < total
        header = section.locator("th").nth(3)
        header.locator("button.ldn-sort").click()
        assert header.get_attribute("aria-sort") == "ascending"


def test_no_serious_accessibility_violations(base_url):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = {}
    with site.browser() as chromium:
        page = chromium.new_page()
        for doc in DOCS:
            page.goto(f"{base_url}/{doc}.html", wait_until="networkidle")
            results = axe.run(page)
            serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            if serious:
                problems[doc] = serious
    assert problems == {}


def test_published_pages_never_disappear(built):
    listed = [l.strip() for l in (ROOT / "tests" / "published_pages.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]
    redirects = yaml.safe_load((ROOT / "book" / "redirects.yml").read_text()) or {}
    for doc in listed:
        assert doc in DOCS or doc in redirects, f"{doc} was published; keep it or add a redirect in book/redirects.yml"
        assert (built / f"{doc}.html").exists()
    unlisted = [d for d in DOCS if d not in listed]
    assert unlisted == [], f"new pages must be added to tests/published_pages.txt: {unlisted}"


def test_chapter_prints_to_pdf_with_its_figures(built, base_url, tmp_path):
    out = site.print_pdf(f"{base_url}/book/conditions/fibromyalgia.html", tmp_path / "fibromyalgia.pdf")
    assert site.pdf_page_count(out) >= 2
    assert site.pdf_image_count(out) >= 3  # evidence strength, dose ranges, forest plot
