"""Conversations on real servers where one request names several colleagues: one intro, and one consent, each."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from introbot.config import load_config
from introbot.daemon import Daemon

from tests.conversation import ADA, BOT, KIM, LIO, MAYA, SAM, World, gmail_forward, new_message, reply
from tests.mailhost import UNDELIVERABLE_DOMAIN
from tests.test_conversations import CLIENT_EMAIL, addresses, plain

SECOND_MAYA = '\n[[colleagues]]\nname = "Maya Alvarez"\nemail = "alvarez@bodywork.example"\nspecialty = "yoga therapy"\n'


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


def write_to_intro(world: World, line: str, authenticated: bool = True) -> None:
    """Ada writes intro@ one line of her own."""
    world.send(new_message(ADA, ("Intro", BOT), "Intro please", line), sender=ADA, authenticated=authenticated)


def sam_is_asked_about_each_after(world: World, answer) -> None:
    """Ada's answer to introbot's note gives Sam's address: Sam is asked about Maya and about Lio, and no more."""
    world.send(answer, sender=ADA)
    world.once()
    asks = world.wait_inbox(SAM, 2)
    assert ask_about(asks, MAYA) is not ask_about(asks, LIO)
    world.once()
    assert len(world.inbox(SAM)) == 2


def ask_about(asks, colleague: tuple[str, str]):
    [ask] = [a for a in asks if colleague[0] in a["Subject"]]
    return ask


def test_a_request_for_two_colleagues_asks_the_client_about_each_and_a_no_to_one_stays_with_that_one(world):
    write_to_intro(world, "Please introduce Kim Novak <kim@client.example> to Maya Chen and Lio Park.\n")
    world.once()
    asks = world.wait_inbox(KIM, 2)
    assert len({a["Reply-To"].addresses[0].addr_spec for a in asks}) == 2  # each has its own reply token
    assert world.inbox(MAYA) == [] and world.inbox(LIO) == []  # privacy order: the client first, alone

    world.send(reply(ask_about(asks, MAYA), KIM, "No thanks, not right now."), sender=KIM)
    world.send(reply(ask_about(asks, LIO), KIM, "Yes please!"), sender=KIM)
    world.once()
    intro = world.wait_inbox(KIM, 3)[2]  # Lio agreed in advance (standing consent): the intro follows at once
    assert addresses(intro, "To") == {KIM[1], LIO[1]} and "Maya" not in plain(intro)
    assert world.inbox(MAYA) == []  # never asked, and never told of a no
    world.once()
    assert len(world.inbox(KIM)) == 3 and len(world.inbox(LIO)) == 1


def test_the_referrer_answers_both_to_the_question_which_colleague_and_each_is_asked_about(mail, tmp_path):
    world = World(mail, tmp_path, extra_config=SECOND_MAYA)
    world.send(gmail_forward(ADA, new_message(SAM, ADA, "Back pain", CLIENT_EMAIL), "Maya would be great for Sam."),
               sender=ADA, authenticated=True)
    world.once()
    [question] = world.wait_inbox(ADA, 1)
    assert '"1 and 2"' in plain(question) and world.inbox(SAM) == []
    world.send(reply(question, ADA, "Both, please"), sender=ADA, authenticated=True)
    world.once()
    asks = world.wait_inbox(SAM, 2)
    assert sorted(a["Subject"].split(" suggests ")[1].split(":")[0] for a in asks) == ["Maya Alvarez", "Maya Chen"]
    world.once()
    assert len(world.inbox(SAM)) == 2 and len(world.inbox(ADA)) == 1


def test_an_unverified_request_for_two_colleagues_is_confirmed_once_then_each_is_asked_about(world):
    write_to_intro(world, "Please introduce Kim Novak <kim@client.example> to Maya Chen and Lio Park.\n",
                   authenticated=False)
    world.once()
    [confirmation] = world.wait_inbox(ADA, 1)
    assert "to Maya Chen and to Lio Park?" in plain(confirmation) and world.inbox(KIM) == []
    world.send(reply(confirmation, ADA, "Yes"), sender=ADA)
    world.once()
    asks = world.wait_inbox(KIM, 2)
    assert {ask_about(asks, MAYA)["To"].addresses[0].addr_spec, ask_about(asks, LIO)["To"].addresses[0].addr_spec} \
        == {KIM[1]}
    world.once()
    assert len(world.inbox(ADA)) == 1 and len(world.inbox(KIM)) == 2


def test_a_request_for_two_colleagues_without_the_clients_address_asks_for_it_once(world):
    write_to_intro(world, "Please introduce Sam to Maya Chen and Lio Park.\n")
    world.once()
    [question] = world.wait_inbox(ADA, 1)
    assert "Sam's email address" in plain(question)
    world.send(new_message(ADA, ("Intro", BOT), "status", "\n"), sender=ADA, authenticated=True)
    world.once()
    status = world.wait_inbox(ADA, 2)[1]
    assert ": Sam and Maya Chen & Lio Park: waiting for your answer to my question" in plain(status)
    sam_is_asked_about_each_after(world, reply(question, ADA, "sam@client.example"))
    assert len(world.inbox(ADA)) == 2


def test_each_colleague_of_a_forward_naming_two_is_asked_and_introduced_on_their_own(world):
    world.send(gmail_forward(ADA, new_message(SAM, ADA, "Back pain", CLIENT_EMAIL),
                             "Could you introduce Sam to Maya Chen and Lio Park?"), sender=ADA, authenticated=True)
    world.once()
    asks = world.wait_inbox(SAM, 2)
    world.send(reply(ask_about(asks, MAYA), SAM, "Yes please"), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    assert "Rivera" not in plain(colleague_ask) and world.inbox(LIO) == []  # Sam has not answered about Lio
    world.send(reply(colleague_ask, MAYA, "Happy to"), sender=MAYA)
    world.once()
    intro = world.wait_inbox(SAM, 3)[2]
    assert addresses(intro, "To") == {SAM[1], MAYA[1]} and world.inbox(LIO) == []


def test_a_client_address_that_bounces_for_two_colleagues_is_reported_once_and_one_answer_mends_both(world):
    write_to_intro(world, f"Please introduce Sam Rivera <sam@{UNDELIVERABLE_DOMAIN}> to Maya Chen and Lio Park.\n")
    world.once()  # two asks go out; the mail server bounces both
    world.mail.wait_for_messages(BOT, 2)
    world.once()
    [failed] = world.wait_inbox(ADA, 1)
    sam_is_asked_about_each_after(world, reply(failed, ADA, f"Sorry, it's {SAM[1]}"))
    assert len(world.inbox(ADA)) == 1


def test_a_client_silent_about_two_colleagues_is_reported_once(world):
    write_to_intro(world, "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park.\n")
    start = datetime.now(timezone.utc)
    config = load_config(world.config_path)
    Daemon(config, clock=lambda: start).once()
    world.wait_inbox(SAM, 2)
    Daemon(config, clock=lambda: start + timedelta(days=3, minutes=1)).once()
    world.wait_inbox(SAM, 4)  # one reminder per ask
    Daemon(config, clock=lambda: start + timedelta(days=7, minutes=1)).once()
    [note] = world.wait_inbox(ADA, 1)
    assert "didn't answer" in plain(note)
    Daemon(config, clock=lambda: start + timedelta(days=30)).once()
    assert len(world.inbox(ADA)) == 1 and len(world.inbox(SAM)) == 4 and world.inbox(MAYA) == []


def test_two_requests_for_the_same_bouncing_client_are_each_reported(world):
    for colleague in ("Maya Chen", "Lio Park"):
        write_to_intro(world, f"Please introduce Sam Rivera <sam@{UNDELIVERABLE_DOMAIN}> to {colleague}.\n")
    at = datetime.now(timezone.utc)  # both handled at the same moment, as in one batch
    Daemon(load_config(world.config_path), clock=lambda: at).once()
    world.mail.wait_for_messages(BOT, 2)
    world.once()
    assert len(world.wait_inbox(ADA, 2)) == 2  # not one request: each was the referrer's own
