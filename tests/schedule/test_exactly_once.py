"""Randomised restarts and flaky sends: every reminder is sent exactly once, or skipped by rule."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from bot.schedule.domain.errors import RetryableSendError
from bot.schedule.domain.recurrence import occurrences

from .conftest import DENVER, NOW, make_env

END = NOW + timedelta(days=12)


class FlakySender:
    """Fails about one send in five with a retryable error; remembers every success."""

    def __init__(self, clock, seed: int) -> None:
        self.clock = clock
        self.rng = random.Random(seed)
        self.sent: list[tuple[str, int, int, int, int, bool, str]] = []

    async def _send(self, target, target_id, reminder) -> None:
        if self.rng.random() < 0.2:
            raise RetryableSendError("503 Service Unavailable")
        self.sent.append(
            (
                target,
                target_id,
                reminder.item_id,
                int(reminder.event.timestamp()),
                int(reminder.lead.total_seconds()),
                reminder.late,
                reminder.nonce,
            )
        )

    async def send_channel(self, channel_id, reminder) -> None:
        await self._send("channel", channel_id, reminder)

    async def send_dm(self, user_id, reminder) -> None:
        await self._send("dm", user_id, reminder)


@pytest.mark.parametrize("seed", range(1, 9))
async def test_random_restarts_never_lose_or_repeat(tmp_path, seed):
    rng = random.Random(seed)
    env = make_env(tmp_path)
    env.sender = FlakySender(env.clock, seed)
    service = env.service
    items = []
    for n in range(25):
        when = NOW + timedelta(hours=rng.randint(2, 240), minutes=rng.choice([0, 15, 30, 45]))
        if rng.random() < 0.3:
            items.append(service.add_deadline(f"D{n}", when, channel_id=100 + n % 3))
        else:
            repeat = "weekly" if rng.random() < 0.3 else None
            items.append(service.add_meeting(f"M{n}", when, repeat=repeat, channel_id=100 + n % 3))
    subscribers = [9001, 9002]
    service.subscribe(9001)
    service.subscribe(9002, items[0].id)
    service.subscribe(9002, items[1].id)

    downtimes: list[tuple] = []
    await env.start()
    while env.clock.now() < END:
        await env.run_for(timedelta(hours=rng.randint(1, 30)))
        if rng.random() < 0.5:
            await env.stop()
            down_from = env.clock.now()
            env.clock.set(down_from + timedelta(minutes=rng.randint(5, 600)))
            downtimes.append((down_from, env.clock.now()))
            await env.start()
    await env.run_until(END + timedelta(days=1))  # let retries finish
    await env.stop()

    # Independent expectation: every (item, occurrence, lead) with due time after creation.
    expected = {}
    for item in items:
        for occ in occurrences(item.rrule, item.start, DENVER, NOW, END + timedelta(days=1)):
            for lead in item.leads:
                due = occ - lead
                if NOW < due <= END:
                    expected[(item.id, int(occ.timestamp()), int(lead.total_seconds()))] = (
                        item,
                        occ,
                        due,
                    )
    assert len(expected) > 40

    sends = Counter((s[0], s[1], s[2], s[3], s[4]) for s in env.sender.sent)
    assert max(sends.values()) == 1, "a reminder was sent twice"
    late_flags = {(s[2], s[3], s[4]): s[5] for s in env.sender.sent}

    def down_at(t):
        return next(((a, b) for a, b in downtimes if a < t < b), None)

    skipped = 0
    for key, (item, occ, due) in expected.items():
        window = down_at(due)
        targets = [("channel", item.channel_id)] + [
            ("dm", uid) for uid in subscribers if service.is_subscribed(uid, item.id)
        ]
        delivered = [t for t in targets if (*t, *key) in sends]
        if window is not None and occ <= window[1]:
            assert delivered == [], f"sent a reminder for an event that had passed: {key}"
            skipped += 1
            continue
        # Every other reminder reached every target (retries absorb the 20 % failures) ...
        assert delivered == targets, f"lost reminder {key}: got {delivered} of {targets}"
        # ... and is flagged late exactly when it fell due while the bot was down.
        assert late_flags[key] == (window is not None), key
    # Nothing beyond the expectation was sent (reminders due after END are not counted).
    in_range = [k for k in sends if k[3] - k[4] <= int(END.timestamp())]
    assert len(in_range) == sum(
        1 + sum(service.is_subscribed(u, item.id) for u in subscribers)
        for item, occ, due in expected.values()
        if not ((w := down_at(due)) is not None and occ <= w[1])
    )
    assert skipped == sum(1 for *_, due in expected.values() if down_at(due)) - sum(
        1 for _, occ, due in expected.values() if down_at(due) and occ > down_at(due)[1]
    )
