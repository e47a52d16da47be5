"""Conversations on real servers after the request: the practitioner corrects it, holds it back, or asks after
it once it ended."""

from __future__ import annotations

import re

import pytest

from tests.conversation import ADA, BOT, KIM, LIO, MAYA, SAM, World, gmail_forward, new_message, reply
from tests.test_conversations import addresses, forward_request, introduced, plain


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


def ada_follows_up(world: World, request, text: str) -> None:
    """Ada answers her own request, which her mail client addresses to intro@ again."""
    again = new_message(ADA, ("Intro", BOT), f"Re: {request['Subject']}", f"{text}\n\n> (her request)\n")
    again["In-Reply-To"] = again["References"] = request["Message-ID"]
    world.send(again, sender=ADA, authenticated=True)


def test_i_meant_lio_not_maya_asks_sam_about_lio_and_maya_never_hears_of_it(world):
    forward_request(world)
    world.once()
    [maya_ask] = world.wait_inbox(SAM, 1)
    assert "Maya Chen" in maya_ask["Subject"]
    [request] = [m for m in world.mail.messages(BOT, "introbot/processed")]
    ada_follows_up(world, request, "Sorry, I meant Lio Park, not Maya!")
    world.once()
    lio_ask = world.wait_inbox(SAM, 2)[1]
    assert "Lio Park" in lio_ask["Subject"] and "Maya" not in plain(lio_ask)
    world.send(reply(lio_ask, SAM, "Yes please!"), sender=SAM)
    world.once()
    introduction = world.wait_inbox(SAM, 3)[2]  # Lio agreed in advance: the introduction follows at once
    assert addresses(introduction, "To") == {SAM[1], LIO[1]}
    world.send(reply(maya_ask, SAM, "Yes please!"), sender=SAM)  # a late yes to the first ask changes nothing
    world.once()
    assert world.inbox(MAYA) == [] and len(world.inbox(SAM)) == 3
    [sent_note] = world.wait_inbox(ADA, 1)  # the one "introduced" note; the correction itself needs none
    assert "Lio" in sent_note["Subject"] + plain(sent_note) and "Maya" not in sent_note["Subject"] + plain(sent_note)


def test_hold_off_on_sam_stops_the_request_ada_hears_it_once_and_sams_yes_goes_nowhere(world):
    forward_request(world)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    world.send(new_message(ADA, ("Intro", BOT), "Sam", "Please hold off on Sam for now, thanks.\n"), sender=ADA,
               authenticated=True)
    world.once()
    [cancelled] = world.wait_inbox(ADA, 1)
    assert cancelled["Subject"] == "Cancelled: Sam and Maya"
    world.send(reply(ask, SAM, "Yes please!"), sender=SAM)
    world.once()
    assert world.inbox(MAYA) == [] and len(world.inbox(SAM)) == 1 and len(world.inbox(ADA)) == 1


def test_ignore_my_last_email_above_the_right_forward_stops_the_wrong_clients_request(world):
    """Ada forwards Kim's email by mistake, then Sam's with "Please ignore my last email, wrong client!": Sam is
    asked, Kim's request stops (Ada hears it once), and Kim's yes to the ask she already got goes nowhere."""
    wrong = new_message(KIM, ADA, "Back pain", "Hi Dr. Lee, do you know someone for my back?\n\nKim\n")
    world.send(gmail_forward(ADA, wrong, "Maya, could you see Kim? Thanks, Ada"), sender=ADA, authenticated=True)
    world.once()
    [kims_ask] = world.wait_inbox(KIM, 1)
    forward_request(world, "Please ignore my last email, wrong client! Maya, could you see Sam? Thanks, Ada")
    world.once()
    [sams_ask] = world.wait_inbox(SAM, 1)
    assert "Maya Chen" in sams_ask["Subject"]
    [cancelled] = world.wait_inbox(ADA, 1)
    assert cancelled["Subject"] == "Cancelled: Kim and Maya"
    world.send(reply(kims_ask, KIM, "Yes please!"), sender=KIM)
    world.once()
    assert world.inbox(MAYA) == [] and len(world.inbox(KIM)) == 1 and len(world.inbox(ADA)) == 1


def test_has_sam_answered_after_the_introduction_went_out_gets_the_status_showing_it_not_an_address_question(world):
    introduced(world)  # Ada forwards, Sam and Maya say yes, the introduction goes out
    [sent_note] = world.wait_inbox(ADA, 1)
    assert sent_note["Subject"] == "Introduced: Sam and Maya"
    world.send(new_message(ADA, ("Intro", BOT), "Sam", "Has Sam answered?\n"), sender=ADA, authenticated=True)
    world.once()
    status = world.wait_inbox(ADA, 2)[1]
    assert status["Subject"] == "Your introductions"
    text = plain(status)
    assert "You have no open requests right now." in text
    assert re.search(r"^  Sam Rivera and Maya Chen: introduced \(\d{1,2} [A-Z][a-z]+\)\r?$", text, re.MULTILINE), text
    assert len(world.inbox(ADA)) == 2 and len(world.inbox(SAM)) == 2 and len(world.inbox(MAYA)) == 2
