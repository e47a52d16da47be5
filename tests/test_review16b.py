"""Review of the status mail after a request ended, answers to "which colleague?", and status questions: what
went wrong, each driven through a real Service over a real SQLite store (the Desk)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, BOT, KIM, MAYA, SAM, gmail_forward, new_message
from tests.service_world import Desk
from tests.test_followups import forward, kinds, signed, write


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def status_text(desk: Desk) -> str:
    return desk.mail_to(ADA[1], Kind.STATUS.value)[-1].message.get_body(("plain",)).get_content()


# The status mail after a purge


def test_a_request_cut_down_to_its_consent_record_is_not_listed_in_the_status(tmp_path):
    """With bot.retention shorter than consent.expire_after (nothing forbids it), a request that ended and was
    purged is still within the status mail's week: today it is listed by the client's address, which the purge
    was to leave only in the consent record ("sam@client.example and maya@bodywork.example: Maya ... preferred
    not to be introduced")."""
    with Desk(tmp_path, retention=timedelta(days=2)) as desk:
        forward(desk)
        desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
        desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[0], MAYA, "No, sorry.")
        desk.now += timedelta(days=3)
        assert desk.service.purge().intros == 1
        write(desk, "status")
        text = status_text(desk)
        assert "Recently ended" not in text and SAM[1] not in text and MAYA[1] not in text


# A status question above a forward of someone new


@pytest.mark.parametrize("note", [
    "Any news about Sam? Meanwhile, here's Kim - Maya, could you see her too?",
    "Has Maya got back to you about Sam? Here's another one for her.",
])
def test_a_question_after_sam_above_a_forward_of_a_new_client_still_starts_her_request(desk, note):
    """Ada asks after Sam above a forward of Kim's email: today the status mail goes and nothing else happens
    (Service._asks_how_it_stands reads the whole message as a status question), so Kim's request is silently
    lost."""
    forward(desk)
    message = gmail_forward(ADA, new_message(KIM, ADA, "Neck", "Hi Ada, my neck hurts, who can help?\n\nKim\n"),
                            note)
    desk.receive(signed(message))
    assert [i.client.email for i in desk.store.intros() if i.client] == [SAM[1], KIM[1]]
    assert len(desk.mail_to(KIM[1], Kind.ASK_CLIENT.value)) == 1


def test_a_question_above_a_forward_of_the_clients_own_new_email_still_gets_the_status(desk):
    """The forward is Sam's again ("she asks how it's going"): that is still a question after her request."""
    forward(desk)
    message = gmail_forward(ADA, new_message(SAM, ADA, "Re: Back pain", "Any news? Sam\n"), "Has Maya answered?")
    desk.receive(signed(message))
    assert kinds(desk, ADA) == ["status"] and len(desk.store.intros()) == 1


# Answers to "Which colleague did you mean? 1. Maya Chen 2. Lio Park"


def which_colleague(desk: Desk):
    forward(desk, "Maya or Lio - could one of them see Sam? Thanks, Ada")
    [question] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    return question


def colleagues_asked_about(desk: Desk) -> list[str]:
    return [i.colleague.email for i in desk.store.intros() if i.colleague and i.state is IntroState.ASKING]


@pytest.mark.parametrize("answer", ["Anyone but Lio", "Anyone except Lio", "Never Lio", "Not with Lio, please",
                                    "anyone but lio please"])
def test_an_answer_ruling_lio_out_in_other_words_never_picks_lio(desk, answer):
    """"Anyone but Lio", "Never Lio", "Not with Lio" rule Lio out: today Lio, the one option named, is picked
    (only a "not", "no" or "instead of" right before a name rules it out) and Sam is asked about Lio."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert colleagues_asked_about(desk) == [] and desk.mail_to(SAM[1], Kind.ASK_CLIENT.value) == []


@pytest.mark.parametrize("answer", ["Not with Lio - Maya", "Anyone but Lio - Maya is great", "Except Lio. Maya please"])
def test_an_answer_ruling_lio_out_in_other_words_picks_maya(desk, answer):
    """Today these leave the question open (Lio and Maya both named positively) and nobody is asked."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert colleagues_asked_about(desk) == [MAYA[1]]


@pytest.mark.parametrize("answer", ["Lio is on leave", "Lio is away this month.", "Lio is fully booked",
                                    "Not Maya. Lio isn't available either."])
def test_an_answer_saying_lio_is_away_never_picks_lio(desk, answer):
    """Told which colleague, "Lio is on leave" names Lio only to rule her out: today Lio is picked and Sam asked
    about her."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert colleagues_asked_about(desk) == []


@pytest.mark.parametrize("answer", ["Lio is on leave, so Maya", "Maya - Lio is away this month",
                                    "Maya, I think - lio is away though"])
def test_an_answer_saying_lio_is_away_and_naming_maya_picks_maya(desk, answer):
    """Today both count as named, so nobody is picked and the answer is set aside unanswered (tests of the
    clarifying answers listed "Maya, I think - lio is away though" as naming two: it now picks Maya)."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert colleagues_asked_about(desk) == [MAYA[1]]


@pytest.mark.parametrize("answer", ["Don't introduce her to anyone but Maya", "Don't introduce her to Lio, only Maya",
                                    "Please don't introduce her to anyone other than Maya"])
def test_refusing_everyone_but_maya_picks_maya_and_never_stops_the_request(desk, answer):
    """Refusing all but one is choosing that one: today "Don't introduce her to anyone but Maya" stops the
    request (the refusal of "anyone" reads as a hold) and "..., only Maya" leaves it open or stops it."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert colleagues_asked_about(desk) == [MAYA[1]]
    assert kinds(desk, ADA) == ["clarify"]


# A status question beside a new request


@pytest.mark.parametrize("text", [
    "Did Maya say yes? Also, could she see Kim Novak <kim@client.example> too?",
    "Has Maya answered yet? She could also see Kim Novak <kim@client.example>.",
    "Has Maya replied? Kim Novak <kim@client.example> would like to see her too.",
])
def test_a_question_after_maya_beside_a_new_clients_address_still_starts_that_request(desk, text):
    """A question naming the colleague of a request in hand ("Has Maya answered?") is now a status question, and
    what else the message says is dropped: today the status mail goes and Kim, whose address it gives, is never
    asked (before this session the message started Kim's request)."""
    forward(desk)
    write(desk, text)
    assert [i.client.email for i in desk.store.intros() if i.client] == [SAM[1], KIM[1]]
    assert len(desk.mail_to(KIM[1], Kind.ASK_CLIENT.value)) == 1


def test_a_question_after_a_client_by_her_address_alone_still_gets_the_status(desk):
    """Giving the address of the client it asks after, and naming no colleague, it asks for no request."""
    write(desk, "Any news about Sam Rivera <sam@client.example>?")
    assert kinds(desk, ADA) == ["status"] and desk.store.intros() == []


# The day a request ended, as the practitioner's own calendar has it


@pytest.mark.parametrize("offset, day", [("+0100", "3 March"), ("-0500", "2 March"), ("+1300", "3 March")])
def test_the_day_an_ended_request_is_listed_with_is_the_practitioners_own(desk, offset, day):
    """Maya says no at 23:30 UTC on 2 March: in Berlin (+0100) and Auckland (+1300) it is already 3 March. Today
    the status mail names the UTC day whatever the zone the practitioner's own mail says she writes from."""
    forward(desk)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
    desk.now = desk.now.replace(hour=23, minute=30)
    desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[0], MAYA, "No, sorry.")
    desk.now += timedelta(hours=10)
    question = new_message(ADA, ("Intro", BOT), "Intro", "Has Sam answered?\n")
    question.replace_header("Date", f"Tue, 03 Mar 2026 09:30:00 {offset}")
    desk.receive(signed(question))
    assert f"Maya Chen preferred not to be introduced ({day})" in status_text(desk)


@pytest.mark.parametrize("date", ["yesterday, around noon", "Tue, 03 Mar 2026 09:30:00 +9900", ""])
def test_a_date_that_cannot_be_read_leaves_the_day_in_utc(desk, date):
    forward(desk)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
    desk.now = desk.now.replace(hour=23, minute=30)
    desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[0], MAYA, "No, sorry.")
    question = new_message(ADA, ("Intro", BOT), "Intro", "Has Sam answered?\n")
    question.replace_header("Date", date)
    desk.receive(signed(question))
    assert "Maya Chen preferred not to be introduced (2 March)" in status_text(desk)


@pytest.mark.parametrize("answer", ["Maya, but not yet", "Maya, but not yet.", "Lio - but hold off.",
                                    "Don't introduce her to anyone but Maya yet"])
def test_a_pick_with_not_yet_still_holds_the_request(desk, answer):
    """"Maya, but not yet" picks Maya and holds off, as "Maya - but please hold off for now" does: today Sam is
    asked about Maya at once ("not yet" and "hold off" hold only at the start of a sentence or after "please";
    "... anyone but Maya yet" lost its hold when refusing all but one became a pick)."""
    desk.answer(which_colleague(desk), ADA, answer)
    assert colleagues_asked_about(desk) == [] and desk.mail_to(SAM[1], Kind.ASK_CLIENT.value) == []
