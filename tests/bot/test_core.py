"""App: the behaviour behind every command, without Discord."""

import sqlite3

import pytest

from bot.ask.usecases import Asking
from bot.common.errors import NotFound, PermissionDenied, RateLimited, UploadRejected
from bot.common.permissions import Actor
from index.errors import QuestionError

MEMBER = Actor(10, "member#1")
ADMIN = Actor(20, "admin#1", manage_guild=True)
ROLE_ADMIN = Actor(30, "roleadmin#1", role_ids=frozenset({999}))


def test_ask_answers_and_logs_the_question(core):
    result = core.questions.ask(MEMBER, "  what are the   values? ")
    assert result.answer.answered
    assert result.answer.hits[0].passage.source == "learning-alliance/values.md"
    assert core.questions.logged(result.question_id) == "what are the values?"


@pytest.mark.parametrize(
    "fault",
    [
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("attempt to write a readonly database"),
        OSError(28, "No space left on device"),
    ],
)
def test_a_question_log_that_cannot_be_written_still_answers(core, monkeypatch, fault):
    def broken(**_: object) -> int:
        raise fault

    monkeypatch.setattr(core.records, "log_question", broken)
    result = core.questions.ask(MEMBER, "what are the values?")
    assert result.answer.answered and result.answer.hits
    assert result.question_id is None


def test_question_length_is_capped_with_a_helpful_message(core, engine):
    with pytest.raises(QuestionError, match="under 120 characters"):
        core.questions.ask(MEMBER, "values " * 40)
    with pytest.raises(QuestionError, match="Please type a question"):
        core.questions.ask(MEMBER, "   ")
    assert core.records.question_count() == 0


def test_cooldown_is_per_user_and_expires(core, clock):
    core.questions.ask(MEMBER, "values?")
    core.questions.ask(MEMBER, "values?")
    with pytest.raises(RateLimited, match="wait 10 seconds") as info:
        core.questions.ask(MEMBER, "values?")
    assert info.value.retry_after == pytest.approx(10)
    core.questions.ask(ADMIN, "values?")  # someone else is not affected
    clock.advance(10)
    core.questions.ask(MEMBER, "values?")


def test_more_sources_returns_the_passages_after_the_first_three(core):
    result = core.questions.ask(MEMBER, "values")
    answer, extra = core.questions.more_sources(result.question_id)
    assert [h.rank for h in extra] == [4, 5]
    with pytest.raises(NotFound):
        core.questions.more_sources(9999)


def test_feedback_is_stored_once_per_member_and_changeable(core):
    qid = core.questions.ask(MEMBER, "values").question_id
    assert core.questions.feedback(qid, MEMBER, True) is True
    assert core.questions.feedback(qid, MEMBER, True) is False
    assert core.questions.feedback(qid, ADMIN, True) is True
    assert core.records.votes(qid) == (2, 0)
    core.questions.feedback(qid, MEMBER, False)
    assert core.records.votes(qid) == (1, 1)


def test_gaps_lists_abstained_and_downvoted_questions_most_frequent_first(core, clock):
    for _ in range(3):
        core.questions.ask(ADMIN, "Who won the baseball game?", rate_limit=False)
    core.questions.ask(ADMIN, "who won the baseball game", rate_limit=False)
    core.questions.ask(ADMIN, "what is the weather", rate_limit=False)
    good = core.questions.ask(ADMIN, "values", rate_limit=False).question_id
    core.questions.feedback(good, MEMBER, False)
    core.questions.ask(ADMIN, "membership meetings", rate_limit=False)  # answered, no 👎: not a gap
    gaps = core.admin.gaps(ADMIN)
    assert [g.times for g in gaps] == [4, 1, 1]
    assert gaps[0].question.lower().startswith("who won the baseball game")
    assert {g.question for g in gaps[1:]} == {"what is the weather", "values"}
    clock.advance(31 * 86400)
    assert core.admin.gaps(ADMIN) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda core: core.admin.reindex(MEMBER),
        lambda core: core.admin.reindex(MEMBER, dry_run=True),
        lambda core: core.admin.gaps(MEMBER),
        lambda core: core.admin.status(MEMBER),
        lambda core: core.corpus.add(MEMBER, "notes.md", b"# hi"),
        lambda core: core.corpus.remove(MEMBER, "learning-alliance/values.md"),
    ],
)
def test_admin_actions_refuse_members_change_nothing_and_are_audited(core, engine, call):
    with pytest.raises(PermissionDenied):
        call(core)
    assert engine.reindexes == []
    assert not (core.settings.corpus_dir / "uploads").exists()
    entry = core.records.audit_log()[0]
    assert entry.actor_id == MEMBER.id and entry.outcome.startswith("refused")


def test_admin_role_counts_as_admin_and_actions_are_audited(core, engine):
    report = core.admin.reindex(ROLE_ADMIN, dry_run=True)
    assert report.dry_run and engine.reindexes == [True]
    entry = core.records.audit_log()[0]
    assert (entry.actor_name, entry.action) == ("roleadmin#1", "reindex --dry-run")


def test_corpus_add_saves_indexes_and_is_answerable(core, engine):
    result = core.corpus.add(ADMIN, "picnic.md", b"The summer picnic is at the park.")
    assert result.source == "uploads/picnic.md"
    assert (
        core.questions.ask(ADMIN, "where is the picnic?").answer.hits[0].passage.source
        == result.source
    )
    assert core.records.audit_log()[0].action == "corpus add"


def test_corpus_add_that_the_index_skips_is_rolled_back(core, engine):
    with pytest.raises(UploadRejected, match="could not be indexed"):
        core.corpus.add(ADMIN, "scan.pdf", b"%PDF-1.4 no text")
    assert not (core.settings.corpus_dir / "uploads" / "scan.pdf").exists()


def test_corpus_add_rejects_traversal_and_changes_nothing(core, engine):
    with pytest.raises(UploadRejected):
        core.corpus.add(ADMIN, "../../evil.md", b"x")
    assert engine.reindexes == []
    assert "rejected" in core.records.audit_log()[0].outcome


def test_corpus_remove_moves_the_file_aside_and_reindexes(core, engine, settings):
    core.corpus.add(ADMIN, "picnic.md", b"The summer picnic is at the park.")
    core.corpus.remove(ADMIN, "uploads/picnic.md")
    assert not (settings.corpus_dir / "uploads" / "picnic.md").exists()
    assert len(list((settings.data_dir / "removed").iterdir())) == 1
    assert not core.questions.ask(ADMIN, "picnic park", rate_limit=False).answer.answered
    with pytest.raises(NotFound):
        core.corpus.remove(ADMIN, "uploads/picnic.md")


def handoffs_in_db(settings) -> list[tuple[int, int]]:
    with sqlite3.connect(settings.db_path) as db:
        return db.execute("SELECT question_id, user_id FROM bot_escalations").fetchall()


def test_escalation_needs_a_channel_and_is_remembered(core, settings):
    qid = core.questions.ask(MEMBER, "who won the world series").question_id
    first = core.questions.escalate(qid, MEMBER)
    assert first.first_time and first.question == "who won the world series"
    assert core.questions.escalate(qid, MEMBER).first_time is False  # its post is under way
    core.questions.escalation_done(first, posted=True)
    assert core.questions.escalate(qid, MEMBER).first_time is False
    settings.officer_channel_id = None
    with pytest.raises(NotFound, match="No officer channel"):
        core.questions.escalate(qid, MEMBER)


def test_a_failed_post_stores_nothing_and_leaves_the_question_escalatable(core, settings):
    qid = core.questions.ask(MEMBER, "who won the world series").question_id
    first = core.questions.escalate(qid, MEMBER)
    assert handoffs_in_db(settings) == []  # nothing stored before the post went out
    core.questions.escalation_done(first, posted=False)
    assert handoffs_in_db(settings) == []
    again = core.questions.escalate(qid, MEMBER)
    assert again.first_time
    core.questions.escalation_done(again, posted=True)
    assert handoffs_in_db(settings) == [(qid, MEMBER.id)]


def test_one_hand_off_per_question_whoever_presses(core):
    qid = core.questions.ask(MEMBER, "who won the world series").question_id
    core.questions.escalation_done(core.questions.escalate(qid, MEMBER), posted=True)
    assert core.questions.escalate(qid, Actor(11, "other#2")).first_time is False


def test_hand_offs_per_member_are_capped_per_hour_and_counted_in_the_db(core, settings, clock):
    settings.handoffs_per_hour = 3
    qids = [
        core.questions.ask(MEMBER, f"question number {n}", rate_limit=False).question_id
        for n in range(5)
    ]
    for qid in qids[:3]:
        core.questions.escalation_done(core.questions.escalate(qid, MEMBER), posted=True)
    with pytest.raises(RateLimited, match="3 questions to the officers in the last hour") as err:
        core.questions.escalate(qids[3], MEMBER)
    assert "<t:" in str(err.value) and err.value.retry_after == pytest.approx(3600)
    assert "\n" not in str(err.value)
    assert core.questions.escalate(
        qids[3], Actor(11, "other#2")
    ).first_time  # other members unaffected
    # Counted in the database: a fresh core (a restart) on the same database still refuses.
    restarted = Asking(settings, core.engine, core.records, clock=clock)
    with pytest.raises(RateLimited):
        restarted.escalate(qids[4], MEMBER)
    clock.advance(3601)
    assert restarted.escalate(qids[4], MEMBER).first_time


def test_hand_offs_under_way_count_against_the_limit(core, settings):
    settings.handoffs_per_hour = 2
    qids = [
        core.questions.ask(MEMBER, f"question number {n}", rate_limit=False).question_id
        for n in range(3)
    ]
    core.questions.escalate(qids[0], MEMBER)
    core.questions.escalate(qids[1], MEMBER)
    with pytest.raises(RateLimited):
        core.questions.escalate(qids[2], MEMBER)


def test_status_reports_index_uptime_latency_and_reminders(core, clock):
    core.admin.pending_reminders = lambda: 4
    clock.advance(3600)
    status = core.admin.status(ADMIN, latency_seconds=0.0421)
    assert status.index.documents == 2 and status.index.passages == 6
    assert status.uptime_seconds == 3600
    assert status.latency_ms == pytest.approx(42.1)
    assert status.pending_reminders == 4
    assert core.admin.status(ADMIN, latency_seconds=float("nan")).latency_ms is None


def test_find_document_by_title_or_path_and_sections(core):
    assert core.library.find_document("Values").source == "learning-alliance/values.md"
    assert core.library.find_document("coalition/coalition.md").title == "Coalition"
    passages = core.library.section_passages("values", "Holistic")
    assert passages[0].section == "Values › Holistic"
    with pytest.raises(NotFound):
        core.library.find_document("weather")
    with pytest.raises(NotFound):
        core.library.section_passages("values", "Nope")


def test_a_document_name_echoed_in_an_error_cannot_form_a_link_or_a_mention(core):
    with pytest.raises(NotFound) as err:
        core.library.find_document("[bank login](https://evil.example) <@123> **x**")
    message = str(err.value)
    assert "](" not in message and "<@" not in message and "**" not in message


def test_start_up_rebuilds_a_damaged_index_and_leaves_a_whole_one_alone(real_core):
    from bot.app.wiring import prepare
    from index import builder

    prepare(real_core)
    index_dir = real_core.engine.index_dir  # type: ignore[attr-defined]
    whole = builder.current_generation(index_dir)
    prepare(real_core)
    assert builder.current_generation(index_dir) == whole  # nothing to do
    assert whole is not None
    for path in whole.glob("*.seg"):
        path.write_bytes(b"junk")
    prepare(real_core)
    rebuilt = builder.current_generation(index_dir)
    assert rebuilt is not None and rebuilt != whole
    assert real_core.questions.ask(ADMIN, "what are the values?").answer.answered
