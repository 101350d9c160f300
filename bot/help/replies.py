"""`/help`'s reply: what the bot can do, with examples, admin commands for admins."""

from __future__ import annotations

from bot.ask.replies import EXAMPLE_QUESTIONS
from bot.common.cards import Card, CardField, Reply, fit_reply
from bot.schedule.feed import FeedLinks


def help_reply(*, admin: bool, feed: FeedLinks | None = None) -> Reply:
    """What the bot can do, with examples (and the calendar feed's link when it is on)."""
    member = [
        "**/ask** `question:` — a short answer quoted from the coalition's documents, with "
        "sources. Add `private: True` to see it only yourself.",
        "**/docs** — the documents I know; `document:` shows one document's outline, "
        "`section:` its text.",
        "**/help** — this message.",
        "**/next** — the next meeting.",
        "**/meetings** · **/deadlines** — what's coming up.",
        "**/subscribe** · **/unsubscribe** — reminders by DM for one item or all.",
        "**/ics** — a calendar file to import into your calendar app.",
        "**/reminder-role** — be notified by channel reminders (again to stop).",
    ]
    if feed is not None:
        member.append(f"**Subscribe to the calendar** once: {feed.webcal}")
    fields = [
        CardField("For everyone", "\n".join(member)),
        CardField("Try asking", "\n".join(f"• /ask {q}" for q in EXAMPLE_QUESTIONS)),
    ]
    if admin:
        fields.append(
            CardField(
                "For admins",
                "**/reindex** `dry_run:` — rebuild the search index (preview with dry_run).\n"
                "**/corpus add** `file:` · **/corpus remove** `document:` — manage documents.\n"
                "**/status** — index size and age, uptime, latency, pending reminders.\n"
                "**/gaps** — questions I couldn't answer, answered weakly, or that got 👎.\n"
                "**/schedule** `add-meeting` · `add-deadline` · `edit` · `cancel` — manage "
                "meetings and deadlines (reminders follow automatically).\n"
                "**/calendar rsvps** `item:` — who is coming · **/calendar rotate-feed** — a new "
                "secret calendar address.",
            )
        )
    card = Card(
        title="alliance-bot — what I can do",
        description=(
            "I answer questions from the coalition's own documents and always show where the "
            "answer comes from. If I'm not sure, I say so."
        ),
        fields=tuple(fields),
    )
    return fit_reply(Reply(cards=(card,)))
