"""What a notebook cell shows: MyST Markdown that the book renders and nbval compares as text."""

from __future__ import annotations


class Markdown:
    """MyST Markdown shown as the cell's output. Its plain-text form is the same text,
    so nbval compares the exact words and numbers a reader sees."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def join(*parts: "Markdown | str | None") -> Markdown:
    texts = [p.text if isinstance(p, Markdown) else p for p in parts if p]
    return Markdown("\n\n".join(t.strip("\n") for t in texts) + "\n")


def cell(value) -> str:
    """A value as a Markdown table cell: no pipes or newlines, blanks shown as an en dash."""
    if value is None or (not isinstance(value, str) and value != value):
        return "–"
    text = str(value).replace("|", "/").replace("\n", " ").strip()
    return text or "–"


def table(columns: list[str], rows: list[list], css_class: str = "ldn-table", caption: str | None = None) -> Markdown:
    """A Markdown table inside a container that the book's table script makes sortable and filterable."""
    head = "| " + " | ".join(columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    title = f"\n**{caption}**\n" if caption else ""
    # Wide tables may use the page margin; small ones stay at their natural width.
    width = "full-width" if len(columns) > 5 else "ldn-compact"
    return Markdown(f"````{{container}} {css_class} {width}\n{title}\n" + "\n".join([head, rule, *body]) + "\n````\n")
