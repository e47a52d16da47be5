"""Conversations with introbot mended after stop 17, driven through a real Service over a real SQLite store: Ada's answer
"Lio's away, so the other one" to "Which colleague: Maya Chen or Lio Park?"."""

from __future__ import annotations

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, SAM
from tests.core.test_clarify18_core import LIO_OUT_THE_OTHER_ONE
from tests.test_clarify_again import text_of
from tests.test_clarify_answers import assert_sam_asked_about_maya_alone, forward, kinds, pairs, which_colleague
from tests.test_clarify_answers import desk  # noqa: F401 (a fixture)


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
