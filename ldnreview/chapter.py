"""A condition chapter: the same calls for every condition, so every chapter has the same skeleton.

A notebook does ``ch = Chapter("crohns-disease")`` and then one call per section.
Every number the chapter prints is computed here from ``data/``.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from . import certainty as ce
from . import cite, export, grade, sof, tables, words
from . import synthesis as sy
from .load import Dataset, load
from .output import Admonition, Block, Bullets, Code, Group, Paragraph, Span, Strong, join, table

NOT_ADVICE = Admonition(
    "Not medical advice",
    "This chapter summarises published research. It is not medical advice: decisions about LDN "
    "belong to you and a clinician who knows your history.",
    kind="caution",
)


def in_sentence(name: str) -> str:
    """A condition's display name as it reads mid-sentence: 'Systemic lupus erythematosus' becomes
    'systemic lupus erythematosus'; eponyms and acronyms (Crohn's, Hailey-Hailey, ME/CFS, Gulf War) keep their capitals."""
    first = name.split(" ", 1)[0]
    proper = "'" in first or "’" in first or any(ch.isupper() for ch in first[1:]) or first in PROPER_FIRST_WORDS
    return name if proper else name[0].lower() + name[1:]


PROPER_FIRST_WORDS = ("Gulf", "Sjögren's", "Hashimoto's")


def fingerprint_line(data: Dataset) -> str:
    counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in data.row_counts.items())
    return f"Data fingerprint {data.fingerprint} ({counts})"


def show_fingerprint(data: Dataset | None = None) -> None:
    """First cell of every chapter: what data it was executed against, so stale outputs fail nbval."""
    print(fingerprint_line(data or load()))


def _count_phrase(count: int, singular: str, plural: str | None = None) -> str:
    return words.count(count, singular)


class Chapter:
    def __init__(self, condition: str, data: Dataset | None = None):
        self.data = data or load()
        known = self.data.conditions.set_index("condition")
        if condition not in known.index:
            raise KeyError(f"unknown condition {condition!r}: not in data/conditions.csv (known: {', '.join(sorted(known.index))})")
        self.key = condition
        self.info = known.loc[condition]
        self.title = self.info["display_name"]
        self.name = in_sentence(self.title)
        self.docname = f"book/conditions/{condition}"
        self.studies = self.data.studies[self.data.studies["condition"] == condition]
        ids = set(self.studies["study_id"])
        self.outcomes = self.data.outcomes[self.data.outcomes["study_id"].isin(ids)]
        self.adverse_events = self.data.adverse_events[self.data.adverse_events["study_id"].isin(ids)]
        self.claims = self.data.claims[self.data.claims["condition"] == condition]
        self.awaiting = self.data.awaiting[self.data.awaiting["condition"] == condition]
        self.evidence = grade.evidence(self.studies)
        self.graded = tables.sort_studies(self.studies)
        # The one definition of a clinical study (no secondary reports), used by every sentence, table and figure.
        self.clinical = self.graded[self.graded["level_rank"].isin(grade.CLINICAL_RANKS) & self.graded["secondary_to"].isna()]
        self.randomised = self.clinical[self.clinical["design"].isin(grade.RANDOMISED)]
        self.ongoing = self.data.ongoing[self.data.ongoing["condition"] == condition]
        self.risk_of_bias = self.data.risk_of_bias[self.data.risk_of_bias["study_id"].isin(ids)]
        # Per-outcome GRADE, the book's one certainty system: rows of the summary-of-findings table; the
        # condition's headline is the certainty of its critical outcomes.
        self.findings = sof.findings(self.data, condition)
        self.headline = sof.headline(self.findings)

    # -- for researchers rerunning the chapter ------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        """This chapter's rows of every table, as pandas data frames (copies: change them freely)."""
        return {"studies": self.studies.copy(), "outcomes": self.outcomes.copy(), "adverse_events": self.adverse_events.copy(),
                "risk_of_bias": self.risk_of_bias.copy(), "awaiting": self.awaiting.copy(), "ongoing": self.ongoing.copy(),
                "claims": self.claims.copy()}

    def findings_with(self, smd: float | None = None, **mids: float) -> pd.DataFrame:
        """The summary of findings recomputed with other minimal important differences: ``smd`` for every continuous
        outcome at once, or per outcome domain in the instrument's units (e.g. ``pain=1.5``; an SMD where the
        instrument's SD is unknown)."""
        thresholds = self.data.outcome_thresholds.copy()
        if smd is not None:
            thresholds = thresholds[thresholds["condition"] != self.key]
            mids = {r["domain"]: smd for r in self.findings if r["measure"] != "RR"} | mids
        for domain, mid in mids.items():
            mask = (thresholds["condition"] == self.key) & (thresholds["outcome_domain"] == domain)
            if not mask.any():
                extra = {c: pd.NA for c in thresholds.columns}
                extra.update(threshold_id=f"{self.key}-{domain}", condition=self.key, outcome_domain=domain,
                             importance="critical", basis="published_mid", mid=mid, sd=1.0, instrument="SMD units",
                             rationale="set when rerunning")
                thresholds = pd.concat([thresholds, pd.DataFrame([extra])], ignore_index=True)
            else:
                thresholds.loc[mask, ["mid", "basis"]] = [mid, "published_mid"]
                thresholds.loc[mask & thresholds["sd"].isna(), ["sd", "instrument"]] = [1.0, "SMD units"]
        rows = sof.findings(replace(self.data, outcome_thresholds=thresholds), self.key)
        return pd.DataFrame([{k: r[k] for k in ("outcome", "effect", "mid_text", "certainty", "statement")} for r in rows])

    # -- sections, in chapter order -------------------------------------------------
    def fingerprint(self) -> None:
        show_fingerprint(self.data)

    def bottom_line(self) -> Group:
        c = self.evidence
        if c.n_clinical == 0:
            patients = Span(f"We found no published human study of LDN for {self.name}. "
                            "Any claim that it helps is, for now, not backed by clinical research.")
            clinicians = Span("No clinical evidence, so nothing to rate. Searches run are listed under Gaps below.")
        else:
            patients = Span(
                f"{words.count(c.n_clinical, 'published study')} of people with {self.name} "
                f"{'has' if c.n_clinical == 1 else 'have'} tried LDN ({words.count(c.n_randomised, 'randomised trial')}), "
                f"with {words.count(c.participants, 'participant')} in all. ",
                *self._statements(), self._awaiting_sentence())
            clinicians = self._clinician_summary()
        return join(
            Paragraph(Strong("For patients and the public."), " ", patients),
            Paragraph(Strong("For clinicians."), " ", clinicians),
            NOT_ADVICE,
        )

    def _clinician_summary(self) -> Span:
        c = self.evidence
        parts: list = [f"Best available design: {c.best_level.lower()}. "]
        if len(self.randomised):
            lead = self.randomised.iloc[0]
            comparator = lead["comparator"] if isinstance(lead["comparator"], str) else "an unreported comparator"
            parts += ["The largest randomised trial, ", tables.cite(lead),
                      f" ({tables.DESIGN_NAMES[lead['design']]}, n={tables.fmt_number(lead['size'])}, "
                      f"{tables.dose_text(lead)} mg/day for {tables.fmt_number(lead['duration_weeks'])} weeks, versus ",
                      comparator, "): ", lead["result_summary"], " "]
        else:
            lead = self.clinical.iloc[0]
            parts += ["No randomised trial. The strongest study is ", tables.cite(lead),
                      f" ({tables.DESIGN_NAMES[lead['design']]}, n={tables.fmt_number(lead['size'])}): ",
                      lead["result_summary"], " "]
        if self.headline:
            parts += ["Certainty of the critical outcomes: ", Strong(self.headline), " (the lowest among them; each "
                      "outcome's rating and its reasons are in the summary of findings)."]
        return Span(*parts)

    def at_a_glance(self) -> Block:
        c = self.evidence
        if self.studies.empty:
            return Paragraph("No studies are recorded for this condition.")
        synthesis = self.graded[self.graded["level_rank"] == 6]
        reviews = None
        if len(synthesis):
            cites = [piece for i, (_, r) in enumerate(synthesis.iterrows()) for piece in ((", " if i else ""), tables.cite(r))]
            reviews = Paragraph("Reviews that cover this condition (not counted as evidence themselves): ", *cites, ".")
        why = None
        if self.findings:
            why = join(Paragraph(Strong("Certainty by outcome."), " Each outcome is rated on its own (GRADE); the "
                                 "headline is the lowest certainty among the critical outcomes."),
                       Bullets([Span(r["outcome"], f" ({r['importance']}): ", Strong(r["certainty"]),
                                     "; rated down for " + ("; ".join(r["rating"].rated_down) or "nothing") + ".")
                                for r in self.findings]))
        return join(
            tables.design_count_table(self.studies),
            table(["Measure", "Value"], [
                ["Clinical studies", c.n_clinical],
                ["Participants in clinical studies", f"{c.participants:,}"],
                ["Randomised trials (participants)", f"{c.n_randomised} ({c.randomised_participants:,})"],
                ["Best design available", c.best_level or "–"],
                ["Certainty of the critical outcomes", self.headline or "not rated (no study)"],
            ]),
            why,
            reviews,
        )

    def _statements(self) -> list:
        """What the evidence says, in GRADE's wording tied to certainty and size of effect, one outcome at a time."""
        rows = sorted(self.findings, key=lambda r: r["importance"] != "critical")
        return [piece for r in rows for piece in (r["statement"].rstrip(".") + " (", Strong(f"{r['certainty']} certainty"), "). ")]

    def summary_of_findings(self) -> Block:
        if not self.findings:
            return Paragraph(f"No clinical study of LDN in {self.name} was found, so there is nothing to rate.")
        letters = "abcdefghijklmnopqrstuvwxyz"
        rows, notes = [], []
        comparison = ("LDN compared with placebo" if self.findings[0]["design"] == "randomised"
                      else "LDN as studied, without a concurrent comparison")
        for i, r in enumerate(self.findings):
            mark = letters[i % 26]
            effect = Span(r["effect"], *(["; ", r["effect_native"]] if r["effect_native"] else []))
            rows.append([Span(r["outcome"], f" ({mark})"), r["participants_studies"], effect,
                         Span(r["certainty_symbols"], " ", Strong(r["certainty"])), r["statement"], r["comment"]])
            notes += [Span(f"({mark}) {r['outcome']}. ", f) for f in r["footnotes"] + r["details"] + [r["decisive"]]]
        return join(
            Paragraph(f"{comparison} for {self.name}: each outcome rated on GRADE's five domains (risk of bias, "
                      "inconsistency, indirectness, imprecision, publication bias) against its own minimal important "
                      "difference."),
            table(["Outcome", "Participants (studies)", "Effect (95% CI)", "Certainty", "What this means", "Comments"], rows),
            Paragraph(Strong("Footnotes."), " Every judgement with its reason, then the details of each estimate and "
                      "the judgement that decides it:"),
            Bullets(notes),
        )

    def pooled_figures(self) -> list:
        """A forest plot for each outcome with two or more trials: one measure per axis, favours labels,
        the pooled diamond; reviews' own estimates in a panel of their own."""
        out = []
        labels = {r["study_id"]: words.study_label(r) for _, r in self.studies.iterrows()}
        for r in self.findings:
            result = sy.synthesise(self.data.outcomes, self.data.studies, self.key, r["domain"], self.data.coding,
                                   self.data.adverse_events)
            if result.main is None or result.main.k < 2:
                continue
            threshold = r["rating"].threshold
            draw = export.drawing(
                "forest", "forest_plot", result.main, outcome=r["outcome"], labels=labels,
                threshold=threshold.shown(threshold.high), title=f"{self.title}: {r['outcome'].lower()}, LDN versus placebo",
                reviews=sy.review_estimates(self.data.outcomes, self.data.studies, self.key, r["domain"]))
            m = result.main
            alt = (f"Forest plot of {words.count(m.k, 'randomised trial')} of LDN versus placebo for {r['outcome'].lower()} in "
                   f"{self.name}: pooled {m.measure} {sof.ce_fmt(m.shown(m.estimate))} (95% CI {sof.ce_fmt(m.shown(m.ci_low))} "
                   f"to {sof.ce_fmt(m.shown(m.ci_high))}), I² {100 * (m.i2 or 0):.0f}%.")
            out.append(export.save(draw, f"{self.key}-pooled-{r['domain'].replace('_', '-')}",
                                    f"{r['outcome']}: each trial's effect with its 95% confidence interval, and the "
                                    "random-effects pooled estimate (diamond) with its prediction interval. Source: data/outcomes.csv.",
                                    alt))
        return out

    def _awaiting_sentence(self) -> str:
        """Would the conclusion change if the studies awaiting classification were counted?"""
        trials = self.awaiting[self.awaiting["design"].isin(grade.RANDOMISED + ("nonrandomised_trial",))]
        if self.awaiting.empty:
            return ""
        one = len(self.awaiting) == 1
        if trials.empty:
            return (f"{words.count(len(self.awaiting), 'further study')} {'awaits' if one else 'await'} classification (see below); "
                    f"{'it is not a controlled trial' if one else 'none is a controlled trial'}, so counting {'it' if one else 'them'} would not change these ratings.")
        nulls = int((trials["direction"] == "no_difference").sum())
        one = len(trials) == 1
        if nulls == len(trials):
            effect = (f"{'It' if one else 'Each'} reported no difference from placebo, so counting {'it' if one else 'them'} "
                      "would add no evidence in favour of LDN and the conclusion above would not become more favourable.")
        else:
            effect = (f"{nulls} of {len(trials)} reported no difference from placebo; how counting them would change the "
                      "conclusion cannot be judged until that fact is known.")
        return (f"{words.count(len(trials), 'further controlled trial')} ({grade.participants_phrase(trials['n'])}) "
                f"{'awaits' if one else 'await'} classification: a fact that decides whether {'it belongs' if one else 'they belong'} "
                f"here (named below) could not yet be verified. {effect}")

    def risk_of_bias_section(self) -> Block:
        rob = self.risk_of_bias
        if rob.empty:
            return Paragraph("No clinical study to assess.")
        order = list(self.clinical["study_id"]) + [s for s in self.graded["study_id"] if s not in set(self.clinical["study_id"])]
        domain_order = {d: i for i, d in enumerate(tables.ROB_DOMAIN_NAMES)}
        rob = rob.assign(_order=rob["study_id"].map({s: i for i, s in enumerate(order)}),
                         _domain=rob["domain"].map(domain_order)).sort_values(["_order", "_domain", "rob_id"], kind="stable")
        # Studies with no comparison group are critical by design; they are listed once each, apart from the
        # domain-by-domain assessments of the comparisons (as robvis charts show only assessed comparisons).
        uncontrolled = rob[rob["tool"] == "uncontrolled"]
        assessed = rob[rob["tool"] != "uncontrolled"]
        parts: list = []
        if assessed.empty:
            parts.append(Paragraph("No study of this condition compared LDN with a concurrent control group, so there is no "
                                   "comparison to assess domain by domain."))
        else:
            labels = {r["study_id"]: words.study_label(r) for _, r in self.studies.iterrows()}
            domains = [d for d in tables.ROB_DOMAIN_NAMES if d in set(assessed["domain"])]
            draw = export.drawing("figures", "traffic_light", assessed, labels, domains, tables.ROB_DOMAIN_NAMES,
                                  f"{self.title}: risk of bias by study and domain")
            overall = assessed[assessed["domain"] == "overall"]["judgement"].value_counts()
            alt = (f"Traffic-light chart of risk of bias for {words.count(assessed['study_id'].nunique(), 'controlled study')} "
                   f"of LDN in {self.name}: overall " + ", ".join(f"{n} {tables.ROB_WORDS[j]}" for j, n in overall.sort_index().items()) + ".")
            parts += [export.save(draw, f"{self.key}-risk-of-bias",
                                  "Risk of bias of each controlled study, by domain (RoB 2 for randomised trials, ROBINS-I for "
                                  "non-randomised comparisons). Source: data/risk_of_bias.csv.", alt),
                      tables.risk_of_bias_table(assessed, self.studies)]
        if not uncontrolled.empty:
            parts += [Paragraph(f"{words.count(uncontrolled['study_id'].nunique(), 'study')} without a concurrent "
                                "comparison group are at critical risk of bias by design: change on LDN cannot be separated from "
                                "chance, placebo response, regression to the mean or the natural course. Each is assessed once:"),
                      tables.uncontrolled_bias_table(uncontrolled, self.studies)]
        return join(*parts)

    def awaiting_classification(self) -> Block:
        if self.awaiting.empty:
            return Paragraph("No study of this condition is awaiting classification.")
        return join(Paragraph(self._awaiting_sentence()), tables.awaiting_table(self.awaiting))

    def ongoing_trials(self) -> Block:
        if self.ongoing.empty:
            return Paragraph("No registered trial without results was found for this condition.")
        return tables.ongoing_table(self.ongoing)

    def study_flow(self) -> Block:
        return tables.flow_table(self.data, self.key)

    def study_table(self) -> Block:
        if self.studies.empty:
            return Paragraph("No studies to list.")
        return tables.study_table(self.studies)

    def _figure(self, draw, kind: str, caption: str, alt: str) -> Block:
        shown = export.save(draw, f"{self.key}-{kind}", caption, alt)
        if shown is None:
            return Paragraph("No study of this condition reports what this figure needs, so it is not drawn.")
        return shown

    def evidence_figure(self) -> Block:
        clinical = self.clinical
        fig = export.drawing("figures", "evidence_strength", self.clinical, self.key, f"{self.title}: evidence by level and size")
        alt = (f"Scatter plot of {words.count(len(clinical), 'clinical study')} of LDN in {self.name} "
               f"({words.count(len(self.randomised), 'randomised trial')}, {words.count(self.evidence.participants, 'participant')}) "
               f"by evidence level and number of participants; marker shape and colour give each study's reported direction.")
        caption = (f"Each clinical study of LDN in {self.name}, placed by evidence level and size, with colour and "
                   f"marker showing the direction of its main result. Source: data/studies.csv.")
        return self._figure(fig, "evidence-strength", caption, alt)

    def dose_figure(self) -> Block:
        dosed = self.studies[self.studies["dose_max_mg"].notna()]
        if dosed.empty and len(self.clinical):
            return Paragraph(f"None of the {words.count(len(self.clinical), 'clinical study')} of {self.name} reports a daily "
                             "dose that we could verify on a page, so there is no dose figure; the Studies table gives "
                             "what each study says about dosing.")
        fig = export.drawing("figures", "dose_ranges", self.studies, f"{self.title}: daily doses studied")
        if len(dosed):
            alt = (f"Dose ranges of {len(dosed)} studies of LDN in {self.name}, from "
                   f"{tables.fmt_number(dosed['dose_min_mg'].min(), 4)} to {tables.fmt_number(dosed['dose_max_mg'].max(), 4)} mg per day, "
                   f"drawn on a log scale against the usual {words.band_text(' to ')} band.")
        else:
            alt = "No dose data."
        caption = (f"Daily naltrexone dose in each study of {self.name} (a dot where the dose was fixed, a bar for a range), "
                   f"against the usual LDN band. Source: data/studies.csv.")
        return self._figure(fig, "dose-ranges", caption, alt)

    def outcome_results(self) -> Block:
        if self.outcomes.empty:
            return Paragraph("No study of this condition reported numeric outcomes that we could verify from an abstract page.")
        parts: list = [tables.outcomes_table(self.outcomes, self.studies)]
        pooled = self.pooled_figures()
        if pooled:
            parts += pooled
        elif self.findings:
            parts.append(Paragraph("No outcome was reported by two or more randomised trials in a form that can be pooled "
                                   "(comparable outcome, effect and its precision), so no pooled estimate is drawn; the "
                                   "summary of findings gives each trial's result on its own."))
        else:
            parts.append(Paragraph("No randomised comparison to pool: results of uncontrolled studies are listed above, "
                                   "not combined, because without a control group their changes cannot be attributed to LDN."))
        return join(*parts)

    def harms(self) -> Block:
        if self.adverse_events.empty:
            return Paragraph(
                "No study of this condition reported adverse events in a form we could verify from an abstract page. "
                "See the safety chapter for events across all conditions."
            )
        return tables.harms_table(self.adverse_events, self.studies)

    def popular_claims(self) -> Block:
        if self.claims.empty:
            mentioned = self.info["mentioned_in_article"] == "yes"
            return Paragraph(
                f"The popular article audited in this book {'mentions' if mentioned else 'does not mention'} {self.name}"
                f"{' but makes no specific factual claim about it' if mentioned else ''}. "
                "Its general claims are checked in the claims audit chapter."
            )
        return tables.claims_table(self.claims, self.data.studies, show_section=False,
                                   ratings={self.key: tables.outcome_ratings(self.findings)})

    def gaps(self) -> Block:
        c = self.evidence
        items: list = []
        if c.n_randomised == 0:
            items.append("No randomised controlled trial has been published.")
        imprecise = [r["outcome"].lower() for r in self.findings if r["rating"].judgements["imprecision"].downgrade]
        if c.n_randomised and imprecise:
            items.append(f"Randomised trials have enrolled {words.count(c.randomised_participants, 'participant')} in "
                         f"all: too few for a precise answer on {', '.join(imprecise)}.")
        longest = self.clinical["duration_weeks"].max() if len(self.clinical) else None
        if longest is not None and not pd.isna(longest) and longest < 52:
            items.append(f"No study followed people on LDN for a year or more (longest: {tables.fmt_number(longest)} weeks).")
        if len(self.clinical) and self.adverse_events.empty:
            items.append("No verified adverse-event counts for this condition.")
        if isinstance(self.info["ongoing_trials"], str):
            items.append(Span("Ongoing or registered trials: ", self.info["ongoing_trials"]))
        queries = [s.strip() for s in self.info["search_terms"].split("|")]
        logged = self.data.searches[self.data.searches["condition"] == self.key]
        searched = Paragraph(
            (f"Last searched {logged['date'].max()} ({words.count(len(logged), 'logged query')}, listed in the search log on "
             f"the methods page). " if len(logged) else "No search of this condition is in the search log. ")
            + f"The first edition's search ({self.info['first_search']}) ran: ",
            *[piece for i, q in enumerate(queries) for piece in (("; " if i else ""), Code(q))], ".")
        notes = self.info["notes"] if isinstance(self.info["notes"], str) else None
        return join(Bullets(items) if items else None, searched, notes)

    def cite_box(self) -> Block:
        return cite.chapter_cite_box(self.title, self.docname, self.key)
