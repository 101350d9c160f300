"""A Whoosh query built from analysed concepts, never parsed from member text.

User text never reaches Whoosh's `QueryParser`: the query is built from `Term`/`Phrase` objects,
so `title:`, `*`, `AND`, quotes and brackets are just characters.
"""

from __future__ import annotations

from whoosh.query.compound import Or
from whoosh.query.positional import Phrase
from whoosh.query.qcore import NullQuery, Query
from whoosh.query.terms import Term

from index.options import SearchOptions
from index.question import CORRECTED_WEIGHT, Concept
from index.vocabulary import Vocabulary

#: Fields the Whoosh query searches. The document title is not searched (its counts feed IDF, from
#: `index.words`): every passage of a document shares it, so it ranks nothing and cost a third of
#: the matching time; the heading re-rank covers questions that name a section.
QUERY_FIELDS = ("heading", "body")
#: Query weight of a synonym and of a Porter variant, relative to the member's own word.
SYNONYM_WEIGHT = 0.6
VARIANT_WEIGHT = 0.8
#: Question words with IDF under this share of the index's largest IDF ("students", "new" in a
#: corpus where most passages say them) are left out of the query when the question has more
#: informative words: they match most passages, so scoring them costs the most and decides the
#: least. The coverage re-rank and abstention still count them. A question phrased as a command
#: or a title ("list address groups", `question.command_like`) keeps them: it names a thing in
#: few words, and in a large corpus of similar documents the common ones tell them apart. Only
#: when it has at most `COMMON_KEPT_UNDER` informative words and none the index lacks (such a
#: question is most often abstained on, and searching common words for it only costs): more
#: informative words say enough, and every common
#: word searched costs (known-item bench: keeping them always doubled p50 for +0.003 hit@5).
COMMON_KEPT_UNDER = 2
LOW_INFORMATION = 0.25


def build_query(
    concepts: list[Concept],
    vocab: Vocabulary,
    options: SearchOptions,
    *,
    keep_common: bool = False,
) -> Query:
    """A Whoosh query object built only from analysed terms (never parsed from user text);
    `keep_common` keeps the low-information words too."""
    parts: list[Query] = []
    informative = [c for c in concepts if c.known and c.weight >= LOW_INFORMATION * vocab.max_idf]
    if keep_common and len(informative) <= COMMON_KEPT_UNDER and all(c.known for c in concepts):
        informative = []
    for c in concepts:
        if not c.known or (informative and c not in informative):
            continue
        own_boost = CORRECTED_WEIGHT if c.corrected else 1.0
        for s in c.stems:
            parts.extend(Term(f, s, boost=own_boost) for f in QUERY_FIELDS)
        for v in c.variants:
            parts.extend(Term(f, v, boost=VARIANT_WEIGHT) for f in QUERY_FIELDS)
        if options.synonyms:
            # a phrase key ("more than one language") says what was meant more surely than a
            # single word does, so its expansions count like the member's own words
            boost = 1.0 if " " in c.word else SYNONYM_WEIGHT
            for exp in c.expansions:
                if not all(vocab.df(s) for s in exp):
                    continue
                if len(exp) == 1:
                    parts.extend(Term(f, exp[0], boost=boost) for f in QUERY_FIELDS)
                else:
                    parts.extend(
                        Phrase(f, list(exp), slop=1, boost=boost) for f in ("heading", "body")
                    )
    if not parts:
        return NullQuery
    query = Or(parts)
    # Whoosh picks an array matcher for indexes under 5,000 passages that zero-fills a
    # 2,048-slot array per query: on the seed corpus that was a third of the question time.
    query.matcher_type = Or.DEFAULT_MATCHER
    return query
