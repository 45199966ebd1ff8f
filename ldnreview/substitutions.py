"""Sphinx extension: MyST substitutions for the book's prose pages, read from the one definition of each term,
so a Markdown page says ``{{ usual_band }}`` instead of restating the usual LDN dose band."""

from __future__ import annotations

from . import words


def substitutions() -> dict[str, str]:
    return {"usual_band": words.band_text(" to ")}


def _add(app, config) -> None:
    config.myst_substitutions = {**(config.myst_substitutions or {}), **substitutions()}


def setup(app):
    app.connect("config-inited", _add)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
