"""The spoof corpus through introbot: only authentic requests reach anyone but the practitioner's own address."""

import pytest

from introbot.config import TrustSettings
from introbot.service import MAX_PENDING_CONFIRMATIONS
from tests.conversation import ADA, AUTHSERV_ID, MAYA
from tests.service_world import Desk
from tests.trust.spoofs import FORGER, KeyRing, spoofs

KEYS = KeyRing()
CORPUS = spoofs(KEYS)
TRUST = TrustSettings(authserv_id=AUTHSERV_ID, verify_dkim=True)


def stub_dns(name: str) -> bytes | None:
    return KEYS.zone.get(name)


@pytest.mark.parametrize("spoof", CORPUS, ids=lambda s: s.name)
def test_each_message_alone(tmp_path, spoof):
    with Desk(tmp_path, TRUST, stub_dns) as desk:
        assert desk.receive(spoof.raw) == spoof.folder
        mail = desk.mail()
        authentic = spoof.folder == "introbot/processed" and not spoof.confirmation
        assert [m.kind for m in mail] == (["ask_client"] if authentic else
                                          ["confirm_request"] if spoof.confirmation else [])
        if authentic:
            assert mail[0].recipients == (spoof.client,)
        if spoof.confirmation:
            assert mail[0].recipients == (ADA[1],)


def test_the_whole_corpus_at_once(tmp_path):
    with Desk(tmp_path, TRUST, stub_dns) as desk:
        for spoof in CORPUS:
            desk.receive(spoof.raw)
        recipients = [r for m in desk.mail() for r in m.recipients]
        authentic = {s.client for s in CORPUS if s.folder == "introbot/processed" and not s.confirmation}
        forged = [s for s in CORPUS if s.confirmation]
        assert len(forged) > MAX_PENDING_CONFIRMATIONS
        assert sorted(recipients) == sorted([*authentic, *[ADA[1]] * MAX_PENDING_CONFIRMATIONS])
        assert FORGER[1] not in recipients and MAYA[1] not in recipients


def test_without_our_own_dkim_check_a_signature_alone_is_not_enough(tmp_path):
    with Desk(tmp_path) as desk:
        [signed] = [s for s in CORPUS if "DKIM signature we verify" in s.name]
        desk.receive(signed.raw)
        assert [m.kind for m in desk.mail()] == ["confirm_request"]


def test_a_dns_failure_asks_the_practitioner_instead_of_losing_the_request(tmp_path):
    def broken_dns(name: str) -> bytes | None:
        raise TimeoutError("no answer")

    with Desk(tmp_path, TRUST, broken_dns) as desk:
        [signed] = [s for s in CORPUS if "DKIM signature we verify" in s.name]
        assert desk.receive(signed.raw) == "introbot/processed"
        assert [m.kind for m in desk.mail()] == ["confirm_request"]


def test_verify_dkim_without_a_dns_lookup_is_refused_at_construction(tmp_path):
    with pytest.raises(ValueError, match="dns_txt"):
        Desk(tmp_path, TRUST, None)


@pytest.mark.parametrize("to", ["sam@client.example)<eve@mail.example>", "eve@mail.example)<sam@client.example>"])
def test_a_cc_request_whose_to_parses_two_ways_names_nobody(tmp_path, to):
    """The stdlib reads each of these as one plain address (CVE-2023-27043); introbot must not."""
    from tests.service_world import as_received, our_results
    raw = (f"From: {ADA[0]} <{ADA[1]}>\r\nTo: {to}\r\nCc: Intro <intro@collective.example>\r\nSubject: Massage\r\n"
           f"Message-ID: <cc-1@clinic.example>\r\n\r\nHi, I'm asking my assistant to introduce you to Maya Chen.\r\n")
    with Desk(tmp_path) as desk:
        desk.receive(as_received(raw.encode(), our_results("clinic.example")))
        recipients = {r for m in desk.mail() for r in m.recipients}
        assert recipients <= {ADA[1]}
