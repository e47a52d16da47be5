"""An answer to introbot's one question ("Which colleague did you mean?", "What is Sam's address?") that names no one
gets the question once more, saying why, instead of silence: the practitioner would wait for an introduction that
never starts. A second such answer is left unanswered (no exchange of questions with a machine or a person)."""

from __future__ import annotations

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, MAYA, SAM, new_message
from tests.service_world import Desk, Mail, as_received, our_results
from tests.test_clarify_answers import desk, kinds, pairs, which_colleague, write  # noqa: F401 (desk: a fixture)


def text_of(mail: Mail) -> str:
    return mail.message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("answer", ["Hmm, whoever has space sooner.", "Lio - no way.", "Thanks!"])
def test_an_answer_naming_no_colleague_gets_the_question_again_and_a_name_then_finishes_it(desk, answer):
    question = which_colleague(desk)
    desk.answer(question, ADA, answer)
    [_, again] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert text_of(again).startswith("I couldn't tell from your answer which colleague you meant.")
    assert "1. Maya Chen" in text_of(again) and "2. Lio Park" in text_of(again)
    assert again.message["In-Reply-To"] and again.message["In-Reply-To"] != question.message["In-Reply-To"]
    assert kinds(desk, SAM) == [] and kinds(desk, MAYA) == []
    desk.answer(again, ADA, "Maya please")
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING)]
    assert kinds(desk, SAM) == [Kind.ASK_CLIENT.value]


def test_a_second_answer_naming_no_one_is_not_answered_again(desk):
    desk.answer(which_colleague(desk), ADA, "Not sure.")
    [_, again] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    desk.answer(again, ADA, "Still not sure, sorry.")
    assert len(desk.mail_to(ADA[1], Kind.CLARIFY.value)) == 2
    assert pairs(desk)[0][2] is IntroState.CLARIFYING


def test_an_answer_without_the_clients_address_says_it_found_none(desk):
    write(desk, "Could you introduce my new client to Maya Chen?")
    [question] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    desk.answer(question, ADA, "She'll be in touch herself, I think.")
    [_, again] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert text_of(again).startswith("I couldn't find an email address in your answer.")
    assert "email address?" in text_of(again)


def test_neither_still_stops_the_request_without_a_question(desk):
    desk.answer(which_colleague(desk), ADA, "Neither - she found someone herself.")
    assert len(desk.mail_to(ADA[1], Kind.CLARIFY.value)) == 1
    assert pairs(desk)[0][2] is IntroState.CANCELLED


def test_an_out_of_office_answer_to_the_question_gets_nothing(desk):
    question = which_colleague(desk)
    auto = new_message(ADA, ("Intro", question.message["Reply-To"] or question.message["From"]),
                       "Automatic reply: Who should I introduce?", "I am out of the office until Monday.\n")
    auto["Auto-Submitted"] = "auto-replied"
    auto["In-Reply-To"] = question.message["Message-ID"]
    desk.receive(as_received(auto, our_results(ADA[1].split("@")[1])))
    assert len(desk.mail_to(ADA[1], Kind.CLARIFY.value)) == 1
