"""Conversations with introbot that went wrong before stop 17, driven through a real Service over a real SQLite store:
Ada's one-line answer to "Which colleague: Maya Chen or Lio Park?" (a refusal joined to her pick by a comma only, a
"no" after a name, a pick with a wait beside it), and a request that also tells of an earlier connection."""

from __future__ import annotations

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, LIO, MAYA, SAM
from tests.core.test_clarify17_core import REFUSING_LIO_COMMA_MAYA
from tests.service_world import Desk
from tests.test_clarify_answers import (assert_sam_asked_about_maya_alone, forward, kinds, pairs, which_colleague,
                                         write)


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


@pytest.mark.parametrize("answer", REFUSING_LIO_COMMA_MAYA)
def test_a_refusal_of_lio_joined_to_maya_by_a_comma_asks_sam_about_maya(desk, answer):
    """Before, a comma never ended what a refusal refused: Maya was refused too, and the request stopped."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert_sam_asked_about_maya_alone(desk)


@pytest.mark.parametrize("answer", ["Lio - no way", "lio nicht", "Lio? No.", "Lio, non merci", "Lio de ninguna manera"])
def test_a_no_after_lio_never_picks_lio_and_leaves_the_question_open(desk, answer):
    """Before, "Lio - no way" and "lio nicht" picked Lio and Sam was asked about her. Ruling one option out picks
    no other, as "Anyone but Lio" picks no one: the question stays open, and is asked once more, saying why."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert pairs(desk) == [(SAM[1], None, IntroState.CLARIFYING)]
    assert kinds(desk, SAM) == [] and kinds(desk, ADA) == ["clarify", "clarify"]


@pytest.mark.parametrize("answer", ["Lio - no way, Maya", "lio nicht, maya", "Lio no, Maya sí"])
def test_a_no_after_lio_beside_maya_asks_sam_about_maya(desk, answer):
    desk.answer(which_colleague(desk), ADA, answer)
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING)]


@pytest.mark.parametrize("answer", [
    "Maya, but hold off until I've spoken to Sam",
    "Maya, but wait until I've spoken to Sam",
    "Maya, but hold off on it",
    "Maya - hold off until Monday",
    "Maya, but not until next week",
    "Maya, aber erst nach meinem Gespräch mit Sam",
    "Maya, aber noch nicht",
    "Maya, mais attendez que j'aie parlé à Sam",
    "Maya, pero espera hasta el lunes",
    "Maya, todavía no",
])
def test_a_pick_with_a_wait_beside_it_holds_the_request(desk, answer):
    """Before, only "but not yet" and "but hold off" ending their clause held: "Maya, but hold off until I've spoken
    to Sam" asked Sam about Maya at once."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert pairs(desk) == [(SAM[1], None, IntroState.CANCELLED)]
    assert kinds(desk, ADA) == ["clarify", "cancelled"] and kinds(desk, SAM) == []


@pytest.mark.parametrize("answer", ["Wait, I meant Maya", "Hold on, Maya is the one"])
def test_a_word_of_waiting_that_puts_nothing_off_still_picks(desk, answer):
    desk.answer(which_colleague(desk), ADA, answer)
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING)]


@pytest.mark.parametrize("text", [
    f"{SAM[0]} <{SAM[1]}> tried to connect with Maya Chen last year. Please introduce her to Lio Park.",
    f"I put {SAM[0]} <{SAM[1]}> in touch with Maya Chen last year. Please introduce her to Lio Park.",
    f"I couldn't connect {SAM[0]} <{SAM[1]}> with Maya Chen. Could you introduce her to Lio Park?",
])
def test_a_connection_told_of_is_not_the_request(desk, text):
    """Before, the first verb of introducing was the request: Maya was asked to meet Lio, or Sam about Maya."""
    write(desk, text)
    assert kinds(desk, MAYA) == []
    assert [(client, colleague) for client, colleague, _ in pairs(desk)] in (
        [(SAM[1], LIO[1])], [(None, LIO[1])])
    assert not desk.mail_to(SAM[1], Kind.ASK_CLIENT.value) or "Lio" in str(
        desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0].message["Subject"])


def test_when_said_above_a_forward_still_asks_the_client(desk):
    """Only said to introbot in a line of its own does "but not until May" put the introduction off: above a forward
    it tells Maya when Sam can come."""
    forward(desk, "Maya, could you see Sam? She's keen, but not until May. Thanks, Ada")
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING)]


def test_a_colleague_the_client_saw_before_is_not_offered_above_a_forward(desk):
    """Before, "Sam already saw Maya Chen. Lio, could you see her?" asked Ada which of Maya and Lio she meant."""
    forward(desk, "Sam already saw Maya Chen. Lio, could you see her? Thanks, Ada")
    assert pairs(desk) == [(SAM[1], LIO[1], IntroState.ASKING)]
    assert kinds(desk, ADA) == []
