"""Compose the extractive answer and the highlighted passages from ranked candidates.

The answer is one to three sentences copied from the top passages, each followed by `[n]`, the rank
of the passage it came from. Sentences are chosen by the IDF weight of the question's concepts they
contain, with a preference for higher-ranked passages. When the best passages match the question
only in their title or headings (a question that names a section), their opening sentences are the
answer. Highlights mark matched words with `**bold**`; a passage with no matched word in its text
falls back to its first sentences.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache

from index.analysis import stem, word_spans
from index.chunking import split_sentences
from index.models import SECTION_SEPARATOR, Hit, Passage
from index.search import Candidate, Concept, own_heading_stems, text_stems

MAX_ANSWER_SENTENCES = 3
MAX_ANSWER_CHARS = 480
FALLBACK_CHARS = 300
#: Preference for sentences from higher-ranked passages (rank 1, 2, 3).
RANK_PRIOR = (1.0, 0.75, 0.6)
#: A parent section whose own text is at most this many sentences is a lead-in to its
#: subsections ("…adopted the following Values Framework…" above the six values).
LEAD_IN_UNITS = 2
LIST_ITEM_CHARS = 160
#: Score share of a sentence that only introduces a list ("…by providing the following:").
LIST_LEAD_WEIGHT = 0.5
#: Subsections quoted with their own citation: ranks 2-5, so every marker points at one of the
#: five passages the JSON contract carries; further subsections are named under `[1]`.
MAX_LIST_ITEMS = 4


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
    )


@lru_cache(maxsize=2048)
def _units(text: str) -> tuple[str, ...]:
    return tuple(_split_units(text))


def units(text: str) -> list[str]:
    """Sentences of a passage; each list item is a unit of its own (without its bullet)."""
    return list(_units(text))


def _split_units(text: str) -> list[str]:
    """Sentences of a passage; each list item is a unit of its own (without its bullet)."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("•"):
            out.append(line.lstrip("• ").strip())
        else:
            out.extend(split_sentences(line))
    return out


def compose(candidates: list[Candidate], concepts: list[Concept]) -> str:
    """One to three cited sentences answering from the top three candidates.

    Sentences score by the IDF weight of the concepts they contain, times a rank prior; a
    section's opening sentence also counts what its own heading matched ("Our Mission" → "To
    create…"), and a sentence that only introduces a list counts half. A passage that matched
    only in its title or headings offers its opening sentence, scored by what its headings
    matched. The best sentence of the top passage always comes first, so `[1]` is cited.
    """
    weights = [(c.alternatives(), c.weight) for c in concepts if c.known]
    scored: list[tuple[float, int, int, str]] = []  # (score, rank, position, sentence)
    for rank, cand in enumerate(candidates[:3], start=1):
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
                    scored.append((score * prior, rank, pos, sentence))
        if len(scored) == before:  # matched in title/headings only: its opening sentence
            score = sum(w for alts, w in weights if alts & cand.matched)
            scored.append((max(score, 1e-6) * prior, rank, 0, sentences[0]))
    if not scored:
        return ""
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    lead = next((s for s in scored if s[1] == 1), scored[0])
    chosen = [(lead[1], lead[2], lead[3])]
    length = len(lead[3])
    for score, rank, pos, sentence in scored:
        if len(chosen) == MAX_ANSWER_SENTENCES or score < 0.5 * lead[0]:
            break
        if (rank, pos, sentence) in chosen or length + len(sentence) > MAX_ANSWER_CHARS:
            continue
        if sentence.rstrip().endswith(":"):
            continue  # a list's lead-in adds nothing after the answer's first sentence
        chosen.append((rank, pos, sentence))
        length += len(sentence)
    chosen.sort()
    return " ".join(f"{_clip(sentence)} [{rank}]" for rank, _, sentence in chosen)


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
    """The lead-in's first sentence `[1]`, then one line per subsection: its first sentence
    (verbatim, clipped) with its own citation; subsections past `MAX_LIST_ITEMS` are named by
    heading under the parent section's `[1]`."""
    lead = units(str(candidates[0].fields.get("text", "")))
    lines = [f"{_clip(lead[0])} [1]"] if lead else []
    children = candidates[1 : items + 1]
    for rank, cand in enumerate(children[:MAX_LIST_ITEMS], start=2):
        first = units(str(cand.fields.get("text", "")))
        if first:
            lines.append(f"• {_clip(first[0], LIST_ITEM_CHARS)} [{rank}]")
    more = [_heading(c) for c in children[MAX_LIST_ITEMS:]]
    if more:
        lines.append(f"• Also: {'; '.join(more)}. [1]")
    return "\n".join(lines)


def _heading(cand: Candidate) -> str:
    return str(cand.fields.get("section", "")).rsplit(SECTION_SEPARATOR, 1)[-1]
