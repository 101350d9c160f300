"""`/gaps` as an officer reads it: junk left out, repeats folded with a count, weak answers
listed beside refusals, member text escaped so it never formats, links or pings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.admin.replies import gaps_reply
from bot.admin.usecases import WEAK_COVERAGE_MARGIN, Administration
from bot.app.wiring import App
from bot.common.audit import AdminGate
from bot.common.cards import to_text
from bot.common.db import connect, migrate
from bot.common.permissions import Actor
from bot.common.records import MIGRATIONS, Records, fold_key, is_junk

MEMBER = Actor(10, "member#1")
ADMIN = Actor(20, "admin#1", manage_guild=True)
CORPUS = Path(__file__).resolve().parents[2] / "corpus"

JUNK = (
    "quit",
    "exit",
    "EXIT",
    "q",
    "x",
    "?",
    "??!",
    "...",
    "👍👍",
    "🙂 🎉",
    "a",
    "7",
    "aaaa",
    "test",
    "testing",
    "asdf",
    "sdfgh",
    "help",
    "/quit",
    "lol",
    "thanks!",
    "hi",
)
REAL = (
    "what is the parking policy?",
    "is there a stipend?",
    "who is the treasurer",
    "dates",
    "¿cuál es la fecha límite?",
    "IEP",
    "why",
    "how do I quit the coalition?",
    "can I test out of the PD?",
)


@pytest.mark.parametrize("text", JUNK)
def test_junk_is_recognised(text: str) -> None:
    assert is_junk(text)


@pytest.mark.parametrize("text", REAL)
def test_real_questions_are_not_junk(text: str) -> None:
    assert not is_junk(text)


def test_repeats_fold_whatever_their_case_punctuation_or_apostrophe() -> None:
    variants = [
        "What's the Alliance’s mission?!",
        "whats the alliances mission",
        "WHAT'S THE ALLIANCE'S MISSION",
    ]
    assert len({fold_key(v) for v in variants}) == 1
    assert fold_key("what is the mission") != fold_key("what is the vision")


def ask(core: App, text: str) -> None:
    core.questions.ask(MEMBER, text, rate_limit=False)


def test_gaps_drop_junk_fold_repeats_and_list_weak_answers(real_core: App) -> None:
    for text in JUNK:
        ask(real_core, text)
    for text in (
        "What is the parking policy?",
        "what is the parking policy",
        "WHAT IS THE PARKING POLICY??",
    ):
        ask(real_core, text)
    ask(real_core, "who is the treasurer of the alliance?")
    weak_q = "does the alliance have some kind of checklist to judge a proposed school change?"
    ask(real_core, weak_q)
    ask(real_core, weak_q)
    ask(real_core, "what are the alliance's values?")  # a strong answer: not a gap
    gaps = real_core.admin.gaps(ADMIN, days=30)
    by_key = {fold_key(g.question): g for g in gaps}
    assert set(by_key) == {
        fold_key("what is the parking policy"),
        fold_key("who is the treasurer of the alliance"),
        fold_key(weak_q),
    }
    parking = by_key[fold_key("what is the parking policy")]
    assert (parking.times, parking.abstained, parking.weak) == (3, 3, 0)
    assert gaps[0] is parking  # the most frequent first
    weak = by_key[fold_key(weak_q)]
    assert (weak.times, weak.abstained, weak.weak) == (2, 0, 2)
    limit = real_core.settings.min_coverage + WEAK_COVERAGE_MARGIN
    assert weak.coverage is not None and weak.coverage < limit and weak.source
    shown = to_text(gaps_reply(gaps, days=30))
    assert "weak answer 2×" in shown and "unanswered 3×" in shown
    listed = [line.split(" — ")[0] for line in shown.splitlines() if line.startswith("**")]
    assert len(listed) == 3 and not any("quit" in line or "lol" in line for line in listed)


def test_stricter_threshold_lists_more_weak_answers(real_core: App, settings) -> None:
    ask(real_core, "what is the wolrd veiw value")  # coverage ≈ 0.83: weak only when stricter
    assert real_core.admin.gaps(ADMIN) == []
    stricter = settings.model_copy(update={"min_coverage": 0.8})
    strict = Administration(
        stricter,
        real_core.engine,
        real_core.records,
        AdminGate(stricter, real_core.records),
        clock=real_core.clock,
    )
    assert [g.weak for g in strict.gaps(ADMIN)] == [1]


def test_member_text_in_gaps_is_escaped_and_never_pings() -> None:
    from datetime import UTC, datetime

    from bot.common.records import Gap

    nasty = (
        "**bold** [click me](https://evil.example) <@123456789012345678> @everyone "
        "<#123456789012345678> `code` ||spoiler|| __under__\n# heading"
    )
    reply = gaps_reply([Gap(nasty, 2, 2, 0, datetime(2026, 12, 1, tzinfo=UTC))], days=7)
    text = reply.cards[0].description
    assert "[click me](" not in text and "\\[click me\\]" in text
    assert "\\*\\*bold\\*\\*" in text and "\\`code\\`" in text and "\\|\\|spoiler" in text
    assert "<@123456789012345678>" not in text and "@everyone" not in text
    assert "<#123456789012345678>" not in text
    assert "\n" not in text.split("— asked")[0]  # a member cannot start a heading line


def test_an_old_question_log_gains_the_coverage_column_and_keeps_its_rows(tmp_path, clock) -> None:
    path = tmp_path / "old.db"
    conn = connect(path)
    migrate(conn, "bot", MIGRATIONS[:1])
    with conn:
        conn.execute(
            "INSERT INTO bot_questions(asked_at, user_id, question, normalized, answered)"
            " VALUES (?, 1, 'is there a stipend?', 'is there a stipend', 0)",
            (clock().isoformat(),),
        )
    records = Records(conn, clock=clock)
    assert [g.question for g in records.gaps(weak_below=0.8)] == ["is there a stipend?"]
    cols = {row[1] for row in conn.execute("PRAGMA table_info(bot_questions)")}
    assert "coverage" in cols
