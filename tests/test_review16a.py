"""Review of the session that taught introbot "Please ignore my last email", requests in the subject line and
"introduce to Maya Chen and Lio Park" above a forward: what practitioners (and adversaries) really write, and
what introbot must do with it. Each test failed when written; each states the right behaviour."""

from __future__ import annotations

import pytest

from introbot import faults
from introbot.budget import TimeBudget
from introbot.core.mime import header_bytes
from introbot.edges.imap import PROCESSED, QUARANTINE, WHOLE, Fetched
from introbot.model import IntroState
from introbot.service import MAX_MESSAGE_BYTES, message_key
from tests.conversation import ADA, BOT, KIM, LIO, MAYA, SAM, gmail_forward, new_message
from tests.service_world import Desk
from tests.test_followups import kinds, signed
from tests.test_followups_review2 import CLIENT_EMAIL, forward, pairs, write


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk
    faults.arm("")


def to_intro(subject: str, body: str, writer=ADA, authenticated: bool = True) -> bytes:
    return signed(new_message(writer, ("Intro", BOT), subject, body + "\n"), writer, authenticated)


def fetched(raw: bytes, uid: int, first_bytes: int | None = None) -> Fetched:
    """A message as the watcher hands it over: whole, or (`first_bytes`) header first."""
    if first_bytes is None:
        return Fetched(1, uid, raw, len(raw))
    return Fetched(1, uid, raw[:first_bytes], len(raw), whole=False)


SAM_ASKING = (SAM[1], MAYA[1], IntroState.ASKING)
KIM_ASKING = (KIM[1], MAYA[1], IntroState.ASKING)


# "Please ignore my last email" said to someone else


def test_ignore_my_last_email_said_to_the_client_with_intro_copied_stops_no_request(desk):
    """Ada writes her client Sam, intro@ copied: "Please ignore my last email, I got the dates wrong" is about
    her last email to Sam. Today it stops Kim's request, Ada's last message to introbot (service._request reads
    sets_aside_last in any message, whoever it is written to)."""
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    desk.receive(signed(new_message(ADA, SAM, "Massage", "Hi Sam,\n\nPlease ignore my last email, I got the dates "
                                    "wrong. Maya Chen is the one for your back; I'm asking my assistant to introduce "
                                    "you to her.\n\nAda\n", cc=[("Intro", BOT)])))
    assert pairs(desk) == {KIM_ASKING, SAM_ASKING}
    assert kinds(desk, ADA) == []


@pytest.mark.parametrize("text", [
    "Veuillez ignorer mon dernier message, merci.", "Merci d'ignorer mon dernier courriel.",
    "Bitte meine letzte E-Mail ignorieren.", "Por favor, ignorar mi último correo.", "Ignore that last email, sorry.",
])
def test_the_common_forms_of_ignore_my_last_email_set_it_aside(desk, text):
    """"Veuillez ignorer mon dernier message" is how a French practitioner writes it, "Bitte meine letzte E-Mail
    ignorieren" a German one; today only "ignorez", "ignoriere ..." are read: Kim's wrong request goes on, and
    Ada is asked who should be introduced."""
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    write(desk, text)
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.CANCELLED)}


def test_a_colleague_of_the_request_set_aside_that_nobody_was_asked_about_yet_is_asked_in_the_new_one(desk):
    """Ada's forward for Maya and Lio could not be verified and waits for her confirmation; she sends Sam's forward
    again, verified: "Please ignore my last email - only Lio Park for Sam please." The waiting request stops (no
    one was asked yet), and today Lio is not asked either: she is taken for already requested, by the very
    request this message sets aside, and Ada reads "already requested" beside "cancelled"."""
    forward(desk, "Please introduce to Maya Chen and Lio Park", authenticated=False)
    forward(desk, "Please ignore my last email - only Lio Park for Sam please.")
    assert (SAM[1], LIO[1], IntroState.ASKING) in pairs(desk)
    assert (SAM[1], MAYA[1], IntroState.CANCELLED) in pairs(desk)
    assert "refused" not in kinds(desk, ADA)


# The subject line


def test_ignore_my_last_email_typed_in_the_subject_alone_stops_the_last_request(desk):
    """On her phone Ada types "Please ignore my last email" in the subject and nothing below. Today the subject
    is read only for a request naming someone: Kim's wrong request goes on and Ada is asked "Who should I
    introduce?"."""
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    desk.receive(to_intro("Please ignore my last email", ""))
    assert pairs(desk) == {(KIM[1], MAYA[1], IntroState.CANCELLED)}
    assert kinds(desk, ADA) == ["cancelled"]


def test_a_subject_longer_than_is_read_is_not_cut_inside_an_address(desk):
    """A request in a long subject line: today it is cut at 300 characters wherever that falls, here inside Sam's
    address, and "sam.rivera@gmail.co" (a real domain, someone else's mailbox) is taken for her address."""
    request = "Please introduce Sam Rivera <sam.rivera@gmail.com> to Maya Chen"
    cut = len("Please introduce Sam Rivera <sam.rivera@gmail.co")
    subject = "Referral " + "and more " * 40
    subject = subject[:300 - cut - 1] + " " + request
    assert subject[:300].endswith("gmail.co")
    desk.receive(to_intro(subject, ""))
    assert all(i.client is None or i.client.email != "sam.rivera@gmail.co" for i in desk.store.intros())


# A list of colleagues above a forward


@pytest.mark.parametrize("note", [
    "She already tried to connect with Maya Chen and Lio Park last year, no luck. Could Ben Okafor see her?",
    "I would not refer to Maya Chen and Lio Park for this - Ben Okafor is the one.",
    "Do not introduce to Maya Chen and Lio Park, introduce to Ben Okafor.",
])
def test_a_list_after_connect_with_that_asks_for_no_introduction_asks_nobody_on_it(desk, note):
    """_INTRODUCE_TO takes any "connect with", "refer to", "introduce to" for the start of the list asked for:
    today Maya and Lio are both asked about Sam, who tried them last year (or whom Ada does not want to send
    there), and Ben is not. Before the session Ada was asked which colleague she meant."""
    forward(desk, note)
    assert not {(SAM[1], MAYA[1]), (SAM[1], LIO[1])} & {(client, colleague) for client, colleague, _ in pairs(desk)}
    assert kinds(desk, MAYA) == [] and kinds(desk, LIO) == []


@pytest.mark.parametrize("note", [
    "Introduce to Maya Chen and Lio Park please, she's ready.", "Thanks! Could you please connect with Maya Chen and "
    "Lio Park?", "Sam is ready now. Refer to Maya Chen and Lio Park, thanks.",
])
def test_a_list_after_introduce_to_as_it_is_asked_for_still_asks_both(desk, note):
    """(Keeps the fix above from reading too little: where a sentence starts, or after "please", the list asked
    for above a forward is still both colleagues.)"""
    forward(desk, note)
    assert pairs(desk) == {SAM_ASKING, (SAM[1], LIO[1], IntroState.ASKING)}


def test_please_connect_with_said_to_the_client_with_intro_copied_lists_no_one(desk):
    """"Please connect with Maya Chen and Lio Park directly", written to Sam with intro@ copied, tells Sam what to
    do; "introduce to" goes without a client only above a forward. Today both colleagues are asked about Sam;
    before the session Ada was asked which one she meant."""
    desk.receive(signed(new_message(ADA, SAM, "Massage", "Hi Sam,\n\nPlease connect with Maya Chen and Lio Park "
                                    "directly if you like; I'm copying my assistant.\n\nAda\n", cc=[("Intro", BOT)])))
    assert kinds(desk, MAYA) == [] and kinds(desk, LIO) == []
    assert len(desk.store.intros()) == 1 and desk.store.intros()[0].further_colleagues == ()


# Who wrote the last email


def test_an_ignored_unauthenticated_message_in_her_name_is_not_her_last_email(desk):
    """A message in Ada's name that fails authentication and is ignored (a spoof, or her phone's "ignore my last
    email", which stopping takes an authenticated sender for) changed nothing and may not be hers. Today it
    becomes her last email: her authenticated "Please ignore my last email" then stops nothing, and the wrong
    request for Kim goes on."""
    forward(desk, "Maya, could you see Sam? Ada")
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    desk.receive(to_intro("Intro", "Please ignore my last email.", authenticated=False))
    desk.receive(to_intro("Intro", "Please ignore my last email."))
    assert pairs(desk) == {SAM_ASKING, (KIM[1], MAYA[1], IntroState.CANCELLED)}


def big_forward_for_kim() -> bytes:
    """Ada's forward of Kim's long email (over the watcher's 8 KB, so handed over header first)."""
    long_email = CLIENT_EMAIL + "A little more about my history with my back. " * 300
    return signed(gmail_forward(ADA, new_message(KIM, ADA, "Back pain", long_email), "Maya, could you see Kim? Ada"))


@pytest.mark.parametrize("after_a_crash", [False, True])
def test_a_forward_too_large_to_read_is_still_her_last_email(desk, after_a_crash):
    """Ada forwards Kim's email with photos of a scan, over 10 MB: it is parked unread. Right after it she writes
    "Please ignore my last email, wrong client!". Today the parked forward is nobody's: her last email is taken
    to be yesterday's request for Sam, which stops. (The same with a message parked after failing three
    times.) `after_a_crash`: the batch is taken one message at a time, as after a run that died in it."""
    forward(desk, "Maya, could you see Sam? Ada")
    big = big_forward_for_kim()
    oversized = Fetched(1, 1, header_bytes(big), MAX_MESSAGE_BYTES + 1, whole=False)
    ignore = to_intro("Intro", "Please ignore my last email, wrong client!")
    if after_a_crash:
        desk.store.note_attempts([message_key(ignore)])
    assert desk.service.handle_batch([oversized, fetched(ignore, 2)]) == [QUARANTINE, PROCESSED]
    assert pairs(desk) == {SAM_ASKING}
    assert kinds(desk, ADA) == ["refused"]  # "I found no open request of yours it could stop"


def test_ignore_my_last_email_right_after_a_long_forward_in_one_batch_means_the_forward(desk):
    """Ada forwards Kim's long email by mistake and at once writes "Please ignore my last email"; both wait in
    INBOX. The daemon hands the forward over header first (8 KB): it is fetched whole and handed over again, and
    the short message, which is about it, waits to be handed over after it (it stopped Sam's request of
    yesterday, and Kim's wrong one then started: a client's request stopped and the wrong client asked)."""
    forward(desk, "Maya, could you see Sam? Ada")
    big, ignore = big_forward_for_kim(), to_intro("Intro", "Please ignore my last email.")
    assert desk.service.handle_batch([fetched(big, 1, first_bytes=8 * 1024), fetched(ignore, 2)]) == [WHOLE, WHOLE]
    assert desk.service.handle_batch([fetched(big, 1), fetched(ignore, 2)]) == [PROCESSED, PROCESSED]
    assert pairs(desk) == {SAM_ASKING, (KIM[1], MAYA[1], IntroState.CANCELLED)}


def test_ignore_my_last_email_after_a_forward_that_failed_once_means_the_forward(desk):
    """Ada's forward of Kim fails once (here: it overruns its time budget); her "Please ignore my last email" right
    after it waits for it, in that batch and in the next one, where the forward is retried one message at a time.
    (It was handled at once and stopped Sam's request; the retried forward then asked about Kim.)"""
    forward(desk, "Maya, could you see Sam? Ada")
    kim, ignore = big_forward_for_kim(), to_intro("Intro", "Please ignore my last email.")
    desk.service.budget = TimeBudget(0.3)
    faults.arm("", stall_on=message_key(kim))
    assert desk.service.handle_batch([fetched(kim, 1), fetched(ignore, 2)]) == [None, WHOLE]
    assert desk.service.handle_batch([fetched(ignore, 2)]) == [WHOLE]  # the forward, failed before it, still waits
    assert pairs(desk) == {SAM_ASKING}
    faults.arm("")
    assert desk.service.handle_batch([fetched(kim, 1), fetched(ignore, 2)]) == [PROCESSED, PROCESSED]
    assert pairs(desk) == {SAM_ASKING, (KIM[1], MAYA[1], IntroState.CANCELLED)}


@pytest.mark.parametrize("answer", ["YES", "NO"])
def test_ignore_my_last_email_above_an_unverified_forward_confirmed_stops_the_wrong_request(desk, answer):
    """"Please ignore my last email, wrong client!" above Sam's forward, which cannot be verified: Ada is asked to
    confirm the request for Sam. YES starts it and stops Kim's wrong request (that used to go on: what the message
    set aside was forgotten); NO starts and stops nothing, like any message whose sender disowns it."""
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    forward(desk, "Please ignore my last email, wrong client! Maya, could you see Sam?", authenticated=False)
    assert pairs(desk) == {KIM_ASKING, (SAM[1], MAYA[1], IntroState.CONFIRMING)}  # nothing stopped before
    desk.send_all()
    [confirmation] = desk.mail_to(ADA[1], "confirm_request")
    desk.answer(confirmation, ADA, answer)
    if answer == "YES":
        assert pairs(desk) == {SAM_ASKING, (KIM[1], MAYA[1], IntroState.CANCELLED)}
        assert kinds(desk, ADA)[-1] == "cancelled"
    else:
        assert pairs(desk) == {KIM_ASKING, (SAM[1], MAYA[1], IntroState.CANCELLED)}


# Found on the way, from before the session


def test_a_colleague_the_client_tried_before_is_not_taken_for_the_client(desk):
    """"Sam Rivera <sam@...> tried to connect with Maya Chen last year. Please introduce her to Ben Okafor.": before
    stop 17 the first "connect ... with" was read as the request, and Maya (a colleague) was asked to meet Ben."""
    write(desk, f"{SAM[0]} <{SAM[1]}> tried to connect with Maya Chen last year. Please introduce her to Ben Okafor.")
    assert kinds(desk, MAYA) == [] and all(i.client is None or i.client.email == SAM[1] for i in desk.store.intros())
