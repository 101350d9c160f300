"""The schedule through the bot's services and console: answers, lists, admin checks, delivery."""

import io
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import discord
import icalendar
import pytest

from bot.app.console import run_console
from bot.app.wiring import build_app
from bot.common.errors import PermissionDenied
from bot.common.permissions import Actor
from bot.schedule.delivery import DiscordReminderSender, classify
from bot.schedule.domain.clock import ManualClock
from bot.schedule.domain.errors import PermanentSendError, RetryableSendError
from bot.schedule.domain.models import Reminder
from tests.bot.fakes import FakeEngine

MEMBER = Actor(10, "member#1")
ADMIN = Actor(20, "admin#1", manage_guild=True)
NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 10:00 in Denver


@pytest.fixture
def sched_core(settings):
    return build_app(settings, engine=FakeEngine(), clock=ManualClock(NOW), discord=True)


def test_next_meeting_question_is_answered_from_the_live_schedule(sched_core):
    sched_core.schedule.add_meeting(ADMIN, "Coalition call", "2026-11-24 15:00")
    answer = sched_core.questions.ask(MEMBER, "when is the next meeting?").answer
    assert answer.answered and answer.hits == ()
    unix = int(datetime(2026, 11, 24, 22, 0, tzinfo=UTC).timestamp())
    assert "Coalition call" in answer.answer and f"<t:{unix}:F>" in answer.answer
    # Document questions still go to the index.
    assert sched_core.questions.ask(MEMBER, "what are the values?").answer.hits


def test_members_cannot_change_the_schedule_and_it_is_audited(sched_core):
    with pytest.raises(PermissionDenied):
        sched_core.schedule.add_meeting(MEMBER, "Secret", "2026-11-24 15:00")
    assert sched_core.schedule.items() == [] or all(
        i.title != "Secret" for i in sched_core.schedule.items()
    )
    entry = sched_core.records.audit_log()[0]
    assert (entry.action, entry.outcome) == ("meeting add", "refused: not an admin")


def test_bad_time_is_a_teaching_error_and_audited_as_rejected(sched_core):
    from index.errors import UserError

    before = len(sched_core.schedule.items())
    with pytest.raises(UserError) as info:
        sched_core.schedule.add_meeting(ADMIN, "Call", "tmrw-ish")
    assert "tmrw-ish" in str(info.value)
    assert len(sched_core.schedule.items()) == before
    assert sched_core.records.audit_log()[0].outcome.startswith("rejected")


def test_console_schedule_commands(settings, tmp_path):
    core = build_app(settings, engine=FakeEngine(), clock=ManualClock(NOW), discord=False)
    ics = tmp_path / "out.ics"
    out = io.StringIO()
    run_console(
        core,
        io.StringIO(
            "/schedule add-meeting title: Coalition call when: 2026-11-24 15:00 repeat: weekly\n"
            "/schedule add-deadline title: Applications due: 2026-12-05 17:00\n"
            "/meetings days: 14\n/next\n/deadlines\n"
            "when is the next meeting?\n"
            f"/ics {ics}\n"
            "/schedule cancel item: 999\n"
        ),
        out,
    )
    text = out.getvalue()
    assert "Scheduled: #" in text and "Recorded: #" in text
    assert text.count("Coalition call —") >= 3  # two weekly occurrences in 14 days + /next
    assert "Applications" in text and "5:00" in text
    assert "The next meeting: Coalition call is on" in text and "<t:" not in text
    assert "⚠ no meeting or deadline with id 999" in text
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    titles = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert "Coalition call" in titles and any("Applications" in t for t in titles)


def reminder(**kw):
    base = dict(
        item_id=1,
        kind="meeting",
        title="Call @everyone",
        event=NOW + timedelta(hours=1),
        end=NOW + timedelta(hours=2),
        lead=timedelta(hours=1),
        due=NOW,
        late=False,
        location=None,
        link=None,
        description=None,
        nonce="rem-1",
        delivery_id=1,
    )
    base.update(kw)
    return Reminder(**base)


def http_error(cls, status, code=0):
    response = SimpleNamespace(status=status, reason="x", headers={"Retry-After": "3"})
    return cls(response, {"code": code, "message": "nope"})


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (http_error(discord.Forbidden, 403, 50007), PermanentSendError),
        (http_error(discord.NotFound, 404, 10003), PermanentSendError),
        (http_error(discord.HTTPException, 400, 50035), PermanentSendError),
        (http_error(discord.DiscordServerError, 503), RetryableSendError),
        (http_error(discord.HTTPException, 429), RetryableSendError),
        (TimeoutError(), RetryableSendError),
        (ConnectionResetError(), RetryableSendError),
    ],
)
def test_send_failures_map_to_retryable_or_permanent(error, kind):
    assert isinstance(classify(error, "channel 1"), kind)


def test_429_keeps_discords_retry_after():
    assert classify(http_error(discord.HTTPException, 429), "x").retry_after == 3.0


class FakeChannel:
    def __init__(self, error=None):
        self.sent = []
        self.error = error

    async def send(self, content, **kwargs):
        if self.error:
            raise self.error
        self.sent.append((content, kwargs))


async def test_sender_posts_without_mentions_and_with_the_nonce():
    channel = FakeChannel()
    client = SimpleNamespace(get_partial_messageable=lambda cid: channel)
    await DiscordReminderSender(client).send_channel(42, reminder())
    content, kwargs = channel.sent[0]
    assert "Call @everyone" in content
    assert kwargs["allowed_mentions"].to_dict()["parse"] == []
    assert kwargs["nonce"] == "rem-1"


async def test_sender_dm_closed_is_permanent():
    dm = FakeChannel(http_error(discord.Forbidden, 403, 50007))

    async def create_dm(user):
        return dm

    client = SimpleNamespace(create_dm=create_dm)
    with pytest.raises(PermanentSendError):
        await DiscordReminderSender(client).send_dm(7, reminder())


def test_a_schedule_question_with_no_such_item_is_answered_by_the_documents(sched_core):
    sched_core.schedule.add_deadline(ADMIN, "Grant application", "2026-12-18 17:00")
    answer = sched_core.questions.ask(MEMBER, "when are holistic values due?").answer
    assert answer.answered and answer.hits and "Holistic" in answer.answer
    # Nothing in the documents either: the schedule's own "not scheduled" is the reply.
    answer = sched_core.questions.ask(Actor(11, "member#2"), "when is the parking deadline?").answer
    assert answer.answered and not answer.hits and "No upcoming parking deadline" in answer.answer
    # An item that is on the schedule is still answered from it.
    answer = sched_core.questions.ask(
        Actor(12, "member#3"), "when is the grant application due?"
    ).answer
    assert not answer.hits and "Grant application" in answer.answer
