"""Synthetic inspections for benchmarks and scale tests: any framework, size, count and seed.

    python3 benchmarks/synth.py OUT [--framework ID] [--pages N] [--count N] [--seed N]

writes OUT/synth-0001/ ... OUT/synth-NNNN/, each an inspection folder (inspection.yaml and
Markdown files under narrative/) that `inspection validate` passes with no errors and no
warnings. Its structure is the framework's own (every domain, standard, key question and prompt
of the rules file, or every theme); its counts agree with its samples (yes <= of <= cases); its
text is random words from a list kept here, with what real reports hold: headings, paragraphs,
bulleted and numbered lists, quotes, boxed examples, Markdown and YAML tables, footnotes, both
inline in the YAML and in Markdown files. `--pages` sets the size: the built PDF has about that
many pages. The same arguments always write byte-identical files.

From Python, `write_corpus(out_dir, framework=..., pages=..., count=..., seed=...)` writes and
returns the folders; `inspection_files(...)` returns one inspection's files as
{relative path: text} without writing anything.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # generate for the checkout this script sits in

from compiler.rating.ruleset import RuleSet, framework_ids, load_ruleset  # noqa: E402

DEFAULT_FRAMEWORK = "standards-2021"
SLUG_PREFIX = "synth"

# Size model, measured on built PDFs. Narrative comes in units (a heading, paragraphs, one list,
# quote, box or table, a footnote: about two thirds of a page). CALIBRATION holds measured
# (units, PDF pages) points of each family; `--pages` is turned into units between them. A report
# of fewer than LEAN_BELOW pages is lean: short lists; no prompt results, key data, contextual
# facts, optional domains or annexes beyond the methodology; so that a 20-page report still holds
# every required domain, standard and key question.
LEAN_BELOW = {"standards": 50, "themes": 40}
CALIBRATION = {  # (family, lean): ((units, pages), ...)
    ("standards", True): ((0, 20), (23, 34), (45, 50)),
    ("standards", False): ((0, 43), (11, 49), (88, 92), (395, 286), (417, 298)),
    ("themes", True): ((0, 22), (29, 39)),
    ("themes", False): ((0, 31), (14, 46), (106, 113), (414, 313)),
}

WORDS = """
access account action activity adult advice agency agreement aim allocation analysis answer
approach area arrangement assessment attendance attention authority balance barrier behaviour
benefit board budget capacity care carer case change child choice clarity client college
comment commitment communication community concern condition confidence contact context
contribution control conversation coordination council course court culture data decision
delivery demand design detail development difference direction discussion district duty
education effect effort engagement environment evaluation evidence example expectation
experience family feedback field focus framework funding future goal group growth guidance
health help history home housing idea impact improvement incident information initiative
input interest intervention issue judgement knowledge leader leadership learning level link
meeting member method model monitoring motivation need network number objective office
opportunity order outcome oversight panel parent participation partner partnership pathway
pattern performance period person picture place plan planning point policy position practice
priority problem process programme progress project protection provision purpose quality
question range rate reason record referral relationship report request requirement research
resource response result review risk role routine safety sample school scope sector service
session setting skill source space staff stage standard step strategy strength structure
success supervision support system target task team term test time tool training transition
trust understanding use value view visit voice volunteer welfare work worker workload year
able active adequate aware better brief broad careful central clear close common complete
consistent constructive current direct early effective equal essential extra fair familiar
flexible formal frequent full good helpful high important informal joint key large late
local long main meaningful minor modest narrow necessary new open overall particular personal
positive practical previous prompt proper public quick recent regular relevant reliable
responsive safe secure senior separate shared short simple small sound specific stable steady
strong suitable sufficient thorough timely useful varied visible weak wide young
agree allow arrange assess attend begin build check choose collect complete consider continue
create deliver describe develop discuss encourage ensure establish explain explore follow
gather help identify improve include increase inform involve keep lead learn listen maintain
manage measure meet monitor note offer organise plan prepare present prevent produce promote
provide reach receive record reduce refer reflect remain report request respond review share
show start strengthen support sustain take understand update use visit
also always carefully clearly closely consistently early effectively especially fully
generally jointly largely mostly often partly promptly rarely regularly steadily usually well
""".split()
LINKS = "and but so while because although when where as".split()
SYLLABLES = "al bar ca del fen gar hol is ken lor mar nor os pen quil ros sel tor ul ven wil yar".split()
SPEAKERS = ["child", "young person", "parent or carer", "staff", "partner"]
EXAMPLE_KINDS = ["practice example", "case illustration", "note", "comment"]
RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
DESCRIPTORS = ["Very good", "Good", "Unsatisfactory", "Poor"]

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.()*%&-]*[A-Za-z0-9.)*%]$")  # safe as a plain YAML scalar
WRAP = 96


def _scalar(text: str) -> str:
    """One line of text as a YAML scalar: plain where that is safe, else double-quoted."""
    return text if _PLAIN.match(text) and "  " not in text else json.dumps(text, ensure_ascii=False)


class _Writer:
    """One inspection's text: random words, its footnotes, its Markdown files and YAML lines."""

    def __init__(self, rng: random.Random, lean: bool):
        self.rng = rng
        self.lean = lean  # a small report: fewer findings, no prompts or optional annexes
        self.footnotes: dict[str, str] = {}
        self.files: dict[str, str] = {}
        self.lines: list[str] = []

    # ------------------------------------------------------------------ words

    def many(self, low: int, high: int) -> int:
        """How many items a list gets: fewer in a lean report."""
        return self.rng.randint(1, max(1, low - 1)) if self.lean else self.rng.randint(low, high)

    def words(self, low: int, high: int) -> list[str]:
        return [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]

    def sentence(self, low: int = 9, high: int = 24, cite: str | None = None) -> str:
        words = self.words(low, high)
        if len(words) > 8 and self.rng.random() < 0.35:
            at = self.rng.randint(3, len(words) - 3)
            words[at - 1] += ","
            words.insert(at, self.rng.choice(LINKS))
        if len(words) > 4 and self.rng.random() < 0.12:
            at = self.rng.randint(1, len(words) - 1)
            if not words[at].endswith(","):
                mark = self.rng.choice(["*", "**"])
                words[at] = f"{mark}{words[at]}{mark}"
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        return text + (f"[^{cite}]" if cite else "") + "."

    def title(self, low: int = 2, high: int = 5) -> str:
        text = " ".join(self.words(low, high))
        return text[0].upper() + text[1:]

    def paragraph(self, low: int = 3, high: int = 6, cite: str | None = None) -> str:
        count = self.rng.randint(low, high)
        cited = self.rng.randrange(count) if cite else -1
        return " ".join(self.sentence(cite=cite if i == cited else None) for i in range(count))

    def name(self) -> str:
        part = lambda n: "".join(self.rng.choice(SYLLABLES) for _ in range(n)).capitalize()  # noqa: E731
        return f"{part(2)} {part(3)}"

    def footnote(self) -> str:
        key = f"note-{len(self.footnotes) + 1}"
        self.footnotes[key] = self.sentence(6, 16)
        return key

    def figure(self) -> str:
        return self.rng.choice([f"{self.rng.randint(0, 100)}%", f"{self.rng.randint(1, 999):,}",
                                f"£{self.rng.randint(10_000, 2_000_000):,}"])

    # ------------------------------------------------------------------ Markdown

    def markdown_unit(self, heading: bool) -> str:
        """About a page of narrative: a heading, paragraphs, one list, quote or table, a footnote."""
        parts = []
        if heading:
            parts.append(f"{self.rng.choice(['#', '##'])} {self.title()}")
        parts.append(self.paragraph())
        parts.append(self.paragraph(cite=self.footnote()))
        kind = self.rng.choice(["bullets", "numbered", "quote", "table"])
        if kind == "bullets":
            parts.append("\n".join(f"- {self.sentence(5, 14)}" for _ in range(self.rng.randint(3, 6))))
        elif kind == "numbered":
            parts.append("\n".join(f"{n}. {self.sentence(5, 14)}" for n in range(1, self.rng.randint(4, 7))))
        elif kind == "quote":
            parts.append("> " + self.paragraph(1, 3))
        else:
            parts.append(self.markdown_table())
        parts.append(self.paragraph())
        return "\n\n".join(parts)

    def markdown_table(self) -> str:
        columns = self.rng.randint(2, 4)
        rows = [[self.title(1, 3)] + [self.figure() for _ in range(columns - 1)]
                for _ in range(self.rng.randint(3, 7))]
        header = [self.title(1, 2) for _ in range(columns)]
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["--:"] * (columns - 1)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    def markdown_file(self, name: str, units: int) -> str:
        """Write narrative/<name>.md (one paragraph at least) and return its path."""
        parts = [self.paragraph(2, 4, cite=self.footnote())]
        parts += [self.markdown_unit(heading=i > 0 or units > 1) for i in range(units)]
        path = f"narrative/{name}.md"
        self.files[path] = "\n\n".join(parts) + "\n"
        return path

    # ------------------------------------------------------------------ YAML

    def emit(self, *lines: str) -> None:
        self.lines.extend(lines)

    def folded(self, indent: int, key: str, text: str) -> None:
        """`key: >-` with the text wrapped (one paragraph)."""
        pad = " " * indent
        inner = pad + "  "
        self.emit(f"{pad}{key}: >-", *textwrap.wrap(text, WRAP, initial_indent=inner, subsequent_indent=inner))

    def literal(self, indent: int, key: str, paragraphs: list[str]) -> None:
        """`key: |` with paragraphs separated by blank lines, each wrapped."""
        pad = " " * indent + "  "
        self.emit(f"{' ' * indent}{key}: |")
        for index, paragraph in enumerate(paragraphs):
            if index:
                self.emit("")
            self.emit(*textwrap.wrap(paragraph, WRAP, initial_indent=pad, subsequent_indent=pad))

    def items(self, indent: int, key: str, texts: list[str]) -> None:
        self.emit(f"{' ' * indent}{key}:", *(f"{' ' * indent}  - {_scalar(t)}" for t in texts))

    def table(self, indent: int, *, caption: bool = True, wide: bool = False) -> None:
        """A YAML table block (the `- table:` line included)."""
        pad = " " * indent
        self.emit(f"{pad}- table:")
        if caption:
            self.emit(f"{pad}    caption: {_scalar(self.title())}", f"{pad}    footnote: {self.footnote()}")
        columns = self.rng.randint(3, 5) if wide else 2
        if wide:
            self.emit(f"{pad}    header: {json.dumps([self.title(1, 2) for _ in range(columns)])}")
            self.emit(f"{pad}    emphasis_rows: [0]")
        else:
            self.emit(f"{pad}    row_headers: false")
        self.emit(f"{pad}    rows:")
        for _ in range(self.rng.randint(3, 7)):
            cells = [self.title(2, 8)] + [self.figure() for _ in range(columns - 1)]
            if not wide:
                cells.reverse()
                cells[0] = f"**{cells[0]}**"
            self.emit(f"{pad}      - {json.dumps(cells, ensure_ascii=False)}")

    def blocks_unit(self, indent: int) -> None:
        """About a page of narrative as YAML blocks: text, then bullets, a quote, an example or a table."""
        pad = " " * indent
        self.emit(f"{pad}- text: |")
        for index, paragraph in enumerate([self.paragraph(), self.paragraph(cite=self.footnote())]):
            if index:
                self.emit("")
            self.emit(*textwrap.wrap(paragraph, WRAP, initial_indent=pad + "    ", subsequent_indent=pad + "    "))
        kind = self.rng.choice(["bullets", "quote", "example", "table"])
        if kind == "bullets":
            self.emit(f"{pad}- bullets:", f"{pad}    lead: {_scalar(self.sentence(5, 10))}")
            self.items(indent + 4, "items", [self.sentence(5, 14) for _ in range(self.rng.randint(3, 6))])
        elif kind == "quote":
            self.emit(f"{pad}- quote:", f"{pad}    lead_in: {_scalar(self.sentence(5, 10))}")
            self.folded(indent + 4, "text", self.paragraph(1, 2))
            self.emit(f"{pad}    speaker: {self.rng.choice(SPEAKERS)}")
        elif kind == "example":
            self.emit(f"{pad}- example:", f"{pad}    kind: {self.rng.choice(EXAMPLE_KINDS)}")
            self.folded(indent + 4, "body", self.paragraph(2, 4))
        else:
            self.table(indent, wide=self.rng.random() < 0.5)
        self.emit(f"{pad}- text: {_scalar(self.paragraph(1, 3))}")

    def body(self, indent: int, key: str, name: str, units: int, *, as_file: bool, optional: bool = False) -> None:
        """`key:` narrative of `units` units: a Markdown file, or YAML blocks (one paragraph at least;
        nothing for an `optional` key of a lean report)."""
        pad = " " * indent
        if optional and self.lean and units == 0:
            return
        if as_file:
            self.emit(f"{pad}{key}:", f"{pad}  - file: {self.markdown_file(name, units)}")
            return
        if units == 0:
            self.folded(indent, key, self.paragraph(2, 4))
            return
        self.emit(f"{pad}{key}:")
        for _ in range(units):
            self.blocks_unit(indent + 2)


# --------------------------------------------------------------------------- the inspection


def _places(rules: RuleSet, lean: bool) -> list[tuple[str, int]]:
    """Every place that takes narrative, with its weight, in the order the YAML names them."""
    places = [("foreword", 2), ("summary", 1), ("background", 2)]
    if rules.family == "themes":
        for theme in rules.themes:
            places += [(f"theme-{theme.id}-part-{n}", 4) for n in range(1, 2 if lean else 4)]
    else:
        for domain in _domains_of(rules, lean):
            places.append((f"domain-{domain.id}-intro", 1))
            for standard in domain.standards:
                places += [(f"kq-{q.id}", 3) for q in standard.key_questions]
                places.append((f"standard-{standard.id}", 2 if standard.key_questions else 6))
            if domain.id == "1":
                places += [("involvement", 2), ("diversity", 2)]
    places.append(("methodology", 2))
    return places


def _domains_of(rules: RuleSet, lean: bool) -> list:
    """The domains a report holds: a lean one leaves out those the rules let a report omit."""
    return [d for d in rules.domains if not (lean and d.optional)]


def _allocate(units: int, places: list[tuple[str, int]], rng: random.Random) -> dict[str, int]:
    """Spread `units` over the places in proportion to their weights, remainders at random."""
    total = sum(weight for _, weight in places)
    share = {name: units * weight // total for name, weight in places}
    names = [name for name, weight in places for _ in range(weight)]
    for name in rng.sample(names, units - sum(share.values())):
        share[name] += 1
    return share


def _units_for(pages: int, family: str, lean: bool) -> int:
    """Narrative units for a report of about `pages` pages: between measured points, or beyond the last."""
    points = CALIBRATION[family, lean]
    for (units, printed), (next_units, next_printed) in zip(points, points[1:]):
        if pages <= next_printed or (next_units, next_printed) == points[-1]:
            return max(0, round(units + (pages - printed) * (next_units - units) / (next_printed - printed)))
    return 0


def inspection_files(framework: str, pages: int, seed: int, index: int = 1) -> dict[str, str]:
    """One synthetic inspection as {relative path: text}; the same arguments, the same text."""
    rules = load_ruleset(framework)
    rng = random.Random(f"synth/{framework}/{pages}/{seed}/{index}")  # str seeds hash the same everywhere
    lean = pages < LEAN_BELOW[rules.family]
    w = _Writer(rng, lean)
    share = _allocate(_units_for(pages, rules.family, lean), _places(rules, lean), rng)
    area = f"{w.name().split()[1]} {rng.choice(['Vale', 'Shire', 'Borough', 'Downs', 'Valley'])}"
    year = rng.randint(2014, 2025) if rules.family == "standards" else 2013
    month = rng.randint(1, 12)
    slug = f"{SLUG_PREFIX}-{index:04d}"
    w.emit(f"# {slug}: a synthetic inspection ({framework}, about {pages} pages, seed {seed}).",
           f"framework: {framework}", "status: final", "")
    _meta(w, rules, area, year, month)
    _front(w, rules, share)
    if rules.family == "themes":
        _themes(w, rules, share)
    else:
        _domains(w, rules, share)
    _annexes(w, rules, share)
    w.emit("footnotes:", *(f"  {key}: {_scalar(text)}" for key, text in w.footnotes.items()))  # never empty
    return {"inspection.yaml": "\n".join(w.lines) + "\n", **w.files}


def _meta(w: _Writer, rules: RuleSet, area: str, year: int, month: int) -> None:
    themes = rules.family == "themes"
    w.emit("meta:", f"  service: {area} Youth Justice Service", "  short_name: YJS", f"  area: {area}")
    if themes:
        w.emit(f"  report_title: Full Joint Inspection of Youth Offending Work in {area}")
    day = w.rng.randint(1, 20)
    w.emit(f"  published: {year}-{month:02d}", "  fieldwork:",
           f"    start: {year - 1 if month < 4 else year}-{(month - 3) % 12 + 1:02d}-{day:02d}",
           f"    end: {year - 1 if month < 4 else year}-{(month - 3) % 12 + 1:02d}-{day + 4:02d}",
           "  lead_inspector:", f"    name: {w.name()}", "    role: HM Inspector",
           "  publisher:", "    name: HM Inspectorate of Probation", "    address:",
           *(f"      - {_scalar(w.title(2, 4))}" for _ in range(3)),
           f"  copyright_year: {year}", "")
    if themes:
        w.emit("theme_dividers: true", "labels:", "  executive_summary: Summary", "  annex: Appendix", "")


def _front(w: _Writer, rules: RuleSet, share: dict[str, int]) -> None:
    w.emit("front_matter:")
    w.folded(2, "acknowledgements", w.paragraph(2, 3))
    w.literal(2, "role", [w.paragraph(2, 3), w.paragraph(2, 3)])
    w.emit(f"  names_note: {_scalar(w.sentence(8, 14))}")
    w.folded(2, "licence", w.paragraph(1, 2))
    w.emit("", "foreword:")
    w.body(2, "body", "foreword", share["foreword"], as_file=True)
    w.emit("  signatory:", f"    name: {w.name()}", "    role: HM Chief Inspector of Probation", "")
    w.emit("executive_summary:")
    w.body(2, "intro", "summary", share["summary"], as_file=True)
    w.emit("  parts:")
    themes = rules.family == "themes"
    parts = [t.name for t in rules.themes] if themes else [d.name for d in _domains_of(rules, w.lean)]
    for name in parts:
        w.emit(f"    - title: {_scalar(name)}")
        if not w.lean:
            w.folded(6, "body", w.paragraph(2, 4))
        w.emit(f"      findings_lead: {_scalar(w.sentence(5, 9)[:-1] + ':')}")
        w.items(6, "findings", [w.sentence(8, 20) for _ in range(w.many(3, 6))])
        w.emit('      concerns_lead: "But:"')
        w.items(6, "concerns", [w.sentence(8, 20) for _ in range(w.many(2, 4))])
    w.emit("", "recommendations:",
           f"  intro: {json.dumps('We make {count_words} recommendations. ' + w.sentence(8, 14))}",
           "  groups:")
    for _ in range(2):
        w.emit(f"    - addressee: {_scalar(w.title(3, 5) + ' should')}")
        w.items(6, "items", [w.sentence(8, 20).lower()[:-1] for _ in range(w.rng.randint(2, 4))])
    w.emit("", "background:", "  title: Background")
    w.body(2, "body", "background", share["background"], as_file=True)
    w.emit("")
    if w.lean:
        return
    w.emit("contextual_facts:", "  title: Contextual facts", "  body:")
    for index in range(1 if w.lean else 4):
        w.table(4, wide=index % 2 == 1)
    w.emit("")


def _domains(w: _Writer, rules: RuleSet, share: dict[str, int]) -> None:
    w.emit("domains:")
    for domain in _domains_of(rules, w.lean):
        case_based = any(s.method == "case-based" for s in domain.standards)
        w.emit(f"  - id: {json.dumps(domain.id)}")
        w.body(4, "intro", f"domain-{domain.id}-intro", share[f"domain-{domain.id}-intro"], as_file=True)
        cases = 0
        if case_based:
            cases = w.rng.randint(8, 40)
            first = w.rng.randint(1, cases - 1)
            w.emit("    sample:", f"      cases: {cases}", "      breakdown:",
                   f"        {' '.join(w.words(2, 2))}: {first}", f"        {' '.join(w.words(2, 3))}: {cases - first}",
                   f"      interviews: {w.rng.randint(cases // 2, cases)}")
        w.items(4, "strengths", [w.sentence(8, 20) for _ in range(w.many(3, 6))])
        w.items(4, "improvements", [w.sentence(8, 20) for _ in range(w.many(2, 5))])
        w.folded(4, "framing", w.paragraph(1, 2))
        w.emit("    standards:")
        for standard in domain.standards:
            _standard(w, standard, cases, share)
        if domain.id == "1":
            _placed_sections(w, domain.standards, share)


def _standard(w: _Writer, standard, cases: int, share: dict[str, int]) -> None:
    w.emit(f"      - id: {json.dumps(standard.id)}")
    qualitative = standard.method == "qualitative"
    if qualitative:
        w.emit(f"        rating: {w.rng.choice(RATINGS)}")
        if not w.lean and w.rng.random() < 0.5:
            w.emit("        key_data:", f"          - caption: {_scalar(w.title())}",
                   f"            footnote: {w.footnote()}", "            rows:")
            for _ in range(w.rng.randint(2, 5)):
                w.emit(f"              - {json.dumps([w.title(4, 10), w.figure()], ensure_ascii=False)}")
    if standard.key_questions:
        w.emit("        key_questions:")
    for number, question in enumerate(standard.key_questions):
        w.emit(f"          - id: {json.dumps(question.id)}")
        if not qualitative:
            of = w.rng.randint(max(1, cases - 3), cases)
            w.emit(f"            yes: {w.rng.randint(of // 3, of)}", f"            of: {of}")
            prompts = [] if w.lean else question.prompts
            if prompts:
                w.emit("            prompts:")
            for prompt in prompts:
                if w.rng.random() < 0.1:
                    w.emit(f"              - {{id: {prompt.id}, percent: {w.rng.randint(0, 100)}}}")
                else:
                    p_of = w.rng.randint(max(1, of - 2), of)
                    w.emit(f"              - {{id: {prompt.id}, yes: {w.rng.randint(p_of // 3, p_of)}, of: {p_of}}}")
        w.body(12, "narrative", f"kq-{question.id}", share[f"kq-{question.id}"], as_file=number % 2 == 0,
               optional=True)
    w.body(8, "narrative", f"standard-{standard.id}", share[f"standard-{standard.id}"], as_file=False,
           optional=bool(standard.key_questions))


def _placed_sections(w: _Writer, standards, share: dict[str, int]) -> None:
    after = standards[min(2, len(standards) - 1)].id
    w.emit("    sections:", "      - id: involvement", f"        title: {_scalar(w.title(3, 6))}",
           f"        after: {json.dumps(after)}", "        in_contents: false")
    w.body(8, "body", "involvement", share["involvement"], as_file=False)
    w.emit("      - id: diversity", "        title: Diversity")
    w.body(8, "body", "diversity", share["diversity"], as_file=True)


def _themes(w: _Writer, rules: RuleSet, share: dict[str, int]) -> None:
    w.emit("themes:")
    for theme in rules.themes:
        w.emit(f"  - id: {theme.id}")
        w.folded(4, "expectation", w.paragraph(2, 4))
        if theme.scored:
            of = w.rng.randint(150, 600)
            w.emit("    score:", f"      yes: {w.rng.randint(of * 2 // 5, of)}", f"      of: {of}")
        else:
            w.emit(f"    descriptor: {w.rng.choice(DESCRIPTORS)}")
        w.items(4, "key_findings", [w.sentence(10, 24) for _ in range(w.many(4, 7))])
        w.emit("    explanation:")
        for n in range(1, 2 if w.lean else 4):
            w.emit(f"      - title: {_scalar(w.title(1, 3))}", "        paragraphs:")
            units = share[f"theme-{theme.id}-part-{n}"]
            in_file = (units + 2) // 3  # a third of the narrative in a Markdown file, the rest numbered paragraphs
            for _ in range((1 if w.lean else 2) + 4 * (units - in_file)):  # four paragraphs and a box make a unit
                cite = w.footnote() if w.rng.random() < 0.25 else None
                w.emit(f"          - text: {_scalar(w.paragraph(2, 5, cite=cite))}")
                if w.rng.random() < 0.2:
                    w.emit("          - example:", f"              kind: {w.rng.choice(EXAMPLE_KINDS)}")
                    w.folded(14, "body", w.paragraph(2, 3))
            if in_file:
                w.emit(f"          - file: {w.markdown_file(f'theme-{theme.id}-part-{n}', in_file)}")
        w.folded(4, "summary", w.paragraph(2, 4))
        w.folded(4, "data_summary", w.paragraph(1, 2))


def _annexes(w: _Writer, rules: RuleSet, share: dict[str, int]) -> None:
    themes = rules.family == "themes"
    w.emit("", "annexes:")
    if themes and not w.lean:
        w.emit("  - title: Acknowledgements", "    kind: team", "    body:", "      - table:", "          rows:")
        for role in ("Lead Inspector", "Inspection Team", "", "", "Support Services"):
            w.emit(f"            - {json.dumps([role, f'{w.name()}, *{w.title(1, 2)}*'])}")
    w.emit("  - title: Methodology", "    kind: methodology")
    w.body(4, "body", "methodology", share["methodology"], as_file=True)
    if w.lean:
        return
    if not themes:
        w.emit("  - title: Inspection data", "    kind: inspection-data")
        w.folded(4, "body", w.paragraph(2, 3))
    w.emit("  - title: How the ratings were reached", "    kind: rules")
    w.folded(4, "body", w.paragraph(1, 2))
    w.emit("  - title: Glossary", "    kind: glossary", "    glossary:")
    for term in sorted({w.title(1, 2) for _ in range(12)}):
        w.emit(f"      - term: {_scalar(term)}", f"        definition: {_scalar(w.sentence(6, 16))}")
    w.emit("")


# --------------------------------------------------------------------------- writing


def write_corpus(
    out_dir: Path | str, *, framework: str = DEFAULT_FRAMEWORK, pages: int = 20, count: int = 1, seed: int = 1
) -> list[Path]:
    """Write `count` inspections as out_dir/synth-0001/ ...; return their folders.

    A folder that already holds files is refused (ValueError) before anything is written.
    """
    if framework not in framework_ids():
        raise ValueError(f"unknown framework '{framework}' (known: {', '.join(framework_ids())})")
    if pages < 1 or count < 1:
        raise ValueError("pages and count must be at least 1")
    folders = [Path(out_dir) / f"{SLUG_PREFIX}-{index:04d}" for index in range(1, count + 1)]
    taken = [f for f in folders if f.exists() and any(f.iterdir())]
    if taken:
        raise ValueError(f"{taken[0]} is not empty; choose a new output folder")
    for index, folder in enumerate(folders, start=1):
        for name, text in inspection_files(framework, pages, seed, index).items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="output folder; inspections go to OUT/synth-0001/ ...")
    parser.add_argument("--framework", default=DEFAULT_FRAMEWORK, choices=framework_ids(),
                        help=f"rules id (default {DEFAULT_FRAMEWORK})")
    parser.add_argument("--pages", type=int, default=20, help="about how many PDF pages each report has (default 20)")
    parser.add_argument("--count", type=int, default=1, help="how many inspections (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed writes the same files (default 1)")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.count < 1:
        parser.error("--pages and --count must be at least 1")
    try:
        folders = write_corpus(args.out, framework=args.framework, pages=args.pages, count=args.count, seed=args.seed)
    except ValueError as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(folders)} inspection{'s' * (len(folders) != 1)} ({args.framework}, about {args.pages} pages) "
          f"in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
