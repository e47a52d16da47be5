"""The spoof corpus delivered to intro@ on real Dovecot and Postfix, DKIM keys served by a DNS server on loopback."""

from dataclasses import replace

from introbot.config import load_config
from introbot.edges.dns import TxtResolver
from introbot.service import MAX_PENDING_CONFIRMATIONS
from tests.conversation import ADA, BOT, KIM, MAYA, SAM, World
from tests.service_world import once_with_dns
from tests.trust.dnsserver import Zone, dns_server
from tests.trust.spoofs import FORGER, PROCESSED, QUARANTINE, KeyRing, spoofs


def test_only_authentic_requests_reach_anyone_and_nothing_goes_to_a_forged_address(mail, tmp_path):
    keys = KeyRing()
    corpus = spoofs(keys)
    world = World(mail, tmp_path)
    config = load_config(world.config_path)
    config = replace(config, trust=replace(config.trust, verify_dkim=True))
    for spoof in corpus:
        mail.deliver(spoof.raw, FORGER[1], [BOT])
    mail.wait_for_messages(BOT, len(corpus))

    zone = Zone(txt=keys.zone)
    with dns_server(zone) as port:
        once_with_dns(config, TxtResolver(["127.0.0.1"], port))
    mail.wait_for_queue_empty()

    assert len(world.wait_inbox(SAM, 1)) == 1 and len(world.wait_inbox(KIM, 1)) == 1
    confirmations = world.wait_inbox(ADA, MAX_PENDING_CONFIRMATIONS)
    assert len(confirmations) == MAX_PENDING_CONFIRMATIONS
    assert all(c["Subject"] == "Did you ask me for this introduction?" for c in confirmations)
    for spoof in corpus:
        if spoof.client not in (SAM[1], KIM[1]):
            assert world.inbox(spoof.client) == [], spoof.name
    assert world.inbox(FORGER) == [] and world.inbox(MAYA) == []
    assert "s1._domainkey.clinic.example" in zone.asked
    quarantined = sum(s.folder == QUARANTINE for s in corpus)
    processed = 2 + MAX_PENDING_CONFIRMATIONS  # the two authentic ones, and the confirmations allowed
    assert len(mail.messages(BOT, "introbot/processed")) == processed
    assert len(mail.messages(BOT, "introbot/quarantine")) == quarantined
    assert len(mail.messages(BOT, "introbot/ignored")) == len(corpus) - processed - quarantined
    assert sum(s.folder == PROCESSED for s in corpus) > processed  # the limit was reached
