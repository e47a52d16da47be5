"""A practitioner's request we cannot authenticate is confirmed with them first (RELIABILITY 22)."""

from datetime import timedelta

import pytest

from introbot.model import IntroState
from introbot.service import MAX_PENDING_CONFIRMATIONS
from tests.conversation import ADA, BOT, KIM, MAYA, SAM, gmail_forward, new_message
from tests.service_world import Desk, as_received, our_results

REQUEST = "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n"


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def unauthenticated(text: str = REQUEST, sender=ADA) -> bytes:
    return as_received(new_message(sender, ("Intro", BOT), "Intro please", text), our_results("clinic.example", "fail"))


def unauthenticated_forward(note: str) -> bytes:
    client_mail = new_message(SAM, ADA, "Back pain", "Do you know someone who does massage?\n\nSam\n")
    return as_received(gmail_forward(ADA, client_mail, note), our_results("clinic.example", "fail"))


def confirmation_for(desk: Desk):
    [confirm] = desk.mail_to(ADA[1], "confirm_request")
    return confirm


def test_one_confirmation_goes_to_the_registered_address_and_nobody_else_is_written_to(desk):
    assert desk.receive(unauthenticated()) == "introbot/processed"
    confirm = confirmation_for(desk)
    assert [m.kind for m in desk.mail()] == ["confirm_request"]
    assert confirm.recipients == (ADA[1],)
    assert "Sam Rivera" in confirm.message["Subject"] or "Sam Rivera" in confirm.message.get_content()
    assert confirm.message["Reply-To"].addresses[0].addr_spec.startswith("intro+")
    [intro] = desk.store.intros()
    assert intro.state is IntroState.CONFIRMING


def test_the_practitioners_yes_starts_the_consent_asks(desk):
    desk.receive(unauthenticated())
    assert desk.answer(confirmation_for(desk), ADA, "Yes, that was me.") == "introbot/processed"
    [ask] = desk.mail_to(SAM[1])
    assert ask.kind == "ask_client"
    assert desk.store.intros()[0].state is IntroState.ASKING


@pytest.mark.parametrize("answer", ["No, I never sent that!", "Hmm, which client?"])
def test_a_no_or_an_unclear_answer_contacts_nobody(desk, answer):
    desk.receive(unauthenticated())
    desk.answer(confirmation_for(desk), ADA, answer)
    assert [m.kind for m in desk.mail()] == ["confirm_request"]
    expected = IntroState.CANCELLED if answer.startswith("No") else IntroState.CONFIRMING
    assert desk.store.intros()[0].state is expected


def test_silence_lets_the_request_expire_quietly(desk):
    desk.receive(unauthenticated())
    desk.now += timedelta(days=7, minutes=1)
    desk.service.sweep()
    [intro] = desk.store.intros()
    assert intro.state is IntroState.EXPIRED and intro.note == ""
    assert [m.kind for m in desk.mail()] == ["confirm_request"]
    desk.answer(confirmation_for(desk), ADA, "Yes")  # too late
    assert [m.kind for m in desk.mail()] == ["confirm_request"]


def test_a_yes_from_another_address_or_a_second_yes_changes_nothing(desk):
    desk.receive(unauthenticated())
    confirm = confirmation_for(desk)
    desk.answer(confirm, KIM, "Yes")
    assert desk.mail_to(SAM[1]) == []
    desk.answer(confirm, ADA, "Yes")
    desk.answer(confirm, ADA, "Yes, go ahead")
    assert len(desk.mail_to(SAM[1])) == 1


def test_a_confirmed_request_that_needs_a_colleague_asks_the_practitioner_who(desk):
    desk.receive(unauthenticated_forward("Could you find Sam someone for massage? Thanks"))
    desk.answer(confirmation_for(desk), ADA, "yes")
    [question] = desk.mail_to(ADA[1], "clarify")
    # The answer to the question is not authenticated either: its reply token is what proves it.
    desk.answer(question, ADA, "Maya Chen")
    assert [m.kind for m in desk.mail_to(SAM[1])] == ["ask_client"]


def test_a_forger_cannot_make_introbot_write_to_a_practitioner_more_than_a_few_times(desk):
    for n in range(MAX_PENDING_CONFIRMATIONS + 3):  # each a different client: a repeat would start nothing anyway
        desk.receive(unauthenticated(REQUEST.replace("sam@", f"sam{n}@")))
    assert len(desk.mail_to(ADA[1], "confirm_request")) == MAX_PENDING_CONFIRMATIONS
    # An answered confirmation frees its place.
    desk.answer(desk.mail_to(ADA[1], "confirm_request")[0], ADA, "no")
    desk.receive(unauthenticated(REQUEST.replace("sam@", "sam.again@")))
    assert len(desk.mail_to(ADA[1], "confirm_request")) == MAX_PENDING_CONFIRMATIONS + 1


def test_an_unauthenticated_request_naming_the_wrong_people_gets_nothing(desk):
    desk.receive(unauthenticated("Please introduce Sam Rivera <sam@client.example> to ada@clinic.example\n"))
    assert desk.mail() == []


def test_an_unknown_sender_gets_no_reply_authenticated_or_not(desk):
    for top in (our_results("client.example"), our_results("client.example", "fail")):
        desk.receive(as_received(new_message(KIM, ("Intro", BOT), "Intro", REQUEST), top))
    assert desk.mail() == []


def test_an_authenticated_request_needs_no_confirmation(desk):
    desk.receive(as_received(new_message(ADA, ("Intro", BOT), "Intro", REQUEST), our_results("clinic.example")))
    assert [m.kind for m in desk.mail()] == ["ask_client"]
    assert desk.mail_to(MAYA[1]) == []


def test_the_same_message_seen_twice_is_confirmed_once(desk):
    raw = unauthenticated()
    desk.receive(raw)
    desk.receive(raw)
    assert len(desk.mail_to(ADA[1], "confirm_request")) == 1


def test_a_follow_up_in_the_thread_of_a_request_is_not_a_second_request(desk):
    """The ledger keeps digests of Message-IDs; a reply's In-Reply-To must still find the request."""
    first = new_message(ADA, ("Intro", BOT), "Intro please", REQUEST)
    desk.receive(as_received(first, our_results("clinic.example")))
    follow_up = new_message(ADA, ("Intro", BOT), "Re: Intro please", "Thanks! " + REQUEST)
    follow_up["In-Reply-To"] = first["Message-ID"]
    assert desk.receive(as_received(follow_up, our_results("clinic.example"))) == "introbot/ignored"
    assert len(desk.mail_to(SAM[1])) == 1
