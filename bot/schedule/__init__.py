"""The schedule domain: meetings, deadlines, DM subscriptions and the reminder engine.

No Discord here. The Discord cog, the console and the CLI all call `ScheduleService` (storage and
validation) and run one `ReminderScheduler` (delivery) with an injected `ReminderSender`.
"""

from bot.schedule.clock import Clock, ManualClock, SystemClock
from bot.schedule.errors import (
    NotFoundError,
    PermanentSendError,
    RetryableSendError,
    ScheduleError,
    TimeParseError,
)
from bot.schedule.models import Item, Kind, Occurrence, Reminder
from bot.schedule.render import render_occurrence, render_reminder
from bot.schedule.scheduler import ReminderScheduler, ReminderSender
from bot.schedule.service import ScheduleService, open_service
from bot.schedule.standing import StandingReport, sync_standing_schedule

__all__ = [
    "Clock",
    "Item",
    "Kind",
    "ManualClock",
    "NotFoundError",
    "Occurrence",
    "PermanentSendError",
    "Reminder",
    "ReminderScheduler",
    "ReminderSender",
    "RetryableSendError",
    "ScheduleError",
    "ScheduleService",
    "StandingReport",
    "SystemClock",
    "TimeParseError",
    "open_service",
    "render_occurrence",
    "render_reminder",
    "sync_standing_schedule",
]
