"""The console: same services, commands typed as lines, replies printed readably."""

import io

from bot.app.console import Console, run_console
from bot.common.console_input import parse_options


def run(core, text):
    out = io.StringIO()
    assert run_console(core, io.StringIO(text), out) == 0
    return out.getvalue()


def test_piped_session_answers_lists_docs_and_stops_at_quit(core):
    out = run(
        core,
        "/ask what are the values?\n"
        "/more\n"
        "/docs\n"
        "/docs document: values section: Holistic\n"
        "/help\n"
        "/quit\n"
        "/ask never reached\n",
    )
    assert "what are the values?\n====" in out
    assert "[1] Values › Our Values" in out
    assert "[More sources (/more) · 👍 · 👎 · Ask a person]" in out
    assert "More sources: what are the values?" in out and "[4] Values" in out
    assert "Indexed documents (2)" in out and "`coalition/coalition.md`" not in out
    assert "Holistic values see the whole child." in out
    assert "/ask" in out and "For admins" in out
    assert "never reached" not in out
    assert core.records.question_count() == 1


def test_plain_lines_are_questions_and_abstentions_suggest_topics(core):
    out = run(core, "who won the baseball game?\n")
    assert "I couldn't find that" in out and "/ask " in out
    assert "I can answer questions about:" not in out


def test_errors_are_one_friendly_line_and_the_console_continues(core):
    out = run(
        core,
        "/ask " + "x" * 200 + "\n/frobnicate\n/docs document: weather\n/gaps days: many\n"
        "/corpus add /no/such/file.md\n/more\n/ask values\n",
    )
    assert "⚠ That question is 200 characters long" in out
    assert "Unknown command /frobnicate" in out
    assert "⚠ I don't have a document called 'weather'" in out
    assert "⚠ days must be a whole number" in out
    assert "⚠ No such file" in out
    assert "Traceback" not in out
    assert "[1] Values" in out  # still working afterwards


def test_admin_commands_run_as_the_local_operator(core, engine, tmp_path):
    doc = tmp_path / "picnic.md"
    doc.write_text("The summer picnic is at the park.")
    out = run(
        core,
        f"/reindex dry_run: true\n/corpus add {doc}\n/ask picnic park\n/status\n/gaps\n"
        "/corpus remove uploads/picnic.md confirm: yes\n",
    )
    assert "Reindex preview (nothing changed)" in out
    assert "Added uploads/picnic.md" in out
    assert "[1] picnic" in out
    assert "alliance-bot status" in out and "Gateway latency\n  n/a (console)" in out
    assert "Removed uploads/picnic.md" in out
    assert engine.reindexes[0] is True
    actions = [e.action for e in core.records.audit_log()]
    assert {"reindex --dry-run", "corpus add", "status", "gaps", "corpus remove"} <= set(actions)


def test_console_is_not_rate_limited(core):
    out = run(core, "values\n" * 5)
    assert "asking quickly" not in out


def test_parse_options_reads_discord_style_options():
    names = ("document", "section")
    assert parse_options("values", names) == {"document": "values"}
    assert parse_options("document: Vision, Mission section: Our Values", names) == {
        "document": "Vision, Mission",
        "section": "Our Values",
    }
    assert parse_options("", names) == {}
    assert Console.__name__ == "Console"


def test_a_members_masked_link_reads_as_typed_on_the_console(core):
    out = run(core, "/ask what is [bank login](https://evil.example) **now**?\n")
    assert "what is [bank login](https://evil.example) **now**?" in out
    assert "\\[" not in out and "\\*" not in out
