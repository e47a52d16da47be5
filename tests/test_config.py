"""The config file: every rule refuses what it should, with the key, the line and a fix."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introbot.config import (DURATION_UNITS, NO_SECRET, BotSettings, ConfigError, ConsentSettings,
                             ImapSettings, LimitsSettings, OAuth2Settings, Person, Secret, SmtpSettings,
                             TrustSettings, default_config_path, format_duration, load_config, parse_config,
                             parse_duration)

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
OAUTH2_KEYS = ("oauth2_provider", "oauth2_client_id", "oauth2_client_secret_env", "oauth2_refresh_token_env",
               "oauth2_tenant", "oauth2_token_url", "oauth2_command")
CONFIG = Path("/srv/introbot/config.toml")

MINIMAL = """\
[bot]
address = "intro@collective.example"

[imap]
host = "imap.example.org"
username = "intro@collective.example"
password_env = "INTROBOT_IMAP_PASSWORD"

[smtp]
host = "smtp.example.org"

[consent]

[trust]
authserv_id = "mx.collective.example"

[[practitioners]]
name = "Dr. Ada Lee"
email = "ada@clinic.example"

[[colleagues]]
name = "Maya Chen"
email = "maya@bodywork.example"
"""


def with_keys(section: str, *lines: str, text: str = MINIMAL) -> str:
    """MINIMAL with `lines` written just below the header of `section` (the first one of a list)."""
    header = f"[{section}]\n"
    assert header in text, section
    return text.replace(header, header + "".join(f"{line}\n" for line in lines), 1)


def without(line: str, text: str = MINIMAL) -> str:
    assert f"{line}\n" in text, line
    return text.replace(f"{line}\n", "", 1)


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, CONFIG)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def only_problem(text: str) -> str:
    found = problems_of(text)
    assert len(found) == 1, found
    return found[0]


def line_of(problem: str) -> int:
    match = re.search(r"\(config\.toml line (\d+)", problem)
    assert match, problem
    return int(match[1])


# --- the example and the happy path --------------------------------------------------------------

def test_the_example_loads_without_reading_any_secret(monkeypatch):
    monkeypatch.delenv("INTROBOT_IMAP_PASSWORD", raising=False)
    monkeypatch.delenv("INTROBOT_SMTP_PASSWORD", raising=False)
    config = load_config(EXAMPLE)
    assert config.bot.address == "intro@collective.example"
    assert config.imap.password == Secret(key="imap.password_env", env="INTROBOT_IMAP_PASSWORD")
    assert len(config.practitioners) == 2 and len(config.colleagues) == 2
    assert config.path == EXAMPLE


def test_the_example_writes_every_setting_with_a_comment():
    example = EXAMPLE.read_text(encoding="utf-8")
    document = tomllib.loads(example)
    for section, settings in [("bot", BotSettings), ("imap", ImapSettings), ("smtp", SmtpSettings),
                              ("consent", ConsentSettings), ("trust", TrustSettings),
                              ("limits", LimitsSettings), ("practitioners", Person)]:
        table = document[section][0] if section == "practitioners" else document[section]
        for setting in dataclasses.fields(settings):
            if setting.name == "oauth2":  # only with auth = "oauth2": documented in comments, below
                continue
            key = "password_env" if setting.name == "password" else setting.name
            assert key in table, f"{section}.{key} is not in config.example.toml"
    assert "password_file = " in example
    for key in OAUTH2_KEYS:
        assert re.search(rf"^#\s+{key} = .* # ", example, re.MULTILINE), f"{key} is not explained"
    up_to_the_first_practitioner = example.split("[[practitioners]]")[:2]
    for line in "".join(up_to_the_first_practitioner).splitlines():
        if re.match(r"[a-z_]+ = ", line):
            assert " # " in line, f"no comment on: {line}"


def test_the_minimal_file_fills_in_the_documented_defaults():
    config = parse_config(MINIMAL, CONFIG)
    assert config.bot.name == "Intro Assistant"
    assert config.bot.database == Path("/srv/introbot/introbot.sqlite3")
    assert config.bot.templates is None
    assert config.imap.port == 993 and config.smtp.port == 465
    assert config.imap.idle_renew == timedelta(minutes=4)
    assert config.smtp.password.configured is False
    assert config.consent == ConsentSettings()
    assert config.trust.require_authenticated is True
    assert config.bot.heartbeat_file == Path("/srv/introbot/introbot.heartbeat")
    assert config.smtp.copy_to_sent is True
    assert config.limits == LimitsSettings(requests_per_referrer_per_day=50, mails_per_recipient_per_day=50,
                                           mails_per_hour=600, message_time_budget=timedelta(seconds=30))


def test_addresses_and_host_names_are_lower_cased():
    text = with_keys("bot", 'address = "Intro@Collective.EXAMPLE"', text=without(
        'address = "intro@collective.example"'))
    text = text.replace('email = "ada@clinic.example"', 'email = "Ada.Lee@Clinic.Example"')
    text = text.replace('host = "imap.example.org"', 'host = "IMAP.Example.org"')
    config = parse_config(text, CONFIG)
    assert config.bot.address == "intro@collective.example"
    assert config.practitioners[0].email == "ada.lee@clinic.example"
    assert config.imap.host == "imap.example.org"


def test_a_practitioner_stays_a_practitioner_and_is_not_copied_into_colleagues():
    config = parse_config(MINIMAL, CONFIG)
    assert [p.email for p in config.practitioners] == ["ada@clinic.example"]
    assert [c.email for c in config.colleagues] == ["maya@bodywork.example"]


def test_a_person_writes_in_the_bot_language_unless_told_otherwise():
    text = with_keys("bot", 'language = "fr"')
    text = text.replace('email = "maya@bodywork.example"', 'email = "maya@bodywork.example"\nlanguage = "de"')
    config = parse_config(text, CONFIG)
    assert config.practitioners[0].language == "fr"
    assert config.colleagues[0].language == "de"


def test_relative_paths_start_in_the_config_files_folder(tmp_path):
    (tmp_path / "my-templates").mkdir()
    (tmp_path / "ca.pem").write_text("not checked here", encoding="utf-8")
    text = with_keys("bot", 'database = "state/intro.sqlite3"', 'templates = "my-templates"')
    text = with_keys("imap", 'ca_file = "ca.pem"', text=text)
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "config.toml")
    assert config.bot.database == tmp_path / "state" / "intro.sqlite3"
    assert config.bot.templates == tmp_path / "my-templates"
    assert config.imap.ca_file == tmp_path / "ca.pem"


def test_absolute_paths_stay_as_written(tmp_path):
    text = with_keys("bot", f'database = "{tmp_path}/x.sqlite3"')
    assert parse_config(text, CONFIG).bot.database == tmp_path / "x.sqlite3"


# --- every rule -----------------------------------------------------------------------------------

RULES = [
    # (section, lines to add, line to remove, fragments the one problem must contain)
    ("smtp", ['port = "abc"'], None,
     ["smtp.port must be a whole number from 1 to 65535, got 'abc'", "leave it out"]),
    ("smtp", ["port = 0"], None, ["smtp.port must be a whole number from 1 to 65535, got 0"]),
    ("imap", ["port = 70000"], None, ["imap.port must be a whole number", "got 70000"]),
    ("imap", ["port = true"], None, ["imap.port must be a whole number", "got true"]),
    ("smtp", ['security = "ssl"'], None, ["smtp.security must be 'tls', 'starttls' or 'none'",
                                          "got 'ssl'", "did you mean 'tls'?"]),
    ("imap", ['security = "startls"'], None, ["imap.security", "did you mean 'starttls'?"]),
    ("smtp", ['security = "none"'], None,
     ["smtp.security", "unencrypted", "only when smtp.host is this machine", "127.0.0.1, ::1 or localhost",
      "use \"tls\" or \"starttls\""]),
    ("smtp", ['host = "smtps://smtp.example.org"'], 'host = "smtp.example.org"',
     ["smtp.host must be a bare host name", "drop the smtps:// part"]),
    ("smtp", ['host = "smtp.example.org:587"'], 'host = "smtp.example.org"',
     ["smtp.host must be a host name or IP address without a port", "put the port number in the port key"]),
    ("imap", ['host = "imap server"'], 'host = "imap.example.org"',
     ["imap.host must be a host name such as", "got 'imap server'"]),
    ("imap", ['host = ""'], 'host = "imap.example.org"', ["imap.host must not be empty"]),
    ("bot", ['address = "intro@collective"'], 'address = "intro@collective.example"',
     ["bot.address must be an email address", "got 'intro@collective'", "should have a period"]),
    ("bot", ['address = "Intro <intro@collective.example>"'], 'address = "intro@collective.example"',
     ["bot.address must be an email address", "display name"]),
    ("bot", [], 'address = "intro@collective.example"',
     ["bot.address is required", 'add address = "intro@collective.example"']),
    ("imap", [], 'host = "imap.example.org"', ["imap.host is required", 'add host = "imap.example.org"']),
    ("bot", ['name = "  "'], None, ["bot.name must not be empty", "leave the key out for its default"]),
    ("bot", ['name = "Intro\\r\\nBcc: all@example.org"'], None,
     ["bot.name must be one line of text", "remove them"]),
    ("bot", ["name = 7"], None, ["bot.name must be text in quotes, got 7"]),
    ("bot", ['referrer_notes = "digest"'], None, ["bot.referrer_notes must be 'each' or 'off', got 'digest'"]),
    ("bot", ['dry_run = "true"'], None, ["bot.dry_run must be true or false, got 'true'",
                                         "write it without quotes"]),
    ("bot", ["bcc_referrer = 1"], None, ["bot.bcc_referrer must be true or false, got 1"]),
    ("bot", ['language = "English"'], None, ["bot.language must be a language tag such as 'en'"]),
    ("bot", ['signature = "Intro\\tAssistant"'], None, ["bot.signature must be plain text", "tabs"]),
    ("bot", ['database = ""'], None, ["bot.database must not be empty", "relative to the config file's folder"]),
    ("bot", ['templates = "no-such-folder"'], None,
     ["bot.templates must name an existing folder, got 'no-such-folder'",
      "no folder at /srv/introbot/no-such-folder", 'set it to ""']),
    ("imap", ['ca_file = "/no/such/ca.pem"'], None, ["imap.ca_file must name an existing file",
                                                     "no file at /no/such/ca.pem"]),
    ("imap", ['folder = ""'], None, ["imap.folder must not be empty"]),
    ("imap", ['folder = "INBOX\\r\\nA1 LOGOUT"'], None, ["imap.folder must be one line of text"]),
    ("imap", ['idle_renew = "30m"'], None,
     ["imap.idle_renew must be at most 29m", "RFC 2177", "keep it at or under 5m behind NAT", "got '30m'"]),
    ("imap", ["idle_renew = 4"], None,
     ["imap.idle_renew must be a duration with a unit, got 4", '"4m" for minutes']),
    ("imap", ['poll_interval = "1 minute"'], None,
     ["imap.poll_interval must be a duration above zero such as \"90s\", \"15m\", \"2h\", \"3d\" or \"1w\"",
      "got '1 minute'"]),
    ("smtp", ['timeout = "0s"'], None, ["smtp.timeout must be a duration above zero"]),
    ("smtp", ['retry_for = "2D"'], None, ["smtp.retry_for must be a duration", "got '2D'"]),
    ("consent", ['order = "sequential"'], None,
     ["consent.order must be 'client-first' or 'parallel', got 'sequential'"]),
    ("consent", ['remind_after = "7d"'], None,
     ["consent.remind_after leaves no time for the reminder", "(1w) must be shorter than consent.expire_after (1w)",
      "shorten remind_after or lengthen expire_after"]),
    ("consent", ['expire_after = "2d"'], None,
     ["consent.expire_after leaves no time", "consent.remind_after (3d) must be shorter than "
                                             "consent.expire_after (2d)"]),
    ("trust", [], 'authserv_id = "mx.collective.example"',
     ["trust.authserv_id is empty while trust.require_authenticated = true",
      "set it to the authserv-id your receiving server writes in Authentication-Results, e.g. \"mx.google.com\"",
      'provider = "microsoft365" for Exchange Online, or verify_dkim = true',
      "set require_authenticated = false only for testing"]),
    ("trust", ['authserv_id = "mx.google.com; spf=pass"'], 'authserv_id = "mx.collective.example"',
     ["trust.authserv_id must be one word such as 'mx.google.com'"]),
    ("trust", ['require_authenticated = "no"'], None, ["trust.require_authenticated must be true or false"]),
    ("imap", [], 'username = "intro@collective.example"',
     ["imap.username is required: the login name of the mailbox",
      'imap.password_env = "INTROBOT_IMAP_PASSWORD"']),
    ("imap", [], 'password_env = "INTROBOT_IMAP_PASSWORD"',
     ["imap.username is set, so imap needs its password", "imap.password_env =", "imap.password_file ="]),
    ("imap", ['password_file = "imap-password"'], None,
     ["imap.password_file cannot be set together with imap.password_env", "keep exactly one"]),
    ("smtp", ['password_env = "INTROBOT_SMTP_PASSWORD"'], None,
     ["smtp.password_env is set but smtp.username is empty", "add the login name as smtp.username"]),
    ("smtp", ['username = "intro@collective.example"'], None,
     ["smtp.username is set, so smtp needs its password"]),
    ("smtp", ['password_file = ""', 'username = "intro@collective.example"'], None,
     ["smtp.password_file must not be empty"]),
    ("imap", ['pasword_env = "X"'], None, ["imap.pasword_env is not a known key; did you mean imap.password_env?"]),
    ("consent", ['remind = "2d"'], None, ["consent.remind is not a known key; did you mean consent.remind_after?"]),
    ("bot", ['expire_after = "2d"'], None, ["bot.expire_after is not a known key here; it belongs in [consent]"]),
    ("bot", ['standing_consent = true'], None,
     ["bot.standing_consent is not a known key here; it belongs in [[practitioners]] and [[colleagues]]"]),
    ("trust", ['colour = "blue"'], None,
     ["trust.colour is not a known key; the keys here are: authserv_id, provider, require_authenticated, "
      "verify_dkim"]),
    ("trust", ['provider = "office365"'], 'authserv_id = "mx.collective.example"',
     ["trust.provider must be '' or 'microsoft365', got 'office365'; did you mean 'microsoft365'?"]),
    ("trust", ['provider = "microsoft365"'], None,
     ["trust.authserv_id cannot be set together with trust.provider = 'microsoft365'", "keep one of them"]),
    ("trust", ['verify_dkim = "yes"'], None, ["trust.verify_dkim must be true or false"]),
    ("bot", ['retention = "forever"'], None, ["bot.retention must be a duration above zero"]),
    ("[practitioners]", ['emial = "x"'], None,
     ["practitioners[1].emial is not a known key; did you mean practitioners[1].email?"]),
    ("[practitioners]", [], 'name = "Dr. Ada Lee"', ["practitioners[1].name is required", 'add name = "..."']),
    ("[colleagues]", [], 'email = "maya@bodywork.example"', ["colleagues[1].email is required"]),
    ("[colleagues]", ['website = "bodywork.example"'], None,
     ["colleagues[1].website must be a web address starting with https://, got 'bodywork.example'"]),
    ("[colleagues]", ['standing_consent = "yes"'], None, ["colleagues[1].standing_consent must be true or false"]),
    ("[colleagues]", ['specialty = ["massage"]'], None, ["colleagues[1].specialty must be text in quotes, got a list"]),
    ("[colleagues]", ['email = "Ada@CLINIC.example"'], 'email = "maya@bodywork.example"',
     ["colleagues[1].email repeats the address of practitioners[1].email (line 19)",
      "list each person once: a practitioner is already a colleague others can refer to"]),
    ("[colleagues]", ['email = "intro@collective.example"'], 'email = "maya@bodywork.example"',
     ["colleagues[1].email is introbot's own address (bot.address)"]),
]


LIMITS = MINIMAL + "\n[limits]\n"


@pytest.mark.parametrize("line, fragments", [
    ("mails_per_hour = 0", ["limits.mails_per_hour must be a whole number of at least 1", "got 0"]),
    ('mails_per_recipient_per_day = "50"', ["limits.mails_per_recipient_per_day must be a whole number", "got '50'"]),
    ("requests_per_referrer_per_day = 7.5", ["limits.requests_per_referrer_per_day must be a whole number",
                                             "got 7.5"]),
    ("message_time_budget = 30", ["limits.message_time_budget must be a duration with a unit"]),
    ("mails_per_day = 5", ["limits.mails_per_day is not a known key; did you mean limits.mails_per_hour?"]),
])
def test_each_limit_is_checked_with_its_key_and_fix(line, fragments):
    problem = only_problem(with_keys("limits", line, text=LIMITS))
    for fragment in fragments:
        assert fragment in problem


def test_limits_and_the_new_bot_and_smtp_keys_are_read():
    text = with_keys("limits", "mails_per_hour = 5", 'message_time_budget = "2s"', text=LIMITS)
    text = with_keys("bot", 'heartbeat_file = "/run/ib.beat"', text=text)
    text = with_keys("smtp", "copy_to_sent = false", text=text)
    config = parse_config(text, CONFIG)
    assert config.limits.mails_per_hour == 5 and config.limits.message_time_budget == timedelta(seconds=2)
    assert config.limits.mails_per_recipient_per_day == 50
    assert config.smtp.copy_to_sent is False and config.bot.heartbeat_file == Path("/run/ib.beat")


@pytest.mark.parametrize("section, add, remove, fragments", RULES,
                         ids=[f"{rule[0]}:{(rule[1] or [rule[2]])[0]}" for rule in RULES])
def test_each_rule_reports_its_key_value_and_fix(section, add, remove, fragments):
    text = MINIMAL if remove is None else without(remove)
    text = with_keys(section, *add, text=text)
    problem = only_problem(text)
    for fragment in fragments:
        assert fragment in problem
    assert "(config.toml line " in problem


def test_a_literal_password_is_refused_without_repeating_it():
    text = with_keys("smtp", 'username = "intro@collective.example"', 'password = "hunter2-very-secret"')
    problem = only_problem(text)
    assert "smtp.password is refused" in problem
    assert "smtp.password_env" in problem and "smtp.password_file" in problem
    assert "hunter2" not in problem


def test_a_password_written_where_the_variable_name_goes_is_not_repeated():
    text = without('password_env = "INTROBOT_IMAP_PASSWORD"')
    text = with_keys("imap", 'password_env = "s3cret pass!"', text=text)
    problem = only_problem(text)
    assert "imap.password_env must be the NAME of an environment variable" in problem
    assert "s3cret" not in problem


def test_a_missing_section_is_named():
    text = MINIMAL.replace("[smtp]\nhost = \"smtp.example.org\"\n", "")
    assert only_problem(text) == (
        "smtp is missing: add a [smtp] section (config.example.toml shows its keys) (config.toml)")


def test_a_section_must_be_a_table():
    text = 'smtp = "smtp.example.org"\n' + MINIMAL.replace("[smtp]\nhost = \"smtp.example.org\"\n", "")
    problem = only_problem(text)
    assert "smtp must be a section written [smtp]" in problem and "got 'smtp.example.org'" in problem


def test_directories_must_use_double_brackets():
    text = MINIMAL.replace("[[colleagues]]", "[colleagues]")
    problem = only_problem(text)
    assert "colleagues must be a list of entries, each starting with a [[colleagues]] line" in problem


def test_an_unknown_section_gets_a_suggestion():
    assert "smpt is not a known key; did you mean smtp?" in only_problem(MINIMAL + "[smpt]\nx = 1\n")


def test_a_setting_outside_any_section_is_pointed_to_its_section():
    problem = only_problem("idle_renew = \"4m\"\n" + MINIMAL)
    assert problem.startswith("idle_renew is not a known key here; it belongs in [imap] (config.toml line 1)")


def test_a_toml_syntax_error_is_one_problem_with_its_line_and_column():
    text = MINIMAL.replace('host = "smtp.example.org"', "host = smtp.example.org")
    problem = only_problem(text)
    assert problem.startswith("config.toml is not valid TOML: Invalid value (config.toml line 10, column 8)")
    assert "text goes in \"quotes\"" in problem


# --- several problems, and where they are --------------------------------------------------------

def test_every_problem_is_reported_at_once_in_file_order():
    text = with_keys("bot", 'referrer_notes = "always"')
    text = with_keys("smtp", 'port = "abc"', 'security = "none"', text=text)
    text = with_keys("consent", "remind_after = 3", text=text)
    text = text.replace('email = "maya@bodywork.example"', 'email = "maya"')
    text = text.replace('authserv_id = "mx.collective.example"', "")
    found = problems_of(text)
    assert [problem.split(" ")[0] for problem in found] == [
        "bot.referrer_notes", "smtp.port", "smtp.security", "consent.remind_after", "trust.authserv_id",
        "colleagues[1].email"]
    assert [line_of(problem) for problem in found] == [2, 11, 12, 16, 18, 27]


def test_line_numbers_survive_multi_line_values_inline_tables_and_comments():
    text = """\
smtp = { host = "smtp.example.org", port = "abc" }
[bot]   # the bot
address = "intro@collective.example"
signature = \"\"\"
port = "not a key, only text"
[imap]
\"\"\"
name = [
  "this is not valid but spans lines",
]

[imap]
"host" = "imap.example.org"
username = "intro@collective.example"
password_env = "INTROBOT_IMAP_PASSWORD"
idle_renew = '1h'  # comment with = sign

[[colleagues]]
name = "Maya Chen"
email = "maya@bodywork.example"

[[colleagues]]
name = "Luc Martin"
email = "luc@"

[trust]
require_authenticated = false
"""
    by_key = {problem.split(" ")[0]: line_of(problem) for problem in problems_of(text)}
    assert by_key == {"smtp.port": 1, "bot.name": 8, "imap.idle_renew": 16, "colleagues[2].email": 24}


# --- durations ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("90s", timedelta(seconds=90)), ("15m", timedelta(minutes=15)), ("2h", timedelta(hours=2)),
    ("3d", timedelta(days=3)), ("1w", timedelta(weeks=1)), (" 10 m ", timedelta(minutes=10)),
])
def test_durations_read_each_unit(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "3", "d", "3 days", "1.5h", "-3d", "3D", "1h30m", "9" * 40 + "w"])
def test_durations_refuse_anything_else(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("duration, text", [
    (timedelta(seconds=90), "90s"), (timedelta(hours=1), "1h"), (timedelta(days=14), "2w"),
    (timedelta(days=3), "3d"), (timedelta(0), "0s"), (timedelta(minutes=4), "4m"),
])
def test_durations_are_written_in_the_largest_exact_unit(duration, text):
    assert format_duration(duration) == text


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from("smhdw"))
def test_any_written_duration_reads_back_the_same(count, unit):
    duration = parse_duration(f"{count}{unit}")
    assert duration == count * DURATION_UNITS[unit]
    assert parse_duration(format_duration(duration)) == duration


@given(st.integers(min_value=0, max_value=10**12))
def test_any_whole_number_of_seconds_survives_writing_and_reading(seconds):
    duration = timedelta(seconds=seconds)
    assert parse_duration(format_duration(duration)) == duration


def test_durations_in_the_file_become_timedeltas():
    text = with_keys("imap", 'idle_renew = "29m"', 'poll_interval = "90s"')
    text = with_keys("consent", 'remind_after = "2d"', 'expire_after = "2w"', text=text)
    config = parse_config(text, CONFIG)
    assert config.imap.idle_renew == timedelta(minutes=29)
    assert config.imap.poll_interval == timedelta(seconds=90)
    assert (config.consent.remind_after, config.consent.expire_after) == (timedelta(days=2), timedelta(weeks=2))


# --- security, ports, secrets ---------------------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LocalHost"])
def test_plain_connections_are_allowed_to_this_machine(host):
    text = without('host = "smtp.example.org"')
    config = parse_config(with_keys("smtp", f'host = "{host}"', 'security = "none"', text=text), CONFIG)
    assert config.smtp.security == "none"


@pytest.mark.parametrize("host", ["10.0.0.1", "128.0.0.1", "192.168.1.20", "fe80::1", "localhost.example.org"])
def test_plain_connections_are_refused_elsewhere(host):
    text = without('host = "smtp.example.org"')
    problem = only_problem(with_keys("smtp", f'host = "{host}"', 'security = "none"', text=text))
    assert problem.startswith('smtp.security = "none" sends the password and every message unencrypted')


@pytest.mark.parametrize("section, security, port", [
    ("imap", "tls", 993), ("imap", "starttls", 143), ("imap", "none", 143),
    ("smtp", "tls", 465), ("smtp", "starttls", 587), ("smtp", "none", 25),
])
def test_the_port_defaults_to_the_one_that_goes_with_security(section, security, port):
    text = MINIMAL.replace('host = "imap.example.org"', 'host = "127.0.0.1"')
    text = text.replace('host = "smtp.example.org"', 'host = "127.0.0.1"')
    config = parse_config(with_keys(section, f'security = "{security}"', text=text), CONFIG)
    assert getattr(config, section).port == port


def test_a_written_port_wins_over_the_default():
    config = parse_config(with_keys("smtp", 'security = "starttls"', "port = 2525"), CONFIG)
    assert config.smtp.port == 2525


def test_a_password_comes_from_the_environment_when_asked_for(monkeypatch):
    monkeypatch.setenv("INTROBOT_IMAP_PASSWORD", "from-the-environment")
    config = parse_config(MINIMAL, CONFIG)
    assert config.imap.password.reveal() == "from-the-environment"
    assert "from-the-environment" not in repr(config) and "from-the-environment" not in str(config.imap)


def test_an_unset_variable_is_named_when_the_password_is_needed(monkeypatch):
    monkeypatch.delenv("INTROBOT_IMAP_PASSWORD", raising=False)
    config = parse_config(MINIMAL, CONFIG)
    with pytest.raises(ConfigError, match="imap.password_env: the environment variable "
                                          "INTROBOT_IMAP_PASSWORD is not set; export it"):
        config.imap.password.reveal()


def test_a_password_comes_from_a_file_beside_the_config(tmp_path):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "smtp").write_text("from-a-file\n", encoding="utf-8")
    text = with_keys("smtp", 'username = "intro@collective.example"', 'password_file = "secrets/smtp"')
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "config.toml")
    assert config.smtp.password == Secret(key="smtp.password_file", file=tmp_path / "secrets" / "smtp")
    assert config.smtp.password.reveal() == "from-a-file"
    assert "from-a-file" not in repr(config)


def test_a_missing_password_file_is_named_when_the_password_is_needed(tmp_path):
    text = with_keys("smtp", 'username = "intro@collective.example"', 'password_file = "absent"')
    config = parse_config(text, tmp_path / "config.toml")
    with pytest.raises(ConfigError, match=r"smtp.password_file: cannot read .*absent"):
        config.smtp.password.reveal()


def test_a_secret_never_shows_its_value():
    secret = Secret(key="smtp.password_env", literal="do-not-print-me")
    assert secret.reveal() == "do-not-print-me"
    assert "do-not-print-me" not in repr(secret)
    assert "do-not-print-me" not in str(secret)
    assert "do-not-print-me" not in f"{secret}"


# --- where the file is ----------------------------------------------------------------------------

def test_the_config_path_comes_from_the_flag_then_the_environment_then_the_default():
    environ = {"INTROBOT_CONFIG": "/etc/introbot/config.toml"}
    assert default_config_path("mine.toml", environ) == Path("mine.toml")
    assert default_config_path(None, environ) == Path("/etc/introbot/config.toml")
    assert default_config_path(None, {}) == Path("config.toml")
    assert default_config_path(None, {"INTROBOT_CONFIG": ""}) == Path("config.toml")


def test_a_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "config.toml")
    [problem] = caught.value.problems
    assert str(tmp_path / "config.toml") in problem
    assert "copy config.example.toml" in problem and "--config PATH" in problem


def test_a_file_that_is_not_utf8_says_so(tmp_path):
    (tmp_path / "config.toml").write_bytes(MINIMAL.encode("utf-8").replace(b"Maya", b"M\xe4ya"))
    with pytest.raises(ConfigError, match="is not UTF-8 text"):
        load_config(tmp_path / "config.toml")


def test_a_byte_order_mark_is_accepted(tmp_path):
    (tmp_path / "config.toml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert load_config(tmp_path / "config.toml").bot.address == "intro@collective.example"


def test_problems_follow_the_file_whatever_the_order_of_its_sections():
    text = '[consent]\norder = "serial"\n' + with_keys("bot", 'name = ""').replace("[consent]\n", "")
    found = problems_of(text)
    assert [problem.split(" ")[0] for problem in found] == ["consent.order", "bot.name"]
    assert [line_of(problem) for problem in found] == [2, 4]


# --- OAuth2 instead of a password ------------------------------------------------------------------

GOOGLE = ('oauth2_provider = "google"', 'oauth2_client_id = "1234-abc.apps.googleusercontent.com"',
          'oauth2_client_secret_env = "INTROBOT_OAUTH2_CLIENT_SECRET"',
          'oauth2_refresh_token_env = "INTROBOT_OAUTH2_REFRESH_TOKEN"')
MICROSOFT = ('oauth2_provider = "microsoft"', 'oauth2_client_id = "0c4f6a1e-6b8e-4a57-9d3e-0f1b2c3d4e5f"',
             'oauth2_refresh_token_env = "INTROBOT_OAUTH2_REFRESH_TOKEN"')


def oauth2(section: str, *lines: str) -> str:
    """MINIMAL with `section` signing in with OAuth2 (and its username) instead of a password."""
    if section == "imap":
        text = without('password_env = "INTROBOT_IMAP_PASSWORD"')
    else:
        text = with_keys("smtp", 'username = "intro@collective.example"')
    return with_keys(section, 'auth = "oauth2"', *lines, text=text)


def test_password_sign_in_is_the_default_and_has_no_oauth2_settings():
    config = parse_config(MINIMAL, CONFIG)
    assert (config.imap.auth, config.imap.oauth2) == ("password", None)
    assert (config.smtp.auth, config.smtp.oauth2) == ("password", None)


def test_google_oauth2_settings_are_read():
    config = parse_config(oauth2("imap", *GOOGLE), CONFIG)
    assert config.imap.auth == "oauth2" and config.imap.password == NO_SECRET
    assert config.imap.oauth2 == OAuth2Settings(
        "google", client_id="1234-abc.apps.googleusercontent.com",
        client_secret=Secret(key="imap.oauth2_client_secret_env", env="INTROBOT_OAUTH2_CLIENT_SECRET"),
        refresh_token=Secret(key="imap.oauth2_refresh_token_env", env="INTROBOT_OAUTH2_REFRESH_TOKEN"))


def test_microsoft_needs_no_client_secret_and_takes_a_tenant_and_a_token_file():
    lines = (*MICROSOFT[:2], 'oauth2_refresh_token_file = "secrets/refresh-token"',
             'oauth2_tenant = "collective.example"')
    settings = parse_config(oauth2("smtp", *lines), CONFIG).smtp.oauth2
    assert settings.provider == "microsoft" and settings.tenant == "collective.example"
    assert settings.client_secret == NO_SECRET
    assert settings.refresh_token == Secret(key="smtp.oauth2_refresh_token_file",
                                            file=Path("/srv/introbot/secrets/refresh-token"))


def test_the_tenant_defaults_to_common_and_a_loopback_token_url_may_be_plain_http():
    settings = parse_config(oauth2("imap", *MICROSOFT, 'oauth2_token_url = "http://127.0.0.1:8080/token"'),
                            CONFIG).imap.oauth2
    assert (settings.tenant, settings.token_url) == ("common", "http://127.0.0.1:8080/token")


@pytest.mark.parametrize("written, argv", [
    ("\"oama access 'intro@collective.example'\"", ("oama", "access", "intro@collective.example")),
    ('["mail-token", "--for", "imap"]', ("mail-token", "--for", "imap")),
    ('["bin/mail-token"]', ("/srv/introbot/bin/mail-token",)),
    ('"/usr/local/bin/mail-token imap"', ("/usr/local/bin/mail-token", "imap")),
])
def test_a_token_command_is_a_list_or_one_line_split_like_a_shell(written, argv):
    config = parse_config(oauth2("imap", 'oauth2_provider = "command"', f"oauth2_command = {written}"), CONFIG)
    assert config.imap.oauth2 == OAuth2Settings("command", command=argv)


OAUTH2_RULES = [
    # (text, fragments the one problem must contain)
    (oauth2("imap"), ['imap.auth = "oauth2" needs imap.oauth2_provider: "google", "microsoft" or "command"']),
    (with_keys("imap", 'auth = "xoauth2"'), ["imap.auth must be 'password' or 'oauth2', got 'xoauth2'"]),
    (oauth2("imap", 'oauth2_provider = "gmail"'), ["imap.oauth2_provider must be 'google', 'microsoft' or "
                                                   "'command', got 'gmail'"]),
    (oauth2("imap", *GOOGLE[:1], *GOOGLE[2:]), ['imap.oauth2_provider = "google" needs imap.oauth2_client_id']),
    (oauth2("smtp", *MICROSOFT[:2]), ['smtp.oauth2_provider = "microsoft" needs smtp.oauth2_refresh_token_env '
                                      'or _file (the refresh token you got when you authorised the app)']),
    (oauth2("imap", *GOOGLE[:2], GOOGLE[3]), ["needs imap.oauth2_client_secret_env or _file",
                                             "Google's token endpoint needs the client secret"]),
    (oauth2("imap", 'oauth2_provider = "command"'), ['imap.oauth2_provider = "command" needs imap.oauth2_command',
                                                     "prints an access token"]),
    (oauth2("imap", 'oauth2_provider = "command"', "oauth2_command = []"),
     ["imap.oauth2_command must name the program to run first"]),
    (oauth2("imap", 'oauth2_provider = "command"', "oauth2_command = \"mail-token 'imap\""),
     ["imap.oauth2_command must be a command line whose quotes are balanced"]),
    (oauth2("imap", 'oauth2_provider = "command"', "oauth2_command = 5"),
     ["imap.oauth2_command must be a command: a list such as", "got 5"]),
    (oauth2("imap", *GOOGLE, 'oauth2_tenant = "collective.example"'),
     ['imap.oauth2_tenant is not used with imap.oauth2_provider = "google"; remove it']),
    (oauth2("imap", 'oauth2_provider = "command"', 'oauth2_command = "mail-token"', 'oauth2_client_id = "x"'),
     ['imap.oauth2_client_id is not used with imap.oauth2_provider = "command"']),
    (oauth2("imap", *GOOGLE, 'oauth2_token_url = "http://tokens.example.org/token"'),
     ["imap.oauth2_token_url must be an https:// address (http:// only to this machine, for tests)"]),
    (oauth2("imap", *GOOGLE, 'oauth2_refresh_token_file = "refresh-token"'),
     ["imap.oauth2_refresh_token_file cannot be set together with imap.oauth2_refresh_token_env"]),
    (oauth2("imap", *MICROSOFT, 'oauth2_tenant = "contoso tenant"'),
     ["imap.oauth2_tenant must be a Microsoft directory (tenant) id"]),
    (oauth2("imap", *GOOGLE, 'password_env = "INTROBOT_IMAP_PASSWORD"'),
     ['imap.password_env is not used with imap.auth = "oauth2" (a token replaces the password)']),
    (with_keys("smtp", 'auth = "oauth2"', *MICROSOFT),
     ['smtp.username is required with smtp.auth = "oauth2": the address of the mailbox the token is for']),
    (with_keys("imap", *GOOGLE[:1]),
     ['imap.oauth2_provider is set but imap.auth is "password" (the default); set imap.auth = "oauth2"']),
    (oauth2("imap", *GOOGLE[:3], 'oauth2_refresh_token_env = "1//0e-a refresh token"'),
     ["imap.oauth2_refresh_token_env must be the NAME of an environment variable"]),
]


@pytest.mark.parametrize("text, fragments", OAUTH2_RULES, ids=[fragments[0][:60] for _, fragments in OAUTH2_RULES])
def test_each_oauth2_rule_reports_its_key_and_fix(text, fragments):
    problem = only_problem(text)
    for fragment in fragments:
        assert fragment in problem
    assert "(config.toml line " in problem
    assert "1//0e" not in problem


def test_a_refresh_token_written_in_the_file_is_refused_without_repeating_it():
    problem = only_problem(oauth2("imap", *GOOGLE[:3], 'oauth2_refresh_token = "1//0e-secret-refresh"'))
    assert problem.startswith("imap.oauth2_refresh_token is refused: a refresh token must never be written")
    assert "imap.oauth2_refresh_token_env" in problem and "imap.oauth2_refresh_token_file" in problem
    assert "1//0e" not in problem


@pytest.mark.parametrize("trust", ['provider = "microsoft365"', "verify_dkim = true"])
def test_a_provider_or_our_own_dkim_check_is_enough_without_an_authserv_id(trust):
    text = with_keys("trust", trust, text=without('authserv_id = "mx.collective.example"'))
    config = parse_config(text, CONFIG)
    assert config.trust.authserv_id == "" and (config.trust.provider or config.trust.verify_dkim)


def test_retention_defaults_to_thirty_days():
    assert parse_config(MINIMAL, CONFIG).bot.retention == timedelta(days=30)
    assert parse_config(with_keys("bot", 'retention = "1w"'), CONFIG).bot.retention == timedelta(weeks=1)
