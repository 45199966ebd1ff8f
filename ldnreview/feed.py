"""An Atom feed of CHANGELOG.md, so readers who cite the book learn when its conclusions change."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from . import cite, paths

FEED_NAME = "changelog.xml"
ATOM = "http://www.w3.org/2005/Atom"
_HEADING = re.compile(r"^## (?P<version>\S+)(?: \((?P<date>\d{4}-\d{2}-\d{2})\))?\s*$", re.M)


def sections(text: str) -> list[dict]:
    """Each `## <version> (<date>)` section, newest first as written; "Unreleased" has no date."""
    found = list(_HEADING.finditer(text))
    out = []
    for match, nxt in zip(found, found[1:] + [None]):
        body = text[match.end(): nxt.start() if nxt else len(text)].strip()
        out.append({"version": match["version"], "date": match["date"], "body": body})
    return out


def atom(text: str | None = None, meta: cite.BookMeta | None = None) -> str:
    """Released versions only: an unreleased section has no date to give it and no archive to cite."""
    meta = meta or cite.book_meta()
    text = text if text is not None else (paths.root() / "CHANGELOG.md").read_text(encoding="utf-8")
    released = [s for s in sections(text) if s["date"]]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    home = meta.url.rstrip("/") + "/"
    add(feed, "id", home + FEED_NAME)
    add(feed, "title", f"{meta.title}: changes")
    # Deterministic: the feed changes only when a version is added, never with the build time.
    add(feed, "updated", f"{max((s['date'] for s in released), default=meta.date_released)}T00:00:00Z")
    add(feed, "link", href=home + FEED_NAME, rel="self")
    add(feed, "link", href=home + "book/changelog.html", rel="alternate")
    author = add(feed, "author")
    add(author, "name", meta.publisher)
    for s in released:
        entry = add(feed, "entry")
        add(entry, "id", f"{meta.repository}/releases/tag/v{s['version']}")
        add(entry, "title", f"Version {s['version']}")
        add(entry, "updated", f"{s['date']}T00:00:00Z")
        add(entry, "link", href=f"{meta.repository}/releases/tag/v{s['version']}", rel="alternate")
        add(entry, "content", s["body"], type="text")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def write(outdir: Path) -> Path:
    path = Path(outdir) / FEED_NAME
    path.write_text(atom(), encoding="utf-8")
    return path
