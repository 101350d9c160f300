"""Questions asking for a kind of fact (count, time, year, date, named school, a person, a meeting
place) need passages that hold one; other questions are never refused by these checks."""

from __future__ import annotations

import pytest

from index.analysis import stem
from index.answer_types import Source, answer_type_present

COALITION = "New Mexico High School Transformation Coalition"
SITE_VISIT = Source(
    COALITION,
    f"{COALITION} › Membership Expectations",
    "Attend two in-person half-day meetings and a day-long site visit to an innovative high "
    "school in New Mexico between April and June 2023.",
)
SIZE = Source(
    COALITION,
    f"{COALITION} › Member Qualifications",
    "The Coalition will include up to 25 members, representing key stakeholders.",
)
NAMED = Source("News", "News › Visit", "Members toured Manzano High School on May 3.")
LETTER = Source(
    "Home",
    "Home › News",
    "The Learning Alliance wrote to the Albuquerque Journal about choosing the next leader of "
    "Albuquerque Public Schools.",
)
BYLINE = Source("Home", "Home › News", "An article by Sal Christ in Albuquerque Business First.")
ROLE = Source("Guide", "Guide › Staff", "Maria Ortiz, our executive director, answers mail.")
ONLINE = Source("Guide", "Guide › Meetings", "Monthly meetings are held on Zoom.")


@pytest.mark.parametrize(
    ("question", "sources", "counted", "expected"),
    [
        # a clock time
        ("What time is the introductory meeting?", [SITE_VISIT], set(), False),
        ("what time does it start", [Source("t", "t", "Doors open at 9:30 a.m.")], set(), True),
        # a year
        ("What year was the alliance founded?", [SIZE], set(), False),
        ("When was the alliance founded?", [Source("t", "t", "Founded in 2011.")], set(), True),
        # a date, only for a sentence-initial "when"
        ("When is the application deadline?", [SIZE], set(), False),
        ("When are the in-person meetings?", [SITE_VISIT], set(), True),
        ("What's the deadline to apply?", [SIZE], set(), False),
        ("In which month is the election held?", [SIZE], set(), False),
        ("does it matter when schools change?", [SIZE], set(), True),
        ("when should a coroutine be decorated", [SIZE], set(), True),
        # or a time relative to something
        (
            "When are pull requests considered stale?",
            [Source("t", "t", "A pull request is stale after 30 days without activity.")],
            set(),
            True,
        ),
        # a named school, not the title's "High School"
        ("Which high school hosts the site visit?", [SITE_VISIT], set(), False),
        ("Which high school hosts the site visit?", [NAMED], set(), True),
        ("What do they want high schools to offer?", [SITE_VISIT], set(), True),
        # a count, just before a word the question is about
        ("How many members will the coalition have?", [SIZE], {"member"}, True),
        ("How many meetings are there?", [SITE_VISIT], {"meet"}, True),
        ("How many schools are in the zone?", [SIZE, SITE_VISIT], {"school", "zone"}, False),
        # "people" are counted as the passages count them
        ("how many ppl can be on the coalition", [SIZE], {"coalit"}, True),
        ("How many people work at the alliance?", [SITE_VISIT], {"work", "allianc"}, False),
        (
            "how many people investigate a serious complaint",
            [
                Source(
                    "t",
                    "t",
                    "A committee of 3+ disinterested stewards (possibly including non-steward "
                    "members) shall investigate the complaint.",
                )
            ],
            {"investig", "complaint"},
            True,
        ),
        # a particular person: a name with a title, an initial, a by-line or a role
        ("Who leads the Learning Alliance?", [LETTER], set(), False),
        ("Who signed the letter to the Albuquerque Journal?", [LETTER], set(), False),
        ("who ended up being picked as the next superintendent", [LETTER], set(), False),
        ("hey who actually runs the alliance", [LETTER], set(), False),
        ("Who is the executive director?", [ROLE], set(), True),
        ("Who wrote the article?", [BYLINE], set(), True),
        ("What is the Alliance and who runs it?", [LETTER], set(), False),
        # "who" asking for kinds of people or organisations is not checked
        ("Who can apply to the coalition?", [LETTER], set(), True),
        ("who did the alliance team up with?", [LETTER], set(), True),
        ("Who sits on the coalition?", [SIZE], set(), True),
        # where a meeting is held
        ("Where are the in-person meetings held?", [SITE_VISIT], set(), False),
        ("Where do the monthly meetings take place?", [ONLINE], set(), True),
        (
            "Where do the circles meet?",
            [Source("t", "t", "Circles meet monthly at the public library.")],
            set(),
            True,
        ),
        ("Where does the alliance stand on testing?", [SITE_VISIT], set(), True),
        # a sum of money: a currency figure, or a statement that it costs nothing
        ("How much does a membership cost?", [SIZE, SITE_VISIT], set(), False),
        ("What's the stipend for members?", [SIZE], set(), False),
        ("How much is the grant?", [Source("t", "t", "Grants of up to $1,500.")], set(), True),
        ("how much do i get paid", [Source("t", "t", "The role is unpaid.")], set(), True),
        ("How much does the workshop cost?", [Source("t", "t", "Feel free to ask.")], set(), False),
        ("How much time does the coalition take?", [SIZE], set(), True),
        # a length of time, and a limit
        (
            "How long does a ban last?",
            [Source("t", "t", "Bans are reviewed by staff.")],
            set(),
            False,
        ),
        ("How long does a ban last?", [Source("t", "t", "A ban is permanent.")], set(), True),
        (
            "how long is the term?",
            [Source("t", "t", "Members serve a two-year term.")],
            set(),
            True,
        ),
        ("What is the maximum grant?", [SITE_VISIT], set(), True),
        (
            "Within what time must an incident be reported?",
            [Source("t", "t", "Report it within 24 hours.")],
            set(),
            True,
        ),
        (
            "Within what time must an incident be reported?",
            [Source("t", "t", "Report it to the committee.")],
            set(),
            False,
        ),
        (
            "What is the minimum age to attend?",
            [Source("t", "t", "All are welcome.")],
            set(),
            False,
        ),
        # a year the question names must be in a passage
        ("When does the 2027 cohort begin?", [SITE_VISIT], set(), False),
        ("What did members do between April and June 2023?", [SITE_VISIT], set(), True),
        # contact details, sizes and lengths a passage spells out
        ("is there a phone number I can call?", [ROLE], set(), False),
        (
            "what's the phone number?",
            [Source("t", "t", "Call (505) 555-0134 any day.")],
            set(),
            True,
        ),
        ("What email address do I send my application to?", [ROLE], set(), False),
        ("which email do I use?", [Source("t", "t", "Write to help@example.org.")], set(), True),
        ("what's the postal address of the society?", [ROLE], set(), False),
        ("postal address?", [Source("t", "t", "Send it to PO Box 12, Taos.")], set(), True),
        ("what sizes do the t-shirts come in?", [ONLINE], set(), False),
        ("what sizes do the t-shirts come in?", [Source("t", "t", "Sizes S to XL.")], set(), True),
        ("what's the page limit for the proposal?", [SIZE], set(), False),
        ("page limit?", [Source("t", "t", "Proposals are at most two pages.")], set(), True),
        # how often: a frequency, or "after each …"
        ("How often do the learning circles meet?", [SIZE], set(), False),
        ("how often do they meet?", [Source("t", "t", "They meet monthly.")], set(), True),
        (
            "how often is a new council picked?",
            [Source("t", "t", "A new council is elected after each feature release.")],
            set(),
            True,
        ),
        # whether a role is paid, said in words about pay
        ("are council members paid for the work?", [SIZE], set(), False),
        ("do facilitators get paid?", [Source("t", "t", "They get an honourarium.")], set(), True),
        ("are volunteers paid?", [Source("t", "t", "All roles are unpaid.")], set(), True),
        # particular people: a role, the members of a body, who is on a committee
        ("who is the volunteer coordinator?", [SIZE], set(), False),
        ("who is the volunteer coordinator?", [ROLE], set(), True),
        ("Who are the members of the conduct committee?", [SIZE], set(), False),
        ("who is on the steering council?", [SIZE], set(), False),
        (
            "who is on the steering council?",
            [
                Source(
                    "t",
                    "t",
                    "The council:\n• Barry Warsaw\n• Pablo Galindo Salgado\n• Savannah Ostrowski",
                )
            ],
            set(),
            True,
        ),
        (
            "who is on the steering council?",
            [Source("t", "t", "It covers:\n• Code Review\n• Funding Questions")],
            set(),
            False,
        ),
        ("what's the technical committee's yearly budget?", [SIZE], set(), False),
        # a time zone, not a clock time; a condition, not a date; advice, not a sum
        ("in what time zone are the calls held?", [ONLINE], set(), False),
        ("what time zone?", [Source("t", "t", "Votes close at 23:59 UTC.")], set(), True),
        ("When is it fine to hold the call less often?", [ONLINE], set(), True),
        ("What should an early budget outline contain?", [ONLINE], set(), True),
        # "how many are there" is answered by a list of them
        (
            "the values, how many are there?",
            [Source("t", "t", "Values:\n• Respect\n• Urgency")],
            set(),
            True,
        ),
        # more ways to ask for a person, a limit or a sum
        ("Who is the current open source community coordinator?", [SIZE], set(), False),
        ("Who is PyTorch's lead core maintainer right now?", [SIZE], set(), False),
        ("Who won the 2024 board election?", [SIZE], set(), False),
        ("Is there an age limit for joining?", [ONLINE], set(), False),
        ("How much is the stipend for a project?", [SITE_VISIT], set(), False),
        # an in-person meeting's place is not the online call; a city is no call either
        ("Where will the in-person meetings be held?", [SITE_VISIT, ONLINE], set(), False),
        ("In which city are the meetings held?", [ONLINE], set(), False),
        ("Where are the meetings held?", [ONLINE], set(), True),
        # a platform for calls is a product a passage names
        (
            "Which video call platform does the council use?",
            [Source("t", "t", "The council meets every two weeks on a video call.")],
            set(),
            False,
        ),
        ("Which video call platform does the council use?", [ONLINE], set(), True),
        ("Which tool should I use to write the docs?", [ONLINE], set(), True),
        # a release the question names must be named; a yes/no about it may be policy
        (
            "What is the release date of Godot 4.4?",
            [Source("t", "t", "Godot 4.3 was released in August 2024.")],
            set(),
            False,
        ),
        (
            "What is the release date of Godot 4.4?",
            [Source("t", "t", "Godot 4.4 was released in March 2025.")],
            set(),
            True,
        ),
        ("is Godot 4.0 still getting updates?", [ONLINE], set(), True),
        ("Is a 3.5 GPA enough?", [SIZE], set(), True),
        # how quickly: a length of time or words that say it
        (
            "How quickly do the stewards respond to a report?",
            [Source("t", "t", "The stewards review each report and respond.")],
            set(),
            False,
        ),
        (
            "How quickly do the stewards respond to a report?",
            [Source("t", "t", "The stewards respond to a report within three days.")],
            set(),
            True,
        ),
        (
            "How quickly should changes happen?",
            [Source("t", "t", "Urgency: drive effective implementation as quickly as possible")],
            set(),
            True,
        ),
        # a quorum is a number or a share
        (
            "What is the quorum for a vote?",
            [Source("t", "t", "A vote needs a quorum of the members present.")],
            set(),
            False,
        ),
        (
            "What is the quorum for a vote?",
            [Source("t", "t", "A quorum is a majority of the voting members.")],
            set(),
            True,
        ),
        # more roles and committees that name people; an hourly rate is a sum
        ("Who are the election officers?", [SIZE], set(), False),
        ("Who sits on the governance committee?", [SIZE], set(), False),
        ("Who is the best person to lead a workshop?", [SIZE], set(), True),
        ("What hourly rate does the project pay contractors?", [SIZE], set(), False),
        # a yes/no about email addresses asks for none; a sentence naming the asked year is
        # about it
        (
            "Does the ban on publishing private information include email addresses?",
            [ONLINE],
            set(),
            True,
        ),
        ("Is there an email address I can write to?", [ONLINE], set(), False),
        (
            "How much money was put into the community fund for 2026?",
            [Source("Fund", "Fund › Transparency", "For 2026, $60,000 was allocated.")],
            {"money", "put", "commun", "fund"},
            True,
        ),
        # a person picked, a release number, a grade point average, a voting tool
        ("Who was ultimately chosen as the next superintendent?", [LETTER], set(), False),
        ("Who did the district end up hiring as superintendent?", [LETTER], set(), False),
        ("Who did the district end up hiring as superintendent?", [ROLE], set(), True),
        ("who did they partner with?", [LETTER], set(), True),
        ("What is the latest version of the covenant?", [LETTER], set(), False),
        (
            "What is the latest version of the covenant?",
            [Source("t", "t", "Version 2.1 was released in 2020.")],
            set(),
            True,
        ),
        ("What GPA do students need for dual credit?", [SITE_VISIT], set(), False),
        (
            "What GPA do students need for dual credit?",
            [Source("t", "t", "Dual credit needs a 2.5 GPA.")],
            set(),
            True,
        ),
        (
            "Which tool runs the online election poll?",
            [Source("t", "t", "The election is held as an online poll.")],
            set(),
            False,
        ),
        (
            "Which tool runs the online election poll?",
            [Source("t", "t", "Votes are cast on the CIVS site.")],
            set(),
            True,
        ),
        # a deadline is a date something must happen by, not the dates of a term
        (
            "What is the deadline to submit an application?",
            [
                Source(
                    "t",
                    "t › Membership",
                    "Your term will run from April 2023 through June 2024, with a chance to "
                    "renew for another one-year term.",
                )
            ],
            {"applic", "submit", "membership"},
            False,
        ),
        (
            "What is the deadline to submit an application?",
            [Source("t", "t", "Applications must be submitted by March 3, 2023.")],
            {"applic", "submit"},
            True,
        ),
        (
            "When is the nomination deadline?",
            [Source("t", "t", "Nominations are open for two weeks.")],
            {"nomin"},
            True,
        ),
        ("Is there a chair or co-chairs, and who are they?", [SIZE], set(), False),
        ("Who are they looking for?", [SIZE], set(), True),
        # a numbered round must be named, also as a table's row; "the name of the director"
        (
            "When is the Wave 7 deadline?",
            [Source("t", "t", "| Wave No. | Deadline |\n| 6 | January 15, 2021 |")],
            set(),
            False,
        ),
        (
            "When was the wave 6 deadline?",
            [Source("t", "t", "| Wave No. | Deadline |\n| 6 | January 15, 2021 |")],
            set(),
            True,
        ),
        ("What is the name of the director of the group?", [SIZE], set(), False),
        ("What is the name of the director of the group?", [ROLE], set(), True),
        # anything else is never refused here
        ("What are the membership expectations?", [SITE_VISIT], set(), True),
        ("who can apply?", [SIZE], set(), True),
    ],
)
def test_answer_type(question, sources, counted, expected):
    assert answer_type_present(question, sources, frozenset(counted)) is expected


HACK_NIGHT = "Chi Hack Night"
FEES = Source(
    HACK_NIGHT,
    f"{HACK_NIGHT} › Speakers",
    "Speakers receive a $100 honorarium. Membership is open to everyone who attends.",
)


@pytest.mark.parametrize(
    ("question", "source", "about", "expected"),
    [
        # the sum must be in a sentence about what is asked, not anywhere in the passage
        ("How much does a membership cost?", FEES, {"membership"}, False),
        ("How much is the speaker honorarium?", FEES, {"speaker", "honorarium"}, True),
        # or in a passage whose own heading is about it
        (
            "How much does a membership cost?",
            Source(HACK_NIGHT, f"{HACK_NIGHT} › Membership fees", "It is $20. Pay at the door."),
            {"membership"},
            True,
        ),
        # the title's words are every passage's, so they do not make a sentence about it
        ("How much does Chi Hack Night cost?", FEES, {"chi", "hack", "night"}, True),
        (
            "When is the next election?",
            Source("Guide", "Guide › Voting", "We met in March. Voting rules follow below."),
            {"elect"},
            False,
        ),
        (
            "When is the next election?",
            Source("Guide", "Guide › Voting", "Elections are held each March."),
            {"elect"},
            True,
        ),
    ],
)
def test_the_fact_must_be_about_what_is_asked(question, source, about, expected):
    stems = frozenset(stem(w) for w in about)
    assert answer_type_present(question, [source], stems) is expected


def test_dates_are_not_counts():
    dated = Source("t", "t", "Outcomes by June 30, 2023.")
    assert not answer_type_present("How many outcomes are there?", [dated], frozenset({"outcom"}))


def test_a_question_about_how_someone_is_paid_is_not_a_yes_no_about_pay():
    contractors = Source("Guide", "Guide › Contractors", "Contractors send an invoice each month.")
    assert answer_type_present("How are contractors paid for work done?", [contractors])
    assert not answer_type_present("Are contractors paid for work done?", [contractors])


STEWARDS = "Julia Community Stewards"
COMMITTEE = Source(
    STEWARDS,
    f"{STEWARDS} › Committee",
    "Reports are handled by a committee of three stewards who meet when a report comes in.",
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # what "how many" counts may be the document's own subject
        ("How many stewards are on the committee?", True),
        # but another count of the subject does not answer a count of something else
        ("How many complaints have the stewards handled so far?", False),
    ],
)
def test_a_count_stands_before_what_is_counted(question, expected):
    about = frozenset(stem(w) for w in question.lower().strip("?").split()) - {""}
    assert answer_type_present(question, [COMMITTEE], about) is expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many people applied to join?", False),
        ("How many members are currently serving on the coalition?", False),
        ("How many members can the coalition have?", True),
        ("How many people will the coalition include in total?", True),
    ],
)
def test_a_tally_of_what_happened_is_no_limit(question, expected):
    """ "Up to 25 members" says how many there may be, not how many applied or serve now."""
    assert answer_type_present(question, [SIZE]) is expected
    applied = Source("t", "t", "Last year 40 people applied and 12 were selected.")
    assert answer_type_present("How many people applied to join?", [applied])


def test_a_shortened_title_names_no_school():
    shortened = Source(
        COALITION,
        f"{COALITION} › Our Mission",
        "The High School Transformation Coalition brings together representatives.",
    )
    question = "Which innovative high school hosts the site visit?"
    assert not answer_type_present(question, [shortened])
    assert answer_type_present(question, [shortened, NAMED])
