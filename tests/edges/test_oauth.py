"""OAuth2 sign-in: the token provider against a local token endpoint, then XOAUTH2 against Dovecot and an
SMTP server that accept only the newest token."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import stat
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from introbot.config import ImapSettings, OAuth2Settings, Secret, SmtpSettings
from introbot.edges.imap import ImapError, connect, log_in
from introbot.edges.oauth import REFRESH_MARGIN, OAuth2Error, TokenProvider, explain_refusal, xoauth2_string
from introbot.edges.smtp import Delivery, SmtpConfigError, SmtpSender
from introbot.edges.tls import Endpoint
from tests.faultsmtp import FaultSMTP
from tests.imapvariants import DovecotImap
from tests.mailhost import free_port
from tests.tokenserver import CLIENT_ID, TokenServer

INTRO = "intro@collective.example"
MAYA = "maya@bodywork.example"
OTHER = "other@collective.example"  # a mailbox the tokens were not issued for
CLIENT_SECRET = "test-client-secret-5f1d"
REFRESH_ENV = "INTROBOT_TEST_REFRESH_TOKEN"
IMAP = Endpoint("imap", "imap.example.org", 993, "tls", 30.0, tls_port=993, starttls_port=143)
SMTP = Endpoint("smtp", "smtp.example.org", 587, "starttls", 30.0, tls_port=465, starttls_port=587)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def google(server: TokenServer, service: str = "imap", **changes) -> OAuth2Settings:
    settings = OAuth2Settings("google", client_id=CLIENT_ID, token_url=server.token_url,
                              client_secret=Secret(key=f"{service}.oauth2_client_secret_env",
                                                   literal=CLIENT_SECRET),
                              refresh_token=Secret(key=f"{service}.oauth2_refresh_token_env",
                                                   literal=server.refresh_token))
    return dataclasses.replace(settings, **changes)


def microsoft(server: TokenServer, service: str = "imap", **changes) -> OAuth2Settings:
    settings = OAuth2Settings("microsoft", client_id=CLIENT_ID, token_url=server.token_url,
                              tenant="collective.example",
                              refresh_token=Secret(key=f"{service}.oauth2_refresh_token_env",
                                                   literal=server.refresh_token))
    return dataclasses.replace(settings, **changes)


@pytest.fixture
def tokens() -> Iterator[TokenServer]:
    """A Google-like token endpoint for the intro@ mailbox: a confidential client, tokens valid an hour."""
    with TokenServer(user=INTRO, client_secret=CLIENT_SECRET) as server:
        yield server


# --- the provider ------------------------------------------------------------------------------------

def test_a_token_is_reused_until_shortly_before_it_expires(tokens):
    clock = Clock()
    provider = TokenProvider(google(tokens), "imap", timeout=10, clock=clock)
    first = provider.token()
    assert provider.token() == first and tokens.token_requests == 1
    clock.now += 3600 - REFRESH_MARGIN - 1
    assert provider.token() == first and tokens.token_requests == 1
    clock.now += 1
    second = provider.token()
    assert second != first and second == tokens.current and tokens.token_requests == 2


def test_google_is_asked_with_the_documented_fields(tokens):
    TokenProvider(google(tokens), "imap", timeout=10).token()
    assert tokens.forms == [{"grant_type": "refresh_token", "refresh_token": "1//first-refresh-token",
                             "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}]


@pytest.mark.parametrize("service, scope", [
    ("imap", "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"),
    ("smtp", "https://outlook.office.com/SMTP.Send offline_access"),
])
def test_microsoft_is_asked_for_the_scope_of_each_service_without_a_secret(service, scope):
    with TokenServer(user=INTRO) as server:
        TokenProvider(microsoft(server, service), service, timeout=10).token()
        [form] = server.forms
    assert form["scope"] == scope and "client_secret" not in form


def test_a_rotated_refresh_token_is_kept_for_the_next_refresh():
    clock = Clock()
    with TokenServer(user=INTRO, rotate=True) as server:
        provider = TokenProvider(microsoft(server), "imap", timeout=10, clock=clock)
        provider.token()
        rotated = server.refresh_token
        clock.now += 3600
        assert provider.token() == server.current  # the first refresh token no longer works here
        assert server.forms[1]["refresh_token"] == rotated != server.forms[0]["refresh_token"]


def test_a_rotated_refresh_token_is_written_back_to_its_file(tmp_path):
    clock = Clock()
    stored = tmp_path / "refresh-token"
    with TokenServer(user=INTRO, rotate=True) as server:
        stored.write_text(server.refresh_token + "\n")
        settings = microsoft(server, refresh_token=Secret(key="imap.oauth2_refresh_token_file", file=stored))
        TokenProvider(settings, "imap", timeout=10, clock=clock).token()
        assert stored.read_text().strip() == server.refresh_token
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        clock.now += 3600  # a restart would read the file: a new provider does
        assert TokenProvider(settings, "imap", timeout=10, clock=clock).token() == server.current


def test_a_refresh_token_that_cannot_be_saved_is_still_used(tmp_path, caplog):
    clock = Clock()
    with TokenServer(user=INTRO, rotate=True) as server:
        missing = tmp_path / "gone" / "refresh-token"
        settings = microsoft(server, refresh_token=Secret(key="imap.oauth2_refresh_token_file", file=missing,
                                                          literal=server.refresh_token))
        provider = TokenProvider(settings, "imap", timeout=10, clock=clock)
        provider.token()
        clock.now += 3600
        assert provider.token() == server.current
    assert "cannot save the new imap refresh token" in caplog.text and "kept in memory" in caplog.text


def test_an_expired_grant_says_to_re_authorise_and_where_the_token_goes(tokens, monkeypatch):
    monkeypatch.setenv(REFRESH_ENV, "1//revoked-long-ago")
    settings = google(tokens, refresh_token=Secret(key="imap.oauth2_refresh_token_env", env=REFRESH_ENV))
    with pytest.raises(OAuth2Error) as caught:
        TokenProvider(settings, "imap", timeout=10).token()
    message = str(caught.value)
    assert message.startswith(f"{urlsplit(tokens.token_url).netloc} refused the refresh token (invalid_grant, "
                              f"AADSTS70000")
    assert "re-authorise" in message and "Signing in" in message and "\"Testing\"" in message
    assert f"the environment variable {REFRESH_ENV}" in message and "restart introbot" in message
    assert "revoked-long-ago" not in message and not caught.value.retryable


def test_missing_consent_names_the_admin_centre_and_the_permission(tokens):
    tokens.refuse_with(400, {"error": "invalid_grant", "error_description": "AADSTS65001: The user or "
                                                                             "administrator has not consented."})
    with pytest.raises(OAuth2Error, match=r"consent for the app is missing \(invalid_grant, AADSTS65001\).*"
                                          r"Grant admin consent \(delegated SMTP.Send\)"):
        TokenProvider(microsoft(tokens, "smtp"), "smtp", timeout=10).token()


def test_a_wrong_client_secret_names_the_keys_to_check(tokens):
    settings = google(tokens, client_secret=Secret(key="imap.oauth2_client_secret_file", file=Path("/etc/x"),
                                                   literal="not-the-secret"))
    with pytest.raises(OAuth2Error) as caught:
        TokenProvider(settings, "imap", timeout=10).token()
    assert "does not accept the app (invalid_client, AADSTS7000215): check imap.oauth2_client_id and the " \
           "client secret in the file /etc/x" in str(caught.value)
    assert "not-the-secret" not in str(caught.value)


@pytest.mark.parametrize("status, answer", [(503, {"error": "temporarily_unavailable"}), (502, {})])
def test_a_token_endpoint_in_trouble_is_retried_later(tokens, status, answer):
    tokens.refuse_with(status, answer)
    with pytest.raises(OAuth2Error, match="cannot issue a token now .*introbot will try again") as caught:
        TokenProvider(google(tokens), "imap", timeout=10).token()
    assert caught.value.retryable


def test_an_unreachable_token_endpoint_is_retried_later():
    port = free_port()
    settings = OAuth2Settings("google", client_id=CLIENT_ID, token_url=f"http://127.0.0.1:{port}/token",
                              refresh_token=Secret(key="imap.oauth2_refresh_token_env", literal="1//x"))
    with pytest.raises(OAuth2Error, match=rf"cannot reach the token endpoint 127.0.0.1:{port} \(connection "
                                          rf"refused\); introbot will try again") as caught:
        TokenProvider(settings, "imap", timeout=10).token()
    assert caught.value.retryable


def command(tmp_path: Path, body: str) -> tuple[str, ...]:
    """A token command: a Python script with `body`, which appends a line to runs.log each time it runs."""
    script = tmp_path / "mail-token.py"
    script.write_text(f"import sys\nopen({str(tmp_path / 'runs.log')!r}, 'a').write('run\\n')\n{body}\n")
    return (sys.executable, str(script))


def runs(tmp_path: Path) -> int:
    log = tmp_path / "runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_command_printing_only_a_token_runs_at_every_connect(tmp_path):
    settings = OAuth2Settings("command", command=command(tmp_path, "print('ya29.from-a-command')"))
    provider = TokenProvider(settings, "smtp", timeout=10)
    assert [provider.token(), provider.token()] == ["ya29.from-a-command"] * 2
    assert runs(tmp_path) == 2


def test_a_command_giving_an_expiry_is_run_again_only_when_it_nears(tmp_path):
    clock = Clock()
    body = "print('{\"access_token\": \"ya29.json\", \"expires_in\": \"3599\"}')"
    provider = TokenProvider(OAuth2Settings("command", command=command(tmp_path, body)), "imap", timeout=10,
                             clock=clock)
    assert provider.token() == provider.token() == "ya29.json"
    clock.now += 3599 - REFRESH_MARGIN
    provider.token()
    assert runs(tmp_path) == 2


@pytest.mark.parametrize("body, problem, retryable", [
    ("sys.stderr.write('secret-in-stderr'); print('secret-in-stdout'); sys.exit(3)",
     "imap.oauth2_command failed (exit status 3); run it by hand to see why", True),
    ("print('Enter passphrase for secret-in-stdout:')", "imap.oauth2_command printed no access token", False),
    ("print('{\"token\": \"secret-in-stdout\"}')", "imap.oauth2_command printed no access token", False),
    ("print('')", "imap.oauth2_command printed no access token", False),
])
def test_a_command_that_gives_no_token_says_so_without_repeating_its_output(tmp_path, body, problem, retryable):
    provider = TokenProvider(OAuth2Settings("command", command=command(tmp_path, body)), "imap", timeout=10)
    with pytest.raises(OAuth2Error) as caught:
        provider.token()
    assert str(caught.value).startswith(problem) and caught.value.retryable is retryable
    assert "secret-in" not in str(caught.value)


def test_a_missing_command_is_named():
    provider = TokenProvider(OAuth2Settings("command", command=("/nonexistent/mail-token", "imap")), "imap",
                             timeout=10)
    with pytest.raises(OAuth2Error, match="imap.oauth2_command: there is no program '/nonexistent/mail-token'"):
        provider.token()


def test_secrets_stay_out_of_reprs(tokens):
    settings = google(tokens)
    provider = TokenProvider(settings, "imap", timeout=10)
    token = provider.token()
    for shown in (repr(settings), repr(provider), str(settings)):
        assert CLIENT_SECRET not in shown and tokens.refresh_token not in shown and token not in shown


def test_the_xoauth2_string_is_the_documented_one():
    assert xoauth2_string("someone@example.org", "ya29.abc") == \
        "user=someone@example.org\x01auth=Bearer ya29.abc\x01\x01"


# --- what a refusal says ---------------------------------------------------------------------------------

def password(service: str) -> ImapSettings:
    return ImapSettings(host="imap.example.org", username=INTRO,
                        password=Secret(key=f"{service}.password_env", env="INTROBOT_IMAP_PASSWORD"))


def with_oauth2(provider: str) -> SmtpSettings:
    return SmtpSettings(host="smtp.example.org", username=INTRO, auth="oauth2",
                        oauth2=OAuth2Settings(provider, client_id=CLIENT_ID))


@pytest.mark.parametrize("endpoint, reply, challenge, settings, fixes", [
    (IMAP, "AUTHENTICATE failed: basic authentication is disabled", "", password("imap"),
     ["disabled password (basic) authentication", 'or sign in with OAuth2: imap.auth = "oauth2"']),
    (SMTP, "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", "",
     with_oauth2("microsoft"), ["Authenticated SMTP", "Microsoft 365 admin centre"]),
    (SMTP, "5.7.3 Authentication unsuccessful", '{"status":"400","schemes":"Bearer"}', with_oauth2("google"),
     ["refused the OAuth2 token (5.7.3 Authentication unsuccessful, status 400)", "the token is not for this "
      "mailbox: smtp.username must be the address that signed in"]),
    (SMTP, "5.7.8 Username and Password not accepted", '{"status":"401","schemes":"Bearer"}',
     with_oauth2("google"), ["status 401", "carries the scope https://mail.google.com/"]),
    (SMTP, "5.7.3 Authentication unsuccessful", "", with_oauth2("microsoft"),
     ["the delegated permission SMTP.Send", "Authenticated SMTP is enabled for the mailbox"]),
    (IMAP, "AUTHENTICATE failed.", "", ImapSettings(host="imap.example.org", username=INTRO, auth="oauth2",
                                                    oauth2=OAuth2Settings("microsoft", client_id=CLIENT_ID)),
     ["IMAP.AccessAsUser.All", "that IMAP is enabled for the mailbox"]),
])
def test_each_known_refusal_names_its_fix(endpoint, reply, challenge, settings, fixes):
    explained = explain_refusal(endpoint, reply, challenge, settings)
    for fix in fixes:
        assert fix in explained
    assert "@" not in explained


# --- IMAP: Dovecot checks each token with the token endpoint ----------------------------------------------

@pytest.fixture
def dovecot(tokens: TokenServer) -> Iterator[DovecotImap]:
    with DovecotImap(introspection_url=tokens.introspection_url) as server:
        yield server


def imap(dovecot: DovecotImap, oauth2: OAuth2Settings, username: str = INTRO) -> ImapSettings:
    return ImapSettings(host=dovecot.host, port=dovecot.imaps_port, security="tls", username=username,
                        auth="oauth2", oauth2=oauth2, ca_file=dovecot.ca_file, timeout=timedelta(seconds=10))


def imap_login(settings: ImapSettings) -> None:
    client = connect(settings)
    log_in(client, settings)
    client.logout()


def test_imap_accepts_a_fresh_token_and_the_next_connect_reuses_it(tokens, dovecot):
    settings = imap(dovecot, google(tokens))
    imap_login(settings)
    imap_login(settings)
    assert tokens.token_requests == 1


def test_imap_renews_a_token_near_expiry_before_connecting():
    # Tokens that expire within the refresh margin: each connect must ask for a new one first.
    with TokenServer(user=INTRO, client_secret=CLIENT_SECRET, expires_in=int(REFRESH_MARGIN) - 1) as server, \
            DovecotImap(introspection_url=server.introspection_url) as dovecot:
        settings = imap(dovecot, google(server))
        imap_login(settings)
        imap_login(settings)
        assert server.token_requests == 2


def test_imap_replaces_a_cached_token_the_server_refuses(tokens, dovecot):
    settings = imap(dovecot, google(tokens))
    imap_login(settings)
    tokens.issue()  # the cached token is no longer the valid one, as if revoked
    imap_login(settings)
    assert tokens.token_requests == 2


def test_imap_keeps_working_as_microsoft_rotates_refresh_tokens(tmp_path):
    with TokenServer(user=INTRO, rotate=True, expires_in=60) as server, \
            DovecotImap(introspection_url=server.introspection_url) as dovecot:
        settings = imap(dovecot, microsoft(server))
        for _ in range(3):
            imap_login(settings)
        assert server.token_requests == 3
        assert len({form["refresh_token"] for form in server.forms}) == 3


def test_imap_refuses_a_token_issued_for_another_mailbox(tokens, dovecot):
    with pytest.raises(ImapError) as caught:
        imap_login(imap(dovecot, google(tokens), username=OTHER))
    assert tokens.token_requests == 2  # the first refusal is given a second chance with a new token
    assert f"127.0.0.1:{dovecot.imaps_port} refused the OAuth2 token ([AUTHENTICATIONFAILED] Authentication " \
           f"failed., status 401): check that imap.username is the mailbox that signed in" in str(caught.value)


def test_imap_with_an_expired_grant_says_to_re_authorise(tokens, dovecot):
    tokens.refuse_with(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    with pytest.raises(ImapError, match="refused the refresh token \\(invalid_grant: .*re-authorise"):
        imap_login(imap(dovecot, google(tokens)))


def test_imap_signs_in_with_a_token_from_a_command(tokens, dovecot, tmp_path):
    (tmp_path / "token").write_text(tokens.issue())
    settings = imap(dovecot, OAuth2Settings("command", command=command(
        tmp_path, f"print(open({str(tmp_path / 'token')!r}).read())")))
    imap_login(settings)
    assert runs(tmp_path) == 1 and tokens.token_requests == 0


# --- SMTP: an SMTP server that accepts only the newest token ----------------------------------------------

@pytest.fixture
def smtp_server(tokens: TokenServer) -> Iterator[FaultSMTP]:
    with FaultSMTP(tls="implicit", token_checker=tokens.accepts, auth_required=True) as server:
        yield server


def smtp(server: FaultSMTP, oauth2: OAuth2Settings) -> SmtpSettings:
    return SmtpSettings(host=server.host, port=server.port, security="tls", username=INTRO, auth="oauth2",
                        oauth2=oauth2, ca_file=server.ca_file, timeout=timedelta(seconds=10))


def send(settings: SmtpSettings) -> Delivery:
    """One message through a new sender, so over a new connection and a new login."""
    async def run() -> Delivery:
        async with SmtpSender(settings, "bot.collective.example") as sender:
            raw = f"From: {INTRO}\r\nTo: {MAYA}\r\nSubject: hello\r\n\r\nHello.\r\n".encode()
            return (await sender.send(INTRO, [MAYA], raw)).delivery
    return asyncio.run(run())


def test_smtp_signs_in_with_a_fresh_token_and_renews_it_near_expiry():
    with TokenServer(user=INTRO, client_secret=CLIENT_SECRET, expires_in=60) as server, \
            FaultSMTP(tls="implicit", token_checker=server.accepts, auth_required=True) as smtp_server:
        settings = smtp(smtp_server, google(server, "smtp"))
        assert [send(settings), send(settings)] == [Delivery.SENT, Delivery.SENT]
        assert server.token_requests == 2
        assert [message.login for message in smtp_server.messages] == [INTRO, INTRO]


def test_smtp_reuses_a_token_that_is_far_from_expiry(tokens, smtp_server):
    settings = smtp(smtp_server, google(tokens, "smtp"))
    assert [send(settings), send(settings)] == [Delivery.SENT, Delivery.SENT]
    assert tokens.token_requests == 1


def test_smtp_replaces_a_cached_token_the_server_refuses(tokens, smtp_server):
    settings = smtp(smtp_server, google(tokens, "smtp"))
    assert send(settings) is Delivery.SENT
    tokens.issue()  # the cached token is no longer the valid one, as if revoked
    assert send(settings) is Delivery.SENT
    assert tokens.token_requests == 2


def test_smtp_explains_a_refused_token(tokens, smtp_server):
    with pytest.raises(SmtpConfigError) as caught:
        send(dataclasses.replace(smtp(smtp_server, google(tokens, "smtp")), username=OTHER))
    assert f"127.0.0.1:{smtp_server.port} refused the OAuth2 token (" in str(caught.value)
    assert "status 401): check that smtp.username is the mailbox that signed in and that the token carries " \
           "the scope https://mail.google.com/" in str(caught.value)
    assert smtp_server.command_count("AUTH") == 2 and not smtp_server.messages


def test_smtp_with_an_expired_grant_is_a_config_error_saying_to_re_authorise(tokens, smtp_server):
    tokens.refuse_with(400, {"error": "invalid_grant"})
    with pytest.raises(SmtpConfigError, match="re-authorise"):
        send(smtp(smtp_server, google(tokens, "smtp")))
    assert smtp_server.command_count("AUTH") == 0


def test_smtp_waits_for_an_unreachable_token_endpoint_as_for_a_server_down(smtp_server):
    settings = smtp(smtp_server, OAuth2Settings("google", client_id=CLIENT_ID,
                                                token_url=f"http://127.0.0.1:{free_port()}/token",
                                                refresh_token=Secret(key="smtp.oauth2_refresh_token_env",
                                                                     literal="1//x")))
    assert send(settings) is Delivery.TEMPORARY


def test_no_token_or_secret_reaches_the_logs_or_the_errors(tokens, dovecot, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    imap_settings, smtp_settings = imap(dovecot, google(tokens)), smtp(smtp_server, google(tokens, "smtp"))
    imap_login(imap_settings)
    assert send(smtp_settings) is Delivery.SENT
    tokens.issue()  # both cached tokens become stale: both servers refuse them, and are given new ones
    imap_login(imap_settings)
    assert send(smtp_settings) is Delivery.SENT
    errors: list[str] = []
    for attempt in (lambda: imap_login(dataclasses.replace(imap_settings, username=OTHER)),
                    lambda: send(dataclasses.replace(smtp_settings, username=OTHER))):
        with pytest.raises((ImapError, SmtpConfigError)) as caught:
            attempt()
        errors.append(str(caught.value))
    tokens.refuse_with(400, {"error": "invalid_grant"})
    with pytest.raises(ImapError) as caught:
        imap_login(imap_settings)
    errors.append(str(caught.value))
    assert len(tokens.issued) == 7
    shown = caplog.text + "\n".join(errors)
    for secret in (*tokens.issued, tokens.refresh_token, CLIENT_SECRET):
        assert secret not in shown
    assert "refused the OAuth2 token" in shown and "re-authorise" in shown
