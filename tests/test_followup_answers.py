"""What introbot does with the second answer someone gives: a referrer answering one question of two, a party
taking back their yes before the introduction went out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import Consent, IntroState, Kind, Role
from tests.conversation import ADA, BOT, LIO, MAYA, SAM, gmail_forward, new_message, reply
from tests.service_world import Desk, Mail, as_received, our_results


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def authenticated(message) -> bytes:
    return as_received(message, our_results(ADA[1].split("@")[1]))


def questions(desk: Desk) -> list[Mail]:
    return desk.mail_to(ADA[1], Kind.CLARIFY.value)


def body(mail: Mail) -> str:
    return mail.message.get_body(("plain",)).get_content()


def answer_question(desk: Desk, question: Mail, text: str) -> str:
    return desk.receive(authenticated(reply(question.message, ADA, text)))


def test_a_request_naming_neither_party_asks_for_the_client_then_for_the_colleague_then_asks_the_client(desk):
    desk.receive(authenticated(new_message(ADA, ("Intro", BOT), "Intro",
                                           "Could you introduce my new client to someone who does massage?\n\nAda\n")))
    [first] = questions(desk)
    assert "email address" in body(first) and "my new client" not in body(first)  # no name is no name to quote
    assert answer_question(desk, first, SAM[1]) == "introbot/processed"
    [_, second] = questions(desk)
    assert desk.mail_to(SAM[1]) == [] and desk.mail_to(MAYA[1]) == []  # nobody hears of it before it is complete
    assert "Who should I introduce" in body(second) and "Did you mean" in body(second) and MAYA[1] in body(second)
    assert "I haven't contacted anyone yet" in body(second)
    answer_question(desk, second, "Yes")
    [intro] = desk.store.intros()
    assert intro.state is IntroState.ASKING and intro.party(Role.CLIENT).email == SAM[1]
    assert intro.party(Role.COLLEAGUE).email == MAYA[1]
    assert [m.kind for m in desk.mail_to(SAM[1])] == [Kind.ASK_CLIENT.value] and len(questions(desk)) == 2


def forwarded(desk: Desk, note: str = "Maya, could you see Sam? Thanks, Ada") -> Mail:
    """Ada forwards Sam's email to intro@ with `note` above it; Sam's ask is returned."""
    client_mail = new_message(SAM, ADA, "Back pain", "Do you know someone who does massage?\n\nSam\n")
    desk.receive(authenticated(gmail_forward(ADA, client_mail, note)))
    [ask] = desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)
    return ask


def kinds_to(desk: Desk, person: tuple[str, str]) -> list[str]:
    return [m.kind for m in desk.mail_to(person[1])]


def outbox(desk: Desk) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.kind, m.recipients) for m in desk.mail()]


def test_a_client_who_takes_back_his_yes_before_the_colleague_answers_is_not_introduced(desk):
    ask = forwarded(desk)
    desk.answer(ask, SAM, "Yes please")
    desk.now += timedelta(hours=1)
    desk.answer(ask, SAM, "Actually, no - sorry, I've changed my mind. Please don't introduce me.")
    [intro] = desk.store.intros()
    assert intro.state is IntroState.DECLINED and intro.party(Role.CLIENT).consent is Consent.NO
    [colleague_ask] = desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)
    desk.answer(colleague_ask, MAYA, "Yes!")
    desk.now += timedelta(days=8)
    desk.service.sweep()
    assert kinds_to(desk, ADA) == [Kind.REFERRER_DECLINED.value]  # the referrer hears once, as for any no
    # Maya, whose yes came after Sam's no, is not left waiting: she gets the neutral line that the introduction is
    # not going ahead, as after any ending without it, which never says why.
    assert kinds_to(desk, MAYA) == [Kind.ASK_COLLEAGUE.value, Kind.NOT_GOING_AHEAD.value]
    assert kinds_to(desk, SAM) == [Kind.ASK_CLIENT.value]


@pytest.mark.parametrize("afterthought", ["Yes, thanks again!", "Thanks! Can I ask what her prices are?",
                                          "No questions, thanks", "Great, thanks, no need to reply",
                                          "No, thank you for arranging this!"])
def test_a_second_yes_or_a_question_after_the_yes_changes_nothing(desk, afterthought):
    ask = forwarded(desk)
    desk.answer(ask, SAM, "Yes please")
    before = outbox(desk)
    desk.answer(ask, SAM, afterthought)
    assert outbox(desk) == before and desk.store.intros()[0].state is IntroState.ASKING


def test_a_no_after_the_introduction_went_out_is_too_late_and_tells_nobody_anything(desk):
    ask = forwarded(desk)
    desk.answer(ask, SAM, "Yes please")
    [colleague_ask] = desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)
    desk.answer(colleague_ask, MAYA, "Yes!")
    before = outbox(desk)
    desk.answer(ask, SAM, "Actually no, I've changed my mind.")
    assert outbox(desk) == before and desk.store.intros()[0].state is IntroState.INTRODUCED


def test_with_a_standing_consent_colleague_the_introduction_goes_out_on_the_yes_and_a_later_no_is_too_late(desk):
    ask = forwarded(desk, "Lio, could you see Sam? Ada")
    desk.answer(ask, SAM, "Yes please")
    assert kinds_to(desk, LIO) == [Kind.INTRODUCTION.value]
    before = outbox(desk)
    desk.answer(ask, SAM, "No, sorry, I've changed my mind.")
    assert outbox(desk) == before and desk.store.intros()[0].state is IntroState.INTRODUCED


@pytest.mark.parametrize("change_of_mind", ["On second thought, no thanks.", "Nein, doch lieber nicht.",
                                            "Non, finalement non, merci.", "Sorry, no - I found someone closer."])
def test_a_no_with_words_of_changing_ones_mind_takes_the_yes_back(desk, change_of_mind):
    ask = forwarded(desk)
    desk.answer(ask, SAM, "Yes please")
    desk.answer(ask, SAM, change_of_mind)
    assert desk.store.intros()[0].state is IntroState.DECLINED


@pytest.mark.parametrize("who", ["my new client", "a new patient of mine", "this lady"])
def test_the_address_question_never_quotes_a_description_back_as_a_name(desk, who):
    desk.receive(authenticated(new_message(ADA, ("Intro", BOT), "Intro", f"Could you introduce {who} to Maya Chen?\n")))
    [question] = questions(desk)
    assert "What is your client's email address?" in body(question) and who not in body(question)
