"""The evaluation question files and the corpus sections they point at.

A question file is JSON Lines, one object per line:

    {"id": "dev-001", "question": "...", "category": "paraphrase",
     "expected": [{"source": "learning-alliance/home.md",
                   "section": "Learning Alliance › Our Vision"}]}

`source` is a path relative to the corpus dir, `section` a heading path joined with " › " (the same
shape as `index.models.Passage.section`). A returned passage is relevant when its source is equal
and its section equals the expected section or lies below it (the expected section followed by
" › "). `"exact": true` on an entry turns off the "lies below" part: use it for a heading whose own
text answers the question while its subsections do not (e.g. a document's untitled introduction,
whose heading path is the document title and so is a prefix of every section in the document).
An unanswerable question has `"expected": []`.

This module has no dependency on the search engine, so the question files can be validated (and
their expected sections checked against the corpus) before the engine exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SEPARATOR = " › "
CATEGORIES = (
    "direct",
    "paraphrase",
    "typo",
    "keyword",
    "syntax",
    "casual",
    "spanish",
    "unanswerable",
)
ANSWERABLE_CATEGORIES = tuple(c for c in CATEGORIES if c != "unanswerable")
SPLITS = (
    "dev",
    "heldout",
    "blind",
    "blind2",
    "blind3",
    "blind4",
    "blind5",
    "blind6",
    "blind7",
    "blind8",
    "blind9",
    "blind10",
    "blind11",
    "blind12",
    "blind13",
    "blind14",
    "blind15",
    "blind16",
    "blind17",
    "blind18",
    "blind19",
    "blind20",
)
#: The kinds of question each split was written with: the first eleven sets have no casual or
#: Spanish questions, blind10 to blind15 have no query-syntax ones.
_FIRST_KINDS = ("direct", "paraphrase", "typo", "keyword", "syntax", "unanswerable")
SPLIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    **{split: _FIRST_KINDS for split in SPLITS},
    "blind10": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind11": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind12": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind13": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind14": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind15": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind16": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind17": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind18": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind19": tuple(c for c in CATEGORIES if c != "syntax"),
    "blind20": tuple(c for c in CATEGORIES if c != "syntax"),
    "foreign": ("direct", "paraphrase", "typo", "keyword", "unanswerable"),
    "foreign2": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign3": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign4": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign5": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign6": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign7": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign8": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign9": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
    "foreign10": ("direct", "paraphrase", "typo", "keyword", "casual", "unanswerable"),
}
HERE = Path(__file__).resolve().parent
SEED_CORPUS = HERE.parents[1] / "corpus"
#: Documents this project did not write (other people's FAQs and handbooks), with their questions.
FOREIGN_DIR = HERE / "foreign"
FOREIGN_CORPUS = FOREIGN_DIR / "corpus"
#: A second set of other people's documents (community handbooks, grant and conduct policies).
FOREIGN2_DIR = HERE / "foreign2"
#: A third set: volunteer, fellowship, grant, event and governance documents of eight other groups.
FOREIGN3_DIR = HERE / "foreign3"
#: A fourth set: governance, mentoring, scholarship, study-group and event documents.
FOREIGN4_DIR = HERE / "foreign4"
#: A fifth set: election, mentoring, funding, sponsorship, volunteer and conduct documents.
FOREIGN5_DIR = HERE / "foreign5"
#: A sixth set: governance, AI-contribution, release, judging, expense and conference documents.
FOREIGN6_DIR = HERE / "foreign6"
#: A seventh set: conduct response, governance charters, meeting rules, mentoring, fellowship,
#: financial-aid and volunteer documents.
FOREIGN7_DIR = HERE / "foreign7"
#: An eighth set: contributor ladder, elections, governance, mentoring, event finance, grants,
#: conduct enforcement and meeting documents.
FOREIGN8_DIR = HERE / "foreign8"
FOREIGN9_DIR = HERE / "foreign9"
FOREIGN10_DIR = HERE / "foreign10"
#: Splits graded against another corpus than the seed pages: split -> (question file, corpus dir).
OTHER_CORPUS_SPLITS: dict[str, tuple[Path, Path]] = {
    "foreign": (FOREIGN_DIR / "questions.jsonl", FOREIGN_CORPUS),
    "foreign2": (FOREIGN2_DIR / "questions.jsonl", FOREIGN2_DIR / "corpus"),
    "foreign3": (FOREIGN3_DIR / "questions.jsonl", FOREIGN3_DIR / "corpus"),
    "foreign4": (FOREIGN4_DIR / "questions.jsonl", FOREIGN4_DIR / "corpus"),
    "foreign5": (FOREIGN5_DIR / "questions.jsonl", FOREIGN5_DIR / "corpus"),
    "foreign6": (FOREIGN6_DIR / "questions.jsonl", FOREIGN6_DIR / "corpus"),
    "foreign7": (FOREIGN7_DIR / "questions.jsonl", FOREIGN7_DIR / "corpus"),
    "foreign8": (FOREIGN8_DIR / "questions.jsonl", FOREIGN8_DIR / "corpus"),
    "foreign9": (FOREIGN9_DIR / "questions.jsonl", FOREIGN9_DIR / "corpus"),
    "foreign10": (FOREIGN10_DIR / "questions.jsonl", FOREIGN10_DIR / "corpus"),
}
#: Every committed split: the seed-corpus ones, then those over other corpora.
ALL_SPLITS = (*SPLITS, *OTHER_CORPUS_SPLITS)


class DatasetError(ValueError):
    """A question file is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Expected:
    """One passage location that correctly answers a question."""

    source: str
    section: str
    exact: bool = False

    def matches(self, source: str, section: str) -> bool:
        """Whether a passage at `source`/`section` is relevant for this expectation."""
        if source.replace("\\", "/") != self.source:
            return False
        if section == self.section:
            return True
        return not self.exact and section.startswith(self.section + SEPARATOR)


@dataclass(frozen=True, slots=True)
class Question:
    """One member-style question with every location that answers it (none if unanswerable)."""

    id: str
    question: str
    category: str
    expected: tuple[Expected, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.expected)

    def is_relevant(self, source: str, section: str) -> bool:
        return any(e.matches(source, section) for e in self.expected)


def split_path(split: str) -> Path:
    """The committed question file for a split (`dev`, `heldout`, a `blind` set or `foreign`)."""
    if split in OTHER_CORPUS_SPLITS:
        return OTHER_CORPUS_SPLITS[split][0]
    if split not in SPLITS:
        raise DatasetError(f"unknown split {split!r}; choose one of {', '.join(ALL_SPLITS)}")
    return HERE / f"questions_{split}.jsonl"


def split_corpus(split: str) -> Path:
    """The corpus a split's expectations point into (the seed pages unless said otherwise)."""
    if split in OTHER_CORPUS_SPLITS:
        return OTHER_CORPUS_SPLITS[split][1]
    return SEED_CORPUS


def load_questions(path: Path) -> list[Question]:
    """Parse and validate one question file; raises `DatasetError` naming the bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read question file {path}: {exc}") from exc
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: not valid JSON ({exc.msg})") from exc
        question = _parse(raw, where)
        if question.id in seen:
            raise DatasetError(f"{where}: duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise DatasetError(f"{path.name}: no questions in the file")
    return questions


def _parse(raw: object, where: str) -> Question:
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: each line must be a JSON object")
    missing = {"id", "question", "category", "expected"} - raw.keys()
    if missing:
        raise DatasetError(f"{where}: missing key(s) {', '.join(sorted(missing))}")
    qid, text, category, expected = raw["id"], raw["question"], raw["category"], raw["expected"]
    if not isinstance(qid, str) or not qid.strip():
        raise DatasetError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(f"{where}: 'question' must be a non-empty string")
    if category not in CATEGORIES:
        raise DatasetError(f"{where}: category {category!r} is not one of {', '.join(CATEGORIES)}")
    if not isinstance(expected, list):
        raise DatasetError(f"{where}: 'expected' must be a list")
    entries: list[Expected] = []
    for item in expected:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("source"), str)
            or not isinstance(item.get("section"), str)
            or not isinstance(item.get("exact", False), bool)
            or set(item) - {"source", "section", "exact"}
        ):
            raise DatasetError(
                f"{where}: each expected entry needs string 'source' and 'section' "
                "(and optionally boolean 'exact')"
            )
        entries.append(Expected(item["source"], item["section"], item.get("exact", False)))
    if (category == "unanswerable") != (not entries):
        raise DatasetError(
            f"{where}: unanswerable questions must have an empty 'expected' list, "
            "and every other category at least one expected passage"
        )
    return Question(qid, text, category, tuple(entries))


def normalise(text: str) -> str:
    """A question reduced to lower-case words, for spotting duplicates across files."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# ----------------------------------------------------------------------------- corpus outline

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FRONT_TITLE = re.compile(r"^title:\s*(.+?)\s*$")


def corpus_sections(corpus_dir: Path) -> dict[str, dict[str, bool]]:
    """Every Markdown document's heading paths: `{source: {section: has_own_text}}`.

    An independent reading of the corpus (front matter skipped, fenced code ignored), so that the
    question files can be checked without the search engine. A section's flag says whether text
    sits directly under that heading, i.e. whether a passage can carry exactly that section.
    """
    outline: dict[str, dict[str, bool]] = {}
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file() and path.suffix.lower() in {".md", ".markdown"}:
            source = path.relative_to(corpus_dir).as_posix()
            outline[source] = _markdown_outline(path.read_text(encoding="utf-8"), path.stem)
    return outline


def _markdown_outline(text: str, stem: str) -> dict[str, bool]:
    lines = text.split("\n")
    title = ""
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in {"---", "..."}:
                front, lines = lines[1:index], lines[index + 1 :]
                for entry in front:
                    match = _FRONT_TITLE.match(entry)
                    if match:
                        title = match.group(1).strip("\"'")
                break
    stack: list[tuple[int, str]] = []
    sections: dict[str, bool] = {}
    in_fence = False
    current: str | None = None
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            level, name = len(heading.group(1)), heading.group(2).strip()
            if not title and level == 1:
                title = name
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, name))
            current = _path(stack, title or stem)
            sections.setdefault(current, False)
        elif line.strip():
            if current is None:
                current = _path(stack, title or stem)
            sections[current] = True
    return sections


def _path(stack: list[tuple[int, str]], title: str) -> str:
    names = [name for _, name in stack]
    if not names or (stack[0][0] != 1 and names[0] != title):
        names.insert(0, title)
    return SEPARATOR.join(names)


def unknown_expectations(
    questions: Iterable[Question], outline: dict[str, dict[str, bool]]
) -> list[str]:
    """Human-readable problems: expected sources/sections that the corpus does not have."""
    problems = []
    for question in questions:
        for entry in question.expected:
            sections = outline.get(entry.source)
            if sections is None:
                problems.append(f"{question.id}: no document {entry.source!r} in the corpus")
            elif entry.section not in sections:
                problems.append(f"{question.id}: {entry.source} has no section {entry.section!r}")
            elif entry.exact and not sections[entry.section]:
                problems.append(
                    f"{question.id}: exact section {entry.section!r} has no text of its own"
                )
    return problems
