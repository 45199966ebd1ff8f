"""Data is text: hostile cell values stay inert in every rendering (MyST for the book, HTML for
Jupyter, plain text), and links come only from the package."""

import re

import pytest
from docutils.core import publish_string
from myst_parser.docutils_ import Parser

from ldnreview.output import (Admonition, Cite, CodeBlock, Link, Paragraph, Span, Table, html_text, myst_text,
                              plot_text, safe_url)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    "before\r```{raw} html\r<script>alert(2)</script>\r```\rafter",
    "x\n```{include} /etc/passwd\n```\n",
    "{download}`../../../../etc/hostname`",
    "[click](https://evil.example/) and ![img](https://evil.example/x.png)",
    "see ClinicalTrials.gov or www.evil.example or https://evil.example/",
    "{{ substitution }} $x^2$ **bold** _under_ | pipe | <https://evil.example>",
    "&lt;script&gt; &#60;b&#62; \\<b>",
    "\u202eevil\u202c NUL\x00 end",
]

# What a rendered page must not contain if the payload stayed text.
LIVE = re.compile(r"<(script|img|iframe|a)\b|<[^>]*onerror|root:x:0:0", re.I)


def render_myst(text: str) -> str:
    """Render MyST with myst-parser as docutils would, with file inclusion and raw HTML enabled,
    so a payload that escaped its cell would show here."""
    return publish_string(
        text, parser=Parser(), writer_name="html5",
        settings_overrides={"myst_enable_extensions": ["colon_fence", "substitution", "deflist"],
                            "file_insertion_enabled": True, "raw_enabled": True, "report_level": 5,
                            "halt_level": 5, "output_encoding": "unicode", "embed_stylesheet": False},
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_a_table_cell_is_text_in_every_rendering(payload):
    block = Table(["Study", "Result"], [["A", payload], ["B", "fine"]])
    book = render_myst(block.myst())
    body = book.split("<body>", 1)[1]
    assert not LIVE.search(body), body
    assert body.count("<tr>") == 3, "the payload broke out of its row"
    assert not LIVE.search(block.html())
    assert "\n" not in block.plain().split("\n")[1], "plain text keeps one row per line"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_prose_and_boxes_is_text(payload):
    block = Admonition("Note", Paragraph("Result: ", payload), CodeBlock("@misc{x}", "bibtex"))
    body = render_myst(block.myst()).split("<body>", 1)[1]
    assert not LIVE.search(body), body
    assert not LIVE.search(block.html())


def test_escaped_text_reads_as_written():
    text = "Pain fell 1.3 points (95% CI -0.95 to 0.27; p=0.27) in 45% vs 28% <n=99> [ITT]"
    body = render_myst(Paragraph(text).myst())
    assert "Pain fell 1.3 points (95% CI -0.95 to 0.27; p=0.27) in 45% vs 28% &lt;n=99&gt; [ITT]" in body


def test_links_come_only_from_the_package():
    assert Link("https://doi.org/10.1000/x", "DOI").html() == '<a href="https://doi.org/10.1000/x">DOI</a>'
    for bad in ("javascript:alert(1)", "http://example.org", "https://a.example/<x>", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            safe_url(bad)
    with pytest.raises(ValueError):
        Cite("Key`}{raw}", "label")


def test_link_text_is_escaped():
    link = Link("https://pubmed.ncbi.nlm.nih.gov/1/", "<b>x</b>")
    assert "<b>" not in link.html() and "&lt;b&gt;" in link.html()
    assert "<b>" not in render_myst(Paragraph(link).myst()).split("<body>", 1)[1]


def test_escaping_helpers():
    assert myst_text("a*b_c`d") == r"a\*b\_c\`d"
    assert html_text('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert plot_text("costs $5 and $6") == r"costs \$5 and \$6"
    assert Span("a\r\nb\u2028c").plain() == "a b c"
