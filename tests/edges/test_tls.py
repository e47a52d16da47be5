"""Diagnoses shared by the IMAP and SMTP edges: privacy scrubbing, loopback checks, login refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from introbot.edges.tls import Endpoint, client_context, is_loopback, scrub

IMAP = Endpoint("imap", "imap.example.org", 993, "tls", 30.0, tls_port=993, starttls_port=143)
SMTP = Endpoint("smtp", "smtp.example.org", 587, "starttls", 30.0, tls_port=465, starttls_port=587)


@pytest.mark.parametrize("reply, expected", [
    ("550 5.1.1 <bob@example.org>: Recipient address rejected", "550 5.1.1 <address>: Recipient address rejected"),
    ("user alice@clinic.example unknown\r\nBCC: x", "user <address> unknown BCC: x"),
    ("451 4.3.0 try later", "451 4.3.0 try later"),
])
def test_scrub_removes_addresses_and_line_breaks(reply, expected):
    assert scrub(reply) == expected


@given(local=st.from_regex(r"[a-z0-9._+-]{1,20}", fullmatch=True),
       domain=st.from_regex(r"[a-z0-9-]{1,20}\.example", fullmatch=True),
       before=st.text(max_size=50), after=st.text(max_size=50))
def test_no_address_survives_scrubbing(local, domain, before, after):
    address = f"{local}@{domain}"
    cleaned = scrub(f"{before} {address} {after}", limit=10_000)
    assert address not in cleaned
    assert not any(ord(char) < 32 or ord(char) == 127 for char in cleaned)


def test_scrub_shortens_long_replies():
    assert len(scrub("x" * 1000)) == 200


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.5.6.7", True), ("::1", True), ("localhost", True), ("LOCALHOST", True),
    ("10.0.0.1", False), ("imap.example.org", False), ("localhost.example.org", False),
])
def test_only_loopback_hosts_count_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("endpoint, reply, fix", [
    (IMAP, "[ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833",
     "App passwords"),
    (IMAP, "AUTHENTICATE failed: basic authentication is disabled", "disabled password (basic) authentication"),
    (SMTP, "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
     "Authenticated SMTP"),
    (SMTP, "5.7.8 Username and Password not accepted for intro@collective.example", "check smtp.username"),
    (IMAP, "[AUTHENTICATIONFAILED] Authentication failed.", "check imap.username"),
])
def test_login_refusals_name_the_fix_without_personal_data(endpoint, reply, fix):
    message = endpoint.login_refused(reply, f"{endpoint.service}.password_env")
    assert fix in message
    assert "@" not in message


def test_an_unreadable_ca_file_is_a_clear_config_problem(tmp_path):
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(ValueError, match="imap.ca_file: cannot load .*nowhere.pem"):
        client_context(missing, "imap.ca_file")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(ValueError, match="imap.ca_file: cannot load"):
        client_context(garbage, "imap.ca_file")


def test_a_refused_connection_names_the_keys_to_check():
    message = SMTP.describe(ConnectionRefusedError(111, "Connection refused"))
    assert "smtp.example.org:587 refused the connection" in message and "smtp.port" in message


def test_silence_at_first_contact_suggests_implicit_tls_only_when_tls_is_off():
    assert 'security = "tls"' in SMTP.describe(TimeoutError(), first_contact=True)
    assert 'security = "tls"' not in SMTP.describe(TimeoutError(), "after DATA")
    assert 'security = "tls"' not in IMAP.describe(TimeoutError(), first_contact=True)
