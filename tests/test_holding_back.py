"""A practitioner who asks introbot not to introduce (yet): nothing starts, or their open request stops, and
they hear so in one line; nobody else hears anything."""

from __future__ import annotations

import pytest

from introbot.model import IntroState
from tests.conversation import ADA, BEN, BOT, KIM, LIO, MAYA, SAM, gmail_forward, new_message
from tests.service_world import Desk, as_received, our_results


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def write(desk: Desk, line: str, sender=ADA, authenticated: bool = True) -> object:
    """`sender` writes intro@ one line of their own; returns the message."""
    message = new_message(sender, ("Intro", BOT), "Intro", line)
    desk.receive(as_received(message, our_results("clinic.example", "pass" if authenticated else "fail")))
    return message


def forward(desk: Desk, note: str) -> None:
    client_mail = new_message(SAM, ADA, "Back pain", "Do you know someone who does massage?\n\nSam\n")
    desk.receive(as_received(gmail_forward(ADA, client_mail, note), our_results("clinic.example")))


def kinds_to(desk: Desk, address: str) -> list[str]:
    return [m.kind for m in desk.mail_to(address)]


def states(desk: Desk) -> list[IntroState]:
    return [i.state for i in desk.store.intros()]


def test_a_request_saying_not_to_introduce_yet_starts_nothing_and_the_referrer_hears_so_once(desk):
    write(desk, "Please don't introduce Sam Rivera <sam@client.example> to Maya Chen yet, she is still deciding.\n")
    assert desk.store.intros() == [] and kinds_to(desk, SAM[1]) == [] and kinds_to(desk, MAYA[1]) == []
    [noted] = desk.mail_to(ADA[1])
    assert noted.kind == "refused" and noted.message["Subject"] == "Noted: no introduction"
    assert "won't introduce anyone" in noted.message.get_content()


def test_a_forward_whose_note_says_to_hold_off_starts_nothing(desk):
    forward(desk, "FYI, don't introduce her to Maya yet - I'll let you know. Ada")
    assert desk.store.intros() == [] and kinds_to(desk, SAM[1]) == [] and kinds_to(desk, ADA[1]) == ["refused"]


def test_hold_off_on_the_client_stops_the_open_request_quietly_and_a_late_yes_asks_nobody(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n")
    desk.send_all()
    [ask] = desk.mail_to(SAM[1], "ask_client")
    write(desk, "Please hold off on Sam for now, she wants to wait until after her surgery.\n")
    assert states(desk) == [IntroState.CANCELLED]
    [cancelled] = desk.mail_to(ADA[1], "cancelled")
    assert cancelled.message["Subject"] == "Cancelled: Sam and Maya"
    desk.answer(ask, SAM, "Yes please!")
    assert kinds_to(desk, MAYA[1]) == [] and kinds_to(desk, SAM[1]) == ["ask_client"]  # nobody learns of it


def test_not_to_one_colleague_of_several_stops_only_that_one(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park.\n")
    write(desk, "Actually, please don't introduce Sam to Maya Chen after all.\n")
    by_colleague = {i.colleague.email: i.state for i in desk.store.intros()}
    assert by_colleague == {MAYA[1]: IntroState.CANCELLED, LIO[1]: IntroState.ASKING}
    assert len(desk.mail_to(ADA[1], "cancelled")) == 1


def test_never_mind_about_the_client_stops_each_of_their_open_requests_in_one_note(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park.\n")
    write(desk, "Never mind about Sam, she found someone closer to home.\n")
    assert states(desk) == [IntroState.CANCELLED, IntroState.CANCELLED]
    [cancelled] = desk.mail_to(ADA[1], "cancelled")
    assert "Stopped too:" in cancelled.message.get_content() and "Lio Park" in cancelled.message.get_content()


def test_ignore_my_last_email_as_a_reply_to_the_request_stops_it_whoever_it_names(desk):
    request = write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n")
    # Ada answers her own sent message, which her mail client addresses to intro@ again.
    again = new_message(ADA, ("Intro", BOT), "Re: Intro", "Sorry, please ignore my last email.\n\n"
                        "> Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n")
    again["In-Reply-To"] = again["References"] = request["Message-ID"]
    desk.receive(as_received(again, our_results("clinic.example")))
    assert states(desk) == [IntroState.CANCELLED] and len(desk.mail_to(ADA[1], "cancelled")) == 1


def test_holding_back_another_client_stops_nothing_and_says_so(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n")
    write(desk, "Please hold off on Kim Novak for now.\n")
    assert states(desk) == [IntroState.ASKING] and kinds_to(desk, ADA[1]) == ["refused"]


def test_another_practitioner_cannot_stop_adas_request(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n")
    write(desk, "Please hold off on Sam for now.\n", sender=BEN)
    assert states(desk) == [IntroState.ASKING] and kinds_to(desk, BEN[1]) == ["refused"]


def test_unauthenticated_words_holding_back_neither_start_nor_stop_anything(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n")
    write(desk, "Please hold off on Sam for now.\n", authenticated=False)
    write(desk, "Please don't introduce Kim Novak <kim@client.example> to Maya Chen yet.\n", authenticated=False)
    assert states(desk) == [IntroState.ASKING]
    assert kinds_to(desk, ADA[1]) == [] and kinds_to(desk, KIM[1]) == []


def test_never_mind_in_answer_to_the_question_which_colleague_stops_the_request(desk):
    write(desk, "Please introduce Sam Rivera <sam@client.example> to a colleague for her back.\n")
    desk.send_all()
    [question] = desk.mail_to(ADA[1], "clarify")
    desk.answer(question, ADA, "Never mind, she found someone herself.")
    assert states(desk) == [IntroState.CANCELLED] and kinds_to(desk, SAM[1]) == []
    assert kinds_to(desk, ADA[1]) == ["clarify", "cancelled"]


def test_a_request_that_says_no_to_one_colleague_and_yes_to_another_is_still_a_request(desk):
    write(desk, "Don't introduce Sam Rivera <sam@client.example> to Maya Chen; introduce her to Lio Park instead.\n")
    assert states(desk) != [] and kinds_to(desk, ADA[1]) != ["refused"]
