"""Conversations with introbot mended after stop 17, driven through a real Service over a real SQLite store: Ada's
answer "Lio's away, so the other one" to "Which colleague: Maya Chen or Lio Park?", a pick with her own talk with Sam
to come first, and a message of hers that only tells what happened."""

from __future__ import annotations

from pathlib import Path

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, BEN, MAYA, SAM
from tests.core.test_clarify18_core import LIO_OUT_THE_OTHER_ONE
from tests.service_world import Desk
from tests.test_clarify_again import text_of
from tests.test_clarify_answers import assert_sam_asked_about_maya_alone, forward, kinds, pairs, which_colleague, write
from tests.test_clarify_answers import desk  # noqa: F401 (a fixture)


def fresh(folder: Path) -> Path:
    """Another desk's folder beside the test's own, to compare what it does with another answer."""
    folder.mkdir()
    return folder


@pytest.mark.parametrize("answer", LIO_OUT_THE_OTHER_ONE)
def test_the_other_one_of_two_asks_sam_about_maya(desk, answer):
    """Before, the answer named no one: Ada got the question again and had to type Maya's name."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert_sam_asked_about_maya_alone(desk)


def test_the_other_one_of_three_gets_the_question_once_more(desk):
    forward(desk, "Maya, Lio or Ben - could one of them see Sam? Thanks, Ada")
    [question] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert "3. Lio Park" in text_of(question)
    desk.answer(question, ADA, "Lio's away, so the other one")
    [_, again] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert text_of(again).startswith("I couldn't tell from your answer which colleague you meant.")
    assert pairs(desk) == [(SAM[1], None, IntroState.CLARIFYING)] and kinds(desk, SAM) == []


@pytest.mark.parametrize("answer", [
    "Maya, but let me talk to Sam first",
    "Maya - but let me check with Sam first",
    "Maya, once I've talked to Sam",
    "Maya, let me talk to Sam first",
    "Maya - let me check with Sam first",
    "Maya - but first let me check with Sam",
    "Maya, aber lass mich erst mit Sam sprechen",
    "Maya, mais laissez-moi d'abord parler à Sam",
    "Maya, pero déjame hablar primero con Sam",
])
def test_a_pick_with_a_talk_to_come_first_holds_as_hold_off_until_i_have_spoken_does(desk, tmp_path, answer):
    """Holding stops the request as `cancel` does, with the one note saying so, never silently: before, the same pick
    without a "but" (or in other words) asked Sam about Maya at once, before Ada had spoken to her."""
    desk.answer(which_colleague(desk), ADA, answer)
    held = pairs(desk), kinds(desk, ADA), kinds(desk, SAM)
    with Desk(fresh(tmp_path / "hold-off")) as other:
        other.answer(which_colleague(other), ADA, "Maya, but hold off until I've spoken to Sam")
        assert held == (pairs(other), kinds(other, ADA), kinds(other, SAM))
    assert held == ([(SAM[1], None, IntroState.CANCELLED)], ["clarify", "cancelled"], [])


def test_the_talk_first_without_a_pick_leaves_the_question_open(desk):
    desk.answer(which_colleague(desk), ADA, "Let me talk to Sam first")
    assert pairs(desk) == [(SAM[1], None, IntroState.CLARIFYING)] and kinds(desk, ADA) == ["clarify"]


@pytest.mark.parametrize("text", [
    "Sam tried to connect with Maya Chen last year.",
    f"{SAM[0]} <{SAM[1]}> tried to connect with Maya Chen last year.",
])
def test_a_message_that_only_tells_is_read_as_one_asking_for_nothing(desk, tmp_path, text):
    """Before, Maya was the colleague of a request, and with Sam's address given Sam was asked about her."""
    write(desk, text)
    told = pairs(desk), [text_of(m) for m in desk.mail_to(ADA[1])]
    with Desk(fresh(tmp_path / "nothing")) as other:
        write(other, "Hello, hope you are well.")
        assert told == (pairs(other), [text_of(m) for m in other.mail_to(ADA[1])])
    assert told[0] == [(None, None, IntroState.CLARIFYING)]
    assert kinds(desk, SAM) == [] and kinds(desk, MAYA) == []


def test_a_request_after_a_told_sentence_is_still_read(desk):
    write(desk, f"{SAM[0]} <{SAM[1]}> tried to connect with Maya Chen last year. Please introduce her to Ben Okafor.")
    assert pairs(desk) == [(SAM[1], BEN[1], IntroState.ASKING)]
    assert kinds(desk, MAYA) == [] and len(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)) == 1
