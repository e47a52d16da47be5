"""`introbot check --connect` against real servers on loopback, set up right and then deliberately wrong."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest

from introbot.config import BotSettings, Config, ImapSettings, OAuth2Settings, Secret, SmtpSettings
from introbot.doctor import connect_checks
from tests.edges.peers import PYMAP_PASSWORD, PYMAP_USER, pymap_without
from tests.faultsmtp import FaultSMTP
from tests.imapvariants import DovecotImap
from tests.mailhost import MailHost, free_port
from tests.tokenserver import CLIENT_ID, TokenServer

INTRO = "intro@collective.example"
MAYA = "maya@bodywork.example"
INTROBOT_FOLDERS = ["introbot/ignored", "introbot/processed", "introbot/quarantine"]


def config(mail: MailHost, imap: dict | None = None, smtp: dict | None = None) -> Config:
    """The mail host's intro@ mailbox over IMAPS and submission (STARTTLS), with `imap`/`smtp` changes."""
    imap_settings = ImapSettings(host=mail.host, port=mail.imaps_port, security="tls", username=INTRO,
                                 password=Secret(key="imap.password_env", literal=mail.password),
                                 ca_file=mail.ca_file, timeout=timedelta(seconds=10))
    smtp_settings = SmtpSettings(host=mail.host, port=mail.submission_port, security="starttls", username=INTRO,
                                 password=Secret(key="smtp.password_env", literal=mail.password),
                                 ca_file=mail.ca_file, timeout=timedelta(seconds=10))
    return Config(bot=BotSettings(address=INTRO), imap=dataclasses.replace(imap_settings, **(imap or {})),
                  smtp=dataclasses.replace(smtp_settings, **(smtp or {})))


def check(config: Config, send_test_to: str | None = None) -> tuple[int, dict[str, tuple[str, str]]]:
    """The exit status and, per check, (verdict, detail); the output must be plain ASCII, one line each."""
    out = io.StringIO()
    status = connect_checks(config, out, send_test_to)
    text = out.getvalue()
    assert text.isascii(), text
    lines = text.splitlines()
    results = {}
    for line in lines[:-1]:
        verdict, _, rest = line.partition(" ")
        name, _, detail = rest.strip().partition(": ")
        results[name] = (verdict, detail)
    assert lines[-1].startswith("All checks passed" if status == 0 else f"{verdicts(results).count('FAILED')} ")
    return status, results


class Verdicts(dict):
    def count(self, verdict: str) -> int:
        return sum(found == verdict for found in self.values())


def verdicts(results: dict[str, tuple[str, str]]) -> Verdicts:
    return Verdicts({name: verdict for name, (verdict, _) in results.items()})


def test_a_right_setup_passes_every_check_and_the_test_message_arrives(mail):
    status, results = check(config(mail), send_test_to=MAYA)
    assert status == 0
    assert verdicts(results) == {"IMAP connection": "ok", "IMAP login": "ok", "IMAP watched folder": "ok",
                                 "IMAP introbot folders": "ok", "IMAP IDLE": "ok", "IMAP MOVE": "ok",
                                 "SMTP connection and login": "ok", "SMTP test message": "ok"}
    assert results["IMAP connection"][1] == f"127.0.0.1:{mail.imaps_port}, TLS, certificate verified"
    assert results["IMAP login"][1] == "as imap.username, with the password in imap.password_env"
    assert set(INTROBOT_FOLDERS) <= set(mail.folders(INTRO))
    [arrived] = mail.wait_for_messages(MAYA, 1)
    assert arrived["Subject"] == "introbot test message" and arrived["From"].addresses[0].addr_spec == INTRO
    assert arrived["Auto-Submitted"] == "auto-generated"


def test_a_wrong_imap_password_fails_the_login_and_names_the_keys(mail):
    status, results = check(config(mail, imap={"password": Secret(key="imap.password_env", literal="wrong")}))
    assert status == 1
    verdict, detail = results["IMAP login"]
    assert verdict == "FAILED" and "refused the login ([AUTHENTICATIONFAILED]" in detail
    assert detail.endswith("check imap.username and the password named by imap.password_env")
    assert results["IMAP folders, IDLE and MOVE"] == ("skipped", "they need a login")
    assert results["SMTP connection and login"][0] == "ok"


def test_the_tls_port_with_starttls_says_to_use_tls(mail):
    status, results = check(config(mail, imap={"security": "starttls", "timeout": timedelta(seconds=2)}))
    verdict, detail = results["IMAP connection"]
    assert status == 1 and verdict == "FAILED"
    assert f"127.0.0.1:{mail.imaps_port} did not answer within 2 s" in detail
    assert "if this port expects TLS from the first byte, e.g. 993, set imap.security = \"tls\"" in detail


def test_tls_on_the_plain_port_says_it_is_a_starttls_port(mail):
    status, results = check(config(mail, imap={"port": mail.imap_port}))
    assert status == 1
    assert results["IMAP connection"] == ("FAILED", (
        f"127.0.0.1:{mail.imap_port} did not answer with TLS, so it is probably a plain or STARTTLS port: set "
        f"imap.security = \"starttls\" (usually port 143), or use port 993 with security = \"tls\""))


def test_a_closed_port_names_host_and_port(mail):
    port = free_port()
    status, results = check(config(mail, smtp={"port": port}))
    assert status == 1 and verdicts(results)["IMAP MOVE"] == "ok"
    assert results["SMTP connection and login"] == ("FAILED", (
        f"127.0.0.1:{port} refused the connection: check smtp.host and smtp.port, and that the server is running"))


def test_an_untrusted_certificate_says_to_set_the_ca_file(mail):
    status, results = check(config(mail, imap={"ca_file": None}, smtp={"ca_file": None}))
    assert status == 1
    for name, key in (("IMAP connection", "imap.ca_file"), ("SMTP connection and login", "smtp.ca_file")):
        verdict, detail = results[name]
        assert verdict == "FAILED" and "is not trusted (" in detail and f"set {key} to that CA's PEM file" in detail


def test_a_wrong_smtp_password_fails_the_login_and_skips_the_test_message(mail):
    status, results = check(config(mail, smtp={"password": Secret(key="smtp.password_file", literal="wrong")}),
                            send_test_to=MAYA)
    assert status == 1
    verdict, detail = results["SMTP connection and login"]
    assert verdict == "FAILED" and f"127.0.0.1:{mail.submission_port} refused the login (5.7.8" in detail
    assert detail.endswith("check smtp.username and the password named by smtp.password_file")
    assert results["SMTP test message"] == ("skipped", "it needs a connection")


def test_a_refused_test_message_and_a_bad_address_are_failures(mail):
    status, results = check(config(mail), send_test_to="refused@bodywork.example")
    verdict, detail = results["SMTP test message"]
    assert status == 1 and verdict == "FAILED" and "refused it (every recipient refused (550 5.1.1" in detail
    assert "@" not in detail
    assert "smtp.username may send as bot.address" in detail
    status, results = check(config(mail), send_test_to="maya at bodywork")
    assert status == 1 and results["SMTP test message"][1].startswith(
        "the address given to --send-test-to is not an email address")


def test_a_missing_watched_folder_suggests_a_close_name(mail):
    status, results = check(config(mail, imap={"folder": "Archiv"}))
    assert status == 1
    assert results["IMAP watched folder"] == (
        "FAILED", "there is no folder 'Archiv' on the server: set imap.folder to the folder introbot should watch, "
                  "e.g. \"INBOX\"; did you mean 'Archive'?")


def test_a_mailbox_that_may_not_create_folders_says_which_right_is_missing(mail):
    with DovecotImap(forbid_folder_creation=True) as dovecot:
        imap = {"port": dovecot.imaps_port, "ca_file": dovecot.ca_file,
                "password": Secret(key="imap.password_env", literal=dovecot.password)}
        status, results = check(config(mail, imap=imap))
    assert status == 1
    verdict, detail = results["IMAP introbot folders"]
    assert verdict == "FAILED" and detail.startswith("the server refused to create the folder 'introbot/processed' "
                                                     "(create failed: [NOPERM] Permission denied")
    assert "let this mailbox create folders (the IMAP ACL right 'k')" in detail
    assert {name: verdict for name, verdict in verdicts(results).items() if verdict != "ok"} == {
        "IMAP introbot folders": "FAILED"}


def test_a_server_without_idle_and_move_passes_with_warnings(mail, tmp_path):
    with pymap_without("IDLE", "MOVE", "UIDPLUS", log=tmp_path / "pymap.log") as port:
        imap = {"port": port, "security": "none", "username": PYMAP_USER, "ca_file": None,
                "password": Secret(key="imap.password_env", literal=PYMAP_PASSWORD)}
        status, results = check(config(mail, imap=imap))
    assert status == 0 and verdicts(results).count("warning") == 2
    assert results["IMAP IDLE"] == ("warning", "not supported, so introbot looks for new mail every 60 s "
                                               "(imap.poll_interval)")
    verdict, detail = results["IMAP MOVE"]
    assert verdict == "warning" and "removes anything a person marked deleted" in detail
    assert results["IMAP connection"][1] == f"127.0.0.1:{port}, no encryption (allowed to this machine only)"


# --- OAuth2 ----------------------------------------------------------------------------------------------

@pytest.fixture
def tokens() -> Iterator[TokenServer]:
    with TokenServer(user=INTRO) as server:
        yield server


def oauth2_config(mail: MailHost, tokens: TokenServer, dovecot: DovecotImap, smtp_server: FaultSMTP) -> Config:
    def oauth2(service: str) -> OAuth2Settings:
        return OAuth2Settings("microsoft", client_id=CLIENT_ID, token_url=tokens.token_url,
                              refresh_token=Secret(key=f"{service}.oauth2_refresh_token_env",
                                                   literal=tokens.refresh_token))
    imap = {"port": dovecot.imaps_port, "ca_file": dovecot.ca_file, "auth": "oauth2", "oauth2": oauth2("imap"),
            "password": Secret(key="")}
    smtp = {"port": smtp_server.port, "security": "tls", "ca_file": smtp_server.ca_file, "auth": "oauth2",
            "oauth2": oauth2("smtp"), "password": Secret(key="")}
    return config(mail, imap=imap, smtp=smtp)


@pytest.fixture
def oauth2_servers(tokens) -> Iterator[tuple[DovecotImap, FaultSMTP]]:
    with DovecotImap(introspection_url=tokens.introspection_url) as dovecot, \
            FaultSMTP(tls="implicit", token_checker=tokens.accepts) as smtp_server:
        yield dovecot, smtp_server


def test_oauth2_sign_in_passes_and_each_token_is_its_own_check(mail, tokens, oauth2_servers):
    status, results = check(oauth2_config(mail, tokens, *oauth2_servers))
    assert status == 0
    assert results["IMAP OAuth2 token"] == ("ok", "issued by Microsoft's token endpoint")
    assert results["SMTP OAuth2 token"] == ("ok", "issued by Microsoft's token endpoint")
    assert results["IMAP login"][1] == "as imap.username, with an OAuth2 token"


def test_an_expired_grant_fails_the_token_check_and_says_to_re_authorise(mail, tokens, oauth2_servers):
    tokens.refuse_with(400, {"error": "invalid_grant", "error_description": "AADSTS700082: The refresh token "
                                                                           "has expired due to inactivity."})
    status, results = check(oauth2_config(mail, tokens, *oauth2_servers))
    assert status == 1
    for service in ("IMAP", "SMTP"):
        verdict, detail = results[f"{service} OAuth2 token"]
        assert verdict == "FAILED" and "(invalid_grant, AADSTS700082" in detail and "re-authorise" in detail
    assert results["IMAP connection"][0] == "ok"
    assert results["IMAP login, folders, IDLE and MOVE"] == ("skipped", "they need a token")


def test_missing_oauth_consent_is_named(mail, tokens, oauth2_servers):
    tokens.refuse_with(400, {"error": "invalid_grant", "error_description": "AADSTS65001: The user or "
                                                                           "administrator has not consented."})
    status, results = check(oauth2_config(mail, tokens, *oauth2_servers))
    assert status == 1
    assert "consent for the app is missing" in results["IMAP OAuth2 token"][1]
    assert "Grant admin consent (delegated SMTP.Send)" in results["SMTP OAuth2 token"][1]
