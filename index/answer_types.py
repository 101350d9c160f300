"""Does any passage hold the *kind* of fact the question asks for?

Some questions ask for a fact that a passage either states or does not: a count ("how many schools
are in the Innovation Zone?"), an amount, a sum of money ("how much does it cost?", "what is the
stipend?": a currency figure or "free"/"unpaid"), a length of time ("how long does a ban last?",
"within what time…"), a limit ("what is the maximum…?"), a clock time, a year, a date, how often
something happens, the name of a particular school, a particular person ("who chairs it?", "who is
the volunteer coordinator?", "who is on the council?"), where a meeting is held (for an in-person
meeting or a city, not the online call), the platform calls or votes are held on, a release number,
a grade point average, a phone number, an email or postal address, sizes, a page or word limit, a
quorum, how quickly something happens, a tally of what happened ("how many applied?", which a limit
such as "up to 25 members" does not give), or whether a role is paid (words about pay). A question
that names a release ("Godot 4.4"), a numbered round ("Wave 7") or a year needs a passage that
names it. A passage can match every word of such a question (it names the zone, the site visit, the
schools) and still not answer it. When none of the passages an answer would be built from holds
that kind of fact, the search abstains rather than quote them.

The checks are deliberately narrow, so that they refuse only what they are sure of: "when" counts
only at the start of a sentence and before "is/was/will/does…" ("... when schools change" and "when
should I apply" ask for no date), a count must stand just before a word the question is about, and
a named school must be a capitalised name other than the document's own title ("New Mexico High
School Transformation Coalition" names no high school). A person counts only with the company names
keep (a title, a middle initial, a by-line, a role after it), because two capitalised words are as
often a heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.analysis import NUMBER_WORDS, STOP_WORDS, stem, text_stems, word_spans
from index.lexicon import shipped

#: "What time does it start?" asks for a clock time; "within what time…" for a length of time.
_ASKS_TIME = re.compile(r"(?<!within )\b(what|which) (time|hour)\b(?!\s*zones?\b)", re.IGNORECASE)
#: "What time zone …": a zone as passages name one.
_ASKS_ZONE = re.compile(r"\b(?:what|which)\s+time\s*zones?\b", re.IGNORECASE)
_ZONE = re.compile(
    r"(?-i:\b(?:UTC|GMT|CET|CEST|EET|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|IST|JST|AEST|AoE|"
    r"ET|PT|CT|MT)\b)|\btime\s*zones?\b|\b(?:Eastern|Central|Mountain|Pacific|European|Greenwich)"
    r"(?:\s+(?:Standard|Daylight|Summer))?\s+Time\b|\banywhere on earth\b",
    re.IGNORECASE,
)
_ASKS_YEAR = re.compile(
    r"\b(what|which) year\b|\bwhen (was|were|did)\b.*\b(found|establish|creat|start|form)",
    re.IGNORECASE,
)
#: "when is/was/will/does …" at the start of a sentence asks for a date, and so does any question
#: about a deadline; "when should I …", "when can …" ask for a condition, and "… when schools
#: change" for nothing.
_ASKS_DATE = re.compile(
    r"(?:^|[.?!:;]\s*)when(?:'s|\s+(?:is|are|was|were|will|does|do|did))\b"
    r"(?!\s+it\s+(?:ok|okay|fine|alright|acceptable|appropriate|allowed|possible|necessary|"
    r"better|best|worth|a good idea)\b)"
    r"|\b(?:what|which) (?:date|day|month|week|season|semester)s?\b|\bdeadlines?\b|\bdue dates?\b",
    re.IGNORECASE,
)
_ASKS_COUNT = re.compile(r"\bhow many\s+(.*)", re.IGNORECASE)
#: "Who leads/chairs/founded/signed …", "who was picked as …", "who is the director …" at the
#: start of a sentence ask for a particular person; "who can apply", "who sits on it", "who did
#: they partner with" ask for kinds of people or organisations, and are not checked.
_ASKS_PERSON = re.compile(
    r"(?:^|[.?!:;]\s*|\band\s+)(?:(?:hey|so|ok|okay|but)\s+)?who(?:'s|\s+is|\s+was|\s+are|\s+were)?"
    r"\s+(?:(?:actually|currently|really|now|finally|then)\s+)?(?:"
    r"(?:leads?|led|chairs?|chaired|heads?|headed|runs?|ran|directs?|directed|founded|started|"
    r"signed|wrote|authored|reviews?|reviewed|picks?|picked|selects?|selected|chooses|chose|"
    r"appoints?|appointed|hired|won|wins)\b"
    r"|(?:was|were|got|ended up)\s+(?:being\s+)?(?:[a-z]+ly\s+)?(?:picked|chosen|selected|hired|"
    r"named|appointed)\b"
    r"|did\s+(?:[\w'’-]+\s+){1,4}?(?:(?:end up|finally|eventually|ultimately)\s+)?(?:hire|hiring|"
    r"pick|picking|choose|choosing|select|selecting|appoint|appointing|elect|electing)\b"
    r"|(?:the|their|its|our|[\w-]+['’]s)\s+(?:(?:current|new|next|executive|board)\s+)*"
    r"(?:[\w'’-]+\s+){0,3}?"
    r"(?:director|president|chair|chairperson|founder|ceo|superintendent|leader|head|"
    r"coordinator|administrator|manager|organi[sz]er|secretary|treasurer|liaison|maintainer|"
    r"officer|moderator|editor|facilitator|spokesperson)s?\b"
    r"|(?:the\s+)?(?:current\s+)?members\s+of\b"
    r"|(?:(?:sits?|serves?|sitting|serving)\s+)?on\s+the\s+(?:[\w'’-]+\s+){0,4}?"
    r"(?:committee|team|council|board)\b)"
    r"|(?:,\s*|\band\s+)who\s+(?:are|is)\s+(?:they|it)\b"
    r"|\bnames?\s+of\s+(?:the|their|its|our)\s+(?:[\w'’-]+\s+){0,3}?(?:director|president|chair|"
    r"chairperson|founder|ceo|superintendent|leader|head|coordinator|administrator|manager|"
    r"secretary|treasurer)s?\b",
    re.IGNORECASE,
)
#: "Where is/are … held/located", "where will … meet" ask for a place.
_ASKS_PLACE = re.compile(
    r"(?:^|[.?!:;]\s*)where\b(?:(?!\bwhere\b).)*?\b(?:held|located|hosted|take place|"
    r"taking place|meet|meets|meeting|venue|location)\b"
    r"|\b(?:in\s+)?(?:what|which)\s+(?:city|town|venue|building)\b",
    re.IGNORECASE,
)
#: "Where are the in-person meetings held?", "in which city?" are not answered by the online one.
_IN_PERSON = re.compile(
    r"\bin[\s-]person\b|\bface[\s-]to[\s-]face\b|\b(?:city|town)\b", re.IGNORECASE
)
_ONLINE = re.compile(r"\b(?:online|virtual|virtually|zoom|webex|remote|remotely)\b", re.IGNORECASE)
_ASKS_AMOUNT = re.compile(r"\bhow much\b", re.IGNORECASE)
#: "Which video platform do the calls use?", "what chat app is the team on?": a product a passage
#: names, when the question is about talking or meeting (a "which tool" question may ask for
#: anything).
_ASKS_PLATFORM = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,3}?(?:platforms?|apps?|software|tools?)\b",
    re.IGNORECASE,
)
_TALKING = re.compile(
    r"\b(?:video|calls?|meetings?|meet|chats?|conferenc\w*|messag\w*|(?:live)?stream\w*|"
    r"webinars?|communicat\w*|talk|talks|sync|standups?|hangouts?|polls?|votes?|voting|ballots?|"
    r"elections?|surveys?)\b",
    re.IGNORECASE,
)
_PLATFORM = re.compile(
    r"(?-i:\b(?:Zoom|Jitsi|Meet|Teams|Webex|Discord|Slack|Zulip|Matrix|Element|IRC|"
    r"GoToMeeting|BigBlueButton|Big Blue Button|Gather|YouTube|Twitch|Mattermost|Gitter|Telegram|"
    r"WhatsApp|Signal|Skype|Hangouts|Discourse|Whereby|Hopin|Airmeet|Crowdcast|Vimeo|StreamYard|"
    r"Mumble|Rocket\.Chat|Keybase|Libera|OFTC|Google Groups|Groups\.io|Mailman|Helios|CIVS|"
    r"OpaVote|ElectionBuddy|Belenios|Google Forms|SurveyMonkey|Typeform|Doodle|Loomio|"
    r"LimeSurvey|Qualtrics|Condorcet Internet Voting Service)\b)"
    r"|\b(?:mailing lists?|phone calls?|conference calls?|dial-in)\b",
    re.IGNORECASE,
)
#: A release a question names ("Godot 4.4", "version 2.1"): a passage must name it too.
_VERSION = re.compile(
    r"(?:\b[Vv]ersion\s+|\b[Rr]elease\s+|\bv|\b(?!(?:Is|Are|Was|Were|Do|Does|Did|Can|Will|Would|"
    r"Should|Could|If|And|Or|But|At|In|On|Of|To|For|With|By|From|Over|Under|About|A|An|The)\b)"
    r"[A-Z][a-z][\w+-]*\s+)(\d+\.\d+(?:\.\d+)*)\b"
)
#: Only a question asking for a fact about the release needs it named ("when did Godot 4.4 come
#: out?"); "is Godot 4.0 still supported?" may be answered by the support policy.
_WH_QUESTION = re.compile(r"^\W*(?:what|when|which|how|who|where)\b", re.IGNORECASE)
#: A numbered round of something ("Wave 7", "the 2nd cohort" is not one): a passage must name it.
_INSTANCE = re.compile(r"\b(wave|round|cohort|edition|cycle|batch|season)\s+(\d+)\b", re.IGNORECASE)
_GPA_FIGURE = re.compile(r"\b[0-4]\.\d{1,2}\b")
_ANY_VERSION = re.compile(r"(?<![\d.])\d+\.\d+(?:\.\d+)*(?![\d.]*\d)")
#: "What is the latest version?": a release number.
_ASKS_RELEASE = re.compile(
    r"\b(?:what|what's|whats|which)\s+(?:is\s+)?(?:the\s+)?(?:latest|current|newest|most recent)\s+"
    r"(?:version|release)\b",
    re.IGNORECASE,
)
#: "What GPA do I need?": a grade point average is a figure.
_ASKS_GPA = re.compile(r"\b(?:gpa|grade point average)s?\b", re.IGNORECASE)
#: "How quickly / how soon will they reply?": a length of time, a date, or words that say it.
_ASKS_SPEED = re.compile(r"\bhow (?:quickly|soon|fast|promptly)\b", re.IGNORECASE)
_PROMPTLY = re.compile(
    r"\b(?:promptly|immediately|as soon as|right away|without delay|at once|asap|swiftly|"
    r"within|timely|same day|next day|quickly|rapid\w*|urgen\w*)\b",
    re.IGNORECASE,
)
#: "What is the quorum?": a number, or a share of the members.
_ASKS_QUORUM = re.compile(
    r"\b(?:what|what's|whats|how many|how much)\b[^?]*\bquorums?\b", re.IGNORECASE
)
_SHARE = re.compile(r"\b(?:majority|half|third|thirds|quarter|percent|per cent)\b|%", re.IGNORECASE)
#: "How many people applied / voted / attended", "how many … so far / right now": a tally of
#: what happened or is so now, which a limit ("up to 25 members") does not give.
_ASKS_TALLY = re.compile(
    r"\bhow many\b.*\b(?P<verb>applied|voted|attended|registered|enrolled|joined|"
    r"participated|submitted|graduated|reported|received|mentored|signed up|took part|"
    r"showed up|turned up)\b"
    r"|\bhow many\b.*\b(?:so far|to date|right now|currently|at the moment|at present|"
    r"last year|this year)\b",
    re.IGNORECASE,
)
_LIMITED = re.compile(
    r"\b(?:up to|at most|no more than|not more than|a maximum of|maximum of|max(?:imum)?|"
    r"a minimum of|minimum of|min(?:imum)?|at least|fewer than|less than|more than|over|"
    r"between)\s+(?:\d+|[a-z]+)\b",
    re.IGNORECASE,
)
#: Contact details and sizes a passage spells out or does not: "what's the phone number",
#: "which email address", "what's their postal address", "what sizes do the shirts come in".
_ASKS_PHONE = re.compile(
    r"\b(?:phone|telephone|cell|mobile)\s*(?:number|no\b|#)|\bnumber (?:i|we) (?:can|could) call\b",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\b\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b"
)
_ASKS_EMAIL = re.compile(
    r"(?:^\W*|\b(?:what|what's|whats|which|where|is there|do you have|got|need|send|give)\b[^?]*)"
    r"\be-?mail\s+(?:address|addy)|\b(?:what|what's|whats|which)\s+(?:is\s+)?(?:the\s+|their\s+|"
    r"an?\s+)?e-?mail\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.\w|\b[\w.+-]+\s?[\[(]at[\])]\s?[\w-]+", re.IGNORECASE)
_ASKS_POSTAL = re.compile(
    r"\b(?:postal|mailing|street|physical|snail[- ]mail)\s+address\b", re.IGNORECASE
)
_POSTAL = re.compile(
    r"(?-i:\b\d+\s+(?:[A-Z][\w.]*\s+){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|"
    r"Drive|Way|Lane|Ln|Strasse|Straße|Platz)\b)|\bP\.?\s?O\.?\s+Box\b|\b\d{5}(?:-\d{4})?\b",
    re.IGNORECASE,
)
_ASKS_SIZES = re.compile(r"\b(?:what|which)\s+sizes?\b", re.IGNORECASE)
_SIZES = re.compile(
    r"(?-i:\b(?:XXS|XS|S|M|L|XL|XXL|XXXL|[2-5]XL)\b)|\b(?:small|medium|large|unisex|fitted)\b",
    re.IGNORECASE,
)
#: "What's the page limit / word count", "how long can the proposal be": a length in pages or
#: words.
_ASKS_LENGTH_LIMIT = re.compile(
    r"\b(?:page|word|character)\s+(?:limit|count|maximum|max)\b"
    r"|\bhow long (?:can|should|must|may) (?:the|my|a|an|our) (?:proposal|application|essay|"
    r"statement|abstract|submission)\b",
    re.IGNORECASE,
)
#: "Are council members paid?", "do mentors get compensated?": whether a role is paid, which a
#: passage says in words about pay or not at all.
_ASKS_PAID = re.compile(
    r"(?:^|[.?!:;]\s*)(?:(?:so|but|and|ok|okay)\s+)?(?:are|is|do|does|will|would)\b[^.?!]*"
    r"\b(?:paid|compensated|salaried)\b"
    r"|\bget (?:a )?(?:stipend|salary|paycheck)\b",
    re.IGNORECASE,
)
_PAY_WORDS = re.compile(
    r"\b(?:paid|unpaid|pay|pays|compensat\w*|stipends?|honou?rari\w*|salar\w*|wages?|"
    r"voluntary|volunteer basis|reimburs\w*)\b",
    re.IGNORECASE,
)
#: Number words that count units ("two-year term", "twelve weeks").
_COUNTING_WORDS = frozenset(NUMBER_WORDS.values()) - {"zero"} | frozenset(
    "eleven twelve fifteen twenty thirty forty fifty".split()
)
_LENGTH = re.compile(
    rf"\b(?:\d+|{'|'.join(sorted(_COUNTING_WORDS))})[\s-]+(?:pages?|words?|characters?)\b",
    re.IGNORECASE,
)
#: "How much does it cost / will I be paid", "what is the fee / per diem": a sum of money.
_ASKS_MONEY = re.compile(
    r"\bhow much\b.*\b(?:costs?|charges?|pay|pays|paid|money|fees?|price|prices|spend|spent|"
    r"earn|earns|funding|reimburse\w*|dollars?|stipends?|honorari\w*|salary|salaries|budget)\b"
    r"|\b(?:what|what's|whats)\s+(?!(?:should|can|could|would|will|do|does|did|must|might)\b)"
    r"(?:is|are|'s)?\s*(?:the|a|an|my|our|their)?\s*(?:[\w'’-]+\s+){0,3}?"
    r"(?:cost|price|fee|fees|salary|stipend|per diem|rate of pay|pay rate|honorarium|budget|"
    r"dollars?|(?:hourly|daily|day)\s+rates?|wages?)\b",
    re.IGNORECASE,
)
#: "How long does a ban last / is the term / do I need to…" asks for a length of time.
_ASKS_DURATION = re.compile(
    r"\bhow long\s+(?:does|do|did|will|would|is|are|was|were|can|should|must|has|have)\b"
    r"|\bwithin (?:what|which) (?:time|period|timeframe)\b",
    re.IGNORECASE,
)
#: A length of time: a number or "a/one" before a unit ("two-year term", "3 months", "a week"),
#: or words that say it has none ("permanent", "indefinitely", "until …").
_DURATION = re.compile(
    rf"\b(?:\d+|a|an|several|few|{'|'.join(sorted(_COUNTING_WORDS))})[\s-]+"
    r"(?:full\s+|calendar\s+|business\s+)?"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|semesters?|quarters?)\b"
    r"|\b(?:permanent(?:ly)?|indefinite(?:ly)?|until|annual(?:ly)?|day-long|half-day|overnight)\b",
    re.IGNORECASE,
)
#: "How often do they meet?": a frequency ("monthly", "every two weeks", "twice a year").
_ASKS_FREQUENCY = re.compile(r"\bhow (?:often|frequently)\b", re.IGNORECASE)
_FREQUENCY = re.compile(
    r"\b(?:daily|weekly|fortnightly|monthly|yearly|annual(?:ly)?|quarterly|bi-?weekly|"
    r"bi-?monthly|bi-?annual(?:ly)?|semi-?annual(?:ly)?|every|each\s+(?:day|week|month|year|"
    r"quarter|semester|term)|once|twice|thrice|times\s+(?:a|per|each)|per\s+(?:day|week|month|"
    r"year|quarter)|a\s+(?:day|week|month|year)|regular(?:ly)?|ongoing|as needed|whenever|"
    r"(?:after|before|at|with)\s+(?:each|every))\b",
    re.IGNORECASE,
)
#: "What is the maximum / minimum / limit …", "how old must I be": a figure.
_ASKS_LIMIT = re.compile(
    r"\b(?:what|what's|whats|is there)\s+(?:is\s+|are\s+)?(?:the\s+|a\s+|an\s+)?"
    r"(?:maximum|minimum|max|min|upper limit|lower limit|age limit|size limit|cap|most|least)\b"
    r"|\bhow (?:old|young)\b",
    re.IGNORECASE,
)
#: A sum of money as passages write one, or a statement that something costs nothing.
_MONEY = re.compile(
    r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:k\b|dollars?\b|usd\b|eur\b|euros?\b|cents?\b|gbp\b)"
    r"|\b(?:usd|eur|gbp)\s?\d"
    r"|\b(?:free of charge|at no cost|no cost|no charge|no fee|is free|are free|for free|"
    r"costs? nothing|unpaid|not paid|volunteer position)\b",
    re.IGNORECASE,
)
#: "which (innovative) high school", "what school district": the head word and the capitalised
#: endings a name of that kind has.
_NAMED_KINDS = {
    "high school": r"High Schools?",
    "school": r"(?:High |Middle |Elementary )?Schools?|Academy",
    "district": r"District|Public Schools",
    "university": r"University",
    "college": r"College",
    "foundation": r"Foundation",
    "pueblo": r"Pueblo",
}
_ASKS_NAMED = re.compile(
    r"\b(?:which|what)\s+((?:[\w-]+\s+){0,2}?)(high school|school|district|universit|college|"
    r"foundation|pueblo)",
    re.IGNORECASE,
)
#: Words that show "which/what ..." is not followed by the noun it asks about ("what do they want
#: high schools to offer", "what the High School Transformation Coalition is").
_NOT_A_MODIFIER = STOP_WORDS | frozenset(
    "do does did is are was were will would can could should they he she you i we there".split()
)

_MONTHS = "january february march april may june july august september october november december"
_CLOCK = re.compile(r"\b\d{1,2}(:\d\d)?\s?([ap]\.?m\b\.?)|\bnoon\b|\bo.clock\b", re.IGNORECASE)
_YEAR_PATTERN = r"(?:1[6-9]|20)\d\d"
_MONTH_PATTERN = "|".join(_MONTHS.split())
_YEAR = re.compile(rf"\b{_YEAR_PATTERN}\b")
_DATE = re.compile(
    rf"\b(?:{_MONTH_PATTERN}|monday|tuesday|wednesday|thursday|friday|saturday|"
    rf"sunday|spring|summer|fall|autumn|winter|{_YEAR_PATTERN})\b|\b\d{{1,2}}/\d{{1,2}}\b",
    re.IGNORECASE,
)
#: Dates and years are not counts ("June 30, 2023" answers no "how many").
_DATE_OR_YEAR = re.compile(
    rf"\b(?:{_MONTH_PATTERN})\s+\d{{1,2}}\b|\b{_YEAR_PATTERN}\b", re.IGNORECASE
)
_NUMBER_WORDS = _COUNTING_WORDS | frozenset(
    "hundred hundreds thousand thousands dozen dozens half once twice both".split()
)
#: "How many people/ppl…" counts whoever the passages count: members, seats, representatives,
#: and the roles documents name people by ("a committee of 3+ stewards", "two judges").
_PEOPLE = frozenset("people ppl persons folks individuals".split())
_PERSON_COUNTS = frozenset(
    stem(w)
    for w in """people members individuals participants seats representatives delegates
    volunteers stewards mentors judges maintainers reviewers organizers organisers speakers
    attendees staff officers directors trustees moderators panelists chairs leaders helpers
    workers""".split()
    # not "person": "two in-person meetings" counts meetings
)
#: How many words (stop words aside) before the counted word a number may stand ("two in-person
#: half-day meetings").
_COUNT_REACH = 5


@dataclass(frozen=True, slots=True)
class Source:
    """What the checks read of one passage."""

    title: str
    section: str
    text: str

    @property
    def full(self) -> str:
        return self.section + "\n" + self.text


def answer_type_present(
    question: str, sources: list[Source], counted: frozenset[str] = frozenset()
) -> bool:
    """False when the question asks for a kind of fact that none of `sources` holds. `counted`
    holds the index stems of what the question is about (its words and their synonyms): a count
    must stand before one of them, and a time, year, date, length, limit or sum must stand in a
    sentence that uses one (`_about`). A question that names a year ("the 2027 cohort") needs a
    passage that names it too."""
    years = set(_YEAR.findall(question))
    if years and not any(set(_YEAR.findall(s.full)) >= years for s in sources):
        return False
    counted = counted | years  # "for 2026, $60,000 was allocated" is about the 2026 fund
    versions = set(_VERSION.findall(question)) if _WH_QUESTION.search(question) else set()
    rounds = _INSTANCE.findall(question)
    if rounds and not any(_names_rounds(s.full, rounds) for s in sources):
        return False
    if versions and not any(set(_ANY_VERSION.findall(s.full)) >= versions for s in sources):
        return False
    if _ASKS_ZONE.search(question):  # before the date: "what time zone is the deadline in?"
        return any(_ZONE.search(s.full) for s in sources)
    if _ASKS_TIME.search(question):
        return _about(sources, counted, lambda t: _CLOCK.search(t) is not None)
    if _ASKS_YEAR.search(question):
        return _about(sources, counted, lambda t: _YEAR.search(t) is not None)
    if _ASKS_DATE.search(question.strip()):
        # "when are pull requests stale?", "what is the deadline?": a date, or a time relative
        # to something ("after 30 days", "six weeks before the event")
        if _ASKS_DEADLINE.search(question) and _WH_QUESTION.search(question):
            return _about(sources, counted, _a_deadline)
        return _about(sources, counted, _dated)
    named = _ASKS_NAMED.search(question)
    if named and not any(w.lower() in _NOT_A_MODIFIER for w in named.group(1).split()):
        kind = named.group(2).lower()
        kind = "university" if kind.startswith("universit") else kind
        return any(_names_one(s, _NAMED_KINDS[kind]) for s in sources)
    if _ASKS_PERSON.search(question.strip()):
        return any(_names_a_person(s) for s in sources)
    if _ASKS_PLACE.search(question.strip()):
        in_person = _IN_PERSON.search(question) is not None
        return any(_names_a_place(s.text, in_person=in_person) for s in sources)
    if _ASKS_PLATFORM.search(question) and _TALKING.search(question):
        return any(_PLATFORM.search(s.full) for s in sources)
    for asks, holds in _SPELLED_OUT:
        if asks.search(question.strip()):
            return any(holds.search(s.full) for s in sources)
    if _ASKS_FREQUENCY.search(question):
        return _about(sources, counted, lambda t: _FREQUENCY.search(t) is not None)
    if _ASKS_DURATION.search(question):
        return _about(sources, counted, lambda t: _DURATION.search(t) is not None)
    if _ASKS_RELEASE.search(question):
        return any(_ANY_VERSION.search(s.full) for s in sources)
    if _ASKS_GPA.search(question) and _WH_QUESTION.search(question):
        return _about(sources, counted, lambda t: _GPA_FIGURE.search(t) is not None)
    if _ASKS_SPEED.search(question):
        return _about(sources, counted, lambda t: _dated(t) or _PROMPTLY.search(t) is not None)
    if _ASKS_QUORUM.search(question):
        return _about(sources, counted, lambda t: _numbers(t) or _SHARE.search(t) is not None)
    if _ASKS_LIMIT.search(question):
        return _about(sources, counted, _numbers)
    if _ASKS_MONEY.search(question):
        return _about(sources, counted, lambda t: _MONEY.search(t) is not None)
    count = _ASKS_COUNT.search(question)
    if count:
        counted_words = count.group(1).split()
        head = _count_head(counted_words)
        people = bool(counted_words) and counted_words[0].lower().strip("?,.!") in _PEOPLE
        if people or head & _PERSON_COUNTS:  # "how many helpers" is answered by "40 volunteers"
            head = head | _PERSON_COUNTS
        # the document's own subject ("stewards" on the stewards' page) counts only when it is
        # what the question counts: "how many complaints have the stewards handled?" is not
        # answered by "a committee of three stewards"
        if not head and any(_LIST_ITEMS.search(s.text) for s in sources):
            return True  # "how many are there?" is answered by a list of them
        tally = _ASKS_TALLY.search(question)
        if tally:
            return any(_tallies(s, _count_focus(s, counted, head), tally["verb"]) for s in sources)
        return any(_counts(s.full, _count_focus(s, counted, head)) for s in sources)
    if _ASKS_AMOUNT.search(question):
        return _about(sources, counted, _numbers)
    return True


#: Facts a passage spells out in a shape of their own, anywhere in it: (what asks, what holds it).
_SPELLED_OUT = (
    (_ASKS_PHONE, _PHONE),
    (_ASKS_EMAIL, _EMAIL),
    (_ASKS_POSTAL, _POSTAL),
    (_ASKS_SIZES, _SIZES),
    (_ASKS_LENGTH_LIMIT, _LENGTH),
    (_ASKS_PAID, re.compile(f"{_PAY_WORDS.pattern}|{_MONEY.pattern}", re.IGNORECASE)),
)


#: Where one sentence of a passage ends and the next begins (list items are lines).
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
#: Stems of the words that name the kind of fact asked for ("how much does it *cost*"): they
#: say what is wanted, not what it is about.
_KIND_WORDS = frozenset(
    stem(w)
    for w in """much many long cost costs price fee fees pay paid time date day year years old
    maximum minimum limit rate amount""".split()
)


def _about(sources: list[Source], about: frozenset[str], holds: Callable[[str], bool]) -> bool:
    """Some passage holds the fact (`holds`) in a sentence about the question's subject: one
    that uses one of the stems in `about` other than the passage's title words (which every
    passage of the document shares) and the asking words, or in any sentence of a passage whose
    own heading does. "How much does a Chi Hack Night membership cost?" is not answered by a
    speaker fee elsewhere on the page. With no such stems, any sentence will do."""
    for source in sources:
        title = text_stems(source.title)
        focus = about - title - _KIND_WORDS
        if not focus:
            if holds(source.full):
                return True
            continue
        heading = text_stems(source.section) - title
        if heading & focus:
            if holds(source.full):
                return True
            continue
        for sentence in _SENTENCE_END.split(source.text):
            if holds(sentence) and not focus.isdisjoint(text_stems(sentence)):
                return True
    return False


#: "What / when is the deadline?" asks for a date something must happen by, not the dates of a
#: term ("from April 2023 through June 2024", "a one-year term").
_ASKS_DEADLINE = re.compile(r"\b(?:deadlines?|due dates?|last day)\b", re.IGNORECASE)
_DEADLINE_CUE = re.compile(
    r"\b(?:by|before|deadlines?|due|no later than|until|till|close[sd]?|closing|prior to|"
    r"last day|within|after|open for|accepted|ahead|in advance)\b",
    re.IGNORECASE,
)


def _a_deadline(text: str) -> bool:
    return _dated(text) and _DEADLINE_CUE.search(text) is not None


def _names_rounds(text: str, rounds: list[tuple[str, str]]) -> bool:
    """The passage names each numbered round: its word and its number, also apart (a table of
    waves has a "Wave No." column and a row "3")."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    numbers = set(re.findall(r"(?<![\d.,])\d+(?![\d.,]\d)", text))
    return all((w.lower() in words or w.lower() + "s" in words) and n in numbers for w, n in rounds)


def _dated(text: str) -> bool:
    """A date, or a length of time (a deadline is often "six weeks before the event")."""
    return _DATE.search(text) is not None or _DURATION.search(text) is not None


def _names_one(source: Source, ending: str) -> bool:
    """A capitalised name ending in `ending` ("Manzano High School") outside the title, also
    when the title is shortened ("The High School Transformation Coalition" names no school)."""
    text = source.full
    words = source.title.split()
    for k in range(len(words), 1, -1):  # the title, then its ever shorter endings
        text = text.replace(" ".join(words[-k:]), " ")
    pattern = r"\b((?:[A-Z][\w'.-]*\s+){1,5})(?:" + ending + r")\b"
    return any(
        any(w.lower() not in _NOT_A_NAME for w in m.group(1).split())
        for m in re.finditer(pattern, text)
    )


#: Capitalised words that begin a sentence, not a name ("The High School…", "Our School…").
_NOT_A_NAME = frozenset("the this that our their its a an each every all any some".split())


#: Capitalised words that make a name an organisation's, a heading's or a date's, not a person's.
_NOT_PERSON_WORDS = frozenset(
    """academy administration agency alliance america american articles association board
    business center centre city coalition college committee community company council county
    department development district division education educational first focus foundation
    group high initiative institute journal learning membership mexico middle mission nation
    national nations native network new news office our outcomes partnership pathways program
    project public pueblo recent report school schools service services society solutions state
    states team the this times transformation tribal union united university values vision
    workforce year zone""".split()
)
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_FULL_NAME = rf"(?P<first>{_NAME})\s+(?:[A-Z]\.\s+)?(?P<last>{_NAME})"
#: A person's name shows itself by its company: a title before it, a middle initial, a by-line,
#: a role or a verb after it. Two capitalised words alone are as often a heading ("Collective
#: Impact", "Administrative Leave").
_PERSON = (
    re.compile(rf"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?\s+(?P<last>{_NAME})"),
    re.compile(rf"\b(?P<first>{_NAME})\s+[A-Z]\.\s+(?P<last>{_NAME})"),
    re.compile(
        rf"\b(?:[Bb]y|Governor|Senator|Superintendent|Director|"
        rf"President|Chair|Secretary|Mayor|Chief|Representative)\s+{_FULL_NAME}"
    ),
    re.compile(
        rf"\b{_FULL_NAME},?\s+(?:the\s+|our\s+|its\s+)?(?:[\w-]+\s+){{0,2}}?(?:director|"
        r"president|chair|chairperson|founder|ceo|superintendent|secretary|coordinator|manager|"
        r"officer|said|says|wrote|writes|leads|led|chairs|founded|signed)\b"
    ),
)
#: Two or more list items in a row.
_LIST_ITEMS = re.compile(r"^[ \t]*•.*\n[ \t]*•", re.MULTILINE)
#: A list item that is a name and nothing else (or a name, then a comma or a bracket).
_LISTED_NAME = re.compile(
    rf"^[ \t]*•[ \t]+{_NAME}(?:[ \t]+{_NAME})?[ \t]+(?P<last>{_NAME})[ \t]*(?:[,(].*)?$",
    re.MULTILINE,
)
#: What the place a meeting is held in looks like: a street address, a room, building or other
#: venue, an online meeting, or "held/meets … at/in" a named place.
_PLACE = re.compile(
    r"(?-i:\b\d+\s+(?:[A-Z][\w.]*\s+){1,3}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|"
    r"Drive|Way|Lane|Ln)\b)"
    r"|\b(?:room|suite|building|hall|campus|center|centre|library|office|offices|church|"
    r"auditorium|cafeteria|gym|classroom|headquarters|venue|online|virtual|virtually|zoom|webex)\b"
    r"|(?-i:\b(?:held|located|hosted|meets?|meeting)\b[^.]{0,40}?\b(?:at|in)\s+(?:the\s+)?[A-Z])",
    re.IGNORECASE,
)


def _names_a_place(text: str, *, in_person: bool) -> bool:
    """A place a meeting is held in (`_PLACE`); for an in-person meeting, one that is not the
    online call ("the virtual one-hour meeting" answers no "where are the in-person ones?")."""
    for match in _PLACE.finditer(text):
        if not (in_person and _ONLINE.fullmatch(match.group(0))):
            return True
    return False


def _names_a_person(source: Source) -> bool:
    """A person's name in the passage ("by Sal Christ", "Kari L. Jordan", "Dr. Ruiz"), not an
    organisation's or a place's words ("by Learning Alliance", "Director Santa Fe"), or a list
    of names (two or more list items that are each a name whose last word is no common English
    word: "• Donghee Na", not "• Code Review")."""
    text = source.text.replace(source.title, " ") if source.title else source.text
    common = shipped().common
    listed = 0
    for match in _LISTED_NAME.finditer(text):
        if match.group("last").lower() not in common | _NOT_PERSON_WORDS:
            listed += 1
            if listed >= 2:
                return True
    for pattern in _PERSON:
        for match in pattern.finditer(text):
            names = [n.lower() for n in match.groupdict().values() if n]
            if not any(n in _NOT_PERSON_WORDS or n in shipped().places for n in names):
                return True
    return False


def _count_focus(source: Source, counted: frozenset[str], head: frozenset[str]) -> frozenset[str]:
    """The stems a count in `source` must stand before: the question's own (less the title's
    and the asking words) and what it counts."""
    if not counted:
        return head
    return (counted - text_stems(source.title) - _KIND_WORDS) | head


def _count_head(words: list[str]) -> frozenset[str]:
    """Stems of what "how many …" counts: the words after it up to the first stop word
    ("how many *paid sick days* do contractors get")."""
    head: list[str] = []
    for raw in words[:4]:
        word = raw.lower().strip("?,.!;:")
        if not word or word in _NOT_A_MODIFIER:  # stop words and auxiliaries
            break
        head.append(stem(word))
    return frozenset(h for h in head if h)


def _counts(text: str, counted: frozenset[str]) -> bool:
    """A number shortly before a word the question is about ("up to 25 members"), or any
    number when no `counted` stems are known."""
    if not counted:
        return _numbers(text)
    words = [w for _, _, w in word_spans(_DATE_OR_YEAR.sub(" ", text)) if w not in STOP_WORDS]
    return any(
        stem(word) in counted and any(_is_number(w) for w in words[max(0, i - _COUNT_REACH) : i])
        for i, word in enumerate(words)
    )


def _tallies(source: Source, counted: frozenset[str], verb: str | None) -> bool:
    """A count (`_counts`) that is no limit, in a sentence that uses the tally's verb when the
    question has one ("how many applied?" is answered by "forty people applied", or "40
    applications", not by "up to 25 members")."""
    prefix = stem(verb.split()[0].lower()) if verb else ""
    for sentence in _SENTENCE_END.split(source.full):
        if prefix and not any(w.startswith(prefix) for w in text_stems(sentence)):
            continue
        if _counts(_LIMITED.sub(" ", sentence), counted):
            return True
    return False


def _numbers(text: str) -> bool:
    return any(_is_number(w) for _, _, w in word_spans(_DATE_OR_YEAR.sub(" ", text)))


def _is_number(word: str) -> bool:
    return word.isdigit() or word in _NUMBER_WORDS
