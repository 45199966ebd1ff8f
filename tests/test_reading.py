"""Reading the book everywhere: a 390 px phone, a desktop, print and PDF, and the words on the pages.

The site is built once per session (conftest's ``built``: ``_build/html`` reused when current) and shared with
test_site.py, as is the browser. Nothing here writes a tracked file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ldnreview import load, notebooks, paths, schema, site
from sitecheck import DESKTOP, PHONE

ROOT = paths.root()
DOCS = notebooks.toc_docs()
PRINTED_CHAPTER = "book/conditions/fibromyalgia"
# Words the generators must never produce again (issue 14), each with why.
FORBIDDEN_TEXT = {
    r"\b(studys|therapys|registrys|querys|seriess|serieses|analysiss|analysises)\b": "naive plural ('studys', 'seriess')",
    r"\[authors not verified\]": "placeholder used as an author label",
    r"\b[A-Z][\w'-]+ and others\b": "'X and others' beside 'et al.'",
    r"THEBE_JS_URL|sphinx-thebe": "live-code extension on the page",
    r"\b\d+ reported benefit|studies reporting benefit|reporting benefit\b": "a vote count of studies by their result",
    r"\bit is not controlled trials\b": "a singular study described in the plural",
    r"non-randomised controlled trial \(4": "a design name that contradicts its evidence level",
}


def _visit(chromium, base_url, doc: str, viewport: dict):
    page = chromium.new_context(viewport=viewport).new_page()
    page.goto(f"{base_url}/{doc}.html", wait_until="load")
    return page


# -- phones (page width, console and figure text are checked in the one browser pass: sitecheck.py) ----

def test_tables_fold_into_cards_on_a_phone(chromium, base_url):
    page = _visit(chromium, base_url, PRINTED_CHAPTER, PHONE)
    row = page.locator("section#studies .ldn-table tbody tr").first
    minor = row.locator("td.ldn-minor")
    assert minor.count() > 0 and not minor.first.is_visible(), "secondary columns start folded"
    button = row.locator("button.ldn-more")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert minor.first.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert row.locator("td:not(.ldn-minor)").count() >= 2, "key columns stay visible"
    page.context.close()


def test_one_search_box(chromium, base_url):
    for viewport in (PHONE, DESKTOP):
        page = _visit(chromium, base_url, PRINTED_CHAPTER, viewport)
        visible = page.evaluate(
            "() => Array.from(document.querySelectorAll('.search-button__button, form.bd-search, #searchbox input'))"
            ".filter(e => !e.closest('dialog') && e.offsetParent !== null && e.getBoundingClientRect().width > 0).length")
        assert visible == 1, f"{visible} search controls at {viewport['width']} px"
        page.context.close()


# -- table script ------------------------------------------------------------------------

def _column(page, table, index: int) -> list[str]:
    return page.evaluate(
        "([t, i]) => Array.from(document.querySelectorAll('.ldn-table table')[t].tBodies[0].rows)"
        ".map(r => (r.cells[i]._ldnText !== undefined ? r.cells[i]._ldnText : r.cells[i].textContent).trim())",
        [table, index])


def _table_with_blanks(page) -> tuple[int, int]:
    """(table, column) of the first table column holding both blank and non-blank cells."""
    found = page.evaluate("""() => {
        const tables = Array.from(document.querySelectorAll('.ldn-table table'));
        for (let t = 0; t < tables.length; t++) {
            const rows = Array.from(tables[t].tBodies[0].rows);
            const n = rows.length ? rows[0].cells.length : 0;
            for (let i = 1; i < n; i++) {
                const cells = rows.map(r => r.cells[i].textContent.trim());
                if (cells.some(c => c === '–') && cells.some(c => c !== '–')) return [t, i];
            }
        }
        return null; }""")
    assert found, "no table column with blanks on the page"
    return found


def test_whole_header_cell_sorts_and_blanks_go_last(chromium, base_url):
    page = _visit(chromium, base_url, PRINTED_CHAPTER, DESKTOP)
    t, col = _table_with_blanks(page)
    th = page.locator(".ldn-table table").nth(t).locator("thead th").nth(col)
    th.scroll_into_view_if_needed()
    box = th.bounding_box()
    # Click the cell's lower-right corner, outside the button's text.
    page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2)
    assert th.get_attribute("aria-sort") == "ascending"
    values = _column(page, t, col)
    blanks = [v == "–" for v in values]
    assert blanks == sorted(blanks), f"blanks not last when ascending: {values}"
    th.locator("button").focus()
    page.keyboard.press("Enter")
    assert th.get_attribute("aria-sort") == "descending"
    values = _column(page, t, col)
    blanks = [v == "–" for v in values]
    assert blanks == sorted(blanks), f"blanks not last when descending: {values}"
    page.context.close()


def test_filter_with_no_match_says_so(chromium, base_url):
    page = _visit(chromium, base_url, PRINTED_CHAPTER, DESKTOP)
    box = page.locator("section#studies .ldn-table")
    note = box.locator(".ldn-nomatch")
    assert not note.is_visible()
    box.locator(".ldn-filter input").fill("zzqx-no-such-row")
    assert note.is_visible() and "No rows match" in note.inner_text()
    assert box.locator("tbody tr:visible").count() == 0
    box.locator(".ldn-filter input").fill("")
    assert not note.is_visible()
    page.context.close()


def test_search_snippets_quote_the_article(chromium, base_url):
    page = chromium.new_page()
    page.goto(f"{base_url}/search.html?q=fibromyalgia", wait_until="networkidle")
    page.wait_for_selector("#search-results ul.search li p.context", timeout=20_000)
    snippets = page.locator("#search-results ul.search li p.context").all_inner_texts()
    assert snippets
    for text in snippets:
        assert ".pdf" not in text[:40] and not text.startswith("...."), text[:80]
        assert "Contents" not in text[:60], text[:80]
    page.close()


# -- print and PDF ----------------------------------------------------------------------

def _pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: run `make browser`")
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_printed_chapter_keeps_every_column_and_drops_the_furniture(chromium, base_url, tmp_path):
    page = _visit(chromium, base_url, PRINTED_CHAPTER, DESKTOP)
    headers = page.evaluate("() => Array.from(document.querySelectorAll('article .ldn-table thead th')).map(th => th.textContent.trim())")
    page.context.close()
    assert len(headers) > 20
    pdf = site.print_pdf(f"{base_url}/{PRINTED_CHAPTER}.html", tmp_path / "chapter.pdf", chromium)
    text = _pdf_text(pdf)
    squeezed = re.sub(r"\s+", "", text)
    missing = sorted({h for h in headers if re.sub(r"\s+", "", h) not in squeezed})
    assert missing == [], f"column headers lost in print: {missing}"
    for furniture in ("Show code cell source", "Hide code cell source", "Filter rows", "Data fingerprint", "Sort by:", "Hide details"):
        assert furniture not in text, f"{furniture!r} printed"
    pages = site.pdf_page_count(pdf)
    assert 2 <= pages <= 40, pages


# -- words on the pages ------------------------------------------------------------------

def _page_text(built: Path, doc: str) -> str:
    html = (built / f"{doc}.html").read_text(encoding="utf-8")
    article = html[html.find("<article"):html.rfind("</article>")]
    return re.sub(r"<[^>]+>", " ", article)


@pytest.mark.parametrize("doc", DOCS)
def test_generated_text_has_none_of_the_known_faults(built, doc):
    text = _page_text(built, doc)
    if doc == "book/bibliography":
        # Full references keep BibTeX's own "and others" and say plainly when no page showed the authors
        # (bib.UNVERIFIED_AUTHORS); what is checked is how a study is named in text and figures.
        text = re.sub(r"\band others\b|\[authors not verified\]", "", text)
    html = (built / f"{doc}.html").read_text(encoding="utf-8")
    faults = [f"{why}: {m.group(0)!r}" for pattern, why in FORBIDDEN_TEXT.items()
              for m in [re.search(pattern, text if "THEBE" not in pattern else html)] if m]
    assert faults == []


def test_condition_slugs_never_label_a_table_row(built):
    data = load()
    slugs = [c for c in data.conditions["condition"] if "-" in c]
    found = []
    for doc in DOCS:
        html = (built / f"{doc}.html").read_text(encoding="utf-8")
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S):
            plain = re.sub(r"<[^>]+>", "", cell).strip()
            if plain in slugs:
                found.append(f"{doc}: {plain}")
    assert found == []


# -- data --------------------------------------------------------------------------------

def test_every_safety_topic_has_sourced_facts():
    facts = load().safety_facts
    assert set(facts["topic"]) == set(schema.SAFETY_TOPICS)
    assert facts["statement"].is_unique
    assert facts["source_url"].str.startswith("https://").all()
