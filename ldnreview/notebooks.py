"""Chapter notebooks: the one skeleton every condition chapter follows, the table of
contents derived from data/conditions.csv, and deterministic execution."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from . import paths
from .load import chapter_conditions
from .chapter import in_sentence

TOC_HEADER = "# Generated from data/conditions.csv by `python -m ldnreview derive`. Do not edit by hand.\n"
FRONT = ["book/how-to-cite", "book/methods"]
CROSS_CUTTING = ["book/evidence-map", "book/dosing", "book/safety", "book/mechanism", "book/claims-audit"]
BACK = ["book/bibliography", "book/changelog"]

# (heading, call, reader's note) in chapter order; the heading is the section's permanent anchor.
SECTIONS = (
    ("Bottom line", "bottom_line", ""),
    ("Summary of findings", "summary_of_findings",
     "LDN against placebo, outcome by outcome: the effect, how certain it is and what it means (GRADE; rules on the methods page)."),
    ("Evidence at a glance", "at_a_glance",
     "Counts by design, and each outcome's certainty with the domains it was rated down for (rules on the methods page)."),
    ("Studies", "study_table",
     "Every study we verified, strongest evidence first. Click a column heading to sort; type in the box to filter. "
     "Each row links to PubMed or the DOI, and the study name links to the bibliography."),
    ("Risk of bias", "risk_of_bias_section",
     "Each clinical study judged domain by domain from its abstract and registry pages; 'no information' marks what they do not say."),
    ("Evidence strength", "evidence_figure", ""),
    ("Dose ranges", "dose_figure", ""),
    ("Outcomes", "outcome_results",
     "Numbers as the studies report them, from abstract pages; blanks mean the number was not reported there."),
    ("Harms", "harms", "Adverse events as reported; a blank count means the study gave no number."),
    ("What the popular article says", "popular_claims",
     "Claims of the popular article about this condition, each checked against the studies (see the claims audit chapter)."),
    ("Awaiting classification", "awaiting_classification",
     "Studies that answer this chapter's question but whose details we could not verify; they are listed, not dropped."),
    ("Ongoing trials", "ongoing_trials", "Registered trials with no published results, linked to their registry."),
    ("Study flow", "study_flow", "How the searches for this condition led to the studies above (PRISMA 2020)."),
    ("Gaps and open questions", "gaps", ""),
    ("How to cite this chapter", "cite_box", ""),
)


WIDE_SECTIONS = ("summary_of_findings", "study_table", "outcome_results", "harms", "popular_claims", "risk_of_bias_section", "awaiting_classification",
                 "ongoing_trials")


def chapter_path(condition: str) -> Path:
    return paths.book_dir() / "conditions" / f"{condition}.ipynb"


PROVENANCE = ("## Provenance\n\nThe data this page was computed from: nbval re-executes it and fails if the data changed "
              "since (run `make execute`).")
PROVENANCE_TAGS = ["remove-input", "hide-output"]
RERUN = ("## Rerun this chapter\n\nClone the repository, run `make book` once (it installs the environment), then open "
         "`book/conditions/{key}.ipynb` in JupyterLab or VS Code and run it: every table and figure is rebuilt from `data/`. "
         "Outside the clone, set `LDNREVIEW_ROOT` to the clone's folder. The cells below are the way in: the chapter's data "
         "as pandas data frames, and its summary of findings recomputed with minimal important differences of your choosing.")


def condition_notebook(condition: str, display_name: str) -> nbformat.NotebookNode:
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {display_name}\n\nWhat the published human studies of low-dose naltrexone (LDN) in "
            f"{in_sentence(display_name)} show, graded and plotted from the book's verified dataset."
        ),
        nbformat.v4.new_code_cell(f'from ldnreview import Chapter\n\nchapter = Chapter("{condition}")',
                                  metadata={"tags": ["remove-input"]}),
    ]
    for heading, call, note in SECTIONS:
        if call == "cite_box":  # the rerun section and provenance come just before the cite box, which ends the page
            cells += [
                nbformat.v4.new_markdown_cell(RERUN.format(key=condition)),
                nbformat.v4.new_code_cell('frames = chapter.frames()  # studies, outcomes, risk_of_bias, ...\n'
                                          'frames["studies"][["study_id", "design", "n_analysed", "control"]]'),
                nbformat.v4.new_code_cell("# The summary of findings if every outcome's minimal important difference were "
                                          "SMD 0.2 (the conventional 'small' effect)\nchapter.findings_with(smd=0.2)"),
                nbformat.v4.new_markdown_cell(PROVENANCE),
                nbformat.v4.new_code_cell("chapter.fingerprint()", metadata={"tags": PROVENANCE_TAGS}),
            ]
        cells.append(nbformat.v4.new_markdown_cell(f"## {heading}" + (f"\n\n{note}" if note else "")))
        # Wide tables may spread into the page margin (the theme's full-width cell tag).
        tags = ["remove-input", "full-width"] if call in WIDE_SECTIONS else ["remove-input"]
        cells.append(nbformat.v4.new_code_cell(f"chapter.{call}()", metadata={"tags": tags}))
    return new_notebook(cells)


def new_notebook(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return normalise(nb)


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Stable ids and metadata so re-executing an unchanged chapter leaves its file unchanged."""
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def scaffold(conditions: pd.DataFrame) -> list[Path]:
    """Write a chapter notebook for every condition that has none yet (never overwrites)."""
    written = []
    for row in chapter_conditions(conditions).itertuples():
        path = chapter_path(row.condition)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(condition_notebook(row.condition, row.display_name), path)
            written.append(path)
    return written


def toc(conditions: pd.DataFrame) -> str:
    ordered = chapter_conditions(conditions).sort_values("display_name", kind="stable")
    structure = {
        "format": "jb-book",
        "root": "book/index",
        "parts": [
            {"caption": "About this book", "chapters": [{"file": f} for f in FRONT]},
            {"caption": "Conditions", "chapters": [{"file": f"book/conditions/{c}"} for c in ordered["condition"]]},
            {"caption": "Across conditions", "chapters": [{"file": f} for f in CROSS_CUTTING]},
            {"caption": "Reference", "chapters": [{"file": f} for f in BACK]},
        ],
    }
    return TOC_HEADER + yaml.safe_dump(structure, sort_keys=False, allow_unicode=True)


def toc_docs(text: str | None = None) -> list[str]:
    """Every document the table of contents lists, in order."""
    data = yaml.safe_load(text if text is not None else (paths.root() / "_toc.yml").read_text(encoding="utf-8"))
    docs = [data["root"]]
    for part in data.get("parts", []):
        docs += [c["file"] for c in part["chapters"]]
    return docs


def notebooks() -> list[Path]:
    """Every notebook in the book, in table-of-contents order."""
    root = paths.root()
    return [root / f"{doc}.ipynb" for doc in toc_docs() if (root / f"{doc}.ipynb").exists()]


_FINGERPRINT = re.compile(r"Data fingerprint ([0-9a-f]{12})")
_FIGURE = re.compile(r"\{figure\} /figures/([A-Za-z0-9_.-]+)")


def stale_output_problems(current: str) -> list[str]:
    """Stored outputs that the book must not publish: computed from other data, or showing a
    figure that is not in figures/. Both are mended by re-executing (`make execute`)."""
    problems = []
    for path in notebooks():
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # a damaged file is a problem to report, not a traceback
            problems.append(f"{paths.display(path)}: not a readable notebook ({type(exc).__name__}); run `make execute`")
            continue
        texts = [o.get("text", "") if o.get("output_type") == "stream" else o.get("data", {}).get("text/markdown", "")
                 for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
        stored = {m for t in texts for m in _FINGERPRINT.findall(t)}
        if stored and stored != {current}:
            problems.append(f"{paths.display(path)}: executed against data fingerprint {', '.join(sorted(stored))}, "
                            f"but data/ is now {current}; run `make execute`")
        for name in sorted({m for t in texts for m in _FIGURE.findall(t)}):
            if not (paths.root() / "figures" / name).exists():
                problems.append(f"{paths.display(path)}: shows figures/{name}, which is missing; run `make execute`")
    return problems


def execute(path: Path) -> Path:
    """Run a notebook top to bottom in a fresh kernel, in its own folder, and store the outputs."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(normalise(nb), path)
    return path


def execute_all(targets: list[Path], workers: int = 2) -> list[Path]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(execute, targets))
