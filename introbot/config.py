"""Configuration: one TOML file validated at start-up into frozen, typed settings."""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import shlex
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email


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
    retention: timedelta = timedelta(days=30)  # message bodies and names of ended intros are purged after this
    heartbeat_file: Path = Path("introbot.heartbeat")  # rewritten at every beat of the daemon, for supervisors


@dataclass(frozen=True)
class OAuth2Settings:
    """Where a mail server's OAuth2 access tokens come from (used when `auth = "oauth2"`)."""

    provider: str  # google | microsoft | command
    command: tuple[str, ...] = ()  # command: prints the access token (or JSON with access_token)
    client_id: str = ""  # google, microsoft: the app registration's client id
    client_secret: Secret = NO_SECRET  # google (required), microsoft (confidential apps only)
    refresh_token: Secret = NO_SECRET  # google, microsoft
    tenant: str = "common"  # microsoft: the directory (tenant) id or domain
    token_url: str = ""  # overrides the provider's token endpoint (https, or http to loopback)


@dataclass(frozen=True)
class ServerSettings:
    """What IMAP and SMTP settings share: where the server is, how to reach it and how to sign in."""

    host: str
    port: int
    security: str = "tls"  # tls | starttls | none (loopback only)
    username: str = ""
    password: Secret = NO_SECRET
    auth: str = "password"  # password | oauth2
    oauth2: OAuth2Settings | None = None  # set exactly when auth is oauth2
    ca_file: Path | None = None
    timeout: timedelta = timedelta(seconds=30)  # every network step


@dataclass(frozen=True)
class ImapSettings(ServerSettings):
    port: int = 993
    folder: str = "INBOX"
    idle_renew: timedelta = timedelta(minutes=4)  # re-issue IDLE this often: at most 29m (RFC 2177), <= 5m behind NAT
    poll_interval: timedelta = timedelta(seconds=60)  # when the server lacks IDLE


@dataclass(frozen=True)
class SmtpSettings(ServerSettings):
    port: int = 465
    retry_for: timedelta = timedelta(days=2)  # give up on temporary failures after this long
    copy_to_sent: bool = True  # keep a copy of each sent message in the Sent folder (Gmail, Microsoft 365 do it)


@dataclass(frozen=True)
class ConsentSettings:
    order: str = "client-first"  # client-first | parallel
    remind_after: timedelta = timedelta(days=3)
    expire_after: timedelta = timedelta(days=7)


PROVIDERS = ("microsoft365",)  # mail providers whose Authentication-Results carry no authserv-id


@dataclass(frozen=True)
class TrustSettings:
    authserv_id: str = ""
    require_authenticated: bool = True
    verify_dkim: bool = False  # also verify DKIM signatures ourselves (needs DNS TXT lookups)
    provider: str = ""  # "microsoft365": trust Exchange Online's own Authentication-Results shape


@dataclass(frozen=True)
class LimitsSettings:
    """Sending caps (over one, mail waits in the outbox; none is dropped) and the time budget per message."""

    requests_per_referrer_per_day: int = 50  # intros whose first mail to a client or colleague goes out
    mails_per_recipient_per_day: int = 50
    mails_per_hour: int = 600  # everything introbot sends
    message_time_budget: timedelta = timedelta(seconds=30)  # handling one inbound message; then it counts a failed try


@dataclass(frozen=True)
class Config:
    bot: BotSettings
    imap: ImapSettings
    smtp: SmtpSettings
    consent: ConsentSettings = ConsentSettings()
    trust: TrustSettings = TrustSettings()
    limits: LimitsSettings = LimitsSettings()
    practitioners: tuple[Person, ...] = ()
    colleagues: tuple[Person, ...] = ()
    path: Path | None = None  # the file it came from, if any


def default_config_path(argv_value: str | None, environ: Mapping[str, str]) -> Path:
    """The file named by `--config PATH`, else by $INTROBOT_CONFIG, else ./config.toml (CONTRACT.md)."""
    if argv_value is not None:
        return Path(argv_value)
    return Path(environ.get("INTROBOT_CONFIG") or "config.toml")


def load_config(path: Path) -> Config:
    """Read and validate the TOML file at `path`; raise ConfigError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: editors on Windows prepend a BOM
    except FileNotFoundError:
        raise ConfigError([f"{path}: there is no configuration file there; copy config.example.toml "
                           f"to it and fill it in, or name another one with --config PATH or "
                           f"INTROBOT_CONFIG"]) from None
    except UnicodeDecodeError as error:
        raise ConfigError([f"{path} is not UTF-8 text (bad byte at offset {error.start}); "
                           f"save it as UTF-8"]) from None
    except OSError as error:
        raise ConfigError([f"{path}: cannot read it ({error.strerror}); check the path and its "
                           f"permissions"]) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML `text` as if read from `path` (which locates relative paths and names the
    file in messages); raise ConfigError listing every problem at once."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_syntax_problem(error, path)]) from None
    problems = _Problems(text, path)
    folder = path.absolute().parent
    known = {*_SECTIONS, *_DIRECTORIES}
    for key in document.keys() - known:
        problems.add((key,), _unknown_key(key, known, ()))
    sections = {name: _section(document, name, schema, problems, folder)
                for name, schema in _SECTIONS.items()}
    bot: BotSettings | None = sections["bot"]
    language = bot.language if bot is not None else BotSettings.language
    directories = {name: _people(document, name, problems, folder, language)
                   for name in _DIRECTORIES}
    _check_directory(bot.address if bot is not None else None, directories, problems)
    problems.raise_if_any()
    return Config(**sections, **{name: tuple(people) for name, people in directories.items()},
                  path=path.absolute())


# --- durations ----------------------------------------------------------------------------------

DURATION_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1),
                  "m": timedelta(minutes=1), "s": timedelta(seconds=1)}  # largest first
_DURATION = re.compile(r"(\d+)\s*([wdhms])")


def parse_duration(text: str) -> timedelta:
    """Read "90s", "15m", "2h", "3d" or "1w"; ValueError for anything else."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a number followed by one of s, m, h, d, w")
    try:
        return int(match[1]) * DURATION_UNITS[match[2]]
    except OverflowError:
        raise ValueError(f"{text!r} is longer than any duration introbot can count") from None


def format_duration(duration: timedelta) -> str:
    """Write a whole number of seconds in the largest exact unit, so parse_duration reads it back."""
    if duration < timedelta(0) or duration % timedelta(seconds=1):
        raise ValueError(f"{duration!r} is not a positive whole number of seconds")
    if not duration:
        return "0s"
    unit, size = next((unit, size) for unit, size in DURATION_UNITS.items() if not duration % size)
    return f"{duration // size}{unit}"


# --- value parsers: each takes the TOML value and the config file's folder -----------------------

class _Invalid(ValueError):
    """A refused value; the message follows the key's name: "must be …, got …; how to fix"."""


Parser = Callable[[Any, Path], Any]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOSTNAME = re.compile(rf"(?:{_HOST_LABEL}\.)*{_HOST_LABEL}\.?")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
DURATION_EXAMPLES = '"90s", "15m", "2h", "3d" or "1w"'


def _shown(value: Any) -> str:
    """A value as the operator wrote it, short enough for one line."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _text(value: Any, folder: Path) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be text in quotes, got {_shown(value)}")
    if _CONTROL.search(value):
        raise _Invalid("must be one line of text, without line breaks, tabs or other control "
                       "characters; remove them")
    return value.strip()


def _required_text(value: Any, folder: Path) -> str:
    text = _text(value, folder)
    if not text:
        raise _Invalid("must not be empty; write a value or leave the key out for its default")
    return text


def _multiline_text(value: Any, folder: Path) -> str:
    if not isinstance(value, str):
        raise _Invalid(f'must be text in quotes (use """triple quotes""" for several lines), '
                       f"got {_shown(value)}")
    if _CONTROL.search(value.replace("\n", "")):
        raise _Invalid("must be plain text: line breaks are fine, tabs and other control "
                       "characters are not; remove them")
    return value.strip()


def _boolean(value: Any, folder: Path) -> bool:
    if isinstance(value, bool):
        return value
    unquote = "; write it without quotes" if str(value).lower() in {"true", "false"} else ""
    raise _Invalid(f"must be true or false, got {_shown(value)}{unquote}")


def _choice(*options: str, aliases: Mapping[str, str] = {}) -> Parser:
    """One of `options`; `aliases` are other names people use, suggested as the fix."""
    def parse(value: Any, folder: Path) -> str:
        if isinstance(value, str) and value in options:
            return value
        close = [aliases[value]] if isinstance(value, str) and value in aliases else \
            difflib.get_close_matches(str(value), options, n=1)
        hint = f"; did you mean {_shown(close[0])}?" if close else ""
        listed = ", ".join(map(_shown, options[:-1])) + f" or {_shown(options[-1])}"
        raise _Invalid(f"must be {listed}, got {_shown(value)}{hint}")
    return parse


def _count(value: Any, folder: Path) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise _Invalid(f"must be a whole number of at least 1 (without quotes), got {_shown(value)}; or leave "
                   f"it out for the default")


def _port(value: Any, folder: Path) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535:
        return value
    raise _Invalid(f"must be a whole number from 1 to 65535, got {_shown(value)}; or leave it out "
                   f"for the usual port of the chosen security")


def _host(value: Any, folder: Path) -> str:
    host = _required_text(value, folder)
    if "://" in host:
        raise _Invalid(f"must be a bare host name such as 'mail.example.org', got {_shown(value)}; "
                       f"drop the {host.split('://')[0]}:// part (security says how to connect)")
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    if ":" in host:
        raise _Invalid(f"must be a host name or IP address without a port, got {_shown(value)}; "
                       f"put the port number in the port key")
    if not _HOSTNAME.fullmatch(host):
        raise _Invalid(f"must be a host name such as 'mail.example.org' or an IP address, "
                       f"got {_shown(value)}")
    return host.lower()


def _is_loopback(host: str) -> bool:
    if host.rstrip(".").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _address(value: Any, folder: Path) -> str:
    text = _required_text(value, folder)
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise _Invalid(f"must be an email address such as 'ada@clinic.example', got "
                       f"{_shown(value)}: {error}") from None


def _resolve(text: str, folder: Path) -> Path:
    path = Path(text).expanduser()
    return path if path.is_absolute() else folder / path


def _path(value: Any, folder: Path) -> Path:
    text = _text(value, folder)
    if not text:
        raise _Invalid("must not be empty; give a path, absolute or relative to the config "
                       "file's folder")
    return _resolve(text, folder)


def _existing(kind: str, exists: Callable[[Path], bool]) -> Parser:
    """An optional path ("" means none) that must already exist when given."""
    def parse(value: Any, folder: Path) -> Path | None:
        text = _text(value, folder)
        if not text:
            return None
        path = _resolve(text, folder)
        if not exists(path):
            raise _Invalid(f"must name an existing {kind}, got {_shown(value)}, and there is no "
                           f"{kind} at {path}; fix the path (relative paths start in the config "
                           f"file's folder) or set it to \"\"")
        return path
    return parse


def _env_name(value: Any, folder: Path) -> str:
    if isinstance(value, str) and _ENV_NAME.fullmatch(value):
        return value
    # The value is not echoed: what was written here may well be the password itself.
    raise _Invalid("must be the NAME of an environment variable (letters, digits and _, such as "
                   "'INTROBOT_IMAP_PASSWORD'), not the password or token itself; export the secret "
                   "under that name before starting introbot")


def _duration(at_most: timedelta | None = None, because: str = "") -> Parser:
    def parse(value: Any, folder: Path) -> timedelta:
        if isinstance(value, int) and not isinstance(value, bool):
            raise _Invalid(f"must be a duration with a unit, got {_shown(value)}, which has "
                           f"none; write it in quotes with a unit, e.g. \"{value}s\" for "
                           f"seconds, \"{value}m\" for minutes or \"{value}d\" for days")
        try:
            duration = parse_duration(value) if isinstance(value, str) else timedelta(0)
        except ValueError:
            duration = timedelta(0)
        if not duration:
            raise _Invalid(f"must be a duration above zero such as {DURATION_EXAMPLES}, "
                           f"got {_shown(value)}")
        if at_most is not None and duration > at_most:
            raise _Invalid(f"must be at most {format_duration(at_most)} {because}, "
                           f"got {_shown(value)}")
        return duration
    return parse


def _language(value: Any, folder: Path) -> str:
    text = _text(value, folder)
    if not _LANGUAGE.fullmatch(text):
        raise _Invalid(f"must be a language tag such as 'en', 'fr' or 'pt-BR', got {_shown(value)}")
    return text


def _website(value: Any, folder: Path) -> str:
    text = _text(value, folder)
    if text and (urlsplit(text).scheme not in {"http", "https"} or not urlsplit(text).netloc
                 or " " in text):
        raise _Invalid(f"must be a web address starting with https://, got {_shown(value)}; "
                       f"or leave it out")
    return text


def _authserv_id(value: Any, folder: Path) -> str:
    text = _text(value, folder)
    if re.search(r"[\s;]", text):
        raise _Invalid(f"must be one word such as 'mx.google.com' (the first thing after "
                       f"'Authentication-Results:' in mail your server received), got {_shown(value)}")
    return text


def _command(value: Any, folder: Path) -> tuple[str, ...]:
    """A command to run without a shell: a list of words, or one line split like a shell would."""
    if isinstance(value, str):
        try:
            argv = shlex.split(value)
        except ValueError as error:
            raise _Invalid(f"must be a command line whose quotes are balanced ({error}); or write it "
                           f"as a list such as [\"/usr/local/bin/mail-token\", \"imap\"]") from None
    elif isinstance(value, list) and all(isinstance(word, str) for word in value):
        argv = list(value)
    else:
        raise _Invalid(f"must be a command: a list such as [\"/usr/local/bin/mail-token\", \"imap\"] "
                       f"or one line of text, got {_shown(value)}")
    if not argv or not argv[0].strip():
        raise _Invalid("must name the program to run first, e.g. [\"/usr/local/bin/mail-token\"]")
    if any(_CONTROL.search(word) for word in argv):
        raise _Invalid("must not contain line breaks, tabs or other control characters; remove them")
    if "/" in argv[0]:  # a path to the program, relative to the config file like every path here
        argv[0] = str(_resolve(argv[0], folder))
    return tuple(argv)


def _tenant(value: Any, folder: Path) -> str:
    text = _required_text(value, folder)
    if not re.fullmatch(r"[A-Za-z0-9.-]+", text):
        raise _Invalid(f"must be a Microsoft directory (tenant) id such as "
                       f"'72f988bf-86f1-41af-91ab-2d7cd011db47', a domain such as "
                       f"'collective.example', or 'common', got {_shown(value)}")
    return text


def _token_url(value: Any, folder: Path) -> str:
    text = _required_text(value, folder)
    parts = urlsplit(text)
    if parts.scheme == "https" and parts.hostname or \
            parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return text
    raise _Invalid(f"must be an https:// address (http:// only to this machine, for tests), got "
                   f"{_shown(value)}; or leave it out for the provider's own token endpoint")


# --- the schema: one entry per key; defaults come from the dataclasses ----------------------------

Report = Callable[[str, str], None]  # (key in this table, message)
# (section name, values read so far, keys refused as bad or unknown, report): checks keys together
Finish = Callable[[str, dict[str, Any], set[str], Report], None]

DEFAULT_PORTS = {"imap": {"tls": 993, "starttls": 143, "none": 143},
                 "smtp": {"tls": 465, "starttls": 587, "none": 25}}
_OAUTH2_KEYS = ("oauth2_provider", "oauth2_command", "oauth2_client_id", "oauth2_client_secret_env",
                "oauth2_client_secret_file", "oauth2_refresh_token_env", "oauth2_refresh_token_file",
                "oauth2_tenant", "oauth2_token_url")
_REFRESH_FLOW_KEYS = {"oauth2_provider", "oauth2_client_id", "oauth2_client_secret_env",
                      "oauth2_client_secret_file", "oauth2_refresh_token_env",
                      "oauth2_refresh_token_file", "oauth2_token_url"}
# The keys each provider uses: any other oauth2_ key is refused rather than silently ignored.
_OAUTH2_PROVIDER_KEYS = {"command": {"oauth2_provider", "oauth2_command"},
                         "google": _REFRESH_FLOW_KEYS,
                         "microsoft": _REFRESH_FLOW_KEYS | {"oauth2_tenant"}}
_MAIL_AUTH_KEYS: dict[str, Parser] = {
    "auth": _choice("password", "oauth2"), "oauth2_provider": _choice("google", "microsoft", "command"),
    "oauth2_command": _command, "oauth2_client_id": _required_text,
    "oauth2_client_secret_env": _env_name, "oauth2_client_secret_file": _path,
    "oauth2_refresh_token_env": _env_name, "oauth2_refresh_token_file": _path,
    "oauth2_tenant": _tenant, "oauth2_token_url": _token_url,
}
_SECURITY = _choice("tls", "starttls", "none", aliases={"ssl": "tls"})


@dataclass(frozen=True)
class _Table:
    """How to read one TOML table into one settings dataclass.

    `keys` maps each TOML key to its parser; a key named like a dataclass field fills it, the
    others are for `finish`, which checks keys against each other and completes the values.
    Defaults are the dataclass's own.
    """

    settings: type
    keys: Mapping[str, Parser]
    required: Mapping[str, str] = field(default_factory=dict)  # key -> what to write there
    finish: Finish | None = None


def _finish_mail_server(login_required: bool) -> Finish:
    def finish(section: str, values: dict[str, Any], failed: set[str], report: Report) -> None:
        security = values.get("security", "tls")
        values.setdefault("port", DEFAULT_PORTS[section][security])
        host = values.get("host")
        if security == "none" and host is not None and not _is_loopback(host):
            report("security", f"= \"none\" sends the password and every message unencrypted, so it "
                               f"is allowed only when {section}.host is this machine (127.0.0.1, "
                               f"::1 or localhost), got host {_shown(host)}; use \"tls\" or "
                               f"\"starttls\"")
        options = {key: values.pop(key) for key in _OAUTH2_KEYS if key in values}
        written = [key for key in _OAUTH2_KEYS if key in options or key in failed]
        password, given = _secret(section, "password", values, failed, report)
        if values.get("auth") == "oauth2":
            _finish_oauth2(section, values, options, written, given, failed, report)
            return
        if written and "auth" not in failed:
            report(written[0], f"is set but {section}.auth is \"password\" (the default); set "
                               f"{section}.auth = \"oauth2\" to log in with OAuth2, or remove the "
                               f"oauth2_ keys")
        if failed & {"username", "password"} or len(given) == 2:  # reported already
            return
        example = (f"{section}.password_env = \"INTROBOT_{section.upper()}_PASSWORD\" (an environment "
                   f"variable holding it) or {section}.password_file = \"...\" (a file holding only it)")
        if values.get("username") and not given:
            report("username", f"is set, so {section} needs its password: add {example}")
        elif not values.get("username") and login_required:
            report("username", f"is required: the login name of the mailbox, often its address; "
                               f"add it together with {example}")
        elif not values.get("username") and given:
            report(given[0], f"is set but {section}.username is empty; add the login name as "
                             f"{section}.username, or remove the password to connect without one")
        if password.configured:
            values["password"] = password
    return finish


def _secret(section: str, stem: str, values: dict[str, Any], failed: set[str],
            report: Report) -> tuple[Secret, list[str]]:
    """The secret named by `{stem}_env` or `{stem}_file` (both taken out of `values`), and which
    of the two keys were written."""
    given = [key for key in (f"{stem}_env", f"{stem}_file") if key in values or key in failed]
    env, file = values.pop(f"{stem}_env", ""), values.pop(f"{stem}_file", None)
    if len(given) == 2:
        report(given[1], f"cannot be set together with {section}.{given[0]}; keep exactly one of them")
    if not (env or file):
        return NO_SECRET, given
    return Secret(key=f"{section}.{given[0]}", env=env, file=file), given


def _finish_oauth2(section: str, values: dict[str, Any], options: dict[str, Any], written: list[str],
                   password_keys: list[str], failed: set[str], report: Report) -> None:
    """`auth = "oauth2"`: a username, a provider and exactly the keys that provider uses."""
    for key in password_keys:
        report(key, f"is not used with {section}.auth = \"oauth2\" (a token replaces the password); "
                    f"remove it")
    if not values.get("username") and "username" not in failed:
        report("username", f"is required with {section}.auth = \"oauth2\": the address of the mailbox "
                           f"the token is for; add username = \"intro@collective.example\"")
    provider = options.get("oauth2_provider")
    if provider is None:
        if "oauth2_provider" not in failed:
            report("auth", f"= \"oauth2\" needs {section}.oauth2_provider: \"google\", \"microsoft\" "
                           f"or \"command\"; config.example.toml explains each")
        return
    for key in written:
        if key not in _OAUTH2_PROVIDER_KEYS[provider]:
            report(key, f"is not used with {section}.oauth2_provider = \"{provider}\"; remove it")
    if provider == "command":
        if "oauth2_command" not in written:
            report("oauth2_provider", f"= \"command\" needs {section}.oauth2_command: the command that "
                                      f"prints an access token, e.g. [\"/usr/local/bin/mail-token\", "
                                      f"\"{section}\"]")
        values["oauth2"] = OAuth2Settings("command", command=options.get("oauth2_command", ()))
        return
    refresh_token, refresh_keys = _secret(section, "oauth2_refresh_token", options, failed, report)
    client_secret, secret_keys = _secret(section, "oauth2_client_secret", options, failed, report)
    missing = {"oauth2_client_id": "the client id of your app registration",
               "oauth2_refresh_token": "the refresh token you got when you authorised the app",
               "oauth2_client_secret": "Google's token endpoint needs the client secret"}
    if "oauth2_client_id" in written:
        del missing["oauth2_client_id"]
    if refresh_keys or "oauth2_refresh_token" in failed:  # a refused literal token is reported already
        del missing["oauth2_refresh_token"]
    if secret_keys or "oauth2_client_secret" in failed or provider != "google":
        del missing["oauth2_client_secret"]
    for key, why in missing.items():
        named = key if key == "oauth2_client_id" else f"{key}_env or _file"
        report("oauth2_provider", f"= \"{provider}\" needs {section}.{named} ({why}); "
                                  f"config.example.toml explains the setup")
    values["oauth2"] = OAuth2Settings(provider, client_id=options.get("oauth2_client_id", ""),
                                      client_secret=client_secret, refresh_token=refresh_token,
                                      tenant=options.get("oauth2_tenant", OAuth2Settings.tenant),
                                      token_url=options.get("oauth2_token_url", ""))


def _finish_consent(section: str, values: dict[str, Any], failed: set[str], report: Report) -> None:
    if failed & {"remind_after", "expire_after"}:
        return
    remind = values.get("remind_after", ConsentSettings.remind_after)
    expire = values.get("expire_after", ConsentSettings.expire_after)
    if remind >= expire:
        key = "remind_after" if "remind_after" in values else "expire_after"
        report(key, f"leaves no time for the reminder: consent.remind_after "
                    f"({format_duration(remind)}) must be shorter than consent.expire_after "
                    f"({format_duration(expire)}); shorten remind_after or lengthen expire_after")


def _finish_trust(section: str, values: dict[str, Any], failed: set[str], report: Report) -> None:
    if failed:
        return
    if values.get("provider") and values.get("authserv_id"):
        report("authserv_id", f"cannot be set together with trust.provider = {_shown(values['provider'])}: "
                              f"that provider's Authentication-Results header has no authserv-id; keep one of them")
        return
    if (not values.get("require_authenticated", True) or values.get("authserv_id") or values.get("provider")
            or values.get("verify_dkim")):
        return
    report("authserv_id", "is empty while trust.require_authenticated = true, so no request could "
                          "ever be trusted; set it to the authserv-id your receiving server writes "
                          "in Authentication-Results, e.g. \"mx.google.com\", or set "
                          "provider = \"microsoft365\" for Exchange Online, or verify_dkim = true; "
                          "set require_authenticated = false only for testing")


_SECTIONS: dict[str, _Table] = {
    "bot": _Table(BotSettings, {
        "address": _address, "name": _required_text, "database": _path,
        "templates": _existing("folder", Path.is_dir), "language": _language, "dry_run": _boolean,
        "referrer_notes": _choice("each", "off"), "bcc_referrer": _boolean,
        "signature": _multiline_text, "retention": _duration(),
        "heartbeat_file": _path,
    }, required={"address": "the intro@ mailbox introbot reads and sends from; add "
                            "address = \"intro@collective.example\""}),
    "imap": _Table(ImapSettings, {
        "host": _host, "port": _port, "security": _SECURITY,
        "username": _text, "password_env": _env_name, "password_file": _path,
        "ca_file": _existing("file", Path.is_file), "folder": _required_text,
        "idle_renew": _duration(timedelta(minutes=29), "(RFC 2177: servers may end an IDLE after "
                                                       "30 minutes; keep it at or under 5m behind NAT)"),
        "poll_interval": _duration(), "timeout": _duration(), **_MAIL_AUTH_KEYS,
    }, required={"host": "the IMAP server of the intro@ mailbox; add host = \"imap.example.org\""},
        finish=_finish_mail_server(login_required=True)),
    "smtp": _Table(SmtpSettings, {
        "host": _host, "port": _port, "security": _SECURITY,
        "username": _text, "password_env": _env_name, "password_file": _path,
        "ca_file": _existing("file", Path.is_file), "timeout": _duration(), "retry_for": _duration(),
        **_MAIL_AUTH_KEYS,
        "copy_to_sent": _boolean,
    }, required={"host": "the SMTP server introbot sends through; add host = \"smtp.example.org\""},
        finish=_finish_mail_server(login_required=False)),
    "consent": _Table(ConsentSettings, {
        "order": _choice("client-first", "parallel"), "remind_after": _duration(),
        "expire_after": _duration(),
    }, finish=_finish_consent),
    "trust": _Table(TrustSettings, {
        "authserv_id": _authserv_id, "require_authenticated": _boolean, "verify_dkim": _boolean,
        "provider": _choice("", *PROVIDERS, aliases={"office365": "microsoft365", "m365": "microsoft365",
                                                      "exchange": "microsoft365", "outlook": "microsoft365"}),
    }, finish=_finish_trust),
    "limits": _Table(LimitsSettings, {
        "requests_per_referrer_per_day": _count, "mails_per_recipient_per_day": _count, "mails_per_hour": _count,
        "message_time_budget": _duration(),
    }),
}
_PERSON = _Table(Person, {
    "name": _required_text, "email": _address, "website": _website, "specialty": _text,
    "standing_consent": _boolean, "language": _language,
}, required={"name": "the name as people should read it; add name = \"...\"",
             "email": "the address introbot writes to; add email = \"...\""})
_DIRECTORIES = ("practitioners", "colleagues")  # lists of _PERSON tables; practitioners first


# --- reading tables and reporting problems ---------------------------------------------------------

Where = tuple[str | int, ...]  # ("smtp", "port") or ("colleagues", 0, "email")


def _label(where: Where) -> str:
    """A key as operators read it; list entries are counted from 1 like entries in the file."""
    label = ""
    for part in where:
        label += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if label else part
    return label


class _Problems:
    """Collects every problem, each with the line of the file where its key is written."""

    def __init__(self, text: str, path: Path):
        self.file = path.name
        self.lines = _key_lines(text)
        self.found: list[tuple[int, str]] = []

    def line_of(self, where: Where) -> int | None:
        """The line of the key, else of the nearest enclosing table that is written down."""
        for end in range(len(where), 0, -1):
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return None

    def add(self, where: Where, message: str) -> None:
        line = self.line_of(where)
        place = f"{self.file} line {line}" if line else self.file
        self.found.append((line or 0, f"{_label(where)} {message} ({place})"))

    def raise_if_any(self) -> None:
        if self.found:
            raise ConfigError([message for _, message in sorted(self.found, key=lambda p: p[0])])


# Secrets written straight into the file: refused without repeating them, pointing to _env and _file.
_LITERAL_SECRETS = {"password": "a password", "oauth2_client_secret": "a client secret",
                    "oauth2_refresh_token": "a refresh token"}


def _unknown_key(key: str, known: Mapping[str, Any] | set[str], where: Where) -> str:
    prefix = _label(where) + "." if where else ""
    if key in _LITERAL_SECRETS and f"{key}_env" in known:
        return (f"is refused: {_LITERAL_SECRETS[key]} must never be written in the config file; put "
                f"it in an environment variable named by {prefix}{key}_env, or in a file only "
                f"introbot can read, named by {prefix}{key}_file")
    close = difflib.get_close_matches(key, list(known), n=1)
    if close:
        return f"is not a known key; did you mean {prefix}{close[0]}?"
    homes = [f"[{name}]" for name, table in _SECTIONS.items() if key in table.keys]
    homes += ["[[practitioners]] and [[colleagues]]"] if key in _PERSON.keys else []
    if homes:
        return f"is not a known key here; it belongs in {homes[0]}"
    return f"is not a known key; the keys here are: {', '.join(sorted(known))}"


def _read_table(raw: dict[str, Any], table: _Table, where: Where, problems: _Problems,
                folder: Path, defaults: Mapping[str, Any] = {}) -> Any | None:
    """The settings dataclass for one TOML table, or None after adding its problems."""
    before = len(problems.found)
    values, failed = dict(defaults), set()
    for key, value in raw.items():
        parse = table.keys.get(key)
        if parse is None:
            problems.add((*where, key), _unknown_key(key, table.keys, where))
            failed.add(key)
            continue
        try:
            values[key] = parse(value, folder)
        except _Invalid as invalid:
            problems.add((*where, key), str(invalid))
            failed.add(key)
    for key, what in table.required.items():
        if key not in raw:
            problems.add((*where, key), f"is required: {what}")
    if table.finish is not None:
        table.finish(str(where[0]), values, failed,
                     lambda key, message: problems.add((*where, key), message))
    if len(problems.found) > before:
        return None
    for setting in fields(table.settings):  # default paths are relative to the file too
        if isinstance(setting.default, Path) and setting.name not in values:
            values[setting.name] = _resolve(str(setting.default), folder)
    return table.settings(**values)


def _section(document: dict[str, Any], name: str, table: _Table, problems: _Problems,
             folder: Path) -> Any | None:
    raw = document.get(name, {})
    if name not in document and table.required:
        problems.add((name,), f"is missing: add a [{name}] section (config.example.toml shows "
                              f"its keys)")
        return None
    if not isinstance(raw, dict):
        problems.add((name,), f"must be a section written [{name}] with its keys on the lines "
                              f"below it, got {_shown(raw)}")
        return None
    return _read_table(raw, table, (name,), problems, folder)


def _people(document: dict[str, Any], name: str, problems: _Problems, folder: Path,
            language: str) -> list[Person | None]:
    """The entries of one directory, None in place of each refused one (its problems added)."""
    raw = document.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        problems.add((name,), f"must be a list of entries, each starting with a [[{name}]] line "
                              f"(double brackets) followed by its name and email, got {_shown(raw)}")
        return []
    return [_read_table(entry, _PERSON, (name, index), problems, folder, {"language": language})
            for index, entry in enumerate(raw)]


def _check_directory(bot_address: str | None, directories: Mapping[str, list[Person | None]],
                     problems: _Problems) -> None:
    """Each person is listed once, and nobody is introbot itself."""
    first: dict[str, Where] = {}
    for name, people in directories.items():  # practitioners first: theirs is the entry to keep
        for index, person in enumerate(people):
            where = (name, index, "email")
            if person is None:
                continue
            if person.email == bot_address:
                problems.add(where, "is introbot's own address (bot.address); give the person's "
                                    "own address")
            elif person.email in first:
                earlier = first[person.email]
                problems.add(where, f"repeats the address of {_label(earlier)} (line "
                                    f"{problems.line_of(earlier)}); list each person once: a "
                                    f"practitioner is already a colleague others can refer to")
            else:
                first[person.email] = where


def _syntax_problem(error: tomllib.TOMLDecodeError, path: Path) -> str:
    message = str(error)
    located = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    place = f"{path.name} line {located[1]}, column {located[2]}" if located else path.name
    reason = message[:located.start()] if located else message
    return (f"{path.name} is not valid TOML: {reason} ({place}); fix the syntax there: text goes "
            f"in \"quotes\", each key = value on its own line, sections as [name]")


# --- where each key is written: tomllib keeps no line numbers, so a small scanner finds them ----

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_PART = re.compile(rf"{_BARE_KEY}|{_QUOTED_KEY}")
_DOTTED_KEY = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})(?:\s*\.\s*(?:{_BARE_KEY}|{_QUOTED_KEY}))*"
_ARRAY_HEADER = re.compile(rf"\[\[\s*({_DOTTED_KEY})\s*\]\]")
_TABLE_HEADER = re.compile(rf"\[\s*({_DOTTED_KEY})\s*\]")
_KEY_VALUE = re.compile(rf"({_DOTTED_KEY})\s*=")


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(part[1:-1] if part[0] in "\"'" else part for part in _KEY_PART.findall(dotted))


def _key_lines(text: str) -> dict[Where, int]:
    """Map each key and table header of a valid TOML text to its 1-based line."""
    lines: dict[Where, int] = {}
    prefix: Where = ()
    entries: dict[tuple[str, ...], int] = {}
    depth, quote = 0, ""
    for number, line in enumerate(text.splitlines(), start=1):
        if depth or quote:  # inside a multi-line value
            depth, quote = _value_state(line, depth, quote)
            continue
        stripped = line.strip()
        if match := _ARRAY_HEADER.match(stripped):
            name = _key_parts(match[1])
            entries[name] = entries.get(name, -1) + 1
            prefix = (*name, entries[name])
            lines.setdefault(name, number)
            lines[prefix] = number
        elif match := _TABLE_HEADER.match(stripped):
            prefix = _key_parts(match[1])
            lines[prefix] = number
        elif match := _KEY_VALUE.match(stripped):
            lines[(*prefix, *_key_parts(match[1]))] = number
            depth, quote = _value_state(stripped[match.end():], 0, "")
    return lines


def _value_state(text: str, depth: int, quote: str) -> tuple[int, str]:
    """Bracket depth and open multi-line quote after `text`, skipping strings and comments."""
    index = 0
    while index < len(text):
        if quote:
            end = text.find(quote, index)
            if end < 0:
                return depth, quote
            index, quote = end + 3, ""
        elif text.startswith(('"""', "'''"), index):
            quote, index = text[index:index + 3], index + 3
        elif text[index] == '"':
            index += 1
            while index < len(text) and text[index] != '"':
                index += 2 if text[index] == "\\" else 1
            index += 1
        elif text[index] == "'":
            end = text.find("'", index + 1)
            index = end + 1 if end >= 0 else len(text)
        elif text[index] == "#":
            break
        else:
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(text[index], 0)
            index += 1
    return depth, quote
