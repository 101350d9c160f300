"""Text analysis shared by indexing and querying, so both sides see the same terms.

`stem_analyzer` (words → lower case → accents folded → stop words dropped → Porter stems) feeds the
scored fields; `plain_analyzer` (no stemming, no stop words) feeds the spelling field, whose
vocabulary the spelling corrector checks against. `QUESTION_WORDS` are words members use to *ask*
("what", "tell me", "explain") that say nothing about the topic: they are dropped from questions
only, never from documents.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import cast

from whoosh.analysis.analyzers import Analyzer
from whoosh.analysis.filters import CharsetFilter, LowercaseFilter, StopFilter
from whoosh.analysis.morph import StemFilter
from whoosh.analysis.tokenizers import RegexTokenizer
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

#: Words so common in any English text that they never decide relevance.
STOP_WORDS = frozenset(
    """a an and are as at be by can for from have if in is it its may not of on or that the this
    to us we will with yet you your our ours s t d ll re ve m i me my they them their there these
    those was were been being has had do does did so than then into out also such""".split()
)

#: Words that shape a question rather than name its topic (dropped from questions only).
QUESTION_WORDS = frozenset(
    """what whats which who whom whose how why where when whereabouts tell explain describe
    please know want wanted wonder wondering find show give list say says said mean means meaning
    about any anything something some someone somebody would could should shall might must get
    getting got need needs like just really actually exactly kind sort type thing things there
    here hi hello hey thanks thank bot question questions answer ask asking much many lot lots
    else other others one ones way ways again still ever does doing done go going cant wat wht
    whta wut wot hw pls plz u ur""".split()
)

#: Everyday English verbs, adjectives and adverbs that rarely name a topic ("big", "happen",
#: "trying", "already"). When a question uses one that the index has never seen, it is not held
#: against the question (it is not a missing topic, just phrasing); when the index does contain
#: it, it is searched like any other word.
GENERIC_WORDS = frozenset(
    """able add added adding allow almost already always another anyone anyway around back bad
    basically become becomes becoming begin beginning begins best better big bigger biggest bring
    call called came care cares caring change come comes coming consider could currently day days
    different do
    does easy enough especially even every everyone everything exist exists fast faster feel fine
    first following for found free full fully generally give given gives giving go goes going
    gone good great happen happened happening happens hard help helps high important include
    included includes involve involved keep kept kind large last late later least less let little
    long look looking looks lot made main make makes making matter maybe mostly move much need
    new next nice normal now often ok okay old only overall own part particular people person pick
    picked place point possible pretty probably put quick quickly quite rather real really right
    run same see seem seems set short should show similar since small so soon sort start started
    starts still stuff sure take taken takes taking talk than thing think thinking though thought
    through time today together try tries trying turn typical typically usual usually very via
    want way well whole why work works worth would wrong yes
    after afterwards ago ahead along also although am among anymore anywhere apart as aside away
    before behind below beside besides beyond both cannot certain certainly clear clearly
    completely despite each either elsewhere entire entirely etc exact few fewer further hardly
    hence however indeed instead just largely lately likely mainly meanwhile merely mine near
    nearly neither never nor nothing nowhere otherwise perhaps plenty rarely recent recently
    several simply somehow sometimes somewhat somewhere soon specific specifically too toward
    towards unless until upon whatever whenever wherever whether while within without yeah yet
    allowed ask asked bother bothered bring brought care cared check checked choose chose
    continue continued copy count counted counts decide decided deal expect expected fit follow
    hope hoped hopes hoping join keep leave left let lets mention mentioned miss missed note
    okay plan planned produce produced read reach send sent share stay stayed stays stop suppose
    supposed tell think told understand use used uses using wait wish wonder write writes
    writing written wrote future general basic major minor typical overall various
    more most favor favour favorable sit sits sat sitting spend spends spent struggle struggles
    struggling fix fixes fixed fixing track tracking actual actually anybody somebody everybody
    nobody stuff kinda sorta gonna wanna gotta guess mind ready regarding related relate
    relates related towards upcoming willing prefer prefers preferred slow slowly once finish
    finished finishing according altogether maximum minimum plain simple word words team teams
    teamed basically honestly literally pass passed passing propose proposed proposes
    overhaul overhauled overhauling redo redone revamp revamped deserve deserves deserved tie tied
    having walk walks walked listed matters mattered belong belongs handle handles handled treat
    treats treated imagine seek seeks shape shaped shapes push pushes pushed stand stands figure
    figured end ends ended wrap play plays played
    early earlier earliest hard harder hardest total totally huge tiny true false officially
    broad broadly deep deeply strong strongly weak complex normally initially finally eventually
    ultimately originally primarily truly seriously definitely absolutely obviously personally
    idea ideas mom moms dad dads folks guys bit piece side aspect aspects sense example examples
    detail details info summary overview gist basics statement statements table yardstick
    standpoint stance opinion opinions guidance advice tips information""".split()
)

#: What members ask a coalition bot about that documents like these often lack: money, contacts,
#: logistics, people and roles, figures, dates, sign-ups, and the usual off-topic asks. A word
#: here that the index has never seen is a strong sign the question is about something the
#: corpus does not cover; any other unknown word is more often just the member's phrasing
#: ("yardstick", "grandkids"), so it counts less (see `index.search.UNKNOWN_WEIGHT`).
ASK_TOPIC_WORDS = frozenset(
    """money cost costs price prices pricing fee fees dues pay paid payment payments pays salary
    salaries wage wages stipend stipends budget budgets funding funds fund funded funder funders
    donate donating donation donations donor donors grant grants scholarship scholarships
    reimburse reimbursed reimbursement mileage tax taxes deductible expense expenses compensation
    compensated honorarium invoice tuition afford affordable sponsor sponsors sponsorship
    email emails phone phones telephone address addresses website url contact contacts office
    offices mailing instagram facebook twitter linkedin tiktok youtube newsletter unsubscribe
    subscribe password login account username discord
    parking park location located venue room building directions map zoom webex microsoft
    dress code lunch breakfast dinner food snacks menu menus childcare interpreter wifi hotel
    lodging calendar agenda minutes recording recordings slides livestream
    director directors president chair chairs chairman chairperson chairwoman secretary
    treasurer founder founders founded staff staffer employee employees ceo governor senator
    senators legislator legislators mayor name names candidate candidates election elections
    vote votes voting endorse endorsed endorsement hire hired hiring
    percentage percent rate rates score scores statistic statistics stats average ranking
    ranked rank enrollment enrolled
    deadline deadlines date dates tomorrow tonight weekend week weeks season semester fall
    spring summer winter morning afternoon evening hour hours oclock
    register registration signup cohort cohorts canceled cancelled postponed rescheduled
    weather rain snow snowstorm forecast temperature sports football basketball baseball soccer
    game games championship recipe pizza restaurant movie music stock stocks capital
    vouchers voucher license licenses licensure certification reciprocity fafsa accreditation
    transcript transcripts""".split()
)

#: New Mexico places members name as context ("I teach in Las Cruces"): not a topic the corpus
#: lacks when the index has never seen them.
PLACE_WORDS = frozenset(
    """las cruces santa fe gallup farmington roswell taos rio rancho hobbs clovis carlsbad
    alamogordo los alamos silver city espanola deming grants socorro raton tucumcari artesia
    lovington portales belen lunas shiprock zuni acoma crownpoint ruidoso truth consequences
    bernalillo moriarty chama aztec bloomfield anthony sunland corrales placitas""".split()
)

_WORD_PATTERN = r"\w+"

#: Small numbers a member types as digits are searched as words, so "year 2" finds "Year-Two".
#: Questions only: documents' digits are mostly dates ("July 1"), which must not become "one".
NUMBER_WORDS = {
    str(n): w for n, w in enumerate("zero one two three four five six seven eight nine ten".split())
}


@lru_cache(maxsize=1)
def stem_analyzer() -> Analyzer:
    """The analyzer of the scored fields (title, heading, body) and of query terms."""
    return (
        RegexTokenizer(_WORD_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=2)
        | StemFilter(stemfn=porter_stem, cachesize=50_000)  # type: ignore[no-untyped-call]
    )


@lru_cache(maxsize=1)
def plain_analyzer() -> Analyzer:
    """Lower-cased, accent-folded words with no stemming: the spelling vocabulary."""
    return RegexTokenizer(_WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


_WORD = re.compile(_WORD_PATTERN)
#: Whoosh types `accent_map` loosely; it is a `str.translate` table keyed by code point.
_FOLD = cast("dict[int, str]", accent_map)


def words(text: str) -> list[str]:
    """Lower-cased, accent-folded words of `text`, in order, nothing dropped.

    The same tokens as `plain_analyzer`, computed with one regex pass: this runs on every
    question and every quoted passage, where the analyzer chain's per-token overhead shows.
    """
    return [m.group().lower().translate(_FOLD) for m in _WORD.finditer(text)]


@lru_cache(maxsize=4096)
def word_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, folded word) for each word of `text`, for highlighting (cached: the same
    passages are quoted for many questions)."""
    return tuple(
        (m.start(), m.end(), m.group().lower().translate(_FOLD)) for m in _WORD.finditer(text)
    )


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The index term of one plain word (Porter stem), or "" for a stop word."""
    if word in STOP_WORDS or len(word) < 2:
        return ""
    return str(porter_stem(word))  # type: ignore[no-untyped-call]


def stems(text: str) -> list[str]:
    """Index terms of `text` in order (stop words dropped)."""
    return [t.text for t in stem_analyzer()(text)]
