"""Compose the extractive answer and the highlighted passages from ranked candidates.

The answer is one to three sentences copied from the top passages, each followed by `[n]`, the rank
of the passage it came from. Sentences are chosen by the IDF weight of the question's concepts they
contain, with a preference for higher-ranked passages. When the best passages match the question
only in their title or headings (a question that names a section), their opening sentences are the
answer. Highlights mark matched words with `**bold**`; a passage with no matched word in its text
falls back to its first sentences.
"""

from __future__ import annotations

from functools import lru_cache

from index.analysis import stem, word_spans
from index.chunking import split_sentences
from index.models import Hit, Passage
from index.search import Candidate, Concept, text_stems

MAX_ANSWER_SENTENCES = 3
MAX_ANSWER_CHARS = 480
FALLBACK_CHARS = 300
#: Preference for sentences from higher-ranked passages (rank 1, 2, 3).
RANK_PRIOR = (1.0, 0.75, 0.6)


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

    Sentences score by the IDF weight of the concepts they contain, times a rank prior. A passage
    that matched only in its title or headings offers its opening sentence, scored by what its
    headings matched. The best sentence of the top passage always comes first, so `[1]` is cited.
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
            for pos, sentence in enumerate(sentences):
                found = text_stems(sentence)
                score = sum(w for alts, w in weights if alts & found)
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
    return _clip(" ".join(picked), limit + 100)


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
