"""The workflow after the first answer: a request that named neither party asks its referrer two questions, one
at a time, and a yes holds only until the introduction goes out."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from introbot.core import workflow
from introbot.core.workflow import Answered, Clarified, Readdressed, Tick
from introbot.model import Consent, Intro, IntroState, Kind, Party, Role, Send
from tests.core.test_workflow import RULES, bounced, kinds, new_intro

SAM = Party(role=Role.CLIENT, email="sam@client.example", name="Sam Rivera")
MAYA = Party(role=Role.COLLEAGUE, email="maya@bodywork.example", name="Maya Chen")


@pytest.fixture
def rng():
    return random.Random(7)


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
    intro, effects = workflow.step(intro, Tick(), now + RULES.expire_after, RULES, rng)
    assert intro.state is IntroState.EXPIRED and effects == []


# Taking back a yes


def asked(now, rng, order: str, yes_from: Role | None) -> Intro:
    """An intro still asking, in which `yes_from` (if anyone) has said yes and the other party is asked."""
    intro, _ = workflow.begin(new_intro(now, order), now, RULES, rng)
    if yes_from is not None:
        intro, _ = workflow.step(intro, Answered(yes_from, True, "<yes@x.example>"), now, RULES, rng)
    return intro


@pytest.mark.parametrize("order, withdrawing", [("client-first", Role.CLIENT), ("parallel", Role.CLIENT),
                                                ("parallel", Role.COLLEAGUE)])
def test_a_no_after_a_yes_before_the_introduction_is_that_partys_no_as_if_it_came_first(now, rng, order,
                                                                                          withdrawing):
    """Sam says yes, then "actually no": the intro ends exactly as it would have had his first answer been no
    once the other party was asked; the referrer hears once, the other party nothing, ever."""
    later = now + timedelta(hours=1)
    intro, effects = workflow.step(asked(now, rng, order, withdrawing), Answered(withdrawing, False, "<no@x.example>"),
                                   later, RULES, rng)
    first_no, first_no_effects = workflow.step(asked(now, rng, "parallel", None), Answered(withdrawing, False),
                                               later, RULES, rng)  # both asked, and this one's first answer is no
    assert effects == first_no_effects == [Send(Kind.REFERRER_DECLINED)]
    assert intro.state is first_no.state is IntroState.DECLINED
    assert intro.party(withdrawing).consent is Consent.NO and intro.party(withdrawing).answered_at == later
    assert intro.party(withdrawing).answer_message_id == "<no@x.example>"  # the consent record is the no
    assert intro.party(withdrawing.other).consent is first_no.party(withdrawing.other).consent is Consent.ASKED
    assert intro.closing_note_at is first_no.closing_note_at is None and intro.note == ""
    for event in (Answered(withdrawing.other, True), Tick()):  # the other party's yes comes too late
        intro, effects = workflow.step(intro, event, later + RULES.expire_after, RULES, rng)
        assert effects == []


@pytest.mark.parametrize("afterthought", [True, None], ids=["a second yes", "an unclear reply"])
def test_a_second_yes_or_an_unclear_reply_after_a_yes_changes_nothing(now, rng, afterthought):
    intro = asked(now, rng, "client-first", Role.CLIENT)
    again, effects = workflow.step(intro, Answered(Role.CLIENT, afterthought), now + timedelta(hours=1), RULES, rng)
    assert again == intro and effects == []


@pytest.mark.parametrize("standing", [False, True])
def test_a_no_after_the_introduction_went_out_is_too_late_and_changes_nothing(now, rng, standing):
    """With a standing-consent colleague the introduction goes out on the client's yes: there is no window."""
    intro, _ = workflow.begin(new_intro(now, standing=standing), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    if not standing:
        intro, _ = workflow.step(intro, Answered(Role.COLLEAGUE, True), now, RULES, rng)
    assert intro.state is IntroState.INTRODUCED
    for role in Role:
        after, effects = workflow.step(intro, Answered(role, False), now + timedelta(hours=1), RULES, rng)
        assert after == intro and effects == []


def test_a_yes_taken_back_while_the_other_address_is_being_corrected_is_never_taken_up_again(now, rng):
    """Maya's ask bounced after Sam's yes; Sam then says no: a new address from the referrer must not ask Maya
    and introduce Sam on the yes he took back, and Sam is not told it is not going ahead, as he asked for that."""
    intro = bounced(now, rng, Role.COLLEAGUE, client_said_yes=True)
    assert intro.state is IntroState.FAILED and intro.closing_note_at is not None
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, False), now, RULES, rng)
    assert effects == [] and intro.client.consent is Consent.NO
    assert workflow.readdress_until(intro, RULES) is None and intro.note == "" and intro.closing_note_at is None
    intro, effects = workflow.step(intro, Readdressed(Role.COLLEAGUE, "maya@new.example"), now, RULES, rng)
    assert effects == [] and intro.colleague.email == "maya@bodywork.example"
    _, effects = workflow.step(intro, Tick(), now + RULES.expire_after, RULES, rng)
    assert effects == []
