"""Error mapping: user errors keep their message, bugs get a generic reply (never a traceback)."""

from discord import app_commands

from bot.common.errors import PermissionDenied, RateLimited
from bot.common.interaction import user_message
from index.errors import QuestionError


class FakeCommand:
    qualified_name = "ask"
    name = "ask"


def invoke_error(exc):
    try:
        raise exc
    except Exception as inner:
        try:
            raise app_commands.CommandInvokeError(FakeCommand(), inner) from inner
        except app_commands.CommandInvokeError as outer:
            return outer


def test_user_errors_inside_command_errors_keep_their_message():
    assert user_message(invoke_error(QuestionError("too long"))) == "too long"
    assert user_message(invoke_error(RateLimited("slow down", 3))) == "slow down"
    assert "Nothing was changed" in user_message(
        invoke_error(PermissionDenied("Nothing was changed"))
    )


def test_bugs_have_no_user_message_so_the_generic_reply_is_used():
    assert user_message(invoke_error(ZeroDivisionError("boom"))) is None
    assert user_message(KeyError("x")) is None


def test_discord_check_failures_are_friendly():
    assert "server" in user_message(app_commands.NoPrivateMessage())
    assert "Nothing was changed" in user_message(app_commands.MissingPermissions(["manage_guild"]))
