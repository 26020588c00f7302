"""The bank lint for authors (`advisor quiz lint FILE|DIR`): format errors, and the cues that let a learner pass
by guessing from the wording instead of knowing the answer.

Loading a bank already refuses what would break a session (format, duplicate ids, unknown domains and tasks);
the lint reports those too, each with a rule id, and adds what a bank can live with but an exam-grade bank
should not have:

- `cue-key-longest` (per bank): test writers tend to make the right answer the most careful, so the longest;
  learners learn to pick it. Among single-answer questions with four or more options the key may be the
  strictly longest in at most 30% (chance is about 1 in the number of options).
- `cue-key-much-longer` (per question): a key 1.5 times as long as the next longest option gives itself away
  even once; it needs a `lint_notes` entry saying why the length is unavoidable.
- `cue-all-none-above` (per bank): "All/None of the above" that is nearly always the answer is a free point;
  it may be the answer in at most half of its uses.
- `cue-stem-echo` (warning): a content word of the stem that only the key repeats points at the key.
- `cue-absolute` (warning): an option (or a true/false statement) that says "always", "never", "guaranteed" or
  "in all cases": test-wise learners strike absolute claims as false without knowing the subject, and AWS's items
  avoid them. Say the condition instead ("is the same as the training instance", not "always pick ...").
- `cue-inclusive-key` (warning): every wrong option limits itself with "only" and the key does not ("CodeCommit
  only", "GitHub only" against "CodeCommit, GitHub or any other Git server"): the inclusive option is picked unread.
- `cue-stock-distractor` (warning): the same wrong option in three or more questions and the answer in none
  ("A CloudWatch alarm on the endpoint's Invocations metric"): a learner learns to strike it on sight.
- `exam-shape` (warning): a question filed under an exam whose type the exam has but not its size, as the
  exam's `item_shapes` in rules/knowledge/exams.yaml give them (MLA-C01: multiple choice is one right of four,
  multiple response five or more options, ordering 3-5 steps, matching 3-7 prompts).
- `case-study-alone` (warning): a `Case study:` scenario only one question opens with (a case study has two or
  more questions; a scenario retyped with a difference splits one case study in two).
- `missing-*` (warnings): what an imported bank typically lacks (explanations, exam domains, task statements,
  topics, source); the bank still loads and plays, the lint says what to add.

A question silences a rule with `lint_notes: {rule-id: "why"}`; the note is counted, not hidden.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from advisor.errors import BankError, Problem, QuizError

if TYPE_CHECKING:
    from advisor.documents import Document
    from advisor.knowledge.models import ItemShape
    from advisor.quiz.models import Option, Question, QuizBank

Severity = Literal["error", "warning"]

#: The share of single-answer questions whose key may be strictly the longest option.
KEY_LONGEST_LIMIT = 0.30
#: A key this many times as long as the next longest option needs a lint note.
KEY_RATIO_LIMIT = 1.5
#: The share of its uses in which "All/None of the above" may be the answer.
ALL_NONE_LIMIT = 0.5
#: Single-answer questions with fewer options are left out of the longest-key share (True/False, A/B).
LONGEST_MIN_OPTIONS = 3
#: A wrong option written word for word in this many questions, and never the answer, is a stock distractor.
STOCK_MIN_USES = 3


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    #: found question by question, so a question's `lint_notes` entry waives it there (and a note the question
    #: does not need is reported); a per-bank figure is no single question's to waive
    per_question: bool = False


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("format", "error", "the bank does not load: YAML or field errors, at their line"),
    Rule("duplicate-id", "error", "two questions share an id (progress is keyed by it)"),
    Rule("duplicate-stem", "error", "two questions have the same stem"),
    Rule("duplicate-bank-id", "error", "two bank files share a bank id"),
    Rule("unknown-exam", "error", "a domain or task names an exam the blueprints do not know"),
    Rule("unknown-domain", "error", "a domain id that is not in the exam's blueprint"),
    Rule("unknown-task", "error", "a task statement id that is not in the exam guide"),
    Rule("task-domain", "error", "a task statement from another domain than the question's"),
    Rule("cue-key-longest", "error",
         f"the key is strictly the longest option in more than {KEY_LONGEST_LIMIT:.0%} of single-answer questions"),
    Rule("cue-key-much-longer", "error",
         f"the key is at least {KEY_RATIO_LIMIT}x as long as the next longest option (needs a lint note)",
         per_question=True),
    Rule("cue-all-none-above", "error",
         f"'All/None of the above' is the answer in more than {ALL_NONE_LIMIT:.0%} of its uses"),
    Rule("cue-stem-echo", "warning", "the stem repeats a word that only the key uses", per_question=True),
    Rule("cue-absolute", "warning",
         "an option or a true/false statement says always, never, guaranteed or in all cases (learners strike "
         "absolute claims unread)", per_question=True),
    Rule("cue-inclusive-key", "warning",
         "every wrong option says 'only' and the key does not (the inclusive option is picked unread)",
         per_question=True),
    Rule("cue-stock-distractor", "warning",
         f"the same wrong option in {STOCK_MIN_USES} or more questions and the answer in none", per_question=True),
    Rule("missing-explanation", "warning", "options without an explanation"),
    Rule("missing-domain", "warning", "no exam domain (exam simulations draw it only as filler)"),
    Rule("missing-task", "warning", "an MLA-C01 domain but no MLA-C01 task statement"),
    Rule("missing-topic", "warning", "no topic (stats cannot file it)"),
    Rule("missing-source", "warning", "no source"),
    Rule("unused-lint-note", "warning", "a lint note for a rule this question does not break"),
    Rule("exam-shape", "warning",
         "a question filed under an exam but not shaped as its guide's items (the sizes are each exam's "
         "item_shapes in rules/knowledge/exams.yaml; `advisor kb show exams --format json`)", per_question=True),
    Rule("case-study-alone", "warning",
         "a 'Case study:' scenario with one question (MLA-C01's case studies have two or more)"),
)}

_ALL_NONE = re.compile(r"^\s*(all|none|both|neither) of the (above|options|answers)\b", re.I)
#: Absolute qualifiers (not "always-on", a compound noun); "only", "all" and "every" are too often plain facts.
_ONLY = re.compile(r"\bonly\b", re.I)
_ABSOLUTE = re.compile(r"\b(always|never|guarantee[sd]?|in (?:all|every) cases?|under no circumstances)\b(?!-)", re.I)
_WORD = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9]", re.I)
_STOP = frozenset((
    "a", "about", "above", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "before", "being", "below", "both", "but", "by", "can", "could", "did", "do", "does", "each", "either", "for",
    "from", "had", "has", "have", "how", "if", "in", "into", "is", "it", "its", "may", "more", "most", "must",
    "no", "nor", "not", "of", "on", "only", "or", "other", "over", "same", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "under",
    "until", "up", "use", "used", "uses", "using", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "why", "will", "with", "within", "would", "you", "your", "following", "best", "least", "true",
    "false", "option", "options", "answer",
))


@dataclass
class Finding:
    rule: str
    severity: Severity
    problem: Problem

    def data(self) -> dict[str, Any]:
        p = self.problem
        return {"rule": self.rule, "severity": self.severity, "file": p.file, "line": p.line, "field": p.field,
                "message": p.message, "hint": p.hint}

    def __str__(self) -> str:
        p = self.problem
        where = (p.file or "") + (f":{p.line}" if p.line else "")
        text = f"{where}: {self.severity} [{self.rule}] " + (f"{p.field}: " if p.field else "") + p.message
        return text + (f" (hint: {p.hint})" if p.hint else "")


@dataclass
class Cues:
    """The cue figures of one bank (what the issue asks the lint to print and a test to assert)."""

    single_answer: int = 0          # single-answer questions with at least LONGEST_MIN_OPTIONS options
    key_longest: int = 0            # ... whose key is strictly the longest option
    key_much_longer: int = 0        # ... whose key is >= KEY_RATIO_LIMIT x the next longest (noted or not)
    key_much_longer_noted: int = 0  # ... of which carry a lint note
    all_none_uses: int = 0
    all_none_answers: int = 0
    stem_echoes: int = 0
    absolutes: int = 0              # questions with an absolute qualifier in an option or a true/false statement
    inclusive_keys: int = 0         # questions whose wrong options all say "only" and whose key does not
    stock_distractors: int = 0      # option texts that are wrong in STOCK_MIN_USES or more questions, right in none

    @property
    def key_longest_share(self) -> float:
        return self.key_longest / self.single_answer if self.single_answer else 0.0

    def data(self) -> dict[str, Any]:
        return {"single_answer_questions": self.single_answer, "key_strictly_longest": self.key_longest,
                "key_strictly_longest_share": round(self.key_longest_share, 4),
                "key_strictly_longest_limit": KEY_LONGEST_LIMIT,
                "key_much_longer": self.key_much_longer, "key_much_longer_noted": self.key_much_longer_noted,
                "all_none_of_the_above_uses": self.all_none_uses,
                "all_none_of_the_above_answers": self.all_none_answers, "stem_echoes": self.stem_echoes,
                "absolutes": self.absolutes, "stock_distractors": self.stock_distractors,
                "inclusive_keys": self.inclusive_keys}


@dataclass
class BankReport:
    file: str
    bank_id: str | None = None
    questions: int = 0
    types: dict[str, int] = field(default_factory=dict)
    cues: Cues = field(default_factory=Cues)
    findings: list[Finding] = field(default_factory=list)
    #: (question index, rule) of each finding a lint note waived: a note not among them is not needed
    waived: set[tuple[int, str]] = field(default_factory=set)

    def add(self, rule: str, problem: Problem) -> None:
        self.findings.append(Finding(rule, RULES[rule].severity, problem))

    def count(self, severity: Severity) -> int:
        return sum(f.severity == severity for f in self.findings)

    def data(self) -> dict[str, Any]:
        return {"file": self.file, "bank": self.bank_id, "questions": self.questions, "types": self.types,
                "cues": self.cues.data(), "errors": self.count("error"), "warnings": self.count("warning"),
                "problems": [f.data() for f in self.findings]}


# ---- running the lint ------------------------------------------------------------------------------------

def lint_paths(target: Path) -> list[BankReport]:
    """Lint one bank file, or every bank file of a folder (*.yaml, *.yml, *.json)."""
    from advisor.quiz.bank import exam_domains

    if target.is_dir():
        paths = sorted(p for p in target.iterdir() if p.suffix in {".yaml", ".yml", ".json"} and p.is_file())
        if not paths:
            raise QuizError(f"{target}: no bank files (*.yaml, *.json) in this folder")
    elif target.is_file():
        paths = [target]
    else:
        raise QuizError(f"{target}: no such file or folder")
    domains, shapes = exam_domains(), exam_shapes()  # once for the folder, not per bank file
    reports = [lint_file(path, domains, shapes) for path in paths]
    seen: dict[str, str] = {}
    for report in reports:
        if report.bank_id is None:
            continue
        if report.bank_id in seen:
            report.add("duplicate-bank-id", Problem(
                f"bank id {report.bank_id!r} is also used by {seen[report.bank_id]}", report.file, 1, "id"))
        else:
            seen[report.bank_id] = report.file
    return reports


def lint_file(path: Path, domains: Mapping[str, Mapping[str, list[str]]],
              shapes: Mapping[str, Mapping[str, ItemShape]] | None = None) -> BankReport:
    """One bank's report; `shapes` as exam_shapes() gives them (read here when not given)."""
    from advisor.documents import display_path, parse_yaml, read_bytes, validate_document
    from advisor.quiz.bank import bank_checks
    from advisor.quiz.models import QuizBank

    shown = display_path(path)
    report = BankReport(shown)
    try:
        doc = parse_yaml(read_bytes(path, shown, BankError), shown, BankError)
        bank = validate_document(QuizBank, doc, BankError)
    except BankError as exc:
        for problem in exc.problems or [Problem(exc.message, shown)]:
            report.add("format", problem)
        return report
    report.bank_id = bank.id
    report.questions = len(bank.questions)
    report.types = dict(Counter(q.type for q in bank.questions))
    for rule, problem in bank_checks(bank, doc, domains):
        report.add(rule, problem)
    lint_cues(bank, doc, report)
    lint_missing(bank, doc, report)
    lint_case_studies(bank, doc, report)
    lint_exam_shape(bank, doc, report, exam_shapes() if shapes is None else shapes)
    lint_notes(bank, doc, report)
    return report


def exam_shapes() -> dict[str, dict[str, ItemShape]]:
    """Exam code -> question type -> the size its guide states (`item_shapes` in rules/knowledge/exams.yaml)."""
    from advisor.knowledge.loader import load_knowledge

    return {e.code: {s.type: s for s in e.item_shapes} for e in load_knowledge().exams if e.item_shapes}


def lint_exam_shape(bank: QuizBank, doc: Document, report: BankReport,
                    shapes: Mapping[str, Mapping[str, ItemShape]]) -> None:
    """A question filed under an exam whose type the exam has but whose size it does not (a 3-option multiple
    choice, a "choose 2" of 4 on MLA-C01): a learner practises on items unlike the exam's. A question kept as its
    source prints it says so with `lint_notes: {exam-shape: why}`."""
    from advisor.documents import format_path

    for index, q in enumerate(bank.questions):
        for code in q.domains:
            shape = shapes.get(code, {}).get(q.type)
            if shape is None or shape.fewest <= len(q.options) <= (shape.most or len(q.options)):
                continue
            if "exam-shape" in q.lint_notes:
                report.waived.add((index, "exam-shape"))
                continue
            noun = {"ordering": "steps", "matching": "prompts"}.get(q.type, "options")
            kind = {"single": "multiple-choice", "multiple": "multiple-response"}.get(q.type, q.type)
            where = ("questions", index)
            report.add("exam-shape", Problem(
                f"{code}'s {kind} items have {shape.size} {noun}; this one has {len(q.options)}", doc.display,
                doc.line_of((*where, "options")), format_path(where),
                hint="reshape it, or say why it keeps its shape: lint_notes: {exam-shape: why}"))


def lint_cues(bank: QuizBank, doc: Document, report: BankReport) -> None:
    from advisor.documents import format_path

    cues = report.cues
    first_question_line = doc.line_of(("questions",))
    for index, q in enumerate(bank.questions):
        where = ("questions", index)
        if q.type == "single" and len(q.options) >= LONGEST_MIN_OPTIONS:
            cues.single_answer += 1
            key = next(o for o in q.options if o.correct)
            others = sorted((len(o.text) for o in q.options if not o.correct), reverse=True)
            if len(key.text) > others[0]:
                cues.key_longest += 1
                if len(key.text) >= KEY_RATIO_LIMIT * others[0]:
                    cues.key_much_longer += 1
                    if "cue-key-much-longer" in q.lint_notes:
                        cues.key_much_longer_noted += 1
                        report.waived.add((index, "cue-key-much-longer"))
                    else:
                        path = _option_path(where, key.key)
                        report.add("cue-key-much-longer", Problem(
                            f"the key ({key.key}, {len(key.text)} characters) is {len(key.text) / others[0]:.1f}x "
                            f"as long as the next longest option ({others[0]})", doc.display, doc.line_of(path),
                            format_path(where),
                            hint="shorten the key or lengthen the distractors, or add lint_notes: "
                                 "{cue-key-much-longer: why}"))
        for o in q.options:
            if q.type in ("single", "multiple") and _ALL_NONE.match(o.text):
                cues.all_none_uses += 1
                cues.all_none_answers += o.correct
        if q.type in ("single", "multiple"):
            echoes = stem_echoes(q)
            if echoes:
                cues.stem_echoes += 1
                if "cue-stem-echo" in q.lint_notes:
                    report.waived.add((index, "cue-stem-echo"))
                else:
                    report.add("cue-stem-echo", Problem(
                        f"the stem and only the key use {', '.join(repr(w) for w in echoes)}", doc.display,
                        doc.line_of((*where, "stem")), format_path(where)))
        if inclusive_key(q):
            cues.inclusive_keys += 1
            if "cue-inclusive-key" in q.lint_notes:
                report.waived.add((index, "cue-inclusive-key"))
            else:
                report.add("cue-inclusive-key", Problem(
                    "every wrong option says 'only' and the key does not: the inclusive option gives itself away",
                    doc.display, doc.line_of((*where, "options")), format_path(where),
                    hint="give a wrong option the broad claim, or the key a limit of its own, or add lint_notes: "
                         "{cue-inclusive-key: why}"))
        absolute = absolute_claim(q)
        if absolute is not None:
            cues.absolutes += 1
            if "cue-absolute" in q.lint_notes:
                report.waived.add((index, "cue-absolute"))
            else:
                label, path, word = absolute
                report.add("cue-absolute", Problem(
                    f"{label} says {word!r}, an absolute claim a learner can strike without knowing the subject",
                    doc.display, doc.line_of((*where, *path)), format_path(where),
                    hint="state the condition instead, or add lint_notes: {cue-absolute: why}"))
    for text, uses in stock_distractors(bank).items():
        cues.stock_distractors += 1
        for index, option in uses:
            if "cue-stock-distractor" in bank.questions[index].lint_notes:
                report.waived.add((index, "cue-stock-distractor"))
                continue
            where = ("questions", index)
            siblings = [bank.questions[i].id for i, _ in uses if i != index]
            report.add("cue-stock-distractor", Problem(
                f"option {option.key} ({text!r}) is also a wrong option of {', '.join(siblings)} and the answer in "
                "none: learners strike it on sight", doc.display,
                doc.line_of(_option_path(where, option.key)), format_path(where),
                hint="write a wrong design this scenario tempts, or add lint_notes: {cue-stock-distractor: why}"))
    if cues.key_longest_share > KEY_LONGEST_LIMIT:
        report.add("cue-key-longest", Problem(
            f"the key is strictly the longest option in {cues.key_longest} of {cues.single_answer} single-answer "
            f"questions ({cues.key_longest_share:.0%}; at most {KEY_LONGEST_LIMIT:.0%})", doc.display,
            first_question_line, "questions"))
    if cues.all_none_uses and cues.all_none_answers > ALL_NONE_LIMIT * cues.all_none_uses:
        report.add("cue-all-none-above", Problem(
            f"'All/None of the above' is the answer in {cues.all_none_answers} of its {cues.all_none_uses} uses "
            f"(at most half)", doc.display, first_question_line, "questions"))


def lint_notes(bank: QuizBank, doc: Document, report: BankReport) -> None:
    """Each question's lint notes, after every rule has run: a note for an unknown rule is a format error, and a
    note for a per-question rule the question does not break is said (it would hide the rule's next finding)."""
    from advisor.documents import format_path

    for index, q in enumerate(bank.questions):
        for rule in q.lint_notes:
            if rule not in RULES:
                report.add("format", Problem(f"lint note for an unknown rule {rule!r}", doc.display,
                                             doc.line_of(("questions", index, "lint_notes", rule)),
                                             format_path(("questions", index, "lint_notes")),
                                             hint=f"one of {', '.join(RULES)}"))
            elif RULES[rule].per_question and (index, rule) not in report.waived:
                report.add("unused-lint-note", Problem(f"this question does not break {rule}", doc.display,
                                                       doc.line_of(("questions", index, "lint_notes", rule)),
                                                       format_path(("questions", index, "lint_notes"))))


def inclusive_key(q: Question) -> bool:
    """A choice question of three or more options whose wrong options all say "only" and whose keys do not."""
    if q.type not in ("single", "multiple") or len(q.options) < LONGEST_MIN_OPTIONS:
        return False
    return all(bool(_ONLY.search(o.text)) is not o.correct for o in q.options)


def stock_distractors(bank: QuizBank) -> dict[str, list[tuple[int, Option]]]:
    """Option texts (case, spacing and a final full stop aside) that are wrong in STOCK_MIN_USES or more choice
    questions and right in none, with each use: (question index, option)."""
    uses: dict[str, list[tuple[int, Option]]] = {}
    keyed: set[str] = set()
    for index, q in enumerate(bank.questions):
        if q.type not in ("single", "multiple"):
            continue
        for o in q.options:
            text = " ".join(o.text.split()).rstrip(".").casefold()
            if o.correct:
                keyed.add(text)
            else:
                uses.setdefault(text, []).append((index, o))
    return {uses_[0][1].text: uses_ for text, uses_ in uses.items()
            if text not in keyed and len({i for i, _ in uses_}) >= STOCK_MIN_USES}


def _option_path(where: tuple[str | int, ...], key: str) -> tuple[str | int, ...]:
    """The document path of an option's text (keys run A, B, C... in order: the model checks it)."""
    return (*where, "options", ord(key) - ord("A"), "text")


def absolute_claim(q: Question) -> tuple[str, tuple[str | int, ...], str] | None:
    """The first absolute qualifier a learner would strike: in an option of a choice question, or in the statement
    a true/false question asks about (ordering steps and matching prompts state intents, such as "never wait longer
    than 5 minutes", which are not claims to judge). Returns (what it is in words, its document path within the
    question, where the author fixes it, the word as written)."""
    if q.type == "true_false":
        found = _ABSOLUTE.search(q.stem)
        return ("the statement", ("stem",), found.group(0)) if found else None
    if q.type not in ("single", "multiple"):
        return None
    for o in q.options:
        found = _ABSOLUTE.search(o.text)
        if found:
            return (f"option {o.key}", _option_path((), o.key), found.group(0))
    return None


def stem_echoes(q: Question) -> list[str]:
    """Content words of the stem that a key repeats and no distractor does (the word points at the key)."""
    stem = _words(q.stem)
    keys = [_words(o.text) for o in q.options if o.correct]
    others: set[str] = set().union(*(_words(o.text).keys() for o in q.options if not o.correct))
    return sorted({stem[w] for ws in keys for w in ws if w in stem and w not in others})


def _words(text: str) -> dict[str, str]:
    """Content words, folded so a plural meets its singular ("endpoints" = "endpoint"), with the word as written."""
    out: dict[str, str] = {}
    for word in _WORD.findall(text.casefold()):
        if word in _STOP or len(word) < 4 or word.isdigit():
            continue
        out.setdefault(_fold(word), word)
    return out


def _fold(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        return word[:-1]
    return word


def lint_missing(bank: QuizBank, doc: Document, report: BankReport) -> None:
    """What an imported bank typically lacks: one warning per question and field, at the question's line."""
    from advisor.documents import format_path
    from advisor.quiz.interop.common import NO_EXPLANATION  # what an import writes where the source had none

    for index, q in enumerate(bank.questions):
        where = ("questions", index)
        line = doc.line_of(where)
        shown = format_path(where)
        bare = [o.key for o in q.options if o.explanation.strip() in ("", NO_EXPLANATION)]
        if bare:
            report.add("missing-explanation", Problem(f"option(s) {', '.join(bare)} have no explanation",
                                                      doc.display, line, shown))
        if not q.domains:
            report.add("missing-domain", Problem("no exam domain", doc.display, line, shown,
                                                 hint="domains: {MLA-C01: ...}"))
        elif "MLA-C01" in q.domains and not q.tasks.get("MLA-C01"):
            report.add("missing-task", Problem("no MLA-C01 task statement", doc.display, line, shown,
                                               hint='tasks: {MLA-C01: ["3.1"]}'))
        if not q.topics:
            report.add("missing-topic", Problem("no topic", doc.display, line, shown))
        if not q.source.strip():
            report.add("missing-source", Problem("no source", doc.display, line, shown))


def lint_case_studies(bank: QuizBank, doc: Document, report: BankReport) -> None:
    """A case study is one scenario with two or more questions (the exam guide's "case study" item): a scenario
    only one question opens with is a typo in the shared paragraph, or a case study missing its other parts."""
    from advisor.documents import format_path
    from advisor.quiz.bank import case_scenario

    scenarios: dict[str, list[int]] = {}
    for index, q in enumerate(bank.questions):
        scenario = case_scenario(q.stem)
        if scenario is not None:
            scenarios.setdefault(scenario, []).append(index)
    for indices in scenarios.values():
        if len(indices) == 1:
            where = ("questions", indices[0])
            report.add("case-study-alone", Problem(
                "this case study's scenario opens no other question's stem", doc.display, doc.line_of(where),
                format_path(where), hint="give each question of a case study the same opening paragraph, word "
                                         "for word, then a blank line"))


# ---- output ------------------------------------------------------------------------------------------------

def exit_code(reports: Iterable[BankReport], strict: bool) -> int:
    """2 when there is an error, 1 for warnings only under --strict, else 0."""
    reports = list(reports)
    if any(r.count("error") for r in reports):
        return 2
    if strict and any(r.count("warning") for r in reports):
        return 1
    return 0


def report_data(reports: Sequence[BankReport]) -> dict[str, Any]:
    return {"banks": [r.data() for r in reports], "errors": sum(r.count("error") for r in reports),
            "warnings": sum(r.count("warning") for r in reports)}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary_lines(report: BankReport) -> list[str]:
    """The per-bank figures, in plain words (the problems are printed above them)."""
    if report.bank_id is None:
        return [f"{report.file}: does not load ({_count(report.count('error'), 'error')})"]
    c = report.cues
    types = ", ".join(f"{n} {t}" for t, n in sorted(report.types.items()))
    lines = [f"{report.file}: bank {report.bank_id}, {report.questions} questions ({types})",
             f"  key strictly the longest option: {c.key_longest} of {c.single_answer} single-answer questions "
             f"({c.key_longest_share:.0%}; at most {KEY_LONGEST_LIMIT:.0%})",
             f"  key {KEY_RATIO_LIMIT}x the next longest: {c.key_much_longer} "
             f"({c.key_much_longer_noted} with a lint note)",
             f"  'All/None of the above': the answer in {c.all_none_answers} of {c.all_none_uses} uses (at most half)",
             f"  stems repeating a word only the key uses: {c.stem_echoes}",
             f"  questions with an absolute claim (always, never, guaranteed): {c.absolutes}",
             f"  wrong options repeated in {STOCK_MIN_USES}+ questions and never the answer: {c.stock_distractors}",
             f"  questions where every wrong option says 'only' and the key does not: {c.inclusive_keys}"]
    by_rule = Counter(f.rule for f in report.findings)
    lines.append(f"  {_count(report.count('error'), 'error')}, {_count(report.count('warning'), 'warning')}"
                 + (": " + ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())) if by_rule else ""))
    return lines
