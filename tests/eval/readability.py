"""Does a composed answer read as if a person wrote it? A figure for `make eval`, beside recall.

Recall says whether the right passage came first; it says nothing about the answer a member
reads. This module grades the answer text itself, as the member sees it (markers renumbered in
order of first use, as the bot renders them), against rules a reader notices. An answer *reads
well* when it breaks none of them; the figure is the share of composed answers (answered,
from the documents: not refusals, small talk or schedule answers) that read well.

The rules (`PROBLEMS`; `tests/eval/README.md` repeats them):

- `capital`: the answer opens on a capital letter, a digit or an opening quote.
- `ending`: a prose answer (no list) ends with sentence punctuation (`. ! ?`, optionally
  followed by a closing quote or bracket), before its last `[n]` marker; an excerpt the answer
  says is one ("… (excerpt)") ends well too.
- `opener`: no prose sentence opens on a connective or pronoun that needs something before it
  (`DANGLING_OPENERS`: "These", "They", "Also", "If so", …) when it is the answer's first
  sentence or follows a sentence cited from another passage (a different `[n]`).
- `lead-in`: a sentence ending with ":" is followed by its list (a `•` line).
- `cut`: every "…" follows a whole word of the cited passages (no "stud…"), and no " ..."
  teaser is left in.
- `length`: a prose answer is 20–600 characters; a list answer up to 1,500.
- `leak`: no file path (`.md`, `.pdf`, …) or capture note ("captured as", "seed 004") that
  the cited passages' own text does not contain (a document about files may quote them).
- `markers`: the markers are `[1]…[k]` in order of first use, and k is at most the three
  sources the member sees first.

Beside the figure the report gives the average sentence length in words (prose sentences,
split as the index splits them) and how many answers broke each rule. These rules are mine, not
the engine's own (`index.answer.dangling` is not used), so the figure can disagree with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from index.chunking import split_sentences

PROBLEMS = ("capital", "ending", "opener", "lead-in", "cut", "length", "leak", "markers")
#: Words (and two-word openings) that point back at something the reader must already have.
DANGLING_OPENERS = frozenset(
    """these they this that those it its their them he she his her also additionally
    furthermore moreover however therefore thus hence so then and but or nor yet besides
    likewise similarly instead otherwise meanwhile such""".split()
)
DANGLING_PAIRS = frozenset({"if so", "if not", "in addition", "as such", "for this", "in this"})
#: Prose answers past this many characters are no longer short (the issue's "under ~600").
MAX_PROSE_CHARS = 600
MAX_LIST_CHARS = 1500
MIN_CHARS = 20
#: How many sources the first reply shows (`bot.ask.usecases.SHOWN_SOURCES`).
SHOWN_SOURCES = 3
SPANISH_PREFACE = "Los documentos de la coalición están en inglés. Esto es lo que dicen:"

_MARKER = re.compile(r"\s*\[(\d+)\]")
_WORD = re.compile(r"[\w’'-]+")
_LEAK = re.compile(r"[\w./-]*\.(?:md|txt|html?|pdf)\b|captured as|\bseed \d{3}|breadcrumb", re.I)
#: A cited lead-in sentence ("…possess: [1]") followed on its line by another sentence.
_LEAD_THEN_PROSE = re.compile(r":(?:\s*\[\d+\])+\s*[A-Z“\"]")
_END = re.compile(r"(?:[.!?][\"”’)\]]*|… \((?:excerpt|extracto)\))$")


@dataclass(frozen=True, slots=True)
class Sample:
    """One composed answer as the member reads it, and the texts of the passages it cites."""

    text: str
    sources: tuple[str, ...] = ()


def sample_of(answer: Any) -> Sample | None:
    """The `Sample` of an `index.models.Answer`, or None when it is not a composed answer
    (a refusal, small talk, or an answer with no passages)."""
    if not answer.answered or getattr(answer, "small_talk", False) or not answer.hits:
        return None
    from index.answer import first_use_order

    shown = first_use_order(answer)
    return Sample(shown.answer, tuple(h.passage.text for h in shown.hits))


def problems(sample: Sample) -> list[str]:
    """The rules of `PROBLEMS` that `sample` breaks (empty: it reads well)."""
    text = sample.text.strip()
    if text.startswith(SPANISH_PREFACE):
        text = text[len(SPANISH_PREFACE) :].strip()
    found: list[str] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    bullets = [line for line in lines if line.startswith("•")]
    plain = _MARKER.sub("", text).strip()
    if not plain or not (plain[0].isupper() or plain[0].isdigit() or plain[0] in "\"“‘'("):
        found.append("capital")
    if not bullets and not _END.search(_MARKER.sub("", lines[-1] if lines else "").rstrip()):
        found.append("ending")
    if _dangling(lines):
        found.append("opener")
    for i, line in enumerate(lines):
        ends_open = _MARKER.sub("", line).rstrip().endswith(":")
        if _LEAD_THEN_PROSE.search(line) or (
            ends_open and not (i + 1 < len(lines) and lines[i + 1].startswith("•"))
        ):
            found.append("lead-in")
            break
    if _cut(text, sample.sources):
        found.append("cut")
    limit = MAX_LIST_CHARS if bullets else MAX_PROSE_CHARS
    if not MIN_CHARS <= len(plain) <= limit:
        found.append("length")
    if any(m.group(0) not in " ".join(sample.sources) for m in _LEAK.finditer(text)):
        found.append("leak")
    if not _markers_in_order(text):
        found.append("markers")
    return found


def _dangling(lines: Sequence[str]) -> bool:
    """A prose sentence opening on a pointer back, first or after another passage's sentence."""
    previous: str | None = None  # the marker of the sentence before, "" before the first
    first = True
    for line in lines:
        if line.startswith("•"):
            previous = None
            continue
        for sentence in _cited_sentences(line):
            words, marker = sentence
            opener = words[:1]
            pair = " ".join(words[:2])
            points_back = bool(opener) and (opener[0] in DANGLING_OPENERS or pair in DANGLING_PAIRS)
            if points_back and (first or previous != marker):
                return True
            first = False
            previous = marker
    return False


def _cited_sentences(line: str) -> list[tuple[list[str], str]]:
    """(lower-case words, the `[n]` that follows it or "") for each sentence of a prose line;
    a sentence without its own marker shares the next one's (markers close a run)."""
    out: list[tuple[list[str], str]] = []
    pending: list[list[str]] = []
    for piece in re.split(r"(\[\d+\])", line):
        if re.fullmatch(r"\[\d+\]", piece):
            out += [(words, piece) for words in pending]
            pending = []
            continue
        for sentence in split_sentences(piece.strip()):
            pending.append([w.lower() for w in _WORD.findall(sentence)])
    out += [(words, "") for words in pending]
    return out


def _cut(text: str, sources: Sequence[str]) -> bool:
    """A word cut short before "…", or a news teaser's " ..." left in."""
    if " ..." in text:
        return True
    known = {w.lower() for s in sources for w in _WORD.findall(s)}
    for m in re.finditer(r"([\w’'-]+)…", text):
        if known and m.group(1).lower() not in known:
            return True
    return False


def _markers_in_order(text: str) -> bool:
    order: list[int] = []
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n not in order:
            order.append(n)
    return order == list(range(1, len(order) + 1)) and len(order) <= SHOWN_SOURCES


def sentence_words(sample: Sample) -> list[int]:
    """Words per prose sentence of `sample` (list items are not sentences)."""
    counts = []
    for line in sample.text.splitlines():
        line = _MARKER.sub("", line).strip()
        if not line or line.startswith("•") or line == SPANISH_PREFACE:
            continue
        counts += [len(_WORD.findall(s)) for s in split_sentences(line)]
    return counts


@dataclass(frozen=True, slots=True)
class Readability:
    """The figure over a set of answers."""

    answers: int
    readable: int
    sentence_words: float | None
    broken: dict[str, int]

    @property
    def share(self) -> float | None:
        """Share of composed answers that read well (None: no answer to grade)."""
        return self.readable / self.answers if self.answers else None

    def line(self) -> str:
        """One line for the report."""
        if not self.answers:
            return "readability: n/a (no composed answers)"
        words = f"{self.sentence_words:.1f}" if self.sentence_words is not None else "n/a"
        broken = ", ".join(f"{k} {v}" for k, v in self.broken.items() if v) or "none"
        return (
            f"readability {self.share:.3f} ({self.readable}/{self.answers} answers read well; "
            f"{words} words a sentence; broken: {broken})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "readability": None if self.share is None else round(self.share, 4),
            "answers": self.answers,
            "readable": self.readable,
            "sentence_words": None
            if self.sentence_words is None
            else round(self.sentence_words, 2),
            "broken": self.broken,
        }


def measure(samples: Sequence[Sample]) -> Readability:
    """The readability figure of `samples` (composed answers)."""
    broken: Counter[str] = Counter({name: 0 for name in PROBLEMS})
    readable = 0
    words: list[int] = []
    for sample in samples:
        found = problems(sample)
        broken.update(found)
        readable += not found
        words += sentence_words(sample)
    mean = sum(words) / len(words) if words else None
    return Readability(len(samples), readable, mean, dict(broken))
