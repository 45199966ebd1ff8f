"""The one browser pass over the built site: each page is loaded once and everything is read
from that load (console, requests, images, tables, meta tags, axe). The page tests are made by
page_tests() so two test files can split the pages between the two xdist workers."""

from urllib.parse import urlparse

import pytest

from ldnreview import notebooks, site

DOCS = notebooks.toc_docs()
CHAPTERS = [d for d in DOCS if d.startswith("book/conditions/")]
# Pages that are sections of the book and must carry citation_book_title.
SECTIONS = CHAPTERS + ["book/evidence-map", "book/claims-audit"]
# Exactly the console messages known to be harmless on a correct site (see TOOLCHAIN.md).
CONSOLE_ALLOWLIST = (
    "Identifier 'THEBE_JS_URL' has already been declared",
    "Got invalid theme mode",
)
# Axe impacts that fail a page.
SERIOUS = ("serious", "critical")


def browse(chromium, base_url: str, docs: list[str]) -> dict:
    """Load each page once, waiting for `load` (not network idle), and record what the tests check."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chromium.new_context()
    results = {}
    for doc in docs:
        page = context.new_page()
        errors, requests = [], []
        page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        response = page.goto(f"{base_url}/{doc}.html", wait_until="load")
        site.load_all_images(page)
        # The page's own messages and requests, taken before axe adds its own: axe re-fetches
        # stylesheets and resolves the theme's @import against the page, not the sheet (a 404).
        page_errors, page_requests = list(errors), list(requests)
        violations = axe.run(page).response["violations"]
        results[doc] = {
            "status": response.status,
            "errors": [e for e in page_errors if not any(a in e for a in CONSOLE_ALLOWLIST)],
            "requests": page_requests,
            "broken_images": page.evaluate("() => Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src)"),
            "images_without_alt": page.evaluate("() => Array.from(document.images).filter(i => !i.alt && !i.closest('.navbar-brand')).map(i => i.src)"),
            "meta": page.evaluate("() => Array.from(document.querySelectorAll('meta[name^=citation_], meta[property^=\"og:\"]'))"
                                  ".map(m => [m.name || m.getAttribute('property'), m.content])"),
            "tables_without_headers": page.evaluate("() => Array.from(document.querySelectorAll('article table')).filter(t => !t.querySelector('th')).length"),
            "serious_a11y": sorted(v["id"] for v in violations if v["impact"] in SERIOUS),
        }
        page.close()
    context.close()
    return results


def page_tests(docs: list[str]) -> dict:
    """The per-page tests over `docs`, to be placed in a test module's namespace."""

    @pytest.fixture(scope="module")
    def page_results(chromium, base_url):
        return browse(chromium, base_url, docs)

    @pytest.mark.parametrize("doc", docs)
    def test_page_loads_cleanly(page_results, doc):
        result = page_results[doc]
        assert result["status"] == 200
        assert result["errors"] == [], f"console errors on {doc}: {result['errors']}"
        assert result["broken_images"] == [], f"images that did not decode on {doc}"
        assert result["images_without_alt"] == []
        assert result["tables_without_headers"] == 0

    @pytest.mark.parametrize("doc", docs)
    def test_no_request_leaves_the_site(page_results, doc):
        off_host = [u for u in page_results[doc]["requests"]
                    if urlparse(u).hostname not in ("127.0.0.1",) and not u.startswith("data:")]
        assert off_host == [], f"{doc} asked another host: {off_host}"

    @pytest.mark.parametrize("doc", docs)
    def test_no_serious_accessibility_violations(page_results, doc):
        assert page_results[doc]["serious_a11y"] == [], f"axe on {doc}"

    @pytest.mark.parametrize("doc", [d for d in docs if d in SECTIONS])
    def test_scholar_meta_tags(page_results, doc):
        meta = dict(page_results[doc]["meta"])
        for name in ("citation_title", "citation_author", "citation_publication_date", "citation_public_url",
                     "citation_book_title", "citation_publisher", "citation_pdf_url"):
            assert meta.get(name), f"{doc} lacks {name}"
        assert meta["citation_public_url"].endswith(f"{doc}.html")
        assert urlparse(meta["citation_pdf_url"]).hostname == urlparse(meta["citation_public_url"]).hostname
        assert "og:type" not in meta, "only the root page is typed as a book"

    def test_root_page_is_a_book(page_results):
        meta = dict(page_results["book/index"]["meta"])
        assert meta.get("og:type") == "book" and "citation_book_title" not in meta
        assert meta.get("citation_publisher") and meta.get("citation_pdf_url")

    tests = {name: value for name, value in locals().items() if name.startswith("test_") or name == "page_results"}
    if "book/index" not in docs:
        del tests["test_root_page_is_a_book"]
    return tests
