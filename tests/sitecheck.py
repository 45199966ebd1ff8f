"""The one browser pass over the built site: each page is loaded once and everything is read
from that load (console, requests, images, tables, meta tags, figure text, axe), first at a desktop
width and then, without reloading, at a 390 px phone width. The page tests are made by page_tests()
so two test files can split the pages between the two xdist workers."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ldnreview import notebooks, paths, site

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
# Axe's colour-contrast rule costs most of a page's check, in proportion to its table cells. Every table's rows
# come from one generator, so rows after the third repeat the markup and styles above them; axe checks the first
# three rows of each table, every cell holding a badge (whose colour varies by row), and all the rest of the page.
REPEATED_CELLS = "tbody tr:nth-child(n+4) > td:not(:has(.sd-badge))"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
# Smallest figure text, in CSS pixels, as shown: 12 px is 9 pt on a desktop; on a phone at least 6 px
# (the figure is then a third of its desktop width; the SVG stays sharp when a reader zooms it).
MIN_FIGURE_TEXT_PX = {"desktop": 12.0, "phone": 6.0}
FIGURES = paths.root() / "figures"

_FIGURE_WIDTHS = "() => Array.from(document.querySelectorAll('article figure img')).map(i => [i.getAttribute('src'), i.clientWidth])"
_PHONE_LAYOUT = """() => ({
    widths: [document.scrollingElement.scrollWidth, window.innerWidth],
    overflowing: Array.from(document.querySelectorAll('article *')).filter(e => e.offsetParent !== null
        && e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className),
    tables: Array.from(document.querySelectorAll('.ldn-table')).filter(c => c.scrollWidth > c.clientWidth + 1).length,
})"""


def svg_min_font_and_width(svg: Path) -> tuple[float, float]:
    """Smallest font size and the drawing's width, both in the SVG's points."""
    text = svg.read_text(encoding="utf-8")
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', text).group(1))
    sizes = [float(s) for s in re.findall(r"font(?:-size)?:\s*(?:[a-z-]+\s+)*?([\d.]+)px", text)]
    ET.fromstring(text)  # well-formed
    return (min(sizes) if sizes else float("inf")), width


def small_figure_text(shown: list, form: str) -> list[str]:
    """Figures whose smallest text, at the width the page shows them, is under the minimum for ``form``."""
    small = []
    for src, width in shown:
        svg = FIGURES / Path(src).name
        if svg.suffix != ".svg" or not svg.exists():
            small.append(f"{src}: not one of the exported SVG figures")
            continue
        font, drawn = svg_min_font_and_width(svg)
        if font * width / drawn < MIN_FIGURE_TEXT_PX[form]:
            small.append(f"{svg.name} text {font * width / drawn:.1f} px at {width} px")
    return small


def browse(chromium, base_url: str, docs: list[str]) -> dict:
    """Load each page once, waiting for `load` (not network idle), and record what the tests check. One tab goes
    from page to page, as a reader does, so the theme's scripts and styles come from its cache after the first."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    seen: dict[str, list] = {}  # this page's console errors, messages and requests; replaced for each page

    def on_console(m):
        if m.type == "error":
            seen["errors"].append(m.text)
        if m.type in ("error", "warning"):
            seen["messages"].append(f"{m.type}: {m.text}")

    def on_page_error(e):
        seen["errors"].append(str(e))
        seen["messages"].append(f"pageerror: {e}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("request", lambda r: seen["requests"].append(r.url))
    results = {}
    for doc in docs:
        seen.update(errors=[], messages=[], requests=[])
        errors, messages, requests = seen["errors"], seen["messages"], seen["requests"]
        page.set_viewport_size(DESKTOP)
        response = page.goto(f"{base_url}/{doc}.html", wait_until="load")
        site.load_all_images(page)
        desktop_figures = page.evaluate(_FIGURE_WIDTHS)
        page.set_viewport_size(PHONE)  # the same load, laid out again at phone width
        phone = page.evaluate(_PHONE_LAYOUT)
        phone_figures = page.evaluate(_FIGURE_WIDTHS)
        page.set_viewport_size(DESKTOP)
        # Console messages are taken before axe runs: axe re-fetches stylesheets and resolves the
        # theme's @import against the page, not the sheet, which logs a 404 that is axe's own.
        page_errors, page_messages = list(errors), list(messages)
        violations = axe.run(page, context={"exclude": [[REPEATED_CELLS]]}).response["violations"]
        results[doc] = {
            "status": response.status,
            "messages": page_messages,
            "phone": phone,
            "figures": {"desktop": desktop_figures, "phone": phone_figures},
            "errors": [e for e in page_errors if not any(a in e for a in CONSOLE_ALLOWLIST)],
            "requests": list(requests),  # every request, during axe too: none may leave the site
            "broken_images": page.evaluate("() => Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src)"),
            "images_without_alt": page.evaluate("() => Array.from(document.images).filter(i => !i.alt && !i.closest('.navbar-brand')).map(i => i.src)"),
            "meta": page.evaluate("() => Array.from(document.querySelectorAll('meta[name^=citation_], meta[property^=\"og:\"]'))"
                                  ".map(m => [m.name || m.getAttribute('property'), m.content])"),
            "tables_without_headers": page.evaluate("() => Array.from(document.querySelectorAll('article table')).filter(t => !t.querySelector('th')).length"),
            "serious_a11y": sorted(v["id"] for v in violations if v["impact"] in SERIOUS),
        }
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
    def test_no_page_scrolls_sideways_on_a_phone(page_results, doc):
        phone = page_results[doc]["phone"]
        scroll, inner = phone["widths"]
        assert scroll <= inner, f"{doc} is {scroll} px wide at {inner} px: {phone['overflowing']}"
        assert phone["tables"] == 0, f"{doc}: a table scrolls inside its box at 390 px"

    @pytest.mark.parametrize("doc", docs)
    def test_no_console_message_at_all(page_results, doc):
        """An empty allowlist: no error or warning is harmless enough to keep."""
        assert page_results[doc]["messages"] == []

    @pytest.mark.parametrize("form", ["desktop", "phone"])
    @pytest.mark.parametrize("doc", docs)
    def test_figure_text_is_readable_where_shown(page_results, doc, form):
        assert small_figure_text(page_results[doc]["figures"][form], form) == []

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
