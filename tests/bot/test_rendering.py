"""Replies fit Discord's limits whatever the input, and keep citations readable."""

import re

import discord
import pytest

from bot.admin.replies import gaps_reply, reindex_reply, status_reply
from bot.admin.usecases import StatusReport
from bot.ask.replies import abstain_reply, answer_reply, citation, officer_message
from bot.common.cards import Card, CardField, clip, fit_cards, to_embed, to_embeds, to_text
from bot.common.records import Gap
from bot.docs.replies import documents_reply
from index.models import Answer, DocumentOutline, Hit, IndexStatus, Passage, ReindexReport


def hit(rank, text, section="Doc › Part", title="Doc", origin="the website"):
    p = Passage(f"p{rank}", f"docs/doc{rank}.md", title, section, text, origin)
    return Hit(rank, p, 1.0 / rank, text)


def assert_within_limits(embeds: list[discord.Embed], content: str = "") -> None:
    assert len(content) <= 2000
    assert len(embeds) <= 10
    assert sum(len(e) for e in embeds) <= 6000
    for e in embeds:
        assert len(e.title or "") <= 256
        assert len(e.description or "") <= 4096
        assert len(e.fields) <= 25
        assert len(e.footer.text or "") <= 2048
        for f in e.fields:
            assert 0 < len(f.name) <= 256
            assert 0 < len(f.value) <= 1024


@pytest.mark.parametrize("size", [10, 1_000, 5_000, 100_000])
def test_answer_fits_limits_whatever_the_passage_length(size):
    text = ("word " * size).strip()
    answer = Answer(
        "q" * 3000,
        True,
        ("An answer sentence [1]. " * size)[:50_000],
        tuple(hit(i, text, section="S › " * 200, title="T" * 500) for i in range(1, 6)),
    )
    reply = answer_reply(answer)
    embeds = to_embeds(reply)
    assert_within_limits(embeds, reply.content)
    # The citations stay visible even when everything is huge.
    assert [f.name[:3] for f in embeds[0].fields] == ["[1]", "[2]", "[3]"]


def test_citation_does_not_repeat_a_title_that_starts_the_heading_path():
    h = hit(
        1,
        "text",
        section="Vision, Mission, and Values › Our Values › Holistic",
        title="Vision, Mission, and Values",
    )
    assert citation(h) == "[1] Vision, Mission, and Values › Our Values › Holistic"


def test_answer_shows_answer_markers_citations_and_sources():
    answer = Answer(
        "what are the values?",
        True,
        "The alliance values **equity** [1].",
        (hit(1, "The alliance values **equity** and urgency.", "Vision › Our Values"),),
    )
    embed = to_embeds(answer_reply(answer))[0]
    assert embed.title == "what are the values?"
    assert "[1]" in embed.description
    field = embed.fields[0]
    assert field.name == "[1] Doc › Vision › Our Values"
    assert "> The alliance values **equity**" in field.value
    assert "the website" not in field.value and "docs/doc1.md" not in field.value


def test_many_cards_and_fields_are_cut_to_discord_maximums():
    cards = [
        Card(
            title="t" * 300,
            description="d" * 5000,
            fields=tuple(CardField("n" * 300, "v" * 2000) for _ in range(40)),
        )
        for _ in range(15)
    ]
    fitted = fit_cards(cards)
    assert_within_limits([to_embed(c) for c in fitted])


def test_clip_keeps_bold_markers_balanced_and_marks_the_cut():
    text = "plain words then **a highlighted phrase that goes on** and more"
    for limit in range(5, len(text)):
        out = clip(text, limit)
        assert len(out) <= limit
        assert out.count("**") % 2 == 0
        assert out.endswith("…")
    assert clip("short", 10) == "short"


def test_abstention_is_kind_and_suggests_close_sections_not_every_document():
    answer = Answer("who won the world series?", False, "I couldn't find that.", ())
    embed = to_embeds(abstain_reply(answer, topics=["Vision, Mission, and Values"]))[0]
    assert "couldn't find" in embed.description
    assert "Vision, Mission, and Values" not in embed.description
    assert "/ask" in embed.description
    paths = tuple(f"Doc › Part {n}" for n in range(1, 4))
    text = to_text(abstain_reply(Answer("q", False, "I couldn't find that.", (), paths)))
    assert text.count("/docs document:Doc section:Part") == 3


@pytest.mark.parametrize(("ask_person", "named"), [(True, True), (False, False)])
def test_ask_a_person_is_mentioned_only_where_the_button_is(ask_person, named):
    refusal = abstain_reply(Answer("q", False, "I couldn't find that.", ()), ask_person=ask_person)
    answered = answer_reply(Answer("q", True, "Yes. [1]", (hit(1, "Yes."),)), ask_person=ask_person)
    for reply in (refusal, answered):
        assert ("Ask a person" in reply.cards[0].footer) is named


def test_small_talk_is_a_short_friendly_card():
    reply = answer_reply(Answer("thanks", True, "You're welcome!", (), small_talk=True))
    assert to_text(reply).strip() == "You're welcome!"


def test_abstention_does_not_repeat_topics_the_answer_already_names():
    answer = Answer("weather?", False, "I can answer questions about Vision, Mission, and Values.")
    text = to_text(abstain_reply(answer, topics=["Vision, Mission, and Values"]))
    assert text.count("Vision, Mission, and Values") == 1


def test_officer_message_pings_only_the_role_and_quotes_the_question():
    msg = officer_message("is there\n@everyone food?", asker_id=1, role_id=77, channel_id=5)
    assert msg.startswith("<@&77> ")
    assert "> is there @\u200beveryone food?" in msg
    assert len(officer_message("x" * 5000, asker_id=1, role_id=77, channel_id=None)) <= 2000


LIVE_MASKED_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")


def test_officer_message_keeps_the_members_text_inert():
    question = (
        "[bank login](https://evil.example) **now** <@&77> <@&123456789012345678> "
        "<@42> @here # big\x1b[31m \u202eevil"
    )
    msg = officer_message(question, asker_id=1, role_id=77, channel_id=None)
    assert not LIVE_MASKED_LINK.search(msg)
    assert "\\[bank login\\](https://evil.example)" in msg
    assert "\\*\\*now\\*\\*" in msg
    assert msg.count("<@&77>") == 1 and msg.startswith("<@&77> ")  # only the bot's own ping
    assert "<@&123456789012345678>" not in msg and "<@42>" not in msg and "@here" not in msg
    assert "\x1b" not in msg and "\u202e" not in msg


def test_every_echo_of_a_question_is_escaped():
    question = "[bank login](https://evil.example) @everyone?"
    answered = Answer(question, True, "Yes. [1]")
    refused = Answer(question, False, "I couldn't find that.")
    for reply in (answer_reply(answered), answer_reply(refused)):
        title = reply.cards[0].title
        assert not LIVE_MASKED_LINK.search(title) and "@everyone" not in title


def test_reindex_status_gaps_and_docs_replies_fit_and_say_what_happened():
    report = ReindexReport(
        documents=3,
        passages=40,
        added=tuple(f"a{i}.md" for i in range(500)),
        skipped=tuple(
            __import__("index.models").models.SkippedFile(f"b{i}", "not UTF-8") for i in range(100)
        ),
        seconds=1.25,
        passages_added=40,
    )
    embeds = to_embeds(reindex_reply(report))
    assert_within_limits(embeds)
    assert "**3** documents" in embeds[0].description
    assert "…and 485 more" in embeds[0].fields[0].value
    status = StatusReport(IndexStatus(3, 40, None, None), None, 3725, 9, 42.4, 7)
    text = to_text(status_reply(status))
    assert "1h 2m" in text and "42 ms" in text and "Pending reminders\n  7" in text
    gaps = [Gap("q" * 500, 3, 2, 1, status_time()) for _ in range(30)]
    assert_within_limits(to_embeds(gaps_reply(gaps, days=30)))
    docs = [DocumentOutline(f"d{i}.md", "T" * 300, "o" * 2000, ("a",) * 3) for i in range(40)]
    assert_within_limits(to_embeds(documents_reply(docs)))


def status_time():
    from datetime import UTC, datetime

    return datetime(2026, 1, 1, tzinfo=UTC)


def test_a_spanish_answer_is_framed_in_spanish_to_its_last_line():
    hits = tuple(hit(i, f"Passage {i} about the mission.") for i in range(1, 6))
    answer = Answer(
        "¿Cuál es la misión?", True, "Los documentos están en inglés. [1]", hits, language="es"
    )
    footer = answer_reply(answer, ask_person=True).cards[0].footer
    assert footer.startswith("Hay 2 fuentes más.") and "¿Le sirvió?" in footer
    assert "available" not in footer and "Was this helpful" not in footer
    english = answer_reply(Answer("mission?", True, "It is… [1]", hits)).cards[0].footer
    assert english.startswith("2 more sources available.")
