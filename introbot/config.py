"""Configuration: one TOML file validated at start-up into frozen, typed settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path


class ConfigError(ValueError):
    """The configuration cannot be used; `problems` lists every problem with its key and a fix."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Secret:
    """A password or token named by the config (`*_env` or `*_file`), read only when needed.

    The value itself never lives in the TOML file, never in a repr and never in a log line.
    """

    key: str  # the config key that names it, for error messages ("imap.password_env")
    env: str = ""
    file: Path | None = None
    literal: str | None = field(default=None, repr=False)  # set by code (demo, tests), never by TOML

    def reveal(self) -> str:
        if self.literal is not None:
            return self.literal
        if self.env:
            value = os.environ.get(self.env)
            if value is None:
                raise ConfigError([f"{self.key}: the environment variable {self.env} is not set; "
                                   f"export it before starting introbot"])
            return value
        if self.file is not None:
            try:
                return self.file.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ConfigError([f"{self.key}: cannot read {self.file} ({error.strerror}); "
                                   f"check the path and its permissions"]) from None
        return ""

    @property
    def configured(self) -> bool:
        return self.literal is not None or bool(self.env) or self.file is not None


NO_SECRET = Secret(key="")


@dataclass(frozen=True)
class Person:
    """Somebody in the directory: a practitioner (who may ask for intros) or a colleague."""

    name: str
    email: str  # normalised: lower-case
    website: str = ""
    specialty: str = ""
    standing_consent: bool = False
    language: str = "en"

    @property
    def first_name(self) -> str:
        parts = [p for p in self.name.replace(",", " ").split() if p.rstrip(".").lower()
                 not in {"dr", "prof", "mr", "mrs", "ms", "mx"}]
        return parts[0] if parts else self.name


@dataclass(frozen=True)
class BotSettings:
    address: str  # the intro@ mailbox, lower-case
    name: str = "Intro Assistant"
    database: Path = Path("introbot.sqlite3")
    templates: Path | None = None  # operator overrides; shipped templates fill the gaps
    language: str = "en"  # default language of what introbot writes
    dry_run: bool = False  # record what would be sent, send nothing
    referrer_notes: str = "each"  # each | off: the referrer's one-line note per outcome
    bcc_referrer: bool = False  # BCC the referrer on the introduction (opt-in)
    signature: str = ""  # appended after "-- " to every message


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int = 993
    security: str = "tls"  # tls | starttls | none (loopback only)
    username: str = ""
    password: Secret = NO_SECRET
    ca_file: Path | None = None
    folder: str = "INBOX"
    idle_renew: timedelta = timedelta(minutes=4)  # re-issue IDLE at least this often (<= 5 min)
    poll_interval: timedelta = timedelta(seconds=60)  # when the server lacks IDLE
    timeout: timedelta = timedelta(seconds=30)  # every network step


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 465
    security: str = "tls"  # tls | starttls | none (loopback only)
    username: str = ""
    password: Secret = NO_SECRET
    ca_file: Path | None = None
    timeout: timedelta = timedelta(seconds=30)
    retry_for: timedelta = timedelta(days=2)  # give up on temporary failures after this long


@dataclass(frozen=True)
class ConsentSettings:
    order: str = "client-first"  # client-first | parallel
    remind_after: timedelta = timedelta(days=3)
    expire_after: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class TrustSettings:
    authserv_id: str = ""
    require_authenticated: bool = True


@dataclass(frozen=True)
class Config:
    bot: BotSettings
    imap: ImapSettings
    smtp: SmtpSettings
    consent: ConsentSettings = ConsentSettings()
    trust: TrustSettings = TrustSettings()
    practitioners: tuple[Person, ...] = ()
    colleagues: tuple[Person, ...] = ()
    path: Path | None = None  # the file it came from, if any
