"""The one definition of every data table.

Each table is a list of :class:`Column` specs. From them we build the pandera
schemas that validate the CSVs, the Frictionless ``datapackage.json`` that
describes them to people who download the data, and the data dictionary on the
methods page. Change a rule here and all three follow.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

DESIGNS = (
    "rct",
    "crossover_rct",
    "nonrandomised_trial",
    "open_label",
    "cohort",
    "register",
    "case_series",
    "case_report",
    "systematic_review",
    "meta_analysis",
    "narrative_review",
    "preclinical",
)
# How the comparison that tests LDN was made: the field grading reads, never free text.
CONTROLS = ("randomised_placebo", "randomised_active", "randomised_usual_care", "concurrent_nonrandomised",
            "historical", "before_after", "none")
BLINDING = ("double", "single", "open", "not_reported")
OUTCOME_KINDS = ("clinical", "biomarker", "dispensing_proxy", "laboratory")
POPULATION_MATCH = ("yes", "partial", "no")
ROB_TOOLS = ("rob2", "rob2_crossover", "robins_i", "uncontrolled")
ROB_DOMAINS = ("randomisation", "deviations", "missing_data", "measurement", "reporting", "period_carryover",
               "confounding", "selection", "classification", "comparison", "overall")
ROB_JUDGEMENTS = ("low", "some_concerns", "high", "moderate", "serious", "critical", "no_information")
RECORD_DECISIONS = ("included", "new_included", "awaiting", "excluded", "ongoing", "review_studies")
# What kind of report a study's results were read in: a reference says what it is, honestly.
REPORT_KINDS = ("journal_article", "conference_abstract", "registry_results", "preprint", "thesis", "results_summary",
                "book_chapter", "letter")
# What an additional report of an included study is (reports.csv).
REPORT_ROLES = ("protocol", "registry_record", "secondary_analysis", "results_report", "conference_abstract",
                "erratum")
# How a number in an outcome or adverse-event row is known: read from the page, or derived from what the page shows
# (each derived kind is footnoted, and pooling runs a sensitivity analysis without it).
DERIVATIONS = ("read", "counts_from_percentages", "sd_from_ci", "sd_from_se", "sd_from_p", "read_from_figure")
# Outcomes a guideline panel would weigh, per condition (GRADE: critical or important for a decision).
IMPORTANCE = ("critical", "important")
# Where an outcome's minimal important difference comes from: a published MID for the instrument, or the documented
# fallback when no MID page was found.
MID_BASES = ("published_mid", "fallback")
EXCLUSION_REASONS = ("not_human", "not_low_dose", "out_of_scope", "duplicate_or_secondary", "not_primary_research",
                     "retracted", "not_ldn", "conference_abstract_only")
LABEL_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CLINICAL_DESIGNS = ("rct", "crossover_rct", "nonrandomised_trial", "open_label", "cohort", "register", "case_series", "case_report")
DIRECTIONS = ("benefit", "no_difference", "mixed", "harm", "not_applicable")
# What an outcome measures, so results are pooled and rated per outcome, never per condition.
OUTCOME_DOMAINS = (
    "pain",
    "fatigue",
    "disease_activity",
    "quality_of_life",
    "depression",
    "function",
    "withdrawal_adverse_events",
    "adverse_events",
    "biomarker",
    "other",
)
AE_DOMAINS = ("withdrawal_adverse_events", "adverse_events")
# What the number in `effect` is, as a code, so synthesis never reads the free-text effect_measure.
EFFECT_TYPES = (
    "mean_difference",
    "standardised_mean_difference",  # Cohen's d, Hedges' g, or an effect size whose metric the page does not state
    "median_difference",
    "risk_ratio",
    "odds_ratio",
    "other",
)
VALUE_KINDS = ("final", "change")
# How an outcome row's arm sizes are known. equal_allocation: the page gives the number randomised and a 1:1
# allocation but not the arms, so the package splits studies.n_enrolled and says so wherever the effect is used.
ARM_SIZE_SOURCES = ("reported", "equal_allocation")
# parallel: LDN arm vs comparator arm; paired: the same people on LDN and on the comparator (crossover),
# analysed within person; single_arm: a within-group change with no comparison arm.
ANALYSES = ("parallel", "paired", "single_arm")
YES_NO = ("yes", "no")
# A claim gets two verdicts: is its source real and cited correctly, and does the evidence support it?
ATTRIBUTIONS = ("correct", "wrong_source", "source_not_found", "no_source_named")
EVIDENCE_VERDICTS = ("supported", "partly_supported", "not_supported", "contradicted", "no_evidence")
CERTAINTY_LEVELS = ("high", "moderate", "low", "very low", "not_applicable")
CLAIM_TIERS = ("trial", "observational", "case_report", "mechanism", "practice_guidance")
# The proposed mechanisms the mechanism chapter is organised by: the allowed values of studies.mechanism.
MECHANISMS = {
    "opioid-growth-factor": "Opioid growth factor and its receptor (OGF–OGFr)",
    "immune-cell-receptors": "Opioid receptors on immune cells",
    "tlr4-microglia": "Toll-like receptor 4 and microglia",
    "regulatory-t-cells": "Regulatory T cells",
    "contrary-findings": "Null and contrary findings",
    "pharmacology": "Pharmacology, dosing and safety reviews",
}
MECHANISM_TIERS = ("human", "animal", "in_vitro", "hypothesis")
CATEGORIES = (
    "gastrointestinal",
    "neurological",
    "rheumatological",
    "dermatological",
    "pain",
    "endocrine",
    "psychiatric",
    "post-infectious and fatigue",
    "other",
    "cross-cutting",
)

DOSE_MIN_MG = 0.0001
DOSE_MAX_MG = 50.0
FIRST_YEAR = 1980

KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# FirstAuthorYear; 'Anon<Topic>Year' where no source page showed the authors.
STUDY_ID_PATTERN = r"^[A-Z][A-Za-z]+[0-9]{4}[a-z]?$"
BIBKEY_PATTERN = r"^[A-Z][A-Za-z]+[0-9]{4}[a-z]+$"
PMID_PATTERN = r"^[0-9]{1,9}$"
DOI_PATTERN = r"^10\.[0-9]{4,9}/\S+$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class Column:
    """One column of one table, with the rules a value must meet."""

    name: str
    kind: str  # "string", "integer" or "number"
    description: str
    required: bool = False  # an empty cell is an error
    unique: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    references: tuple[str, str] | None = None  # (table, column) this key points into
    list_sep: str | None = None  # the cell holds several values joined by this
    bibtex: bool = False  # copied into the generated .bib


@dataclass(frozen=True)
class Table:
    name: str
    filename: str
    description: str
    columns: tuple[Column, ...]
    primary_key: str | tuple[str, ...]  # one column, or the columns that together identify a row
    # Rules that involve two columns of the same row: (name, left, op, right).
    row_rules: tuple[tuple[str, str, str, str], ...] = field(default_factory=tuple)



def this_year() -> int:
    return datetime.date.today().year


C = Column

CONDITIONS = Table(
    name="conditions",
    filename="conditions.csv",
    description="Every condition the review covers, with the searches behind it. "
    "A condition with no human study is listed with its searches rather than left out.",
    primary_key="condition",
    columns=(
        C("condition", "string", "Key used by every other table and as the chapter's file name.",
          required=True, unique=True, pattern=KEY_PATTERN),
        C("display_name", "string", "Name shown to readers.", required=True, unique=True),
        C("category", "string", "Clinical area, for grouping chapters.", required=True, allowed=CATEGORIES),
        C("mentioned_in_article", "string", "Whether the popular article audited in the book names it.",
          required=True, allowed=("yes", "no")),
        C("first_search", "string", "Date of the first edition's search, run before the search log was kept (YYYY-MM-DD); "
          "later searches, and the last search date, are in searches.csv.", required=True, pattern=DATE_PATTERN),
        C("search_terms", "string", "The first edition's queries for this condition, separated by ' | ' (hit counts were "
          "not recorded).", required=True),
        C("ongoing_trials", "string", "Registered or announced trials without published results."),
        C("notes", "string", "Anything a reader of the searches should know."),
    ),
)

STUDIES = Table(
    name="studies",
    filename="studies.csv",
    description="One row per published study (or review, or key mechanism paper).",
    primary_key="study_id",
    row_rules=(
        ("dose_min_mg <= dose_max_mg", "dose_min_mg", "<=", "dose_max_mg"),
        ("n_analysed <= n_enrolled", "n_analysed", "<=", "n_enrolled"),
        ("secondary_to is another study", "secondary_to", "!=", "study_id"),
    ),
    columns=(
        C("study_id", "string", "FirstAuthorYear, with a letter when an author has two in a year.",
          required=True, unique=True, pattern=STUDY_ID_PATTERN),
        C("condition", "string", "Condition key (conditions.csv).", required=True,
          references=("conditions", "condition")),
        C("pmid", "string", "PubMed ID, digits only, when a page shows one.", pattern=PMID_PATTERN, unique=True),
        C("doi", "string", "DOI without the https://doi.org/ prefix, when a page shows one.", pattern=DOI_PATTERN,
          unique=True),
        C("report_kind", "string", "What the results were read in: a journal article, a conference abstract, a "
          "registry's posted results, a preprint, a thesis, a results summary page, a book chapter or a letter.",
          required=True, allowed=REPORT_KINDS),
        C("registry_id", "string", "Trial registration(s) the pages show (NCT, EudraCT, ISRCTN, ACTRN, IRCT ...), "
          "joined by '; '."),
        C("url", "string", "Where the report can be read when it has no PMID or DOI (registry results, a results "
          "page, a conference abstract page). A study needs a PMID, a DOI, a registry_id or a url."),
        C("first_author", "string", "Surname of the first author (empty when no source page showed the authors)."),
        C("authors", "string", "Authors as 'Surname Initials' joined by '; ', ending in 'et al.' when not all were seen; "
          "empty when no source page showed them.", bibtex=True),
        C("year", "integer", "Year of publication.", required=True, minimum=FIRST_YEAR, maximum=None),
        C("journal", "string", "Journal as shown on the source page (empty when no page showed it).", bibtex=True),
        C("volume", "string", "Volume.", bibtex=True),
        C("issue", "string", "Issue.", bibtex=True),
        C("pages", "string", "Pages or article number.", bibtex=True),
        C("title", "string", "Title of the article.", required=True, bibtex=True),
        C("design", "string", "Study design.", required=True, allowed=DESIGNS),
        C("n_enrolled", "integer", "Participants enrolled.", minimum=1),
        C("n_analysed", "integer", "Participants analysed.", minimum=1),
        C("population", "string", "Who was studied."),
        C("dose_min_mg", "number", "Lowest daily dose of naltrexone in mg.", minimum=DOSE_MIN_MG, maximum=DOSE_MAX_MG),
        C("dose_max_mg", "number", "Highest daily dose of naltrexone in mg.", minimum=DOSE_MIN_MG, maximum=DOSE_MAX_MG),
        C("dose_note", "string", "Titration, timing, mg/kg dosing, formulation."),
        C("duration_weeks", "number", "Treatment duration in weeks.", minimum=0.01, maximum=1040),
        C("comparator", "string", "Placebo, none, usual care ..."),
        C("primary_outcome", "string", "The outcome the study was built around."),
        C("result_summary", "string", "What the study found, in our words.", required=True),
        C("direction", "string", "Direction of the main result.", required=True, allowed=DIRECTIONS),
        C("bibkey", "string", "Key of the generated .bib entry (AuthorYYYYword).", required=True, unique=True,
          pattern=BIBKEY_PATTERN),
        C("source_url", "string", "Page(s) where every fact of the row was seen, joined by ' ; '.", required=True),
        C("verification_note", "string", "What was checked where; conflicts between sources."),
        C("secondary_to", "string", "For a secondary or follow-up report of a trial already listed: the study_id of the main report. "
          "Its participants are not counted again.", references=("studies", "study_id")),
        C("mechanism_tier", "string", "For mechanism papers: human, animal, in_vitro or hypothesis.",
          allowed=MECHANISM_TIERS),
        C("mechanism", "string", "For mechanism papers: which proposed mechanisms it bears on, joined by '; '.",
          allowed=tuple(MECHANISMS), list_sep=";"),
        C("control", "string", "How LDN was compared (clinical studies): randomised against placebo, an active drug or usual "
          "care; a concurrent non-randomised group; historical controls; the same people before and on LDN; or none.",
          allowed=CONTROLS),
        C("blinding", "string", "Who was blinded (clinical studies).", allowed=BLINDING),
        C("outcome_kind", "string", "What the main outcome measures: a clinical outcome, a biomarker, a dispensing proxy "
          "(drugs collected) or a laboratory measure.", allowed=OUTCOME_KINDS),
        C("population_match", "string", "Whether the people analysed match the condition the study is filed under.",
          allowed=POPULATION_MATCH),
        C("population_note", "string", "Why the population matches only partly, or not."),
    ),
)

OUTCOMES = Table(
    name="outcomes",
    filename="outcomes.csv",
    description="One row per numeric outcome a study reports.",
    primary_key="outcome_id",
    row_rules=(("ci_low <= ci_high", "ci_low", "<=", "ci_high"),),
    columns=(
        C("outcome_id", "string", "study_id plus a short outcome name.", required=True, unique=True),
        C("study_id", "string", "Study (studies.csv).", required=True, references=("studies", "study_id")),
        C("outcome", "string", "What was measured.", required=True),
        C("scale", "string", "Instrument or unit."),
        C("timepoint_weeks", "number", "When it was measured, in weeks.", minimum=0, maximum=1040),
        C("ldn_value", "number", "Value in the LDN arm (or period)."),
        C("comparator_value", "number", "Value in the comparator arm (or period)."),
        C("effect_measure", "string", "What the effect number is (mean difference, risk ratio, ...)."),
        C("effect_type", "string", "What the effect number is, as a code (standardised_mean_difference includes an "
          "effect size whose metric the page does not state).", allowed=EFFECT_TYPES),
        C("effect", "number", "Effect estimate."),
        C("ci_low", "number", "Lower bound of its 95% confidence interval."),
        C("ci_high", "number", "Upper bound of its 95% confidence interval."),
        C("p_value", "number", "p value as reported (upper bound when reported as p<x).", minimum=0, maximum=1),
        C("n_ldn", "integer", "Participants in the LDN arm.", minimum=1),
        C("n_comparator", "integer", "Participants in the comparator arm.", minimum=1),
        C("arm_sizes", "string", "How the arm sizes are known: reported (n_ldn and n_comparator as the page gives them), "
          "or equal_allocation (n_ldn and n_comparator empty; the page gives the number randomised, in studies.n_enrolled, "
          "and a 1:1 allocation, so pooling splits it and footnotes say so).", allowed=ARM_SIZE_SOURCES),
        C("derivation", "string", "How the row's numbers are known: read (as the page prints them), or derived from "
          "what it prints: counts_from_percentages, sd_from_ci, sd_from_se, sd_from_p, read_from_figure. A derived row "
          "is footnoted and left out in a sensitivity analysis. Empty means read.", allowed=DERIVATIONS),
        C("outcome_domain", "string", "What the outcome measures, for pooling and rating per outcome "
          "(withdrawal_adverse_events = stopped because of adverse events).", allowed=OUTCOME_DOMAINS),
        C("is_primary", "string", "Whether the page names this as the trial's primary outcome (empty: not stated).",
          allowed=YES_NO),
        C("value_kind", "string", "Whether the arm values are final scores or changes from baseline.", allowed=VALUE_KINDS),
        C("lower_is_better", "string", "Whether a lower number is the better result, for the values and effect as stored "
          "in this row (a 'reduction' or 'improvement' stored as a positive number is lower_is_better = no).",
          allowed=YES_NO),
        C("ldn_mean", "number", "Mean in the LDN arm (or period), in the row's scale and value_kind."),
        C("ldn_sd", "number", "Standard deviation of ldn_mean across participants (not a standard error).", minimum=0),
        C("comparator_mean", "number", "Mean in the comparator arm (or period)."),
        C("comparator_sd", "number", "Standard deviation of comparator_mean across participants.", minimum=0),
        C("se", "number", "Standard error of the effect, when the page reports it (conversions from a CI or "
          "p value are done in ldnreview/synthesis.py, not typed here).", minimum=0),
        C("analysis", "string", "parallel (LDN arm vs comparator arm), paired (the same people on LDN and on the "
          "comparator, e.g. a crossover) or single_arm (change within one group, no comparison).", allowed=ANALYSES),
        C("direction", "string", "Direction of this result.", required=True, allowed=DIRECTIONS),
        C("note", "string", "Anything needed to read the numbers."),
        C("pages_tried", "string", "For a controlled trial's outcome without arm-level numbers: the pages looked at "
          "that did not show them, joined by ' ; '."),
        C("source_url", "string", "Page where the numbers were seen.", required=True),
    ),
)

ADVERSE_EVENTS = Table(
    name="adverse_events",
    filename="adverse_events.csv",
    description="Adverse events as each study reports them.",
    primary_key="ae_id",
    row_rules=(
        ("ldn_events <= ldn_n", "ldn_events", "<=", "ldn_n"),
        ("comparator_events <= comparator_n", "comparator_events", "<=", "comparator_n"),
    ),
    columns=(
        C("ae_id", "string", "study_id plus a short event name.", required=True, unique=True),
        C("study_id", "string", "Study (studies.csv).", required=True, references=("studies", "study_id")),
        C("event", "string", "Adverse event as reported.", required=True),
        C("event_domain", "string", "For pooling and rating per outcome: withdrawal_adverse_events (stopped because of "
          "adverse events) or adverse_events (any other harm counted).", allowed=AE_DOMAINS),
        C("ldn_events", "integer", "Participants with the event on LDN.", minimum=0),
        C("ldn_n", "integer", "Participants exposed to LDN.", minimum=1),
        C("comparator_events", "integer", "Participants with the event on the comparator.", minimum=0),
        C("comparator_n", "integer", "Participants on the comparator.", minimum=1),
        C("derivation", "string", "How the counts are known: read, or counts_from_percentages (a percentage times the "
          "arm size; footnoted and left out in a sensitivity analysis). Empty means read.", allowed=DERIVATIONS),
        C("note", "string", "How it was reported (for example, no counts given)."),
        C("pages_tried", "string", "For a controlled trial's event without counts per arm: the pages looked at that did "
          "not show them, joined by ' ; '."),
        C("source_url", "string", "Page where it was seen.", required=True),
    ),
)

REPORTS = Table(
    name="reports",
    filename="reports.csv",
    description="One row per further report of an included study (protocol, registry record, secondary analysis, "
    "conference abstract, erratum): PRISMA 2020 counts studies and their reports apart. The main report is the "
    "study's own row in studies.csv; a secondary analysis with results of its own is a study row with secondary_to.",
    primary_key="report_id",
    columns=(
        C("report_id", "string", "Short id: the study_id plus the role, or the report's own id.", required=True,
          unique=True),
        C("study_id", "string", "The included study it reports (studies.csv).", required=True,
          references=("studies", "study_id")),
        C("role", "string", "What the report is for the study.", required=True, allowed=REPORT_ROLES),
        C("report_kind", "string", "What kind of document it is.", required=True, allowed=REPORT_KINDS),
        C("citation", "string", "The report as its pages show it, in our words where needed.", required=True),
        C("pmid", "string", "PubMed ID, when a page shows one.", pattern=PMID_PATTERN),
        C("doi", "string", "DOI, when a page shows one.", pattern=DOI_PATTERN),
        C("registry_id", "string", "Registry number, for a registry record."),
        C("url", "string", "Where it can be read."),
        C("source_url", "string", "Pages looked at.", required=True),
        C("note", "string", "Anything else."),
    ),
)

OUTCOME_THRESHOLDS = Table(
    name="outcome_thresholds",
    filename="outcome_thresholds.csv",
    description="The outcomes a guideline panel would weigh for each condition with controlled evidence (critical or "
    "important, benefit and harm), each with its minimal important difference (MID) or decision threshold in the units "
    "of its most familiar instrument, and that instrument's typical standard deviation so effects on the SMD scale can "
    "be shown on it (Cochrane Handbook chapter 15) and judged against the MID (GRADE guidance 34).",
    primary_key="threshold_id",
    columns=(
        C("threshold_id", "string", "condition plus outcome_domain.", required=True, unique=True),
        C("condition", "string", "Condition (conditions.csv).", required=True, references=("conditions", "condition")),
        C("outcome_domain", "string", "The outcome (as outcomes.outcome_domain / adverse_events.event_domain).",
          required=True, allowed=OUTCOME_DOMAINS),
        C("importance", "string", "critical or important for a decision about LDN in this condition.", required=True,
          allowed=IMPORTANCE),
        C("instrument", "string", "The most familiar instrument effects are shown on (for a dichotomous outcome: "
          "'participants with the event')."),
        C("mid", "number", "Minimal important difference on the instrument, in its units (for a dichotomous outcome: "
          "an absolute difference per 1000 people). Empty with basis fallback: the documented fallback applies.",
          minimum=0),
        C("sd", "number", "Typical standard deviation of the instrument in this population, to put SMDs back on the "
          "instrument's scale and to express the MID as an SMD (MID / SD).", minimum=0),
        C("basis", "string", "published_mid (a page gives an MID for the instrument) or fallback (none found; the "
          "methods page's fallback applies).", required=True, allowed=MID_BASES),
        C("mid_source_url", "string", "Page the MID was read on."),
        C("sd_source_url", "string", "Page the standard deviation was read on."),
        C("rationale", "string", "Why the outcome is critical or important, and how the MID applies here.",
          required=True),
    ),
)

CLAIMS = Table(
    name="claims",
    filename="claims.csv",
    description="Each factual claim of the popular article, checked against the studies.",
    primary_key="claim_id",
    columns=(
        C("claim_id", "string", "C01, C02, ... in article order.", required=True, unique=True, pattern=r"^C[0-9]{2}$"),
        C("section", "string", "Section of the article.", required=True, pattern=KEY_PATTERN),
        C("claim", "string", "The claim, paraphrased.", required=True),
        C("condition", "string", "Condition key (conditions.csv), or general.", required=True,
          references=("conditions", "condition")),
        C("cited_journal", "string", "Journal the article names, if any."),
        C("study_ids", "string", "Studies that bear on the claim (studies.csv), joined by '; '.",
          references=("studies", "study_id"), list_sep=";"),
        C("attribution", "string", "Whether the article cites a real source correctly for the claim (its numbered "
          "references could not be verified, so a bare [n] counts as no source named).", required=True, allowed=ATTRIBUTIONS),
        C("evidence", "string", "Whether the evidence supports the claim; a claim that something is proven or significant "
          "that rests only on very-low-certainty evidence is not supported.", required=True, allowed=EVIDENCE_VERDICTS),
        C("evidence_certainty", "string", "Certainty of the evidence the evidence verdict rests on (not_applicable for "
          "claims that are not about an effect, or where there is no evidence).", required=True, allowed=CERTAINTY_LEVELS),
        C("verdict_reason", "string", "Why, for both verdicts, in one sentence of our own.", required=True),
        C("explanation", "string", "Why, with numbers, in our words.", required=True),
        C("evidence_tier", "string", "Kind of evidence behind the verdict.", required=True, allowed=CLAIM_TIERS),
        C("searches", "string", "Queries run for the claim, joined by ' | '.", required=True),
        C("source_url", "string", "Pages looked at, joined by ' ; '."),
    ),
)

SAFETY_TOPICS = ("opioids", "pregnancy", "compounding")

SAFETY_FACTS = Table(
    name="safety_facts",
    filename="safety_facts.csv",
    description="Practical safety facts about naltrexone that the studies do not cover (label, pregnancy, compounding), "
    "each in our own words with the page it was read on.",
    primary_key="fact_id",
    columns=(
        C("fact_id", "string", "S01, S02, ... in the order the safety page shows them.", required=True, unique=True,
          pattern=r"^S[0-9]{2}$"),
        C("topic", "string", "What the fact is about.", required=True, allowed=SAFETY_TOPICS),
        C("statement", "string", "The fact, in our words (never copied from the page).", required=True),
        C("source_title", "string", "Title of the page the fact was read on, with its publisher.", required=True),
        C("source_url", "string", "Address of that page.", required=True, pattern=r"^https://\S+$"),
    ),
)

RISK_OF_BIAS = Table(
    name="risk_of_bias",
    filename="risk_of_bias.csv",
    description="One row per clinical study and risk-of-bias domain: RoB 2 for randomised trials (with period and "
    "carry-over effects for crossovers), ROBINS-I for non-randomised comparisons, and 'critical: no comparison group' "
    "for uncontrolled designs. Judged from abstract and registry pages; 'no_information' where they are silent.",
    primary_key="rob_id",
    columns=(
        C("rob_id", "string", "study_id plus the domain.", required=True, unique=True),
        C("study_id", "string", "Study (studies.csv).", required=True, references=("studies", "study_id")),
        C("tool", "string", "Assessment tool.", required=True, allowed=ROB_TOOLS),
        C("domain", "string", "Domain of the tool, or 'overall'.", required=True, allowed=ROB_DOMAINS),
        C("judgement", "string", "RoB 2: low / some_concerns / high; ROBINS-I: low / moderate / serious / critical; "
          "no_information where the pages do not say.", required=True, allowed=ROB_JUDGEMENTS),
        C("support", "string", "What supports the judgement, in our words.", required=True),
        C("source_url", "string", "Page(s) the support came from.", required=True),
    ),
)

SEARCHES = Table(
    name="searches",
    filename="searches.csv",
    description="The search log: every query run, with its date, source and what it returned.",
    primary_key="search_id",
    columns=(
        C("search_id", "string", "Search id (a prefix per searcher, then a number).", required=True, unique=True),
        C("condition", "string", "Condition key, or a label for an area searched outside the chapters (scope-hiv ...).",
          required=True, pattern=LABEL_PATTERN),
        C("source", "string", "Where the query was run.", required=True),
        C("query", "string", "The query as run.", required=True),
        C("date", "string", "Date run (YYYY-MM-DD).", required=True, pattern=DATE_PATTERN),
        C("hits", "integer", "Records the source returned.", required=True, minimum=0),
        C("screened", "integer", "Records read (title and abstract).", required=True, minimum=0),
        C("new_records", "integer", "Screened records not already in studies.csv.", minimum=0),
        C("note", "string", "What the search was for or found."),
    ),
    row_rules=(("screened <= hits", "screened", "<=", "hits"),),
)

RECORDS = Table(
    name="records",
    filename="records.csv",
    description="Each relevant record the searches found, and what became of it.",
    primary_key="record_id",
    columns=(
        C("record_id", "string", "Record id.", required=True, unique=True),
        C("search_id", "string", "The search that found it (searches.csv).", required=True, references=("searches", "search_id")),
        C("citation", "string", "Citation as seen.", required=True),
        C("pmid", "string", "PubMed ID, when seen.", pattern=PMID_PATTERN),
        C("doi", "string", "DOI, when seen.", pattern=DOI_PATTERN),
        C("url", "string", "Page(s) where it was seen."),
        C("condition", "string", "Condition key or search label.", pattern=LABEL_PATTERN),
        C("decision", "string", "Included (in studies.csv), awaiting classification, excluded or ongoing.",
          required=True, allowed=RECORD_DECISIONS),
        C("study_id", "string", "For an included record: the study (studies.csv).", references=("studies", "study_id")),
        C("reason", "string", "For an excluded record: why.", allowed=EXCLUSION_REASONS),
        C("note", "string", "Anything a reader of the screening should know."),
    ),
)

AWAITING = Table(
    name="awaiting",
    filename="awaiting.csv",
    description="Studies that answer the review question but whose facts could not all be verified: listed with "
    "what is missing, never silently left out.",
    primary_key="awaiting_id",
    columns=(
        C("awaiting_id", "string", "Short id.", required=True, unique=True),
        C("condition", "string", "Condition key or label.", required=True, pattern=LABEL_PATTERN),
        C("citation", "string", "Citation as far as it was seen.", required=True),
        C("design", "string", "Design, where a page showed it.", allowed=DESIGNS),
        C("n", "integer", "Participants, where a page showed it.", minimum=1),
        C("direction", "string", "Direction of the main result, where a page showed it.", allowed=DIRECTIONS),
        C("registry_id", "string", "Trial registration, where seen."),
        C("missing", "string", "What could not be verified.", required=True),
        C("source_url", "string", "Pages looked at.", required=True),
        C("note", "string", "Anything else."),
    ),
)

EXCLUDED = Table(
    name="excluded",
    filename="excluded.csv",
    description="Studies read and excluded, each with its reason.",
    primary_key="excluded_id",
    columns=(
        C("excluded_id", "string", "Short id.", required=True, unique=True),
        C("condition", "string", "Condition key or label (scope-hiv, scope-cancer ...).", required=True, pattern=LABEL_PATTERN),
        C("citation", "string", "Citation as seen.", required=True),
        C("pmid", "string", "PubMed ID, when seen.", pattern=PMID_PATTERN),
        C("doi", "string", "DOI, when seen.", pattern=DOI_PATTERN),
        C("url", "string", "Where it was seen."),
        C("reason", "string", "Why it is excluded.", required=True, allowed=EXCLUSION_REASONS),
        C("note", "string", "Detail."),
        C("source_url", "string", "Pages looked at."),
    ),
)

ONGOING = Table(
    name="ongoing",
    filename="ongoing.csv",
    description="Registered trials without published results.",
    primary_key="registry_id",
    columns=(
        C("registry_id", "string", "Registry number (NCT, EudraCT, ISRCTN, ACTRN, IRCT ...).", required=True, unique=True),
        C("condition", "string", "Condition key or label.", required=True, pattern=LABEL_PATTERN),
        C("title", "string", "Title as registered.", required=True),
        C("design", "string", "Design as registered."),
        C("n_planned", "integer", "Planned or actual enrolment.", minimum=1),
        C("status", "string", "Status as seen, with its date."),
        C("url", "string", "Registry page."),
        C("source_url", "string", "Pages looked at.", required=True),
        C("note", "string", "Anything else."),
    ),
)

REVIEW_DECISIONS = ("included", "awaiting", "excluded", "unknown_list")

REVIEW_STUDIES = Table(
    name="review_studies",
    filename="review_studies.csv",
    description="What became of each study that a systematic review in the data included: in studies.csv, awaiting "
    "classification, or excluded with a reason; 'unknown_list' where no page showed the review's list of studies.",
    primary_key=("review_id", "included_citation"),  # a review has one row per study it included
    columns=(
        C("review_id", "string", "The review (a study_id of studies.csv, or an awaiting_id).", required=True),
        C("included_citation", "string", "The included study as the review's pages describe it.", required=True),
        C("matched_id", "string", "Its study_id, awaiting_id or excluded_id; empty for unknown_list."),
        C("decision", "string", "Where the study is accounted for.", required=True, allowed=REVIEW_DECISIONS),
        C("source_url", "string", "Pages looked at.", required=True),
        C("note", "string", "How the match was made, or the count the abstract gives."),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (CONDITIONS, STUDIES, OUTCOMES, ADVERSE_EVENTS, CLAIMS, SAFETY_FACTS,
                                                RISK_OF_BIAS, SEARCHES, RECORDS, AWAITING, EXCLUDED, ONGOING,
                                                REVIEW_STUDIES, REPORTS, OUTCOME_THRESHOLDS)}
# Load order: a table is loaded after every table it references.
LOAD_ORDER = ("conditions", "studies", "outcomes", "adverse_events", "claims", "safety_facts", "risk_of_bias", "searches", "records",
              "awaiting", "excluded", "ongoing", "review_studies", "reports", "outcome_thresholds")


def pandera_schema(table: Table):
    """The pandera schema for a table whose cells were already parsed to Python values."""
    import pandera.pandas as pa  # imported here: a chapter whose data is already validated never needs it

    columns = {}
    for col in table.columns:
        checks = []
        if col.allowed is not None and not col.list_sep:  # lists are checked value by value in load
            checks.append(pa.Check.isin(col.allowed, error=f"one of {', '.join(col.allowed)}"))
        if col.pattern is not None:
            checks.append(pa.Check.str_matches(col.pattern, error=f"matches {col.pattern}"))
        if col.minimum is not None:
            checks.append(pa.Check.ge(col.minimum, error=f">= {col.minimum:g}"))
        maximum = this_year() if col.name == "year" else col.maximum
        if maximum is not None:
            checks.append(pa.Check.le(maximum, error=f"<= {maximum:g}"))
        dtype = {"string": object, "integer": "Int64", "number": "Float64"}[col.kind]
        columns[col.name] = pa.Column(
            dtype,
            checks=checks,
            nullable=not col.required,
            unique=col.unique,
            required=True,
            name=col.name,
        )
    return pa.DataFrameSchema(columns, strict=True, ordered=False, name=table.name)


def datapackage() -> dict:
    """A Frictionless data package descriptor generated from the same specs."""
    frictionless_type = {"string": "string", "integer": "integer", "number": "number"}
    resources = []
    for name in LOAD_ORDER:
        table = TABLES[name]
        fields = []
        for col in table.columns:
            constraints: dict = {}
            if col.required:
                constraints["required"] = True
            if col.unique:
                constraints["unique"] = True
            if col.allowed and col.list_sep:
                # A list cell: each value must be allowed, so the whole cell matches a pattern of allowed values.
                one = "(" + "|".join(re.escape(v) for v in col.allowed) + ")"
                constraints["pattern"] = f"^{one}({re.escape(col.list_sep)} ?{one})*$"
            elif col.allowed:
                constraints["enum"] = list(col.allowed)
            if col.pattern:
                constraints["pattern"] = col.pattern
            if col.minimum is not None:
                constraints["minimum"] = col.minimum
            if col.maximum is not None:
                constraints["maximum"] = col.maximum
            entry = {"name": col.name, "type": frictionless_type[col.kind], "description": col.description}
            if constraints:
                entry["constraints"] = constraints
            fields.append(entry)
        foreign_keys = [
            {"fields": col.name, "reference": {"resource": col.references[0], "fields": col.references[1]}}
            for col in table.columns
            if col.references and not col.list_sep
        ]
        key = [table.primary_key] if isinstance(table.primary_key, str) else list(table.primary_key)
        schema = {"fields": fields, "primaryKey": key, "missingValues": [""]}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": table.filename,
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "description": table.description,
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "ldn-evidence",
        "title": "Low-dose naltrexone in autoimmune and immune-mediated disease: verified study data",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
