"""Review 18a, the consent state machine: asked in parallel, a party whose yes comes after the other party's no
hears, at the time the request would have expired anyway, that it is not going ahead, as after the other's
silence; and a yes taken back before that note goes cancels the note."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from introbot.core import workflow
from introbot.core.workflow import Answered, Tick
from introbot.model import Consent, IntroState, Kind, Role
from tests.core.test_workflow import RULES, kinds, new_intro

DAY = timedelta(days=1)


@pytest.fixture
def rng():
    return random.Random(7)


def closing_notes(intro, start, rng):
    """The notes the sweeps send from `start` to two weeks later, each with its day, and the intro after them."""
    notes = []
    for day in range(15):
        intro, effects = workflow.step(intro, Tick(), start + day * DAY, RULES, rng)
        notes += [(day, kind, role) for kind, role in kinds(effects) if kind is Kind.NOT_GOING_AHEAD]
    return intro, notes


@pytest.mark.parametrize("declines", [Role.COLLEAGUE, Role.CLIENT])
def test_in_parallel_a_yes_after_the_others_no_hears_when_the_others_silence_would_have_ended_it(now, rng, declines):
    """Before, the colleague's no closed the request and the client's yes two days later was dropped: Sam, who said
    yes, never heard another word, where after Maya's silence she hears on day 7 that it is not going ahead."""
    says_yes = declines.other
    asked, _ = workflow.begin(new_intro(now, order="parallel"), now, RULES, rng)
    declined, effects = workflow.step(asked, Answered(declines, False), now + DAY, RULES, rng)
    assert kinds(effects) == [(Kind.REFERRER_DECLINED, None)] and declined.state is IntroState.DECLINED
    after_no, effects = workflow.step(declined, Answered(says_yes, True), now + 2 * DAY, RULES, rng)
    assert effects == [] and after_no.state is IntroState.DECLINED and after_no.party(says_yes).consent is Consent.YES
    _, notes_after_no = closing_notes(after_no, now + 2 * DAY, rng=rng)
    # The same yes while the other party stays silent: the request expires, and the note goes on the same day.
    after_silence, _ = workflow.step(asked, Answered(says_yes, True), now + 2 * DAY, RULES, rng)
    _, notes_after_silence = closing_notes(after_silence, now + 2 * DAY, rng=rng)
    assert notes_after_no == notes_after_silence == [(5, Kind.NOT_GOING_AHEAD, says_yes)]


def test_in_parallel_a_yes_after_the_others_no_and_after_the_request_would_have_expired_changes_nothing(now, rng):
    asked, _ = workflow.begin(new_intro(now, order="parallel"), now, RULES, rng)
    declined, _ = workflow.step(asked, Answered(Role.COLLEAGUE, False), now + DAY, RULES, rng)
    late, effects = workflow.step(declined, Answered(Role.CLIENT, True), now + RULES.expire_after, RULES, rng)
    assert effects == [] and late == declined


@pytest.mark.parametrize("order", ["parallel", "client-first"])
def test_a_yes_taken_back_before_the_closing_note_cancels_the_note(now, rng, order):
    """Before, Sam, who took back her yes ("Sorry, I've changed my mind") after Maya's no, was still thanked for
    saying yes and told that the introduction was not going ahead."""
    intro, _ = workflow.begin(new_intro(now, order=order), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    if order == "client-first":  # the colleague was asked only now
        assert intro.colleague.consent is Consent.ASKED
    intro, _ = workflow.step(intro, Answered(Role.COLLEAGUE, False), now + DAY, RULES, rng)
    assert intro.closing_note_at == now + RULES.expire_after
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, False), now + 2 * DAY, RULES, rng)
    assert effects == [] and intro.client.consent is Consent.NO and intro.closing_note_at is None
    _, notes = closing_notes(intro, now + 2 * DAY, rng=rng)
    assert notes == []
