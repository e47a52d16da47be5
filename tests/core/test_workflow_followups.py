"""The workflow after the first answer: a request that named neither party asks its referrer two questions, one
at a time, and a yes holds only until the introduction goes out."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from introbot.core import workflow
from introbot.core.workflow import Clarified, Rules
from introbot.model import Intro, IntroState, Kind, Party, Role, Send

RULES = Rules(remind_after=timedelta(days=3), expire_after=timedelta(days=7))
SAM = Party(role=Role.CLIENT, email="sam@client.example", name="Sam Rivera")
MAYA = Party(role=Role.COLLEAGUE, email="maya@bodywork.example", name="Maya Chen")


@pytest.fixture
def rng():
    return random.Random(7)


def kinds(effects: list[Send]) -> list[tuple[Kind, Role | None]]:
    return [(e.kind, e.to) for e in effects]


def naming_nobody(now, first_question: str) -> Intro:
    """"Could you introduce my new client to someone who does massage?": the referrer is asked `first_question`,
    and Maya was the request's guess for the colleague."""
    return Intro(id="i1", state=IntroState.CLARIFYING, referrer_email="ada@clinic.example",
                 referrer_name="Dr. Ada Lee", created_at=now, updated_at=now, request_message_id="<r@clinic.example>",
                 clarify_missing=first_question, client_hint="my new client", candidates=(MAYA.email,))


@pytest.mark.parametrize("first, second", [(SAM, MAYA), (MAYA, SAM)], ids=["client first", "colleague first"])
def test_a_request_naming_neither_party_asks_the_referrer_for_the_other_before_anyone_is_asked(now, rng, first,
                                                                                               second):
    waiting = naming_nobody(now, first.role.value)
    later = now + timedelta(hours=2)
    intro, effects = workflow.step(waiting, Clarified(first), later, RULES, rng)
    assert effects == [Send(Kind.CLARIFY, detail=second.role.value, in_reply_to="<r@clinic.example>")]
    assert intro.state is IntroState.CLARIFYING and intro.clarify_missing == second.role.value
    assert intro.party(first.role) == first and intro.candidates == (MAYA.email,) and intro.updated_at == later
    intro, effects = workflow.step(intro, Clarified(second), later, RULES, rng)
    assert intro.state is IntroState.ASKING and kinds(effects) == [(Kind.ASK_CLIENT, Role.CLIENT)]
    assert intro.client.email == SAM.email and intro.colleague.email == MAYA.email and intro.clarify_missing == ""


def test_the_second_question_still_expires_with_the_request(now, rng):
    intro, _ = workflow.step(naming_nobody(now, "client"), Clarified(SAM), now, RULES, rng)
    assert workflow.next_due(intro, RULES) == now + RULES.expire_after
    intro, effects = workflow.step(intro, workflow.Tick(), now + RULES.expire_after, RULES, rng)
    assert intro.state is IntroState.EXPIRED and effects == []
