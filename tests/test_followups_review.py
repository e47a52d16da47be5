"""A reviewer's findings: what practitioners (and parties) do after or around a request, and what introbot should do then.

Each test asserts the behaviour a serious product owes the people involved; they fail on 125f3d7.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest

from introbot.edges.imap import PROCESSED, Fetched
from introbot.model import Consent, Intro, Kind, Role
from tests.conversation import ADA, BEN, BOT, KIM, LIO, MAYA, SAM, gmail_forward, new_message, reply
from tests.service_world import Desk, Mail, as_received, our_results

CLIENT_EMAIL = "Hi Dr. Lee,\n\nMy lower back is still sore after long days at the desk. Do you know someone who " \
               "does massage?\n\nSam\n"


@pytest.fixture
def desk(tmp_path) -> Desk:
    with Desk(tmp_path) as desk:
        yield desk


def authenticated(message: EmailMessage, writer: tuple[str, str] = ADA) -> bytes:
    """`message` as our receiving server hands it over after the writer's domain passed DKIM, SPF and DMARC."""
    return as_received(message, our_results(writer[1].split("@")[1]))


def forward_request(desk: Desk, note: str = "Maya, could you see Sam? Thanks, Ada",
                    referrer: tuple[str, str] = ADA) -> EmailMessage:
    """`referrer` forwards Sam's email to intro@ with `note` above it; the forward is returned."""
    forward = gmail_forward(referrer, new_message(SAM, referrer, "Back pain", CLIENT_EMAIL), note)
    desk.receive(authenticated(forward, referrer))
    return forward


def write_to_intro(desk: Desk, text: str, subject: str = "Sam") -> str:
    """Ada writes a fresh, authenticated one-liner to intro@."""
    return desk.receive(authenticated(new_message(ADA, ("Intro", BOT), subject, text + "\n\nAda\n")))


def sent(desk: Desk, kind: Kind, to: tuple[str, str] | None = None) -> list[Mail]:
    return [m for m in desk.mail() if m.kind == kind.value and (to is None or to[1] in m.recipients)]


def body(mail: Mail) -> str:
    assert mail.message is not None
    return mail.message.get_body(("plain",)).get_content()


def asks_about(desk: Desk, client: tuple[str, str], colleague: tuple[str, str]) -> list[Mail]:
    """The consent asks `client` received about `colleague`."""
    return [m for m in sent(desk, Kind.ASK_CLIENT, client) if colleague[0] in str(m.message["Subject"])]


def intros(desk: Desk) -> list[Intro]:
    return desk.store.intros()


def answered_question(desk: Desk) -> Mail:
    """Ada asks for "someone" for Sam, introbot asks her whom, she answers "Maya Chen": Sam is asked about
    Maya. The question (which carries the request's reply token) is returned."""
    forward_request(desk, note="Could you find Sam someone? Thanks")
    [question] = sent(desk, Kind.CLARIFY, ADA)
    desk.receive(authenticated(reply(question.message, ADA, "Maya Chen")))
    assert len(asks_about(desk, SAM, MAYA)) == 1
    return question


def introduced(desk: Desk) -> None:
    forward_request(desk)
    [ask] = sent(desk, Kind.ASK_CLIENT, SAM)
    desk.answer(ask, SAM, "Yes please")
    [colleague_ask] = sent(desk, Kind.ASK_COLLEAGUE, MAYA)
    desk.answer(colleague_ask, MAYA, "Yes!")
    assert len(sent(desk, Kind.INTRODUCTION)) == 1


# Cancelling


@pytest.mark.parametrize("where", ["a reply to introbot's question", "a reply to her own request"])
def test_the_cancel_command_written_as_a_reply_cancels(desk, where):
    """`cancel <id>` is documented, but typed as a reply to introbot's note or to one's own request it is
    silently dropped: Ada believes Sam's request stopped while Sam and Maya go on being asked."""
    if where == "a reply to introbot's question":
        replied_to = answered_question(desk).message
    else:
        replied_to = forward_request(desk)
    [intro] = intros(desk)
    desk.receive(authenticated(reply(replied_to, ADA, f"cancel {intro.id}")))
    assert desk.store.intro(intro.id).state.value == "cancelled"
    [cancelled] = sent(desk, Kind.CANCELLED, ADA)
    assert intro.id in body(cancelled)


def test_cancelling_in_words_in_reply_to_a_note_of_the_request_stops_it(desk):
    """Ada answers introbot's (already answered) question "Actually, please cancel this": the reply token
    says which request she means, yet introbot drops it and Maya is asked once Sam says yes."""
    question = answered_question(desk)
    desk.receive(authenticated(reply(question.message, ADA, "Actually, please cancel this, Sam found someone.")))
    [intro] = intros(desk)
    assert not desk.store.intro(intro.id).state.open
    assert len(sent(desk, Kind.CANCELLED, ADA)) == 1


@pytest.mark.parametrize("text", ["Please hold off on Sam for now.", "Never mind about Sam, he found someone.",
                                  "Please cancel the introduction of Sam Rivera to Maya Chen."])
def test_withdrawing_in_words_in_a_fresh_mail_is_not_read_as_a_new_request(desk, text):
    """Ada writes "never mind about Sam": introbot opens a new request and asks her for "your client's email
    address"; if she obliges, Sam is asked about Maya a second time. It should stop (or point her to) Sam's request."""
    forward_request(desk)
    [request] = intros(desk)
    write_to_intro(desk, text)
    assert [i.id for i in intros(desk)] == [request.id]  # no second request
    assert sent(desk, Kind.CLARIFY, ADA) == []
    stopped = not desk.store.intro(request.id).state.open
    pointed = any(request.id in body(m) for m in desk.mail_to(ADA[1]))
    assert stopped or pointed


# Correcting


def test_a_correction_sent_as_a_reply_to_her_own_request_is_not_silently_dropped(desk):
    """Ada replies to her own forward "Sorry, I meant Lio Park, not Maya": introbot ignores it without a
    word, and Maya is asked once Sam says yes. Act on it, or at least tell Ada it was not acted on."""
    forward = forward_request(desk)
    desk.receive(authenticated(reply(forward, ADA, "Sorry, I meant Lio Park, not Maya.")))
    acted = len(asks_about(desk, SAM, LIO)) == 1 and not intros(desk)[0].state.open
    assert acted or desk.mail_to(ADA[1]) != []


def test_a_correction_in_reply_to_the_answered_question_is_not_silently_dropped(desk):
    """Ada answered "Maya Chen", then sends a second answer to the same question: "Sorry, Lio Park, not Maya".
    introbot ignores it silently ("nothing to do"), and Maya will be asked about Sam."""
    question = answered_question(desk)
    desk.receive(authenticated(reply(question.message, ADA, "Sorry, I meant Lio Park, not Maya.")))
    assert len(asks_about(desk, SAM, LIO)) == 1 or len(desk.mail_to(ADA[1])) == 2


def test_a_correction_in_answer_to_the_confirmation_is_not_met_with_silence(desk):
    """Ada answers "are you sure?" (an unauthenticated request) with "Yes, but I meant Lio Park, not Maya":
    the answer is "unclear" and dropped without a word, so she waits for an introduction that never starts."""
    forward = gmail_forward(ADA, new_message(SAM, ADA, "Back pain", CLIENT_EMAIL), "Maya, could you see Sam? Ada")
    desk.receive(forward)  # not authenticated: introbot asks Ada to confirm
    [confirmation] = sent(desk, Kind.CONFIRM_REQUEST, ADA)
    desk.answer(confirmation, ADA, "Yes, but I meant Lio Park, not Maya.")
    assert asks_about(desk, SAM, MAYA) == []
    assert len(asks_about(desk, SAM, LIO)) == 1 or len(desk.mail_to(ADA[1])) == 2


# A no, in words, to introbot's question


@pytest.mark.parametrize("shape, answer", [("clarify", "Neither, sorry."),
                                           ("clarify", "Forget it, I'll call Sam myself."),
                                           ("confirm", "Please cancel this.")])
def test_forget_it_in_answer_to_introbots_question_closes_the_request(desk, shape, answer):
    """Ada answers "Did you mean Lio Park?" with "Forget it": the request stays open for a week, shows in her
    status as waiting for her, and any later stray reply to that question would revive it."""
    if shape == "clarify":
        forward_request(desk, note="fyi - for lio")  # a guess: introbot offers Lio Park
        [question] = sent(desk, Kind.CLARIFY, ADA)
    else:
        desk.receive(gmail_forward(ADA, new_message(SAM, ADA, "Back pain", CLIENT_EMAIL), "Maya, for Sam? Ada"))
        [question] = sent(desk, Kind.CONFIRM_REQUEST, ADA)
    desk.answer(question, ADA, answer)
    [intro] = intros(desk)
    assert not intro.state.open
    assert len(desk.mail_to(ADA[1])) <= 2 and desk.mail_to(SAM[1]) == [] and desk.mail_to(LIO[1]) == []


def test_answering_the_address_question_of_a_request_that_named_no_colleague_does_not_crash(desk):
    """"Could you introduce my new client to someone good?": introbot asks only for the client's address,
    and Ada's answer crashes the handler (LookupError: no colleague), is retried, then quarantined unanswered."""
    write_to_intro(desk, "Could you introduce my new client to someone good?", subject="Intro")
    [question] = sent(desk, Kind.CLARIFY, ADA)
    raw = authenticated(reply(question.message, ADA, SAM[1]))
    [folder] = desk.service.handle_batch([Fetched(1, 1, raw, len(raw))])
    assert folder == PROCESSED
    assert desk.mail_to(SAM[1]) == []  # nobody to ask about yet
    assert len(sent(desk, Kind.CLARIFY, ADA)) == 2  # the next question: to whom?


# Asking about a request


@pytest.mark.parametrize("via", ["a fresh mail", "a reply to the status mail"])
def test_a_question_about_an_open_request_is_answered_not_opened_as_a_new_request(desk, via):
    """"Any news about Sam Rivera and Maya Chen?" opens a second request and asks Ada for Sam's address;
    answering it asks Sam about Maya twice. A serious product answers with where Sam's request stands."""
    forward_request(desk)
    [request] = intros(desk)
    question = "Any news about Sam Rivera and Maya Chen? Has Sam answered yet?"
    if via == "a fresh mail":
        write_to_intro(desk, question, subject="Sam and Maya")
    else:
        write_to_intro(desk, "", subject="status")
        [status] = sent(desk, Kind.STATUS, ADA)
        desk.receive(authenticated(reply(status.message, ADA, question)))
    assert [i.id for i in intros(desk)] == [request.id]
    assert sent(desk, Kind.CLARIFY, ADA) == []
    answers = desk.mail_to(ADA[1])[1 if via != "a fresh mail" else 0:]
    assert len(answers) == 1 and "Sam Rivera" in body(answers[0])


# Sending the same request again


@pytest.mark.parametrize("when", ["a double click", "the next day", "after the introduction went out"])
def test_the_same_request_sent_again_does_not_ask_the_client_again(desk, when):
    """Ada forwards Sam's email twice: Sam gets two identical "shall I introduce you to Maya?" asks (and,
    after two yeses, Maya two asks and two introductions). One ask per client and colleague at a time."""
    if when == "after the introduction went out":
        introduced(desk)
    else:
        forward_request(desk)
    if when != "a double click":
        desk.now += timedelta(days=1)
        desk.service.sweep()
    forward_request(desk)
    assert len(asks_about(desk, SAM, MAYA)) == 1


# A new request written as a reply


@pytest.mark.parametrize("replied_to", ["her own request", "the introduced note", "the declined note"])
def test_a_new_request_written_as_a_reply_is_not_silently_dropped(desk, replied_to):
    """Ada answers introbot's "Done: introduced" note (or her own earlier request) with "Could you also
    introduce Kim Novak to Lio Park?": ignored without a word, so Kim is never asked and Ada never knows."""
    if replied_to == "her own request":
        replied = forward_request(desk)
    elif replied_to == "the introduced note":
        introduced(desk)
        [note] = sent(desk, Kind.REFERRER_SENT, ADA)
        replied = note.message
    else:
        forward_request(desk)
        [ask] = sent(desk, Kind.ASK_CLIENT, SAM)
        desk.answer(ask, SAM, "No thanks")
        [note] = sent(desk, Kind.REFERRER_DECLINED, ADA)
        replied = note.message
    desk.receive(authenticated(reply(replied, ADA, f"Thanks! Could you also introduce {KIM[0]} <{KIM[1]}> to "
                                                   f"Lio Park?")))
    assert len(asks_about(desk, KIM, LIO)) == 1


# Parties


def test_a_colleague_who_is_a_practitioner_forwarding_her_ask_to_intro_is_not_a_new_request(desk):
    """Ben refers Sam to Ada (a practitioner and a colleague); Ada forwards her ask to intro@ saying "yes":
    introbot opens a request and asks her "What is Ben Okafor's email address?". Her yes, or one line on how
    to give it, is due; never a question about a request she never made."""
    forward_request(desk, note="Ada, could you see Sam? Ben", referrer=BEN)
    [ask] = sent(desk, Kind.ASK_CLIENT, SAM)
    desk.answer(ask, SAM, "Yes please")
    [colleague_ask] = sent(desk, Kind.ASK_COLLEAGUE, ADA)
    forward = new_message(ADA, ("Intro", BOT), f"Fwd: {colleague_ask.message['Subject']}",
                          f"Yes, happy to see Sam.\n\n---------- Forwarded message ---------\n"
                          f"From: {colleague_ask.message['From']}\nSubject: {colleague_ask.message['Subject']}\n"
                          f"To: {colleague_ask.message['To']}\n\n{body(colleague_ask)}")
    desk.receive(authenticated(forward))
    assert len(intros(desk)) == 1 and sent(desk, Kind.CLARIFY, ADA) == []
    [intro] = intros(desk)
    assert intro.party(Role.COLLEAGUE).consent is Consent.YES or len(desk.mail_to(ADA[1])) == 2


def test_a_client_who_withdraws_a_yes_before_the_colleague_answers_is_not_introduced(desk):
    """Sam says yes, then an hour later "Actually no, I've changed my mind": the no is dropped as a replay and
    the introduction goes out to him when Maya says yes. Consent must hold until the introduction is sent."""
    forward_request(desk)
    [ask] = sent(desk, Kind.ASK_CLIENT, SAM)
    desk.answer(ask, SAM, "Yes please")
    desk.now += timedelta(hours=1)
    desk.answer(ask, SAM, "Actually, no - sorry, I've changed my mind. Please don't introduce me.")
    [colleague_ask] = sent(desk, Kind.ASK_COLLEAGUE, MAYA)
    desk.answer(colleague_ask, MAYA, "Yes!")
    assert sent(desk, Kind.INTRODUCTION) == []
