"""Compose the extractive answer and the highlighted passages from ranked candidates.

The answer is one to three sentences copied from the top passages, each followed by `[n]`, the rank
of the passage it came from. Sentences are chosen by the IDF weight of the question's concepts they
contain, with a preference for higher-ranked passages. When the best passages match the question
only in their title or headings (a question that names a section), their opening sentences are the
answer. Highlights mark matched words with `**bold**`; a passage with no matched word in its text
falls back to its first sentences.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache

from index.analysis import stem, text_stems, word_spans
from index.chunking import split_sentences
from index.models import SECTION_SEPARATOR, Answer, Hit, Passage
from index.question import Concept
from index.ranking import Candidate, own_heading_stems

MAX_ANSWER_SENTENCES = 3
MAX_ANSWER_CHARS = 480
FALLBACK_CHARS = 300
#: Preference for sentences from higher-ranked passages (rank 1, 2, 3).
RANK_PRIOR = (1.0, 0.75, 0.6)
#: A parent section whose own text is at most this many sentences is a lead-in to its
#: subsections ("…adopted the following Values Framework…" above the six values).
LEAD_IN_UNITS = 2
#: Score share of a sentence that only introduces a list ("…by providing the following:").
LIST_LEAD_WEIGHT = 0.5


def to_passage(fields: dict[str, object]) -> Passage:
    """Rebuild the stored `Passage` of a search hit."""
    return Passage(
        id=str(fields["id"]),
        source=str(fields["source"]),
        title=str(fields.get("title", "")),
        section=str(fields.get("section", "")),
        text=str(fields.get("text", "")),
        origin=str(fields.get("origin", "")),
        position=int(str(fields.get("position", 0))),
        url=str(fields.get("url", "")),
    )


@lru_cache(maxsize=2048)
def _units(text: str) -> tuple[str, ...]:
    return tuple(u for u, _ in _split_units(text))


@lru_cache(maxsize=2048)
def item_units(text: str) -> tuple[tuple[str, bool], ...]:
    """`units` of a passage, each with whether it is a list item."""
    return tuple(_split_units(text))


def units(text: str) -> list[str]:
    """Sentences of a passage; each list item is a unit of its own (without its bullet)."""
    return list(_units(text))


def _split_units(text: str) -> list[tuple[str, bool]]:
    """Sentences of a passage, and whether each is a list item (without its bullet)."""
    out: list[tuple[str, bool]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("•"):
            out.append((line.lstrip("• ").strip(), True))
        else:
            out.extend((sentence, False) for sentence in split_sentences(line))
    return out


def compose(candidates: list[Candidate], concepts: list[Concept]) -> str:
    """One to three cited sentences answering from the top three candidates, read as a person
    would write them.

    Sentences score by the IDF weight of the concepts they contain, times a rank prior; a
    section's opening sentence also counts what its own heading matched ("Our Mission" → "To
    create…"). A passage that matched only in its title or headings offers its opening sentence.
    The best usable sentence of the top passage comes first, so `[1]` is cited. Then:

    - a sentence opening on a connective or pronoun ("If so", "These", "Also") brings the
      sentence before it from the same passage, or is passed over when it opens its passage;
    - a sentence that introduces a list ("…providing the following:") comes with its list, and a
      best sentence that is a list item brings the whole list in document order, with a count;
    - a cut-off teaser ("…connect with stud ...") is used only when the question names its
      section, and then says it is an excerpt;
    - further sentences must reach `FLOOR` of the first one's score, and the answer stays under
      `MAX_ANSWER_CHARS`.
    """
    weights = [(c.alternatives(), c.weight) for c in concepts if c.known]
    matched = frozenset(s for c in candidates[:3] for s in c.matched)
    scored: list[tuple[float, int, int]] = []  # (score, rank, position)
    top = candidates[:3]
    for rank, cand in enumerate(top, start=1):
        sentences = units(str(cand.fields.get("text", "")))
        if not sentences:
            continue
        prior = RANK_PRIOR[rank - 1]
        before = len(scored)
        if cand.body_matched:
            heading = own_heading_stems(str(cand.fields.get("section", "")))
            for pos, sentence in enumerate(sentences):
                found = text_stems(sentence)
                if pos == 0:
                    found = found | heading  # a section's opening sentence is about its heading
                score = sum(w for alts, w in weights if alts & found)
                if sentence.rstrip().endswith(":"):
                    score *= LIST_LEAD_WEIGHT  # "…providing the following:" says nothing alone
                if score > 0:
                    scored.append((score * prior, rank, pos))
        if len(scored) == before:  # matched in title/headings only: its opening sentence
            score = sum(w for alts, w in weights if alts & cand.matched)
            scored.append((max(score, 1e-6) * prior, rank, 0))
    if not scored:
        return ""
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    pieces = [_piece(candidates, rank, pos, matched) for _, rank, pos in scored]
    if all(p is None for p in pieces):  # only teasers matched: quote them, marked as excerpts
        pieces = [_piece(candidates, r, pos, matched, teasers=True) for _, r, pos in scored]
    usable = [(s, p) for s, p in zip(scored, pieces, strict=True) if p is not None]
    if not usable:
        return _opening(candidates[0])
    first = next((u for u in usable if u[0][1] == 1), usable[0])
    lead_score, lead = first[0][0], first[1]
    if lead.items:
        return _render_list(lead, candidates, concepts)
    children = _child_lists(candidates, lead)
    if children:
        return _render_children(lead, children)
    chosen = [lead]
    length = lead.size()
    for (score, _, _), piece in usable:
        if len(chosen) == MAX_ANSWER_SENTENCES or score < FLOOR * lead_score:
            break
        if piece.items or any(piece.overlaps(c) for c in chosen):
            continue
        if length + piece.size() > MAX_ANSWER_CHARS:
            continue
        chosen.append(piece)
        length += piece.size()
    chosen.sort(key=lambda p: (p.rank, p.start))
    return " ".join(p.render() for p in chosen)


def _opening(candidate: Candidate) -> str:
    """The top passage's text from its start, cited: what is left when no sentence can stand on
    its own, so an answer is never empty."""
    text = " ".join(str(candidate.fields.get("text", "")).split())
    return f"{_clip(text)} [1]" if text else ""


#: A further sentence must score at least this share of the first one's (else it is filler).
FLOOR = 0.6
#: Longest list answer (count, lead-in and items together).
MAX_LIST_CHARS = 900
#: Words that open a sentence which needs the one before it to make sense.
_DANGLING = re.compile(
    r"^(?:if so|if not|these|those|they|them|their|this|that|it|its|also|however|but|and|or|"
    r"so|then|such|both|in addition|additionally|moreover|furthermore|therefore|thus|"
    r"as a result|otherwise|instead|likewise|similarly|still|yet|for this reason|"
    r"in turn|here|he|she|his|her|we)\b",
    re.IGNORECASE,
)
_TEASER = re.compile(r"(?:\.\.\.|…)\s*$")
_COUNTS = (
    "", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve",
)  # fmt: skip


def dangling(sentence: str) -> bool:
    """Whether `sentence` opens on a connective or pronoun that points at what came before."""
    return bool(_DANGLING.match(sentence.lstrip("\"“'‘(")))


@dataclass(frozen=True, slots=True)
class _Piece:
    """Consecutive units of one candidate quoted together: a sentence with the one(s) it needs
    before it, or a list's lead-in with its items."""

    rank: int
    start: int
    sentences: tuple[str, ...]
    items: tuple[tuple[int, str], ...] = ()  # (rank, item) in document order
    excerpt: bool = False

    def size(self) -> int:
        return sum(len(s) + 1 for s in self.sentences) + 5

    def overlaps(self, other: _Piece) -> bool:
        if self.rank != other.rank:
            return False
        mine = range(self.start, self.start + len(self.sentences))
        theirs = range(other.start, other.start + len(other.sentences))
        return bool(set(mine) & set(theirs))

    def render(self) -> str:
        text = " ".join(self.sentences)
        if self.excerpt:
            text = re.sub(r"([.!?])…$", r"\1", re.sub(r"\s*(?:\.\.\.|…)\s*$", "…", text))
            text += " (excerpt)"
        return f"{_clip(text)} [{self.rank}]"


def _piece(
    candidates: list[Candidate],
    rank: int,
    pos: int,
    matched: frozenset[str],
    *,
    teasers: bool = False,
) -> _Piece | None:
    """The quotable piece around unit `pos` of candidate `rank`, or None when it cannot stand.
    A cut-off teaser stands, marked as an excerpt, when the question names its section or when
    `teasers` says nothing else can be quoted."""
    cand = candidates[rank - 1]
    flagged = item_units(str(cand.fields.get("text", "")))
    sentence, is_item = flagged[pos]
    start = pos
    while dangling(flagged[start][0]) and not flagged[start][1]:
        if start == 0 or flagged[start - 1][1] or pos - start >= 2:
            return None  # nothing before it in this passage to say what it refers to
        start -= 1
    if dangling(flagged[start][0]):
        return None
    sentences = tuple(u for u, _ in flagged[start : pos + 1])
    if start == 0:
        sentences = (_standing(sentences[0], _heading(cand)), *sentences[1:])
    excerpt = False
    if _TEASER.search(sentence):
        heading = own_heading_stems(str(cand.fields.get("section", "")))
        if not teasers and (not heading or 2 * len(heading & matched) < len(heading)):
            return None  # a cut-off teaser, and the question is not about its item
        excerpt = True
    if sentence.rstrip().endswith(":"):
        items = _list_after(candidates, rank, pos)
        if not items:
            return None  # a lead-in whose list is not at hand
        return _Piece(rank, start, sentences, tuple(items))
    if is_item:
        return _Piece(rank, pos, (), tuple(_whole_list(candidates, rank, pos)))
    return _Piece(rank, start, sentences, excerpt=excerpt)


def first_use_order(answer: Answer) -> Answer:
    """`answer` with its markers renumbered 1…k in order of first use and its hits reordered to
    match (cited passages first, the rest after in their order), so `hits[n-1]` stays `[n]`."""
    order: list[int] = []
    for m in _MARKER.finditer(answer.answer):
        n = int(m.group(1))
        if n not in order and 1 <= n <= len(answer.hits):
            order.append(n)
    if order == list(range(1, len(order) + 1)):
        return answer
    order += [n for n in range(1, len(answer.hits) + 1) if n not in order]
    new = {old: i for i, old in enumerate(order, start=1)}

    def renumber(m: re.Match[str]) -> str:
        return f"[{new.get(int(m.group(1)), int(m.group(1)))}]"

    hits = tuple(replace(answer.hits[old - 1], rank=i) for i, old in enumerate(order, start=1))
    return replace(answer, answer=_MARKER.sub(renumber, answer.answer), hits=hits)


_MARKER = re.compile(r"\[(\d+)\]")


def _chunks(candidates: list[Candidate], rank: int) -> list[tuple[int, Candidate]]:
    """Candidates from the same section as candidate `rank`, in document order, as (rank, cand),
    keeping only those next to each other in the document (a list split across passages)."""
    cand = candidates[rank - 1]
    key = (cand.fields.get("source"), cand.fields.get("section"))
    same = sorted(
        (
            (int(str(c.fields.get("position", 0))), r, c)
            for r, c in enumerate(candidates, start=1)
            if (c.fields.get("source"), c.fields.get("section")) == key
        ),
        key=lambda t: t[0],
    )
    same = [t for t in same if t[1] <= len(RANK_PRIOR)]  # only passages a member sees first
    mine = next(i for i, t in enumerate(same) if t[1] == rank)
    lo = hi = mine
    while lo > 0 and same[lo - 1][0] == same[lo][0] - 1:
        lo -= 1
    while hi + 1 < len(same) and same[hi + 1][0] == same[hi][0] + 1:
        hi += 1
    return [(r, c) for _, r, c in same[lo : hi + 1]]


def _list_after(candidates: list[Candidate], rank: int, pos: int) -> list[tuple[int, str]]:
    """The items that follow unit `pos` of candidate `rank` (continuing into the next passage
    of the same section when the list runs on)."""
    items: list[tuple[int, str]] = []
    started = False
    for r, cand in _chunks(candidates, rank):
        flagged = item_units(str(cand.fields.get("text", "")))
        if r == rank:
            started = True
            flagged = flagged[pos + 1 :]
        elif not started:
            continue
        for unit, is_item in flagged:
            if not is_item:
                return items
            items.append((r, unit))
    return items


def _whole_list(candidates: list[Candidate], rank: int, pos: int) -> list[tuple[int, str]]:
    """Every item of the list unit `pos` of candidate `rank` belongs to, in document order."""
    runs: list[list[tuple[int, str]]] = [[]]
    where = 0
    for r, cand in _chunks(candidates, rank):
        for i, (unit, is_item) in enumerate(item_units(str(cand.fields.get("text", "")))):
            if not is_item:
                runs.append([])
                continue
            if r == rank and i == pos:
                where = len(runs) - 1
            runs[-1].append((r, unit))
    return runs[where]


def _render_list(lead: _Piece, candidates: list[Candidate], concepts: list[Concept]) -> str:
    """A list answer: the lead-in (or a count and the section's name), then every item, each
    shortened to share `MAX_LIST_CHARS`, cited by the passage it came from."""
    items = lead.items
    if lead.sentences:
        head = f"{' '.join(lead.sentences)} [{lead.rank}]"
        head_rank = lead.rank
    else:
        head_rank = items[0][0]
        label = _list_label(candidates[head_rank - 1], concepts)
        count = _COUNTS[len(items)] if len(items) < len(_COUNTS) else str(len(items))
        head = f"{count} {label}: [{head_rank}]" if label else f"{count} items: [{head_rank}]"
    budget = max(60, (MAX_LIST_CHARS - len(head)) // max(1, len(items)) - 6)
    lines = [head]
    for r, item in items:
        marker = "" if r == head_rank else f" [{r}]"
        lines.append(f"• {shorten(item, budget)}{marker}")
    return "\n".join(lines)


def _child_lists(candidates: list[Candidate], lead: _Piece) -> list[tuple[int, Candidate]]:
    """The shown candidates that are list-only subsections of the lead's section, in document
    order, when the lead's passage only leads in to them (the qualifications above their two
    lists); else `[]`."""
    top = candidates[lead.rank - 1]
    if len(units(str(top.fields.get("text", "")))) > LEAD_IN_UNITS:
        return []
    prefix = f"{top.fields.get('section', '')}{SECTION_SEPARATOR}"
    found = []
    for rank, cand in enumerate(candidates[: len(RANK_PRIOR)], start=1):
        flagged = item_units(str(cand.fields.get("text", "")))
        if (
            cand.fields.get("source") == top.fields.get("source")
            and str(cand.fields.get("section", "")).startswith(prefix)
            and flagged
            and all(is_item for _, is_item in flagged)
        ):
            found.append((int(str(cand.fields.get("position", 0))), rank, cand))
    return [(rank, cand) for _, rank, cand in sorted(found, key=lambda t: t[0])]


def _render_children(lead: _Piece, children: list[tuple[int, Candidate]]) -> str:
    """The lead-in, then each subsection's heading and all its items, shortened to share
    `MAX_LIST_CHARS`."""
    lines = [lead.render()]
    lists = [(rank, _heading(c), item_units(str(c.fields.get("text", "")))) for rank, c in children]
    count = sum(len(items) for _, _, items in lists)
    budget = max(100, (2 * MAX_LIST_CHARS - len(lines[0])) // max(1, count) - 8)
    for rank, heading, items in lists:
        lines.append(f"{heading}: [{rank}]")
        short = [shorten(item, budget) for item, _ in items]
        lines += [
            f"• {cut if short.count(cut) == 1 else item}"  # never two items that read the same
            for cut, (item, _) in zip(short, items, strict=True)
        ]
    return "\n".join(lines)


def _list_label(cand: Candidate, concepts: list[Concept]) -> str:
    """The heading that names the list: of the section's headings, the one the question's words
    match most (the deepest on a tie), without a parenthesis ("Year-One Outcomes")."""
    alts = frozenset(s for c in concepts for s in c.alternatives())
    names = str(cand.fields.get("section", "")).split(SECTION_SEPARATOR)[1:]
    if not names:
        return ""
    best = max(reversed(names), key=lambda n: len(text_stems(n) & alts))
    return re.sub(r"\s*\([^)]*\)", "", best).strip()


def shorten(item: str, limit: int) -> str:
    """`item` cut to about `limit` characters: before a parenthesis, semicolon or dash when one
    falls late enough, else after a whole word, with "…"."""
    item = item.rstrip(" ;,")
    if len(item) <= limit:
        return item
    ends = [m.start() for m in re.finditer(r"\s\(|;\s|\s[—–]\s", item[: limit + 1])]
    if ends and ends[-1] >= limit // 2:
        return item[: ends[-1]].rstrip(" ,") + "…"
    cut = item.rfind(" ", 0, limit)
    text = item[: cut if cut > 0 else limit].rstrip(" ,;:")
    text = re.sub(r"\s+(?:and|or|the|a|an|of|to|in|for|with|as|that|which|from)$", "", text)
    text = text.rstrip(" ,;:")
    return text.split(" (")[0] + "…" if text.count("(") > text.count(")") else text + "…"


def _clip(sentence: str, limit: int = MAX_ANSWER_CHARS) -> str:
    if len(sentence) <= limit:
        return sentence
    cut = sentence.rfind(" ", 0, limit - 1)
    return sentence[: cut if cut > 0 else limit - 1].rstrip(",;: ") + "…"


def highlight(text: str, stems: set[str]) -> str:
    """`text` with words whose stem is in `stems` wrapped in `**bold**` (neighbours merged)."""
    spans: list[list[int]] = []
    for start, end, word in word_spans(text):
        if stem(word) in stems:
            if spans and not text[spans[-1][1] : start].strip():
                spans[-1][1] = end
            else:
                spans.append([start, end])
    if not spans:
        return ""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(f"**{text[start:end]}**")
        last = end
    out.append(text[last:])
    return "".join(out)


def opening(text: str, limit: int = FALLBACK_CHARS) -> str:
    """The first sentences of a passage, up to about `limit` characters."""
    picked: list[str] = []
    for sentence in units(text):
        if picked and len(" ".join(picked)) + len(sentence) > limit:
            break
        picked.append(sentence)
    joined = "".join(
        (("\n" if picked[i - 1][-1:] not in ".!?…:;" else " ") if i else "") + unit
        for i, unit in enumerate(picked)
    )
    return _clip(joined, limit + 100)


def make_hits(candidates: list[Candidate], concepts: list[Concept]) -> tuple[Hit, ...]:
    """Ranked hits with highlights (body matches in bold, else the passage's opening)."""
    hits = []
    for rank, cand in enumerate(candidates, start=1):
        passage = to_passage(cand.fields)
        stems = cand.body_matched | _concept_stems(concepts, cand.matched)
        marked = highlight(passage.text, stems) if cand.body_matched else ""
        hits.append(Hit(rank, passage, round(cand.score, 4), marked or opening(passage.text)))
    return tuple(hits)


def _concept_stems(concepts: list[Concept], matched: set[str]) -> set[str]:
    return {s for c in concepts for s in c.alternatives() if s in matched}


def subsection_leads(top: Candidate, passages: list[Passage]) -> list[Passage]:
    """The first passage of each direct subsection of `top`'s section, in document order, when
    the question names that section and its own text only leads in to them; else `[]`.

    A list question ("what are the alliance's values?") is answered by the list, not by the
    sentence that introduces it. `passages` are `top`'s document's passages in reading order.
    """
    section = str(top.fields.get("section", ""))
    source = str(top.fields.get("source", ""))
    if len(units(str(top.fields.get("text", "")))) > LEAD_IN_UNITS:
        return []
    heading = text_stems(section.rsplit(SECTION_SEPARATOR, 1)[-1])
    if not heading or 2 * len(top.matched & heading) < len(heading):
        return []  # the question must name the section, not share one word with it
    firsts = _child_firsts(source, section, passages)
    return list(firsts.values()) if len(firsts) >= 2 else []


def _child_firsts(source: str, section: str, passages: list[Passage]) -> dict[str, Passage]:
    """Each direct subsection's heading → its first passage, in reading order."""
    prefix = section + SECTION_SEPARATOR
    firsts: dict[str, Passage] = {}
    for p in passages:  # one document's passages, in reading order
        if p.source == source and p.section.startswith(prefix):
            firsts.setdefault(p.section[len(prefix) :].split(SECTION_SEPARATOR, 1)[0], p)
    return firsts


def named_subsection(
    top: Candidate, passages: list[Passage], wanted: frozenset[str]
) -> Passage | None:
    """The first passage of the one subsection of `top`'s section whose own heading the question
    names, more than half of its words ("the *holistic* value" when `top` is the values
    lead-in), else None.

    A question that names one item of a list wants that item, not the list.
    """
    section = str(top.fields.get("section", ""))
    source = str(top.fields.get("source", ""))
    shared = text_stems(section) | text_stems(str(top.fields.get("title", "")))
    named = []
    for child, first in _child_firsts(source, section, passages).items():
        own = text_stems(child) - shared  # "Holistic", not the parent's or title's words
        if own and 2 * len(own & wanted) > len(own):
            named.append(first)
    return named[0] if len(named) == 1 else None


def promote(candidates: list[Candidate], passage: Passage, limit: int) -> list[Candidate]:
    """`passage` first (its own candidate when it was found, with what it matched), then the
    other candidates in their order."""
    found = [c for c in candidates if str(c.fields.get("id")) == passage.id]
    first = found[0] if found else Candidate(-1, asdict(passage), candidates[0].score, set(), set())
    rest = [c for c in candidates if str(c.fields.get("id")) != passage.id]
    return [first, *rest][:limit]


def with_subsections(
    candidates: list[Candidate], leads: list[Passage], limit: int
) -> list[Candidate]:
    """The top candidate, then its subsections' lead passages, then the other candidates."""
    top = candidates[0]
    ids = {p.id for p in leads}
    children = [Candidate(-1, asdict(p), top.score, set(), set()) for p in leads]
    rest = [c for c in candidates[1:] if str(c.fields.get("id")) not in ids]
    return ([top, *children, *rest])[:limit]


def compose_list(candidates: list[Candidate], items: int) -> str:
    """The lead-in's first sentence `[1]`, then one line per subsection, in document order: its
    first sentence, shortened to share `MAX_LIST_CHARS`. Subsections among the first
    `CITED_ITEMS` get their own citation; the rest stand under the parent section's `[1]`, so no
    marker points past the sources a member sees first."""
    lead = units(str(candidates[0].fields.get("text", "")))
    lines = [f"{_clip(lead[0])} [1]"] if lead else []
    children = candidates[1 : items + 1]
    budget = max(60, (MAX_LIST_CHARS - len(lines[0] if lines else "")) // max(1, items) - 6)
    for rank, cand in enumerate(children, start=2):
        first = units(str(cand.fields.get("text", ""))) or [_heading(cand)]
        marker = f" [{rank}]" if rank <= CITED_ITEMS + 1 else ""
        lines.append(f"• {shorten(first[0], budget)}{marker}")
    return "\n".join(lines)


#: List items cited with their own marker (after the lead-in's `[1]`): three sources in all.
CITED_ITEMS = 2


#: A footnote mark glued to a sentence's first word ("*Since these metrics…").
_FOOTNOTE_MARK = re.compile(r"^[*†‡]+(?=\w)")


def _standing(sentence: str, heading: str) -> str:
    """A section's first sentence as it can stand alone: without a footnote mark, and with its
    heading when the heading is its subject (a glossary's "Workplace Bullying" / "is a tendency
    of…" reads "Workplace Bullying is a tendency of…")."""
    if sentence.count("*") == 1:
        sentence = _FOOTNOTE_MARK.sub("", sentence)
    if sentence[:1].islower() and heading and not heading[:1].islower():
        return f"{heading} {sentence}"
    return sentence


def _heading(cand: Candidate) -> str:
    return str(cand.fields.get("section", "")).rsplit(SECTION_SEPARATOR, 1)[-1]
