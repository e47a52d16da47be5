"""The consent state machine, stepped directly with a fixed clock and seeded randomness."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core import workflow
from introbot.core.workflow import (Answered, AnsweredElsewhere, Cancelled, Clarified, Readdressed, Rules, ThreadReply, Tick,
                                   Undeliverable)
from introbot.model import Consent, Intro, IntroState, Kind, Outcome, Party, Role, Send

RULES = Rules(remind_after=timedelta(days=3), expire_after=timedelta(days=7))


def new_intro(now, order="client-first", standing=False) -> Intro:
    return Intro(id="i1", state=IntroState.ASKING, referrer_email="ada@clinic.example", referrer_name="Dr. Ada Lee",
                 created_at=now, updated_at=now, order=order,
                 client=Party(role=Role.CLIENT, email="sam@client.example", name="Sam Rivera"),
                 colleague=Party(role=Role.COLLEAGUE, email="maya@bodywork.example", name="Maya Chen",
                                 consent=Consent.STANDING if standing else Consent.NOT_ASKED),
                 note="lower back pain")


def kinds(effects: list[Send]) -> list[tuple[Kind, Role | None]]:
    return [(e.kind, e.to) for e in effects]


@pytest.fixture
def rng():
    return random.Random(7)


def test_client_is_asked_first_and_alone(now, rng):
    intro, effects = workflow.begin(new_intro(now), now, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_CLIENT, Role.CLIENT)]
    assert intro.client.consent is Consent.ASKED and intro.client.token
    assert intro.colleague.consent is Consent.NOT_ASKED and not intro.colleague.token


def test_client_yes_then_colleague_asked_then_yes_introduces_once(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, True, "<a@x.example>"), now, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_COLLEAGUE, Role.COLLEAGUE)]
    assert intro.client.answer_message_id == "<a@x.example>"
    intro, effects = workflow.step(intro, Answered(Role.COLLEAGUE, True), now, RULES, rng)
    assert kinds(effects) == [(Kind.INTRODUCTION, None), (Kind.REFERRER_SENT, None)]
    assert intro.state is IntroState.INTRODUCED and intro.thread_token
    assert intro.note == ""  # the referrer's note is not kept once it has served
    again, effects = workflow.step(intro, Answered(Role.COLLEAGUE, True), now, RULES, rng)
    assert effects == [] and again == intro


def test_parallel_asks_both_at_once(now, rng):
    intro, effects = workflow.begin(new_intro(now, order="parallel"), now, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_CLIENT, Role.CLIENT), (Kind.ASK_COLLEAGUE, Role.COLLEAGUE)]
    assert intro.client.token != intro.colleague.token


def test_standing_consent_colleague_is_never_asked(now, rng):
    intro, effects = workflow.begin(new_intro(now, standing=True), now, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_CLIENT, Role.CLIENT)]
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    assert kinds(effects) == [(Kind.INTRODUCTION, None), (Kind.REFERRER_SENT, None)]


def test_referrer_sent_note_can_be_switched_off(now, rng):
    rules = replace(RULES, note_when_sent=False)
    intro, _ = workflow.begin(new_intro(now, standing=True), now, rules, rng)
    _, effects = workflow.step(intro, Answered(Role.CLIENT, True), now, rules, rng)
    assert kinds(effects) == [(Kind.INTRODUCTION, None)]


def test_a_no_is_told_only_to_the_referrer(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    intro, effects = workflow.step(intro, Answered(Role.COLLEAGUE, False), now, RULES, rng)
    assert kinds(effects) == [(Kind.REFERRER_DECLINED, None)]
    assert intro.state is IntroState.DECLINED and intro.notified == (Outcome.DECLINED,)


def test_client_no_means_the_colleague_never_hears_of_it(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, False), now, RULES, rng)
    assert kinds(effects) == [(Kind.REFERRER_DECLINED, None)]
    assert intro.colleague.consent is Consent.NOT_ASKED


def test_unclear_answer_gets_one_note_then_silence(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, None, "<r1@x.example>"), now, RULES, rng)
    assert effects == [Send(Kind.UNCLEAR_ANSWER, to=Role.CLIENT, in_reply_to="<r1@x.example>")]
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, None), now, RULES, rng)
    assert effects == []
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_COLLEAGUE, Role.COLLEAGUE)]


def test_one_reminder_then_quiet_expiry_with_one_referrer_note(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    assert workflow.next_due(intro, RULES) == now + timedelta(days=3)
    intro, effects = workflow.step(intro, Tick(), now + timedelta(days=2), RULES, rng)
    assert effects == []
    intro, effects = workflow.step(intro, Tick(), now + timedelta(days=3), RULES, rng)
    assert kinds(effects) == [(Kind.REMIND_CLIENT, Role.CLIENT)]
    assert workflow.next_due(intro, RULES) == now + timedelta(days=7)
    intro, effects = workflow.step(intro, Tick(), now + timedelta(days=5), RULES, rng)
    assert effects == []
    intro, effects = workflow.step(intro, Tick(), now + timedelta(days=7), RULES, rng)
    assert kinds(effects) == [(Kind.REFERRER_EXPIRED, None)]
    assert intro.state is IntroState.EXPIRED and workflow.next_due(intro, RULES) is None
    _, effects = workflow.step(intro, Tick(), now + timedelta(days=30), RULES, rng)
    assert effects == []


def test_the_colleague_clock_starts_when_the_colleague_is_asked(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    later = now + timedelta(days=2)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), later, RULES, rng)
    assert workflow.next_due(intro, RULES) == later + timedelta(days=3)


def test_a_bounce_fails_an_open_intro_and_tells_the_referrer_once(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, effects = workflow.step(intro, Undeliverable(Role.CLIENT), now, RULES, rng)
    assert intro.state is IntroState.FAILED and effects == [Send(Kind.REFERRER_FAILED, detail="client")]
    _, effects = workflow.step(intro, Undeliverable(Role.CLIENT), now, RULES, rng)
    assert effects == []


def bounced(now, rng, role: Role, order: str = "client-first", client_said_yes: bool = False) -> Intro:
    """An intro whose ask to `role` bounced (after the client's yes, to reach the colleague client-first)."""
    intro, _ = workflow.begin(new_intro(now, order), now, RULES, rng)
    if client_said_yes:
        intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    intro, _ = workflow.step(intro, Undeliverable(role), now, RULES, rng)
    return intro


def test_a_new_address_from_the_referrer_asks_the_unreachable_client_there(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    old_token = intro.client.token
    intro, _ = workflow.step(intro, Undeliverable(Role.CLIENT), now, RULES, rng)
    assert intro.unreachable == "client"
    later = now + timedelta(hours=3)
    intro, effects = workflow.step(intro, Readdressed(Role.CLIENT, "sam.r@elsewhere.example"), later, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_CLIENT, Role.CLIENT)] and intro.state is IntroState.ASKING
    assert intro.client.email == "sam.r@elsewhere.example" and intro.client.name == "Sam Rivera"
    assert intro.client.token not in ("", old_token) and intro.client.asked_at == later
    assert intro.unreachable == "" and Outcome.FAILED not in intro.notified
    # The new address can fail too: the referrer hears of that once more.
    intro, effects = workflow.step(intro, Undeliverable(Role.CLIENT), later, RULES, rng)
    assert effects == [Send(Kind.REFERRER_FAILED, detail="client")]


def test_a_new_address_for_the_colleague_keeps_the_clients_yes(now, rng):
    intro = bounced(now, rng, Role.COLLEAGUE, client_said_yes=True)
    assert intro.closing_note_at is not None  # the client would be told in time that it is not going ahead
    intro, effects = workflow.step(intro, Readdressed(Role.COLLEAGUE, "maya@new.example"), now, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_COLLEAGUE, Role.COLLEAGUE)]
    assert intro.client.consent is Consent.YES and intro.closing_note_at is None
    intro, effects = workflow.step(intro, Answered(Role.COLLEAGUE, True), now, RULES, rng)
    assert kinds(effects) == [(Kind.INTRODUCTION, None), (Kind.REFERRER_SENT, None)]


def test_the_colleague_asked_at_a_new_address_reads_the_referrers_note_like_the_first_ask(now, rng):
    intro = bounced(now, rng, Role.COLLEAGUE, client_said_yes=True)
    assert intro.note == "lower back pain"  # kept for the ask a new address may bring
    intro, _ = workflow.step(intro, Readdressed(Role.COLLEAGUE, "maya@new.example"), now, RULES, rng)
    assert intro.note == "lower back pain"


def test_no_new_address_in_time_and_the_note_is_gone(now, rng):
    intro = bounced(now, rng, Role.CLIENT)
    assert workflow.next_due(intro, RULES) == now + RULES.expire_after  # the sweep wakes it then
    intro, effects = workflow.step(intro, Tick(), now + RULES.expire_after, RULES, rng)
    assert effects == [] and intro.note == "" and intro.unreachable == "" and workflow.next_due(intro, RULES) is None
    _, effects = workflow.step(intro, Readdressed(Role.CLIENT, "sam@new.example"), now, RULES, rng)
    assert effects == []


def test_in_parallel_a_yes_given_while_the_other_address_is_being_corrected_stands(now, rng):
    intro = bounced(now, rng, Role.COLLEAGUE, order="parallel")
    later = now + timedelta(days=2)
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, True), later, RULES, rng)
    assert effects == [] and intro.client.consent is Consent.YES
    assert intro.closing_note_at == now + RULES.expire_after  # if nothing comes of it, Sam hears then
    intro, effects = workflow.step(intro, Readdressed(Role.COLLEAGUE, "maya@new.example"), later, RULES, rng)
    assert kinds(effects) == [(Kind.ASK_COLLEAGUE, Role.COLLEAGUE)] and intro.closing_note_at is None
    intro, effects = workflow.step(intro, Answered(Role.COLLEAGUE, True), later, RULES, rng)
    assert kinds(effects) == [(Kind.INTRODUCTION, None), (Kind.REFERRER_SENT, None)]


def test_in_parallel_a_no_given_meanwhile_ends_it_and_the_kept_note_goes(now, rng):
    intro = bounced(now, rng, Role.COLLEAGUE, order="parallel")
    intro, effects = workflow.step(intro, Answered(Role.CLIENT, False), now, RULES, rng)
    assert effects == [] and intro.note == "" and workflow.readdress_until(intro, RULES) is None
    _, effects = workflow.step(intro, Readdressed(Role.COLLEAGUE, "maya@new.example"), now, RULES, rng)
    assert effects == []


def test_in_parallel_the_silent_party_waits_anew_from_the_new_ask(now, rng):
    intro = bounced(now, rng, Role.COLLEAGUE, order="parallel")
    later = now + timedelta(days=6)
    intro, _ = workflow.step(intro, Readdressed(Role.COLLEAGUE, "maya@new.example"), later, RULES, rng)
    assert intro.client.asked_at == later and workflow.next_due(intro, RULES) == later + RULES.remind_after


def test_a_late_answer_from_the_address_that_failed_changes_nothing(now, rng):
    intro = bounced(now, rng, Role.CLIENT)
    after, effects = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    assert effects == [] and after == intro


@pytest.mark.parametrize("case", ["other party told", "wrong role", "not failed", "had answered"])
def test_a_new_address_reopens_only_a_failed_ask_nobody_was_told_about(now, rng, case):
    intro, _ = workflow.begin(new_intro(now, order="parallel"), now, RULES, rng)
    role = Role.COLLEAGUE
    if case == "had answered":
        intro, _ = workflow.step(intro, Answered(Role.COLLEAGUE, True), now, RULES, rng)
    else:
        intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    if case != "not failed":
        intro, _ = workflow.step(intro, Undeliverable(Role.COLLEAGUE), now, RULES, rng)
    if case == "other party told":
        intro, effects = workflow.step(intro, Tick(), now + RULES.expire_after, RULES, rng)
        assert kinds(effects) == [(Kind.NOT_GOING_AHEAD, Role.CLIENT)]
    if case == "wrong role":
        role = Role.CLIENT
    after, effects = workflow.step(intro, Readdressed(role, "new@elsewhere.example"), now, RULES, rng)
    assert effects == [] and after == intro


def test_an_answer_from_another_address_never_counts_and_the_party_hears_once_how_to_answer(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, effects = workflow.step(intro, AnsweredElsewhere(Role.CLIENT), now, RULES, rng)
    assert effects == [Send(Kind.ANSWER_FROM_HERE, to=Role.CLIENT)]
    assert intro.client.consent is Consent.ASKED
    for event in (AnsweredElsewhere(Role.CLIENT), Answered(Role.CLIENT, None)):  # one such note, ever
        intro, effects = workflow.step(intro, event, now, RULES, rng)
        assert effects == []
    _, effects = workflow.step(intro, AnsweredElsewhere(Role.COLLEAGUE), now, RULES, rng)
    assert effects == []  # the colleague was not asked yet


@pytest.mark.parametrize("ending", ["no", "silence", "bounce"])
def test_a_client_who_said_yes_hears_the_same_words_at_the_same_time_however_it_ended(now, rng, ending):
    """Not left hanging, and no no revealed: when and what the waiting client hears is the same
    whether the colleague declined, never answered or could not be reached."""
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    asked = now + timedelta(days=1)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), asked, RULES, rng)
    event = {"no": Answered(Role.COLLEAGUE, False), "silence": Tick(), "bounce": Undeliverable(Role.COLLEAGUE)}
    intro, effects = workflow.step(intro, event[ending], asked + timedelta(hours=2), RULES, rng)
    told = {"no": Kind.REFERRER_DECLINED, "silence": None, "bounce": Kind.REFERRER_FAILED}[ending]
    assert [e.kind for e in effects] == ([told] if told else [])
    natural_end = asked + RULES.expire_after
    heard: list[tuple[datetime, list[Send]]] = []
    while (due := workflow.next_due(intro, RULES)) is not None:  # the sweep wakes each intro when it is due
        intro, effects = workflow.step(intro, Tick(), due, RULES, rng)
        heard.append((due, [e for e in effects if e.to is Role.CLIENT]))
    notes = [(when, sends) for when, sends in heard if sends]
    assert notes == [(natural_end, [Send(Kind.NOT_GOING_AHEAD, to=Role.CLIENT)])]


def test_a_failed_introduction_tells_the_one_it_reached_and_the_referrer_once(now, rng):
    intro, _ = workflow.begin(new_intro(now, standing=True), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    intro, effects = workflow.step(intro, Undeliverable(Role.COLLEAGUE), now, RULES, rng)
    assert effects == [Send(Kind.REFERRER_FAILED, detail="colleague"),
                       Send(Kind.PARTY_UNREACHABLE, to=Role.CLIENT, detail="colleague")]
    assert intro.state is IntroState.INTRODUCED
    _, effects = workflow.step(intro, Undeliverable(Role.CLIENT), now, RULES, rng)
    assert effects == []


def test_no_closing_note_goes_to_an_address_that_bounced(now, rng):
    intro, _ = workflow.begin(new_intro(now, order="parallel"), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    intro, effects = workflow.step(intro, Undeliverable(Role.CLIENT), now, RULES, rng)
    assert kinds(effects) == [(Kind.REFERRER_FAILED, None)] and workflow.next_due(intro, RULES) is None


def test_nobody_who_did_not_say_yes_gets_a_closing_note(now, rng):
    intro, _ = workflow.begin(new_intro(now, order="parallel"), now, RULES, rng)
    intro, effects = workflow.step(intro, Tick(), now + RULES.expire_after, RULES, rng)
    assert kinds(effects) == [(Kind.REFERRER_EXPIRED, None)] and intro.closing_note_at is None


def test_reply_all_that_reached_the_other_party_sends_nothing(now, rng):
    intro, _ = workflow.begin(new_intro(now, standing=True), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    _, effects = workflow.step(intro, ThreadReply(Role.CLIENT, other_has_it=True), now, RULES, rng)
    assert effects == []


def test_stray_reply_is_passed_on_and_the_writer_told_once(now, rng):
    intro, _ = workflow.begin(new_intro(now, standing=True), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    intro, effects = workflow.step(intro, ThreadReply(Role.CLIENT, other_has_it=False), now, RULES, rng)
    assert kinds(effects) == [(Kind.PASS_ON, Role.COLLEAGUE), (Kind.STEPPED_OUT, Role.CLIENT)]
    intro, effects = workflow.step(intro, ThreadReply(Role.CLIENT, other_has_it=False), now, RULES, rng)
    assert kinds(effects) == [(Kind.PASS_ON, Role.COLLEAGUE)]
    _, effects = workflow.step(intro, ThreadReply(Role.COLLEAGUE, other_has_it=False), now, RULES, rng)
    assert kinds(effects) == [(Kind.PASS_ON, Role.CLIENT), (Kind.STEPPED_OUT, Role.COLLEAGUE)]


def test_cancel_is_quiet_and_final(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, effects = workflow.step(intro, Cancelled(), now, RULES, rng)
    assert intro.state is IntroState.CANCELLED and effects == []
    _, effects = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)
    assert effects == []


def test_clarified_party_starts_the_asks(now, rng):
    waiting = replace(new_intro(now), state=IntroState.CLARIFYING, colleague=None, clarify_missing="colleague")
    maya = Party(role=Role.COLLEAGUE, email="maya@bodywork.example", name="Maya Chen")
    intro, effects = workflow.step(waiting, Clarified(maya), now, RULES, rng)
    assert intro.state is IntroState.ASKING and kinds(effects) == [(Kind.ASK_CLIENT, Role.CLIENT)]


def test_an_unanswered_clarification_expires_silently(now, rng):
    waiting = replace(new_intro(now), state=IntroState.CLARIFYING, colleague=None)
    intro, effects = workflow.step(waiting, Tick(), now + timedelta(days=7), RULES, rng)
    assert intro.state is IntroState.EXPIRED and effects == []


def test_intro_survives_a_round_trip_through_json(now, rng):
    intro, _ = workflow.begin(new_intro(now), now, RULES, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True, "<m@x.example>"), now, RULES, rng)
    assert Intro.from_json(intro.to_json()) == intro
    intro, _ = workflow.step(intro, Answered(Role.COLLEAGUE, False), now, RULES, rng)
    assert intro.closing_note_at is not None and Intro.from_json(intro.to_json()) == intro


EVENTS = st.one_of(
    st.builds(Answered, st.sampled_from(Role), st.sampled_from([True, False, None])),
    st.builds(AnsweredElsewhere, st.sampled_from(Role)),
    st.just(Tick()), st.builds(Undeliverable, st.sampled_from(Role)), st.just(Cancelled()),
    st.builds(ThreadReply, st.sampled_from(Role), st.booleans()),
    st.builds(Readdressed, st.sampled_from(Role), st.sampled_from(["new@elsewhere.example", "new@other.example"])),
)


@settings(max_examples=300, deadline=None)
@given(order=st.sampled_from(["client-first", "parallel"]), standing=st.booleans(),
       events=st.lists(st.tuples(EVENTS, st.integers(0, 10)), max_size=12), seed=st.integers(0, 2**32))
def test_promises_hold_for_any_sequence_of_events(order, standing, events, seed):
    """Whatever happens: at most one introduction, one note per outcome (a failure once more after each
    new address the referrer gives), one ask and one "answer plainly" note per address, and the colleague is never asked before the
    client agreed (client-first), and never asked at all with standing consent."""
    rng = random.Random(seed)
    now = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    intro, effects = workflow.begin(new_intro(now, order, standing), now, RULES, rng)
    sent = [(effect, intro.party(effect.to).email if effect.to else None) for effect in effects]
    clock = now
    bounced: set[str] = set()
    readdressed = 0
    for event, days in events:
        clock += timedelta(days=days)
        client_agreed_before = intro.client.consent.agreed
        if isinstance(event, Undeliverable) and intro.state.open:
            bounced.add(intro.party(event.role).email)
        intro, effects = workflow.step(intro, event, clock, RULES, rng)
        if order == "client-first" and (Kind.ASK_COLLEAGUE, Role.COLLEAGUE) in kinds(effects):
            assert client_agreed_before or intro.client.consent.agreed
        readdressed += isinstance(event, Readdressed) and bool(effects)
        sent += [(effect, intro.party(effect.to).email if effect.to else None) for effect in effects]
    sent_kinds = [e.kind for e, _ in sent]
    assert sent_kinds.count(Kind.INTRODUCTION) <= 1
    for kind in (Kind.REFERRER_SENT, Kind.REFERRER_DECLINED, Kind.REFERRER_EXPIRED):
        assert sent_kinds.count(kind) <= 1
    assert sent_kinds.count(Kind.REFERRER_FAILED) <= 1 + readdressed
    if standing:
        assert Kind.ASK_COLLEAGUE not in sent_kinds and Kind.REMIND_COLLEAGUE not in sent_kinds
    asks = [(e.to, address) for e, address in sent if e.kind in (Kind.ASK_CLIENT, Kind.ASK_COLLEAGUE)]
    assert len(asks) == len(set(asks)), "one address was asked twice"
    notes = [(e.to, address) for e, address in sent if e.kind in (Kind.UNCLEAR_ANSWER, Kind.ANSWER_FROM_HERE)]
    assert len(notes) == len(set(notes)), "one address had two notes asking for a plain answer"
    if Kind.INTRODUCTION in sent_kinds:
        assert intro.client.consent.agreed and intro.colleague.consent.agreed
    closing = [(e.to, address) for e, address in sent if e.kind is Kind.NOT_GOING_AHEAD]
    assert len(closing) == len(set(closing)) and (not closing or Kind.INTRODUCTION not in sent_kinds)
    assert all(intro.party(role).consent is Consent.YES for role, _ in closing)
    assert not {address for _, address in closing} & bounced, "a closing note went to an address that bounced"
    assert sent_kinds.count(Kind.PARTY_UNREACHABLE) <= 1


LIO = Party(role=Role.COLLEAGUE, email="lio@craniosacral.example", name="Lio Park", website="https://lio.example")


def test_a_request_for_several_colleagues_stays_one_until_it_asks_then_each_gets_an_intro_of_its_own(now, rng):
    waiting = replace(new_intro(now), state=IntroState.CONFIRMING, further_colleagues=(LIO,))
    assert workflow.split_off_further_colleagues(waiting, now, RULES, rng) == (waiting, [])
    asking, effects = workflow.step(waiting, workflow.Confirmed(True), now, RULES, rng)
    first, steps = workflow.split_off_further_colleagues(asking, now, RULES, rng)
    assert first == replace(asking, further_colleagues=()) and kinds(effects) == [(Kind.ASK_CLIENT, Role.CLIENT)]
    [(sibling, sibling_effects)] = steps
    assert kinds(sibling_effects) == [(Kind.ASK_CLIENT, Role.CLIENT)]
    assert sibling.colleague == LIO and sibling.client.email == first.client.email and sibling.note == first.note
    assert sibling.id != first.id and sibling.referrer_token not in ("", first.referrer_token)
    assert sibling.client.token not in ("", first.client.token)  # answered on its own
    assert sibling.request_message_id == first.request_message_id and sibling.state is IntroState.ASKING
    assert Intro.from_json(waiting.to_json()) == waiting


def test_a_further_colleague_who_turns_out_to_be_the_client_gets_no_intro(now, rng):
    asking, _ = workflow.begin(replace(new_intro(now), further_colleagues=(
        replace(LIO, email="sam@client.example"), LIO)), now, RULES, rng)
    first, steps = workflow.split_off_further_colleagues(asking, now, RULES, rng)
    assert [intro.colleague.email for intro, _ in steps] == [LIO.email] and first.further_colleagues == ()
