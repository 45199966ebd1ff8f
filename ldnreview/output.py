"""What a notebook cell shows, and the one place where data becomes page text.

Every object a chapter returns is a :class:`Block`. It renders three ways from the same content:

- MyST Markdown (``text/markdown``), which the book renders (``nb_mime_priority_overrides``);
- HTML (``text/html``): real tables, embedded images and captions, for JupyterLab, VS Code and nbconvert;
- plain text (``text/plain``), for terminals and for reading a diff.

**Data is text.** A plain ``str`` placed in a block is always data: :func:`myst_text` and
:func:`html_text` escape it so no MyST role or directive, raw HTML, link or substitution in it is
ever interpreted. Markup exists only as the objects below (:class:`Strong`, :class:`Cite`,
:class:`Link` ...), which the package builds from structured columns it has validated.
"""

from __future__ import annotations

import base64
import html
import re
import string
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

# -- escaping: the one place ---------------------------------------------------------------

# CommonMark lets any ASCII punctuation be escaped with a backslash, and then it is literal
# text: no emphasis, link, image, HTML, role, directive, table pipe, substitution or autolink.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
# Anything that ends a line (or a table row) is folded into a space: a cell is one line.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _one_line(value: str) -> str:
    text = _LINE_BREAKS.sub(" ", value)
    # Other control and bidirectional-override characters are refused by validation; drop any
    # that reach here from elsewhere so they can never reorder or hide page text.
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\t").replace("\t", " ")


def myst_text(value) -> str:
    """Data as inert MyST: every ASCII punctuation mark backslash-escaped, on one line."""
    return _PUNCTUATION.sub(r"\\\1", _one_line(str(value)))


def html_text(value) -> str:
    return html.escape(_one_line(str(value)), quote=True)


def attribute_text(value) -> str:
    """Data for a directive option such as a figure's alt text: options are never parsed as
    Markdown, so only line breaks (which would end the option) need removing."""
    return _one_line(str(value)).strip()


def plot_text(value) -> str:
    """Data as matplotlib text: a '$' would start mathtext, so it is escaped."""
    return _one_line(str(value)).replace("$", r"\$")


def safe_url(url: str) -> str:
    """An https link built by the package. Anything else is a programming error, not data."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or any(ch in url for ch in "<>\"' \\`\n\r"):
        raise ValueError(f"refusing to link to {url!r}: links must be plain https URLs")
    return url


def url_part(value: str) -> str:
    """A validated identifier (DOI, PMID, registry id) as a path segment of a URL."""
    return quote(str(value), safe="/:;._-()")


BLANK = "–"  # how an empty value reads


# -- inline pieces --------------------------------------------------------------------------

class Inline:
    def myst(self) -> str:
        raise NotImplementedError

    def html(self) -> str:
        raise NotImplementedError

    def plain(self) -> str:
        raise NotImplementedError


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) == "<NA>"


def inline_myst(piece) -> str:
    if isinstance(piece, Inline):
        return piece.myst()
    return myst_text(BLANK if _is_blank(piece) else piece)


def inline_html(piece) -> str:
    if isinstance(piece, Inline):
        return piece.html()
    return html_text(BLANK if _is_blank(piece) else piece)


def inline_plain(piece) -> str:
    if isinstance(piece, Inline):
        return piece.plain()
    return _one_line(BLANK if _is_blank(piece) else str(piece))


@dataclass(frozen=True)
class Span(Inline):
    """Pieces side by side."""

    pieces: tuple

    def __init__(self, *pieces):
        object.__setattr__(self, "pieces", tuple(p for p in pieces if p is not None and p != ""))

    def myst(self) -> str:
        return "".join(inline_myst(p) for p in self.pieces)

    def html(self) -> str:
        return "".join(inline_html(p) for p in self.pieces)

    def plain(self) -> str:
        return "".join(inline_plain(p) for p in self.pieces)


class Strong(Span):
    def myst(self) -> str:
        return f"**{super().myst()}**"

    def html(self) -> str:
        return f"<strong>{super().html()}</strong>"


class Emphasis(Span):
    def myst(self) -> str:
        return f"*{super().myst()}*"

    def html(self) -> str:
        return f"<em>{super().html()}</em>"


@dataclass(frozen=True)
class Code(Inline):
    """A literal such as a column name or a query: shown as code, never run or parsed."""

    text: str

    def myst(self) -> str:
        body = _one_line(self.text)
        ticks = "`" * (max((len(m) for m in re.findall(r"`+", body)), default=0) + 1)
        pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
        return f"{ticks}{pad}{body}{pad}{ticks}"

    def html(self) -> str:
        return f"<code>{html_text(self.text)}</code>"

    def plain(self) -> str:
        return _one_line(self.text)


_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Cite(Inline):
    """A citation of a study by its validated bibkey; ``label`` (e.g. 'Smith et al. 2011') is what
    Jupyter and plain text show, since only the book resolves the key."""

    key: str
    label: str
    textual: bool = True

    def __post_init__(self):
        if not _KEY.match(self.key):
            raise ValueError(f"not a citation key: {self.key!r}")

    def myst(self) -> str:
        return f"{{cite:{'t' if self.textual else 'p'}}}`{self.key}`"

    def html(self) -> str:
        text = html_text(self.label if self.textual else f"({self.label})")
        return f'<cite title="{html_text(self.key)}">{text}</cite>'

    def plain(self) -> str:
        return self.label if self.textual else f"({self.label})"


@dataclass(frozen=True)
class Link(Inline):
    """An https link; ``text`` is data and escaped."""

    url: str
    text: "Inline | str"

    def __post_init__(self):
        safe_url(self.url)

    def myst(self) -> str:
        return f"[{inline_myst(self.text)}](<{self.url}>)"

    def html(self) -> str:
        return f'<a href="{html.escape(self.url, quote=True)}">{inline_html(self.text)}</a>'

    def plain(self) -> str:
        return f"{inline_plain(self.text)} <{self.url}>"


_DOCNAME = re.compile(r"^[a-z0-9/_-]+$")


@dataclass(frozen=True)
class DocLink(Inline):
    """A link to another page of the book. Jupyter shows the published page's address."""

    docname: str  # e.g. book/conditions/crohns-disease
    text: str
    url: str  # where the page is published

    def __post_init__(self):
        if not _DOCNAME.match(self.docname):
            raise ValueError(f"not a document name: {self.docname!r}")
        safe_url(self.url)

    def myst(self) -> str:
        # A Markdown link to the source file: MyST resolves it to the page, and checks it under -n.
        return f"[{myst_text(self.text)}](/{self.docname}.ipynb)"

    def html(self) -> str:
        return Link(self.url, self.text).html()

    def plain(self) -> str:
        return self.text


_FILE_PATH = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*$")


@dataclass(frozen=True)
class Download(Inline):
    """A file of the repository offered for download by the book (e.g. a data table)."""

    path: str  # from the repository root, e.g. data/studies.csv

    def __post_init__(self):
        if not _FILE_PATH.match(self.path) or ".." in self.path:
            raise ValueError(f"not a repository file path: {self.path!r}")

    def myst(self) -> str:
        return f"{{download}}`{self.path.rsplit('/', 1)[-1]} </{self.path}>`"

    def html(self) -> str:
        return f"<code>{html_text(self.path)}</code>"

    def plain(self) -> str:
        return self.path


@dataclass(frozen=True)
class SiteFile(Inline):
    """A file the build writes beside the pages (e.g. a citation download), linked relative to the
    page that shows it so it works on a local build as on the published site."""

    path: str  # from the site root, e.g. _cite/ldnbook2026.bib
    text: str
    shown_on: str  # docname of the page showing the link
    site_url: str

    def __post_init__(self):
        if not _FILE_PATH.match(self.path) or ".." in self.path or not _DOCNAME.match(self.shown_on):
            raise ValueError(f"not a site file: {self.path!r} on {self.shown_on!r}")
        safe_url(self.site_url)

    def myst(self) -> str:
        up = "../" * self.shown_on.count("/")
        return f'<a href="{up}{self.path}" download>{html_text(self.text)}</a>'

    def html(self) -> str:
        return Link(self.site_url.rstrip("/") + "/" + self.path, self.text).html()

    def plain(self) -> str:
        return self.text


_BADGE_WORDS = re.compile(r"^[a-z][a-z ]*$")


@dataclass(frozen=True)
class Badge(Inline):
    """A coloured label whose words (from the book's vocabulary, never data) carry the meaning;
    the colour only repeats it."""

    words: str
    colour: str  # one of sphinx-design's badge colours

    COLOURS = ("primary", "secondary", "success", "info", "warning", "danger", "light", "dark")

    def __post_init__(self):
        if self.colour not in self.COLOURS or not _BADGE_WORDS.match(self.words):
            raise ValueError(f"badge words must be lower-case words and a known colour: {self.words!r}, {self.colour!r}")

    def myst(self) -> str:
        return f"{{bdg-{self.colour}}}`{self.words}`"

    def html(self) -> str:
        return f'<span class="ldn-badge ldn-badge-{self.colour}">{html_text(self.words)}</span>'

    def plain(self) -> str:
        return f"[{self.words}]"


# -- blocks ---------------------------------------------------------------------------------

class Block:
    """A part of a page. Jupyter shows its HTML, the book its MyST, a terminal its text."""

    def myst(self, depth: int = 0) -> str:
        raise NotImplementedError

    def html(self) -> str:
        raise NotImplementedError

    def plain(self) -> str:
        raise NotImplementedError

    # Jupyter's display protocol.
    def _repr_markdown_(self) -> str:
        return self.myst()

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.plain()

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.plain())

    # Containers nest: an outer fence must be longer than any inside it.
    def nesting(self) -> int:
        return 0


def as_block(part) -> "Block | None":
    if part is None or part == "":
        return None
    if isinstance(part, Block):
        return part
    return Paragraph(part)


class Paragraph(Block):
    def __init__(self, *pieces):
        self.span = Span(*pieces)

    def myst(self, depth: int = 0) -> str:
        return self.span.myst() + "\n"

    def html(self) -> str:
        return f"<p>{self.span.html()}</p>\n"

    def plain(self) -> str:
        return self.span.plain() + "\n"


class Group(Block):
    """Blocks one after another."""

    def __init__(self, *parts):
        self.blocks = [b for b in (as_block(p) for p in parts) if b is not None]

    def myst(self, depth: int = 0) -> str:
        return "\n".join(b.myst(depth) for b in self.blocks)

    def html(self) -> str:
        return "".join(b.html() for b in self.blocks)

    def plain(self) -> str:
        return "\n".join(b.plain() for b in self.blocks)

    def nesting(self) -> int:
        return max((b.nesting() for b in self.blocks), default=0)


def join(*parts) -> Group:
    return Group(*parts)


class Bullets(Block):
    def __init__(self, items, numbered: bool = False):
        self.items = [Span(*i) if isinstance(i, tuple) else i for i in items]
        self.numbered = numbered

    def myst(self, depth: int = 0) -> str:
        marks = [f"{n}." if self.numbered else "-" for n in range(1, len(self.items) + 1)]
        return "".join(f"{m} {inline_myst(i)}\n" for m, i in zip(marks, self.items))

    def html(self) -> str:
        tag = "ol" if self.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{inline_html(i)}</li>" for i in self.items) + f"</{tag}>\n"

    def plain(self) -> str:
        return "".join(f"- {inline_plain(i)}\n" for i in self.items)


class Table(Block):
    """A table the book's table script makes sortable and filterable. Every cell is data unless
    it is an :class:`Inline` the package built."""

    def __init__(self, columns: list[str], rows: list[list], caption: str | None = None, css_class: str = "ldn-table"):
        self.columns, self.rows, self.caption, self.css_class = list(columns), [list(r) for r in rows], caption, css_class

    @property
    def width(self) -> str:
        # Wide tables may use the page margin; small ones stay at their natural width.
        return "full-width" if len(self.columns) > 5 else "ldn-compact"

    def myst(self, depth: int = 0) -> str:
        head = "| " + " | ".join(myst_text(c) for c in self.columns) + " |"
        rule = "|" + "|".join("---" for _ in self.columns) + "|"
        body = ["| " + " | ".join(inline_myst(v) for v in row) + " |" for row in self.rows]
        title = f"\n**{myst_text(self.caption)}**\n" if self.caption else ""
        fence = ":" * (4 + depth)
        return f"{fence}{{container}} {self.css_class} {self.width}\n{title}\n" + "\n".join([head, rule, *body]) + f"\n{fence}\n"

    def html(self) -> str:
        caption = f"<caption>{html_text(self.caption)}</caption>" if self.caption else ""
        head = "".join(f'<th scope="col">{html_text(c)}</th>' for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{inline_html(v)}</td>" for v in row) + "</tr>" for row in self.rows)
        return f'<table class="{self.css_class}">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n'

    def plain(self) -> str:
        lines = ([self.caption] if self.caption else []) + [" | ".join(self.columns)]
        lines += [" | ".join(inline_plain(v) for v in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def nesting(self) -> int:
        return 1


def table(columns: list[str], rows: list[list], css_class: str = "ldn-table", caption: str | None = None) -> Table:
    return Table(columns, rows, caption=caption, css_class=css_class)


class Admonition(Block):
    """A titled box (``kind`` is a Sphinx admonition class such as ``caution`` or ``tip``)."""

    def __init__(self, title: str, *parts, kind: str = "note", css_class: str = ""):
        self.title, self.body, self.kind, self.css_class = title, Group(*parts), kind, css_class

    def nesting(self) -> int:
        return self.body.nesting() + 1

    def myst(self, depth: int = 0) -> str:
        fence = ":" * (3 + self.nesting() + depth)
        classes = " ".join(c for c in (self.kind, self.css_class) if c)
        return (f"{fence}{{admonition}} {myst_text(self.title)}\n:class: {classes}\n\n"
                f"{self.body.myst(depth)}{fence}\n")

    def html(self) -> str:
        return (f'<div class="admonition {html_text(self.kind)}"><p class="admonition-title">'
                f"{html_text(self.title)}</p>{self.body.html()}</div>\n")

    def plain(self) -> str:
        return f"{self.title}\n{self.body.plain()}"


class CodeBlock(Block):
    def __init__(self, text: str, language: str = ""):
        self.text, self.language = text, language

    def myst(self, depth: int = 0) -> str:
        ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", self.text)), default=0) + 1)
        return f"{ticks}{self.language}\n{self.text}\n{ticks}\n"

    def html(self) -> str:
        return f"<pre><code>{html.escape(self.text)}</code></pre>\n"

    def plain(self) -> str:
        return self.text + "\n"


@dataclass
class Figure(Block):
    """A figure: in the book, a MyST figure of the exported SVG with caption, alt text and a download
    link; in Jupyter, the same SVG embedded in the page, so a downloaded notebook shows it."""

    name: str
    caption: "Inline | str"
    alt: str
    svg: bytes = field(repr=False)

    def myst(self, depth: int = 0) -> str:
        return (f"```{{figure}} /figures/{self.name}.svg\n:alt: {attribute_text(self.alt)}\n:name: fig-{self.name}\n"
                f":width: 100%\n\n{inline_myst(self.caption)} {{download}}`Download as SVG </figures/{self.name}.svg>`.\n```\n")

    def html(self) -> str:
        data = base64.b64encode(self.svg).decode("ascii")
        return (f'<figure class="ldn-figure"><img src="data:image/svg+xml;base64,{data}" alt="{html_text(self.alt)}" '
                f'style="max-width:100%"><figcaption>{inline_html(self.caption)}</figcaption></figure>\n')

    def plain(self) -> str:
        return f"[Figure {self.name}: {inline_plain(self.caption)}]\n"

    def __repr__(self) -> str:
        return self.plain()


class Prose(Block):
    """Markdown the package itself writes, never built from data: CommonMark only (emphasis,
    lists, code), so it reads the same in the book and, rendered by markdown-it, in Jupyter."""

    def __init__(self, text: str):
        if "{" in text or "<" in text:
            raise ValueError("Prose is plain CommonMark; build roles, links and data with the output objects")
        self.text = text.strip("\n") + "\n"

    def myst(self, depth: int = 0) -> str:
        return self.text

    def html(self) -> str:
        from markdown_it import MarkdownIt

        return MarkdownIt("commonmark", {"html": False}).render(self.text)

    def plain(self) -> str:
        return self.text
