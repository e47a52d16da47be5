"""Review 17b, through a real Service over a real SQLite store: the question once more after a second question
(the colleague, once the client's address came) that was answered naming no one; an answer putting the choice off
gets no question again; "Maya, after I've spoken to Sam" asks nobody; a forward note that names Maya beside a
"before" of when still asks which colleague."""

from __future__ import annotations

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, LIO, MAYA, SAM
from tests.service_world import Desk
from tests.test_clarify_again import text_of
from tests.test_clarify_answers import forward, kinds, pairs, which_colleague, write


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def test_the_colleague_question_after_the_client_question_is_asked_once_more_when_answered_with_no_name(desk):
    """The count of questions took the one for the client's address as a question asked again: the answer to the
    question who the colleague is that named no one was filed silently, the silence ab16c36 ends."""
    write(desk, "Could you introduce my new client to someone good for her back?")
    [for_client] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    desk.answer(for_client, ADA, f"{SAM[0]} <{SAM[1]}>")
    [_, for_colleague] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    desk.answer(for_colleague, ADA, "Hmm, not sure - whoever is free.")
    [_, _, again] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert text_of(again).startswith("I couldn't tell from your answer which colleague you meant.")
    desk.answer(again, ADA, "Still not sure.")
    assert len(desk.mail_to(ADA[1], Kind.CLARIFY.value)) == 3
    desk.answer(again, ADA, "Maya Chen please")
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING)]


@pytest.mark.parametrize("answer", ["Let me check with Sam and get back to you.", "Let me think about it.",
                                    "Je reviens vers vous."])
def test_an_answer_putting_the_choice_off_gets_no_question_again_and_the_later_answer_still_counts(desk, answer):
    """Asked again, Ada, who said she would answer, read "I couldn't tell from your answer which colleague you
    meant", and the one question more was spent."""
    question = which_colleague(desk)
    desk.answer(question, ADA, answer)
    assert kinds(desk, ADA) == ["clarify"]
    assert pairs(desk) == [(SAM[1], None, IntroState.CLARIFYING)]
    desk.answer(question, ADA, "Sam would like Lio.")
    assert pairs(desk) == [(SAM[1], LIO[1], IntroState.ASKING)]


@pytest.mark.parametrize("answer", ["Maya, after I've spoken to Sam", "Maya, nachdem ich mit Sam gesprochen habe"])
def test_a_pick_waiting_for_the_referrers_talk_with_the_client_asks_nobody(desk, answer):
    """Before, Sam was asked about Maya at once, before Ada had spoken to her."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert kinds(desk, SAM) == [] and kinds(desk, MAYA) == []
    assert pairs(desk) == [(SAM[1], None, IntroState.CANCELLED)]


def test_a_colleague_beside_a_before_of_when_is_still_offered(desk):
    """Stop 17 dropped Maya as told of ("before her surgery") and asked Sam about Lio alone."""
    forward(desk, "Maya Chen - she needs treatment before her surgery next month. Lio, could you also see her?")
    assert kinds(desk, SAM) == []
    [question] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert "1. Maya Chen" in text_of(question) and "2. Lio Park" in text_of(question)


def test_the_question_for_the_client_asked_again_leaves_the_colleague_question_its_own_once_more(desk):
    write(desk, "Could you introduce my new client to someone good for her back?")
    [for_client] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    desk.answer(for_client, ADA, "She'll write to you herself.")
    [_, client_again] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    desk.answer(client_again, ADA, f"{SAM[0]} <{SAM[1]}>")
    [_, _, for_colleague] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    desk.answer(for_colleague, ADA, "No idea, honestly.")
    [*_, colleague_again] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert len(desk.mail_to(ADA[1], Kind.CLARIFY.value)) == 4
    assert text_of(colleague_again).startswith("I couldn't tell from your answer which colleague you meant.")


def test_a_request_naming_the_client_by_her_address_before_her_pronoun_asks_sam(desk):
    """Before, "her" named no one and Ada, who had given Sam's address, was asked for it."""
    write(desk, f"{SAM[0]} <{SAM[1]}> has back pain; please connect her with Maya Chen.")
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING)]
    assert kinds(desk, ADA) == [] and kinds(desk, SAM) == [Kind.ASK_CLIENT.value]
