"""Sphinx extension: the author-year citation style with one way of shortening author lists.

sphinxcontrib-bibtex's ``author_year`` style writes "et al." only for three or more named authors. When a
source page showed just the first author (the .bib entry reads ``Bested, K. and others``), it prints
"Bested and others" beside "Smith et al." elsewhere. This style treats a trailing ``others`` as what it
means, an author list cut short, so in-text citations always read "Bested *et al.*"; an entry whose authors
no page showed is cited as "Unattributed", as figures label it. Full author lists (the bibliography) are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pybtex.richtext import Text
from pybtex.style.template import FieldIsMissing, first_of, node, optional, tag
from pybtex.style.template import field as entry_field
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join

STYLE_NAME = "author_year_et_al"


# The .bib marks entries whose authors no source page showed (bib.UNVERIFIED_AUTHORS). In text they are
# named as words.study_label names them in figures, so a study reads the same everywhere.
UNATTRIBUTED = "Unattributed"


def _is_others(person) -> bool:
    return str(person).strip().lower() == "others"


def _is_placeholder(person) -> bool:
    return "authors not verified" in str(person).lower()


@node
def names_et_al(children, data, role, sep="", sep2=None, last_sep=None, other=None):
    """Like sphinxcontrib-bibtex's ``names``, but a list ending in ``others`` is shortened with ``other``."""
    assert not children
    try:
        persons = data["entry"].persons[role]
    except KeyError:
        raise FieldIsMissing(role, data["entry"])
    style = data["style"]
    named = [p for p in persons if not _is_others(p)]
    formatted = [style.person.style_plugin.format(p, style.person.abbreviate) for p in named]
    if other is not None and named and all(_is_placeholder(p) for p in named):
        return Text(UNATTRIBUTED)
    if other is not None and named and len(named) < len(persons):
        return Text(join()[formatted[:1]].format_data(data), other)
    return join(sep=sep, sep2=sep2, last_sep=last_sep, other=other)[formatted].format_data(data)


@dataclass
class EtAlPersonStyle(PersonStyle):
    def _options(self, full: bool) -> dict:
        return dict(sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, other=None if full else self.other)

    def names(self, role: str, full: bool):
        return names_et_al(role=role, **self._options(full))

    def author_or_editor_or_title(self, full: bool):
        options = self._options(full)
        return first_of[
            optional[names_et_al("author", **options)],
            optional[names_et_al("editor", **options)],
            tag("em")[entry_field("title")],
        ]


@dataclass
class AuthorYearEtAlReferenceStyle(AuthorYearReferenceStyle):
    person: PersonStyle = field(default_factory=EtAlPersonStyle)


def setup(app):
    register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME, AuthorYearEtAlReferenceStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
