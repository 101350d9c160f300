"""Deterministic large real-text corpus and member-style questions for `make bench`.

Why: the search core must be measured on a corpus two orders of magnitude larger than the seed
documents, made of real prose (not random words, whose term statistics flatter any engine), with
nothing downloaded and nothing committed. The text comes from the docstrings of the Python standard
library installed on this machine (then, if more is needed, the interpreter's site-packages), read
from source files with a line scanner — not `ast.parse`, which takes ~12 s for the stdlib on a
2-core machine, and not `import`, which has side effects (`antigravity`, `this`, ...).

Contract:
- `harvest_documents(roots)` yields `SourceDoc`s in a stable order (sorted paths), one per module,
  each with sections named after classes/functions; same machine, same output.
- `render_markdown(doc)` turns one into a Markdown file with front matter and `#`/`##` headings, so
  it goes through the project's real loader, chunker and indexer.
- `write_corpus(out_dir, docs)` writes the files; `make_questions(...)` builds member-style
  questions (keyword sets, natural-language questions with stop words, a share with one typo, and
  some that match nothing) from sampled passages with a seeded RNG.
"""

from __future__ import annotations

import inspect
import random
import re
import sys
import sysconfig
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CAPTURED = "2026-01-01"  # fixed so generated files (and passage ids) are identical run to run
ORGANISATION = "Python Software Foundation (benchmark corpus, generated)"

_SKIP_PARTS = {"site-packages", "__pycache__", "dist-packages", "_distutils_hack"}
_DEF_RE = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)")
_QUOTE_RE = re.compile(r'^[ \t]*[rRuU]?("""|\'\'\')')
_MODULE_DOC_RE = re.compile(r'\A(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*[rRuU]?("""|\'\'\')(.*?)\1', re.S)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']+")
_CODE_CHARS = set("=(){}[];<>_*`|\\/@$%")


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One generated document: a module's docstrings grouped into sections."""

    rel_path: str  # e.g. "stdlib/asyncio/tasks.md"
    title: str  # dotted module name
    origin: str
    intro: tuple[str, ...]
    sections: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)

    @property
    def paragraphs(self) -> int:
        """How many prose paragraphs the document holds (a cheap size estimate)."""
        return len(self.intro) + sum(len(p) for _, p in self.sections)


def default_roots() -> list[tuple[str, Path]]:
    """Where real text comes from, in order: the stdlib first, then this interpreter's packages."""
    paths = sysconfig.get_paths()
    roots = [("stdlib", Path(paths["stdlib"]))]
    purelib = Path(paths["purelib"])
    if purelib.is_dir() and purelib != Path(paths["stdlib"]):
        roots.append(("packages", purelib))
    return roots


def clean_paragraphs(docstring: str) -> list[str]:
    """Prose paragraphs of a docstring: reflowed to one line, code and doctests dropped."""
    out: list[str] = []
    for block in re.split(r"\n[ \t]*\n", inspect.cleandoc(docstring)):
        lines = [
            ln.strip()
            for ln in block.splitlines()
            if ln.strip() and not ln.strip().startswith((">>>", "...", "$ "))
        ]
        text = " ".join(lines)
        text = re.sub(r"\s+", " ", text).strip()
        text = text.lstrip("#>*-+ ").strip()  # never start a Markdown heading, quote or list
        if len(text.split()) < 6 or len(text) > 4000:
            continue
        if sum(ch in _CODE_CHARS for ch in text) > len(text) / 25:
            continue
        if sum(ch.isalpha() or ch == " " for ch in text) < 0.8 * len(text):
            continue
        out.append(text)
    return out


def _read_docstring(lines: list[str], start: int) -> tuple[str, int] | None:
    """The triple-quoted string opening at `lines[start]`, and the index after it."""
    m = _QUOTE_RE.match(lines[start])
    if not m:
        return None
    quote = m.group(1)
    rest = lines[start][m.end() :]
    if quote in rest:
        return rest.split(quote, 1)[0], start + 1
    body = [rest]
    for j in range(start + 1, min(len(lines), start + 400)):
        if quote in lines[j]:
            body.append(lines[j].split(quote, 1)[0])
            return "\n".join(body), j + 1
        body.append(lines[j])
    return None


def extract_docstrings(source: str) -> tuple[str, list[tuple[str, str]]]:
    """(module docstring, [(qualified name, docstring)]) found by scanning lines.

    Good enough for harvesting prose: a signature may span up to 20 lines; nesting is tracked by
    indentation of `class` lines.
    """
    m = _MODULE_DOC_RE.match(source)
    module_doc = m.group(2) if m else ""
    lines = source.splitlines()
    found: list[tuple[str, str]] = []
    classes: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        dm = _DEF_RE.match(lines[i])
        if not dm:
            i += 1
            continue
        indent = len(dm.group(1).expandtabs())
        while classes and classes[-1][0] >= indent:
            classes.pop()
        name = ".".join([c for _, c in classes] + [dm.group(3)])
        if dm.group(2) == "class":
            classes.append((indent, dm.group(3)))
        j = i
        while j < min(len(lines), i + 20) and not lines[j].split("#", 1)[0].rstrip().endswith(":"):
            j += 1
        k = j + 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        got = _read_docstring(lines, k) if k < len(lines) else None
        if got:
            found.append((name, got[0]))
            i = got[1]
        else:
            i += 1
    return module_doc, found


def _module_files(label: str, root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if _SKIP_PARTS.intersection(rel.parts):
            continue
        if any(part.endswith((".dist-info", ".egg-info")) for part in rel.parts):
            continue
        yield label, path


def harvest_documents(roots: Sequence[tuple[str, Path]] | None = None) -> Iterator[SourceDoc]:
    """Documents in a stable order: sorted files of each root, roots in the given order.

    Modules with fewer than two prose paragraphs are skipped (nothing worth a document).
    """
    for label, root in roots if roots is not None else default_roots():
        for _, path in _module_files(label, root):
            try:
                source = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            rel = path.relative_to(root).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1] or ["__init__"]
            module = ".".join(parts)
            module_doc, defs = extract_docstrings(source)
            intro = tuple(clean_paragraphs(module_doc)) if module_doc else ()
            sections: list[tuple[str, tuple[str, ...]]] = []
            seen: set[str] = set()
            for name, doc in defs:
                paras = tuple(clean_paragraphs(doc))
                if not paras or name in seen:
                    continue
                seen.add(name)
                sections.append((name, paras))
            doc_obj = SourceDoc(
                rel_path=f"{label}/{'/'.join(parts)}.md",
                title=module,
                origin=f"Docstrings of the Python {sys.version_info.major}."
                f"{sys.version_info.minor} {label} module {module} (generated for the benchmark)",
                intro=intro,
                sections=tuple(sections),
            )
            if doc_obj.paragraphs >= 2:
                yield doc_obj


def render_markdown(doc: SourceDoc) -> str:
    """One Markdown file: front matter, `# module`, intro paragraphs, `## name` per section."""
    title = doc.title.replace('"', "'")
    origin = doc.origin.replace('"', "'")
    out = [
        "---",
        f'title: "{title}"',
        f'organisation: "{ORGANISATION}"',
        f'source: "{origin}"',
        f"captured: {CAPTURED}",
        "---",
        "",
        f"# {doc.title}",
        "",
    ]
    for para in doc.intro:
        out += [para, ""]
    for name, paras in doc.sections:
        out += [f"## {name}", ""]
        for para in paras:
            out += [para, ""]
    return "\n".join(out)


def write_corpus(out_dir: Path, docs: Iterable[SourceDoc]) -> list[str]:
    """Write each document under `out_dir`; returns the relative paths written, in order."""
    written: list[str] = []
    for doc in docs:
        target = out_dir / doc.rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_markdown(doc), encoding="utf-8")
        written.append(doc.rel_path)
    return written


# --- questions -------------------------------------------------------------------------------

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not of off on once only or other our out over own same she should so some such than that
    the their them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours also may must used use
    uses using one two see none true false return returns given object objects self value values
    default method function class argument arguments instance called call""".split()
)

_NATURAL_TEMPLATES = (
    "how does {a} {b} work",
    "what is the {a} {b}",
    "where can i find {a} {b}",
    "why is {a} {b} needed",
    "what do we know about {a} and {b}",
    "how do i handle {a} {b} {c}",
    "when should the {a} {b} be {c}",
    "is there guidance on {a} {b}",
    "what happens to {a} when {b}",
    "who is responsible for {a} {b}",
)

_OFF_TOPIC = (
    "what is the weather in albuquerque tomorrow",
    "who won the world series last year",
    "best green chile cheeseburger in santa fe",
    "how tall is the sandia peak tramway",
    "recommend a good pizza delivery place",
    "what time does the balloon fiesta start",
    "lyrics of a famous country ballad",
    "how many calories in a sopapilla",
    "which football team has the best quarterback",
    "is it going to snow this weekend",
)

_CONSONANTS = "bcdfghjklmnprstvz"
_VOWELS = "aeiou"


@dataclass(frozen=True, slots=True)
class Question:
    """One benchmark question and how it was made (kind: keywords|natural|nomatch; typo flag)."""

    text: str
    kind: str
    typo: bool = False
    source_id: str = ""


def content_words(text: str) -> list[str]:
    """Lower-cased words of 3+ letters that carry information (not stop words), in order."""
    words = [w.lower().strip("'") for w in _WORD_RE.findall(text)]
    return [w for w in words if len(w) >= 3 and w not in STOP_WORDS and w.isalpha()]


def add_typo(word: str, rng: random.Random) -> str:
    """One plausible keyboard slip (swap, drop, double or change one inner letter)."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    repl = rng.choice([c for c in "aeioustrn" if c != word[i]])
    return word[:i] + repl + word[i + 1 :]


def nonsense_word(rng: random.Random, vocabulary: set[str]) -> str:
    """A pronounceable made-up word that is not in `vocabulary` (so it can match nothing)."""
    while True:
        word = "".join(
            rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.randrange(3, 5))
        )
        if word not in vocabulary:
            return word


def make_questions(
    passages: Sequence[tuple[str, str]],
    count: int,
    *,
    seed: int = 20261123,
    typo_share: float = 0.2,
    nomatch_share: float = 0.08,
    vocabulary: set[str] | None = None,
) -> list[Question]:
    """`count` questions of 3-8 words from `(passage_id, text)` pairs sampled with `seed`.

    Mix: ~half keyword sets (3-5 content words), ~half natural questions from templates with stop
    words; `typo_share` of the answerable ones get one typo; `nomatch_share` match nothing (half
    off-topic member chatter, half made-up words absent from `vocabulary`). Same inputs, same list.
    """
    if not passages:
        raise ValueError("no passages to build questions from")
    rng = random.Random(seed)
    vocab = vocabulary if vocabulary is not None else set()
    n_nomatch = max(1, round(count * nomatch_share)) if count >= 10 else 0
    questions: list[Question] = []
    order = sorted(range(len(passages)), key=lambda _: rng.random())
    idx = 0
    while len(questions) < count - n_nomatch:
        pid, text = passages[order[idx % len(order)]]
        idx += 1
        words = list(dict.fromkeys(content_words(text)))
        if len(words) < 3:
            if idx > 10 * len(order):
                raise ValueError("passages carry too few content words for questions")
            continue
        picked = rng.sample(words, min(len(words), rng.randrange(3, 6)))
        typo = rng.random() < typo_share
        if typo:
            longest = max(range(len(picked)), key=lambda k: len(picked[k]))
            if len(picked[longest]) >= 5:
                picked[longest] = add_typo(picked[longest], rng)
            else:
                typo = False
        if rng.random() < 0.5:
            questions.append(Question(" ".join(picked[:5]), "keywords", typo, pid))
        else:
            template = rng.choice(_NATURAL_TEMPLATES)
            a, b, c = (picked + picked)[:3]
            q = template.format(a=a, b=b, c=c)
            if len(q.split()) > 8:
                q = " ".join(q.split()[:8])
            questions.append(Question(q, "natural", typo, pid))
    for k in range(n_nomatch):
        if k % 2 == 0:
            questions.append(Question(_OFF_TOPIC[(k // 2) % len(_OFF_TOPIC)], "nomatch"))
        else:
            made_up = [nonsense_word(rng, vocab) for _ in range(rng.randrange(3, 5))]
            questions.append(Question(" ".join(made_up), "nomatch"))
    rng.shuffle(questions)
    return questions
