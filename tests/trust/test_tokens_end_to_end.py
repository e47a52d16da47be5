"""Reply tokens on real Dovecot and Postfix: single use, bound to their party, unguessable, dead after expiry (RELIABILITY 23)."""

from datetime import datetime, timedelta, timezone

import pytest

from introbot.config import load_config
from introbot.core.tokens import TOKEN_LENGTH
from introbot.daemon import Daemon
from tests.conversation import ADA, BOT, KIM, MAYA, SAM, World, gmail_forward, new_message, reply


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


def ask_sam(world: World):
    client_mail = new_message(SAM, ADA, "Back pain", "Do you know someone who does massage?\n\nSam\n")
    world.send(gmail_forward(ADA, client_mail, "Maya, could you see Sam? Thanks, Ada"), sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    return ask


def token_of(ask) -> str:
    return ask["Reply-To"].addresses[0].addr_spec.split("+", 1)[1].split("@")[0]


def yes_to(address: str, writer=SAM):
    """A yes sent straight to `address`, threaded to nothing: only the address can carry a token."""
    return new_message(writer, ("Intro", address), "Re: introduction", "Yes please!\n")


def test_a_replayed_yes_changes_nothing(world):
    ask = ask_sam(world)
    yes = reply(ask, SAM, "Yes please")
    world.send(yes, sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    world.send(yes, sender=SAM)  # the very same message again
    again = reply(ask, SAM, "YES, really")  # and a new message with the same token
    world.send(again, sender=SAM)
    world.once()
    world.send(reply(colleague_ask, MAYA, "yes"), sender=MAYA)
    world.once()
    world.wait_inbox(MAYA, 2)
    world.send(again, sender=SAM)  # after the introduction
    world.once()
    world.mail.wait_for_queue_empty()
    assert len(world.inbox(SAM)) == 2 and len(world.inbox(MAYA)) == 2 and len(world.inbox(ADA)) == 1


def test_a_yes_counts_only_from_the_party_it_was_sent_to(world):
    ask = ask_sam(world)
    for writer in (KIM, MAYA, ADA):  # a stranger, the colleague, even the referrer
        world.send(yes_to(ask["Reply-To"].addresses[0].addr_spec, writer), sender=writer)
    world.once()
    world.mail.wait_for_queue_empty()
    assert world.inbox(MAYA) == [] and world.inbox(KIM) == []
    # Only Sam's own answer counts. The stranger's reply gets Sam one note to answer from his address
    # (it does not thread on the stranger's message); the colleague's and the referrer's, none.
    [_, note] = world.inbox(SAM)
    assert "from this address" in str(note["Subject"]) and note.get("In-Reply-To") is None


@pytest.mark.parametrize("writer", [ADA, MAYA])
def test_the_client_is_not_told_to_answer_when_the_referrer_or_colleague_wrote_with_his_token(world, writer):
    """Sam passed the ask to Ada for her opinion and she answered it: Sam wrote nothing, so he hears nothing."""
    ask = ask_sam(world)
    world.send(yes_to(ask["Reply-To"].addresses[0].addr_spec, writer), sender=writer)
    world.once()
    world.mail.wait_for_queue_empty()
    assert len(world.inbox(SAM)) == 1 and world.inbox(MAYA) == []


def test_a_guessed_or_altered_token_finds_nothing(world):
    ask = ask_sam(world)
    token = token_of(ask)
    assert len(token) == TOKEN_LENGTH
    altered = token[:-1] + ("a" if token[-1] != "a" else "b")
    for guess in (altered, token[1:] + token[0], "a" * TOKEN_LENGTH):
        world.send(yes_to(f"intro+{guess}@collective.example"), sender=SAM,
                   envelope_to=[f"intro+{guess}@collective.example"])
    world.once()
    world.mail.wait_for_queue_empty()
    assert world.inbox(MAYA) == [] and len(world.inbox(SAM)) == 1
    assert len(world.mail.messages(BOT, "introbot/ignored")) == 3


def test_a_token_is_dead_once_its_request_expired(world):
    start = datetime.now(timezone.utc)
    client_mail = new_message(SAM, ADA, "Back pain", "Do you know someone who does massage?\n\nSam\n")
    world.send(gmail_forward(ADA, client_mail, "Maya, could you see Sam?"), sender=ADA, authenticated=True)
    config = load_config(world.config_path)
    Daemon(config, clock=lambda: start).once()
    [ask] = world.wait_inbox(SAM, 1)
    Daemon(config, clock=lambda: start + timedelta(days=7, minutes=1)).once()
    world.wait_inbox(ADA, 1)  # the referrer hears it lapsed
    world.send(reply(ask, SAM, "Yes! Sorry for the delay."), sender=SAM)
    Daemon(config, clock=lambda: start + timedelta(days=8)).once()
    world.mail.wait_for_queue_empty()
    assert world.inbox(MAYA) == [] and len(world.inbox(SAM)) == 1 and len(world.inbox(ADA)) == 1
