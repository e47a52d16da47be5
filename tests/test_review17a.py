"""Review of stop 17: "Please ignore my last email" waiting for the writer's earlier message, and commands
("status", "cancel <id>") counting only when written to introbot. Each test failed when written and states what a
practitioner, or the operator, must get; each drives a real Service over a real SQLite store (the Desk)."""

from __future__ import annotations

import pytest

from introbot import faults
from introbot.core.render import Renderer
from introbot.daemon import HEADER_FIRST
from introbot.edges.imap import WHOLE
from introbot.model import IntroState, Kind
from introbot.service import message_key
from tests.conversation import ADA, BOT, MAYA, SAM, gmail_forward, new_message
from tests.core.template_samples import SHIPPED, sample_context
from tests.service_world import Desk
from tests.test_followups import kinds, signed, write
from tests.test_followups_review2 import CLIENT_EMAIL, forward
from tests.test_review16a import big_forward_for_kim, fetched, to_intro

IGNORE = "Please ignore my last email."


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk
    faults.arm("")


# Waiting is no failed try, but it must not wipe out the tries of runs that died on the message


def test_a_message_that_waits_keeps_the_tries_of_the_runs_that_died_on_it(desk):
    """Two runs died handling "Please ignore my last email" (a crash after the batch's forward was read whole: its
    savepoint never committed). The next run takes the batch one message at a time: the forward comes header
    first, so the ignore waits for it. Today waiting forgets every try of the ignore: the run that takes the pair
    together dies on it again, and again, and it is never quarantined (the tries count only to 1)."""
    forward(desk, "Maya, could you see Sam? Ada")
    kim, ignore = big_forward_for_kim(), to_intro("Intro", IGNORE)
    desk.store.note_attempts([message_key(ignore)])
    desk.store.note_attempts([message_key(ignore)])
    assert desk.service.handle_batch([fetched(kim, 1, HEADER_FIRST), fetched(ignore, 2)]) == [WHOLE, WHOLE]
    assert desk.store.attempts([message_key(ignore)]) == {message_key(ignore): 2}


# Commands: written to introbot, whoever is copied; never the subject of a forwarded email

ASSISTANT = ("Jo Banks", "jo@clinic.example")


def test_cancel_with_the_assistant_copied_cancels(desk):
    """Ada copies her assistant on everything. Today "cancel <id>" with Jo in Cc is no command: it is read as a
    new request, which starts an intro waiting for Ada's answer to "who should I introduce?", and Sam's request
    goes on."""
    forward(desk, "Maya, could you see Sam? Ada")
    [intro] = desk.store.intros()
    desk.receive(signed(new_message(ADA, ("Intro", BOT), f"cancel {intro.id}", "\n", cc=[ASSISTANT])))
    assert [i.state for i in desk.store.intros()] == [IntroState.CANCELLED]
    assert kinds(desk, ADA) == [Kind.CANCELLED.value]


def test_status_with_the_assistant_copied_gets_the_status(desk):
    forward(desk, "Maya, could you see Sam? Ada")
    desk.receive(signed(new_message(ADA, ("Intro", BOT), "Intro", "status\n", cc=[ASSISTANT])))
    assert kinds(desk, ADA) == [Kind.STATUS.value]
    assert len(desk.store.intros()) == 1


@pytest.mark.parametrize("subject", ["Cancel Thursday", "Status"])
def test_a_forwarded_email_whose_subject_reads_as_a_command_is_the_request_it_carries(desk, subject):
    """Sam writes "Cancel Thursday": her back is too sore, does Ada know a masseuse? Ada forwards it to intro@
    alone, "Please introduce Sam to Maya Chen" above it. Today the subject, Sam's words, is taken for Ada's
    command: Ada is told she has no open request "thursday" (or sent a status mail) and Sam is never asked."""
    original = new_message(SAM, ADA, subject, CLIENT_EMAIL)
    desk.receive(signed(gmail_forward(ADA, original, "Please introduce Sam to Maya Chen. Ada")))
    assert [(i.client.email, i.colleague.email) for i in desk.store.intros()] == [(SAM[1], MAYA[1])]
    assert kinds(desk, ADA) == []
    assert len(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)) == 1


def test_a_forward_whose_subject_kept_no_prefix_is_the_request_it_carries(desk):
    """Some mail clients forward under the original subject: the forward in the body tells it is Sam's "Status"."""
    message = gmail_forward(ADA, new_message(SAM, ADA, "Status", CLIENT_EMAIL), "Please introduce Sam to Maya Chen.")
    message.replace_header("Subject", "Status")
    desk.receive(signed(message))
    assert [(i.client.email, i.colleague.email) for i in desk.store.intros()] == [(SAM[1], MAYA[1])]
    assert kinds(desk, ADA) == []


def test_a_forward_cut_down_to_its_note_keeps_its_subject_from_being_a_command(desk):
    """Ada deleted the forwarded text and typed Sam's address: "Fwd: Cancel Thursday" is still Sam's subject."""
    desk.receive(signed(new_message(ADA, ("Intro", BOT), "Fwd: Cancel Thursday",
                                    "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\n")))
    assert [(i.client.email, i.colleague.email) for i in desk.store.intros()] == [(SAM[1], MAYA[1])]
    assert kinds(desk, ADA) == []


# The cancel note's subject for a request that never got its client


@pytest.mark.parametrize("text, subject", [
    ("Could you introduce a client of mine to Maya Chen?", "Cancelled: Maya (no client named)"),
    ("Maya or Lio - could one of them see my client?", "Cancelled: request {id}"),
])
def test_the_cancel_note_of_a_request_without_its_client_names_what_it_had(desk, text, subject):
    """Today: "Cancelled: and Maya", and "Cancelled:" with nothing after it."""
    write(desk, text)
    [intro] = desk.store.intros()
    desk.receive(signed(new_message(ADA, ("Intro", BOT), f"cancel {intro.id}", "\n")))
    [note] = desk.mail_to(ADA[1], Kind.CANCELLED.value)
    assert note.message["Subject"] == subject.format(id=intro.id)


@pytest.mark.parametrize("language, colleague_only, nobody", [
    ("en", "Cancelled: Maya (no client named)", "Cancelled: request k3x9q2"),
    ("de", "Abgebrochen: Maya (ohne Angabe, wen Sie empfehlen)", "Abgebrochen: Anfrage k3x9q2"),
    ("es", "Solicitud cancelada: Maya (sin cliente indicado)", "Solicitud cancelada: k3x9q2"),
    ("fr", "Demande annulée : Maya (client non indiqué)", "Demande annulée : k3x9q2"),
])
def test_in_every_language_the_cancel_subject_says_the_client_was_never_named(language, colleague_only, nobody):
    unnamed = {"first_name": "", "name": "", "email": ""}

    def subject(**changes) -> str:
        return Renderer(SHIPPED).render(Kind.CANCELLED, language, sample_context(Kind.CANCELLED, **changes)).subject

    assert subject(client=unnamed) == colleague_only
    assert subject(client=unnamed, colleague=None) == nobody


def test_a_status_question_with_the_assistant_copied_gets_the_status(desk):
    """ "Has Maya answered yet?" to intro@, Jo copied: today it is read as a request, and Ada is asked whom to
    introduce to Maya (a second, empty request of hers waits for the answer)."""
    forward(desk, "Maya, could you see Sam? Ada")
    desk.receive(signed(new_message(ADA, ("Intro", BOT), "Sam", "Has Maya answered yet?\n", cc=[ASSISTANT])))
    assert kinds(desk, ADA) == [Kind.STATUS.value]
    assert len(desk.store.intros()) == 1
