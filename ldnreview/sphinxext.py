"""Sphinx extension: Scholar meta tags, a per-page "last updated" date from git, per-chapter
citation files (BibTeX, RIS, CSL-JSON), the changelog's Atom feed, and the book's own small
table script and stylesheet (served from the site itself)."""

from __future__ import annotations

import html
import subprocess
from functools import lru_cache
from pathlib import Path

from . import cite, feed

STATIC = Path(__file__).parent / "static"


@lru_cache(maxsize=None)
def last_changed(path: str, fallback: str) -> str:
    """Date of the last commit that touched a page's source; the release date when git has none."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path], capture_output=True, text=True,
                             cwd=Path(path).parent, timeout=20, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out or fallback


def scholar_tags(title: str, pagename: str, is_root: bool) -> str:
    """Highwire tags: the root page is a book, every other page a section of it."""
    meta = cite.book_meta()
    tags = [("citation_title", meta.title if is_root else title)]
    tags += [("citation_author", author) for author in meta.authors]
    tags += [
        ("citation_publication_date", meta.date_released.replace("-", "/")),
        ("citation_public_url", meta.page_url(pagename) if not is_root else meta.url),
        ("citation_publisher", meta.publisher),
        ("citation_pdf_url", meta.pdf_url),
    ]
    if meta.doi:
        tags.append(("citation_doi", meta.doi))
    if not is_root:
        tags.append(("citation_book_title", meta.title))
    tags.append(("citation_language", "en"))
    out = "".join(f'<meta name="{name}" content="{html.escape(value, quote=True)}" />\n' for name, value in tags)
    if is_root:
        # Zotero and other readers type a page without citation_book_title from these.
        out += '<meta property="og:type" content="book" />\n<meta name="DC.type" content="Book" />\n'
    home = meta.url.rstrip("/") + "/"
    out += (f'<link rel="alternate" type="application/atom+xml" title="Changes" '
            f'href="{html.escape(home + feed.FEED_NAME, quote=True)}" />\n')
    return out


def _source_title(title: str) -> str:
    # Sphinx's smart quotes curl the heading's apostrophes; the cite box has the title as written.
    return title.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}))


def _write_citation_files(app, exception):
    """The downloads each cite box links to: one set for the book, one per chapter, from CITATION.cff
    and the chapter's own title, the same metadata the cite box's text and BibTeX come from."""
    if exception is not None or app.builder.name != "html":
        return
    folder = Path(app.outdir) / cite.CITE_DIR
    folder.mkdir(exist_ok=True)
    works = [cite.book_work()]
    works += [cite.chapter_work(_source_title(app.env.titles[doc].astext()), doc)
              for doc in sorted(app.env.found_docs) if doc.startswith("book/conditions/")]
    for work in works:
        for suffix, text in cite.citation_files(work).items():
            (folder / f"{work.stem}{suffix}").write_text(text, encoding="utf-8")
    feed.write(app.outdir)


def _page_context(app, pagename, templatename, context, doctree):
    if doctree is None:
        return
    source = app.env.doc2path(pagename)
    context["last_updated"] = last_changed(str(source), cite.book_meta().date_released)
    title = html.unescape(context.get("title", "")).strip()
    is_root = pagename == app.config.root_doc
    context["metatags"] = context.get("metatags", "") + scholar_tags(title, pagename, is_root)
    if "body" in context:
        # sphinxcontrib-bibtex marks the reference list role="list" but fills it with links, not list items,
        # which screen readers (and axe) reject; a plain container reads correctly.
        context["body"] = context["body"].replace('<div role="list" class="citation-list">', '<div class="citation-list">')


REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Moved</title>
<link rel="canonical" href="{target}"><meta http-equiv="refresh" content="0; url={target}"></head>
<body><p>This page has moved to <a href="{target}">{target}</a>.</p></body></html>
"""


def _write_redirects(app, exception):
    """Cited URLs never break: each old path in book/redirects.yml gets a page pointing to its new home."""
    if exception is not None or app.builder.name != "html":
        return
    import os

    import yaml

    source = Path(app.srcdir) / "book" / "redirects.yml"
    moves = (yaml.safe_load(source.read_text(encoding="utf-8")) or {}) if source.exists() else {}
    for old, new in sorted(moves.items()):
        page = Path(app.outdir) / f"{old}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        target = os.path.relpath(Path(app.outdir) / f"{new}.html", page.parent)
        page.write_text(REDIRECT_PAGE.format(target=target), encoding="utf-8")


def _configure(app, config):
    config.html_static_path.append(str(STATIC))
    # The version shown on every page comes from CITATION.cff, like every citation.
    meta = cite.book_meta()
    config.version = config.release = meta.version
    config.html_title = f"{config.html_title or 'LDN Evidence Book'} (version {meta.version})"


def _first_citation_keeps_its_tooltip(app, doctree, docname):
    """A citation link's hover text is the whole reference; a page citing a study in every table would carry it
    dozens of times (a fifth of a chapter's weight). The first link to each reference on a page keeps it."""
    from docutils import nodes

    seen = set()
    for ref in doctree.findall(nodes.reference):
        target = ref.get("refuri") or ref.get("refid")
        if "reftitle" in ref and target and "bibliography" in str(target):
            if target in seen:
                del ref["reftitle"]
            seen.add(target)


def _remember_pybtex_plugins() -> None:
    """sphinxcontrib-bibtex asks pybtex for a plugin class at every citation it resolves, and pybtex scans every
    installed distribution's entry points each time: about a quarter of a full build. The installed plugins do not
    change during a build, so each lookup is made once (plugins registered at run time are still checked first)."""
    import pybtex.plugin

    if not hasattr(pybtex.plugin.entry_points, "cache_info"):
        lookup = pybtex.plugin.entry_points
        pybtex.plugin.entry_points = lru_cache(maxsize=None)(
            lambda group, name=None: lookup(group=group) if name is None else lookup(group=group, name=name))


def setup(app):
    _remember_pybtex_plugins()
    app.connect("config-inited", _configure)
    app.connect("doctree-resolved", _first_citation_keeps_its_tooltip)
    app.add_js_file("ldn-tables.js")
    app.add_css_file("ldn.css")
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _write_redirects)
    app.connect("build-finished", _write_citation_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": cite.book_meta().version}
