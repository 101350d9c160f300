"""One settings object, read once from the environment (prefix `ALLIANCE_`) and `.env`.

Tests build their own `Settings(...)` instead of patching globals. Relative paths are resolved
against the current directory when used, so `make run` from the repo root finds `corpus/`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="ALLIANCE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path("data")
    timezone: str = "America/Denver"
    day_first: bool = False  # numeric dates: 3/4 is March 4 unless True (then April 3)
    log_level: str = "INFO"

    discord_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ALLIANCE_DISCORD_TOKEN", "DISCORD_TOKEN", "discord_token"),
    )
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_role_id: int | None = None
    officer_role_id: int | None = None
    officer_channel_id: int | None = None
    handoffs_per_hour: int = Field(default=3, ge=1, le=100)
    announce_channel_id: int | None = None
    reminder_role_id: int | None = None

    feed_host: str = "127.0.0.1"
    feed_port: int | None = Field(default=None, ge=0, le=65535)
    feed_public_url: str | None = Field(default=None, validate_default=True)

    max_question_chars: int = 500
    ask_cooldown_seconds: float = 20.0
    ask_cooldown_uses: int = 3
    max_upload_bytes: int = 2_000_000

    fetch_allow_private: bool = False  # let /corpus add-url reach private/loopback addresses
    fetch_max_bytes: int = Field(default=2_000_000, ge=1_000, le=50_000_000)
    fetch_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    web_refresh_daily: bool = False  # re-fetch web documents once a day in the bot

    semantic: bool = True
    semantic_max_passages: int = Field(default=3000, ge=0, le=1_000_000)
    min_coverage: float = Field(default=0.695, ge=0.0, le=1.0)
    build_processes: int = Field(default=0, ge=0, le=16)  # 0: the cores available, up to 4

    @field_validator("guild_ids", mode="before")
    @classmethod
    def _id_list(cls, value: Any) -> Any:
        """Ids as people type them: `123`, `123,456`, `123 456` or `[123, 456]`."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                text = text.strip("[]")
        parts = [p for p in text.replace(",", " ").split() if p]
        bad = [p for p in parts if not p.isdigit()]
        if bad:
            raise ValueError(
                f"{bad[0]!r} is not a Discord id; write ids as numbers, e.g. "
                "ALLIANCE_GUILD_IDS=123456789012345678,234567890123456789"
            )
        return [int(p) for p in parts]

    @field_validator("feed_host")
    @classmethod
    def _feed_host(cls, value: str) -> str:
        """The address the feed binds to: a name or IP, never a URL."""
        text = value.strip()
        if not text or any(c in text for c in "/ ?#@"):
            raise ValueError(
                f"{value!r} is not a host name or address; e.g. ALLIANCE_FEED_HOST=127.0.0.1"
            )
        return text

    @field_validator("feed_public_url")
    @classmethod
    def _feed_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The feed's address as members reach it (behind a reverse proxy, usually https)."""
        text = (value or "").strip().rstrip("/")
        if not text:
            if info.data.get("feed_port") is not None:
                raise ValueError(
                    "the calendar feed is on (ALLIANCE_FEED_PORT is set) but has no public "
                    "address; set it, e.g. ALLIANCE_FEED_PUBLIC_URL=https://bot.example.org"
                )
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ValueError(
                f"{text!r} is not an http(s) address without a query; "
                "e.g. ALLIANCE_FEED_PUBLIC_URL=https://bot.example.org"
            )
        return text

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as 'America/Denver'"
            ) from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The server's time zone for reading and showing wall-clock times."""
        return ZoneInfo(self.timezone)

    @property
    def index_dir(self) -> Path:
        """Where the Whoosh index generations and the `current` symlink live."""
        return self.data_dir / "index"

    @property
    def db_path(self) -> Path:
        """The SQLite database shared by the schedule, feedback and audit log."""
        return self.data_dir / "alliance.sqlite3"

    @property
    def feed_enabled(self) -> bool:
        """Whether the live calendar feed is served (`ALLIANCE_FEED_PORT` set)."""
        return self.feed_port is not None
