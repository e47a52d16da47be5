"""Conversations on real servers: "the practitioner forwards this, expect these emails to these people"."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from introbot.config import load_config
from introbot.core.text import READ_LIMIT
from introbot.daemon import Daemon
from tests.conversation import (ADA, BEN, BOT, KIM, LIO, MAYA, SAM, World, gmail_forward, new_message,
                                recipients_of, reply)
from tests.mailhost import UNDELIVERABLE_DOMAIN

CLIENT_EMAIL = """\
Hi Dr. Lee,

Thank you for today's session. My lower back is still sore after long days at the desk.
Do you know someone who does massage?

Sam
"""


@pytest.fixture
def world(mail, tmp_path) -> World:
    return World(mail, tmp_path)


def addresses(message, header: str) -> set[str]:
    return {a.addr_spec.lower() for value in message.get_all(header, []) for a in value.addresses}


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def forward_request(world: World, note: str = "Maya, could you see Sam? Thanks, Ada") -> None:
    client_mail = new_message(SAM, ADA, "Back pain", CLIENT_EMAIL)
    world.send(gmail_forward(ADA, client_mail, note), sender=ADA, authenticated=True)


def ask_sam(world: World, note: str = "Maya, could you see Sam? Thanks, Ada"):
    """Ada forwards Sam's email; introbot runs once; Sam's consent ask is returned."""
    forward_request(world, note)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    return ask


def folder_counts(world: World) -> dict[str, int]:
    """How many messages each of intro@'s folders holds, leaving out empty ones."""
    counts = {folder: len(world.mail.messages(BOT, folder))
              for folder in ("INBOX", "introbot/processed", "introbot/ignored", "introbot/quarantine")
              if folder in world.mail.folders(BOT)}
    return {folder: count for folder, count in counts.items() if count}


def test_a_forward_becomes_two_asks_two_yeses_and_exactly_one_bowed_out_intro(world):
    ask = ask_sam(world)
    assert world.inbox(MAYA) == [] and world.inbox(ADA) == []  # privacy order: the client first, alone
    assert ask["Reply-To"].addresses[0].addr_spec.startswith("intro+")
    assert "Maya Chen" in ask["Subject"] and "YES or NO" in plain(ask)
    assert ask["Auto-Submitted"] == "auto-generated"

    world.send(reply(ask, SAM, "Yes please, that would be great!"), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    text = plain(colleague_ask)
    assert "Sam" in text and "Rivera" not in text and SAM[1] not in text
    assert SAM[1] not in colleague_ask.as_string()

    world.send(reply(colleague_ask, MAYA, "Happy to, thanks Ada."), sender=MAYA)
    world.once()
    sam_mail = world.wait_inbox(SAM, 2)
    maya_mail = world.wait_inbox(MAYA, 2)
    intro = sam_mail[1]
    assert maya_mail[1]["Message-ID"] == intro["Message-ID"]  # one email to the two of them
    assert intro["From"].addresses[0].addr_spec == BOT
    assert intro["From"].addresses[0].display_name == "Dr. Ada Lee via Intro Assistant"
    assert addresses(intro, "To") == addresses(intro, "Reply-To") == {SAM[1], MAYA[1]}
    assert intro.get("Cc") is None and intro.get("In-Reply-To") is None and intro.get("References") is None
    assert "Sam" in intro["Subject"] and "Maya" in intro["Subject"]
    body, _, signature = plain(intro).partition("\n-- \n")
    assert len(body.split()) < 120
    assert "https://bodywork.example" in body and "Dr. Ada Lee" in body
    assert "take it from here" in body and ">" not in body and "lower back" not in body
    [note] = world.wait_inbox(ADA, 1)
    assert note.get("In-Reply-To") is None and ADA[1] in addresses(note, "To")
    assert len(plain(note).partition("\n-- \n")[0].split()) <= 40
    world.once()
    assert len(world.inbox(SAM)) == 2 and len(world.inbox(MAYA)) == 2 and len(world.inbox(ADA)) == 1
    assert folder_counts(world) == {"introbot/processed": 3}


def introduced(world: World):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, "yes"), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    world.send(reply(colleague_ask, MAYA, "Yes!"), sender=MAYA)
    world.once()
    return world.wait_inbox(SAM, 2)[1]


def test_a_bounce_of_the_introduction_that_names_one_party_only_in_its_own_words_fails_for_that_party(world):
    intro = introduced(world)
    envelope = intro["Return-Path"].strip("<>")
    bounce = new_message(("Mail Delivery System", "MAILER-DAEMON@mx.bodywork.example"), ("", envelope),
                         "Unzustellbar: " + str(intro["Subject"]),
                         f"Die Zustellung an folgende Empfänger ist fehlgeschlagen. Das Postfach von "
                         f"{MAYA[1]} ist voll.\n\n---- Originalnachricht ----\nAn: {SAM[1]}, {MAYA[1]}\n"
                         f"Betreff: {intro['Subject']}\n")
    bounce["Return-Path"] = "<>"
    before = len(world.inbox(BOT))
    world.send(bounce, sender=("", "MAILER-DAEMON@mx.bodywork.example"), envelope_to=[envelope])
    world.mail.wait_for_messages(BOT, before + 1)
    world.once()
    [_, failed] = world.wait_inbox(ADA, 2)  # after "I introduced them": Maya could not be reached
    assert "Maya Chen" in plain(failed) and "Sam Rivera" in plain(failed)


def test_a_client_whose_address_looks_like_a_lists_is_asked_and_their_yes_counts(world):
    clinic = ("Harbour Front Desk", "booking-request@client.example")
    world.send(new_message(ADA, ("Intro", BOT), "Intro please",
                           f"Please introduce {clinic[0]} <{clinic[1]}> to Maya Chen.\n"), sender=ADA,
               authenticated=True)
    world.once()
    [ask] = world.wait_inbox(clinic, 1)
    world.send(reply(ask, clinic, "Yes please, thank you."), sender=clinic)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    assert "Harbour" in plain(colleague_ask)


def test_the_referrer_answers_a_failure_note_with_the_right_address_and_the_client_is_asked_there(world):
    stale = ("Sam Rivera", f"sam@{UNDELIVERABLE_DOMAIN}")
    client_mail = new_message(stale, ADA, "Back pain", CLIENT_EMAIL)
    world.send(gmail_forward(ADA, client_mail, "Maya, could you see Sam? Thanks, Ada"), sender=ADA,
               authenticated=True)
    world.once()  # the ask goes out; the mail server bounces it to its envelope sender
    world.mail.wait_for_messages(BOT, 1)
    world.once()
    [failed] = world.wait_inbox(ADA, 1)
    assert "Sam Rivera" in str(failed["Subject"]) and "reply with it" in plain(failed)
    world.send(reply(failed, ADA, f"Sorry, my typo! It's {SAM[1]}\n\nAda"), sender=ADA)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert "Maya Chen" in str(ask["Subject"]) and world.inbox(MAYA) == []
    world.send(reply(ask, SAM, "Yes please"), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    world.send(reply(colleague_ask, MAYA, "Yes!"), sender=MAYA)
    world.once()
    intro = world.wait_inbox(SAM, 2)[1]
    assert addresses(intro, "To") == {SAM[1], MAYA[1]}
    assert len(world.wait_inbox(ADA, 2)) == 2  # the failure, then "I introduced them": nothing more
    world.once()
    assert len(world.inbox(ADA)) == 2


def test_a_failure_note_answered_without_an_address_changes_nothing_and_asks_nobody(world):
    stale = ("Sam Rivera", f"sam@{UNDELIVERABLE_DOMAIN}")
    world.send(gmail_forward(ADA, new_message(stale, ADA, "Back pain", CLIENT_EMAIL), "Maya, could you see Sam?"),
               sender=ADA, authenticated=True)
    world.once()
    world.mail.wait_for_messages(BOT, 1)
    world.once()
    [failed] = world.wait_inbox(ADA, 1)
    world.send(reply(failed, ADA, "Thanks, I'll call him."), sender=ADA)
    world.once()
    assert world.inbox(SAM) == [] and world.inbox(MAYA) == [] and len(world.inbox(ADA)) == 1
    rows = sqlite3.connect(world.database).execute("SELECT state FROM intros").fetchall()
    assert rows == [("failed",)]


@pytest.mark.parametrize("writer, other", [(SAM, MAYA), (MAYA, SAM)])
def test_a_reply_all_from_either_party_reaches_only_the_other(world, writer, other):
    intro = introduced(world)
    answer = reply(intro, writer, "Lovely to meet you! Does Thursday work?", reply_all=True)
    assert set(recipients_of(answer)) == {other[1]}  # Reply-To names both parties; intro@ is not in it
    world.send(answer, sender=writer)
    world.mail.wait_for_messages(other[1], 3)
    world.once()
    assert len(world.inbox(writer)) == 2 and len(world.inbox(other)) == 3 and len(world.inbox(ADA)) == 1


def test_a_reply_that_still_reaches_intro_goes_to_the_other_party_and_the_writer_is_told_once(world):
    intro = introduced(world)
    world.send(reply(intro, SAM, "Thank you! When are you free?", to_from=True), sender=SAM)
    world.once()
    maya_mail = world.wait_inbox(MAYA, 3)
    passed = maya_mail[2]
    assert "When are you free?" in plain(passed)
    assert addresses(passed, "Reply-To") == {SAM[1]}
    [stepped_out] = world.wait_inbox(SAM, 3)[2:]
    assert "stepped out" in plain(stepped_out)
    world.send(reply(intro, SAM, "Also, do you take cards?", to_from=True), sender=SAM)
    world.once()
    world.wait_inbox(MAYA, 4)
    assert len(world.inbox(SAM)) == 3 and len(world.inbox(ADA)) == 1  # no second note; referrer never copied


def test_a_long_reply_that_reaches_intro_is_passed_on_whole(world):
    """Readers look at a body's first READ_LIMIT characters; a reply handed on to the other party is not cut."""
    intro = introduced(world)
    long_text = "Here is everything about my back, week by week.\n" * (READ_LIMIT // 40) + "See you Thursday, Sam."
    world.send(reply(intro, SAM, long_text, to_from=True), sender=SAM)
    world.once()
    passed = world.wait_inbox(MAYA, 3)[2]
    assert "See you Thursday, Sam." in plain(passed)


def test_a_reply_all_that_copies_intro_and_reached_the_other_sends_nothing_more(world):
    intro = introduced(world)
    answer = reply(intro, MAYA, "Hi Sam, Thursday at 3?", reply_all=True)
    answer.replace_header("To", f"{SAM[0]} <{SAM[1]}>, Intro <{BOT}>")
    world.send(answer, sender=MAYA)
    world.wait_inbox(SAM, 3)
    world.once()
    assert len(world.inbox(SAM)) == 3 and len(world.inbox(MAYA)) == 2 and len(world.inbox(ADA)) == 1


def test_a_client_who_says_no_is_never_revealed_and_the_colleague_never_asked(world):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, "No thanks, not right now."), sender=SAM)
    world.once()
    [note] = world.wait_inbox(ADA, 1)
    assert "Sam" in plain(note) and "preferred not" in plain(note)
    assert world.inbox(MAYA) == [] and len(world.inbox(SAM)) == 1


def test_a_colleague_with_standing_consent_is_introduced_after_the_client_says_yes(world):
    ask = ask_sam(world, note="Could Lio see Sam for craniosacral work?")
    world.send(reply(ask, SAM, "Yes"), sender=SAM)
    world.once()
    [intro] = world.wait_inbox(LIO, 1)
    assert addresses(intro, "To") == {SAM[1], LIO[1]}


def test_parallel_order_asks_both_at_once(mail, tmp_path):
    world = World(mail, tmp_path, order="parallel")
    forward_request(world)
    world.once()
    world.wait_inbox(SAM, 1)
    world.wait_inbox(MAYA, 1)


def test_a_cc_to_intro_names_the_colleague_and_the_client_is_the_other_recipient(world):
    cc = new_message(ADA, SAM, "Massage", "Hi Sam,\n\nI'm asking my assistant to introduce you to Maya Chen.\n\nAda\n",
                     cc=[("Intro", BOT)])
    world.send(cc, sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 2)[1:]  # Sam also got Ada's own email
    assert "Maya Chen" in ask["Subject"]


@pytest.mark.parametrize("subject, body", [
    ("Intro please", "Please introduce Kim Novak <kim@client.example> to Maya Chen.\n"),
    ("Intro: Kim Novak <kim@client.example> to Maya Chen", "Sent from my iPhone\n"),  # typed in the subject
])
def test_a_direct_line_names_both_people(world, subject, body):
    world.send(new_message(ADA, ("Intro", BOT), subject, body), sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(KIM, 1)
    assert "Hi Kim" in plain(ask) and "Maya Chen" in ask["Subject"] and world.inbox(ADA) == []


def test_an_unclear_request_asks_the_referrer_one_question_and_the_answer_completes_it(world):
    forward_request(world, note="Could you find Sam someone for massage? Thanks")
    world.once()
    [question] = world.wait_inbox(ADA, 1)
    assert world.inbox(SAM) == [] and world.inbox(MAYA) == []  # nobody is contacted before the answer
    world.send(reply(question, ADA, "Maya Chen"), sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert "Maya Chen" in ask["Subject"]


@pytest.mark.parametrize("answer", [
    "I am on holiday until Monday; in my absence please contact reception. Yes please, I'll contact Maya on my return!",
    "Yes! This is an automatic reply: I am away until Monday.",
])
def test_a_yes_beside_an_autoresponders_wording_is_not_counted_the_person_is_asked_again(world, answer):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, answer), sender=SAM)
    world.once()
    [_, again] = world.wait_inbox(SAM, 2)  # "please answer YES or NO"
    assert world.inbox(MAYA) == []
    world.send(reply(again, SAM, "Yes"), sender=SAM)
    world.once()
    assert len(world.wait_inbox(MAYA, 1)) == 1


def test_a_request_that_mentions_the_practitioners_leave_is_a_request_not_an_autoresponder(world):
    forward_request(world, note="Maya, could you see Sam? I'm on leave next week, in my absence please contact "
                                "reception; I'll check in when I'm back. Ada")
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert "Maya Chen" in ask["Subject"]


def test_a_colleague_only_guessed_at_is_offered_and_a_yes_completes_the_request(world):
    forward_request(world, note="fyi - for lio")  # a lower-case name: "may" and "will" are words too
    world.once()
    [question] = world.wait_inbox(ADA, 1)
    assert "Did you mean" in plain(question) and "Lio Park (craniosacral therapy) <lio@bodywork.example>?" in plain(question)
    assert world.inbox(SAM) == [] and world.inbox(LIO) == []
    world.send(reply(question, ADA, "Yes"), sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert "Lio Park" in ask["Subject"]


def test_a_request_naming_the_practitioner_themself_is_refused_in_one_line(world):
    direct = new_message(BEN, ("Intro", BOT), "Intro", "Please introduce Sam Rivera <sam@client.example> to "
                                                       "ben@clinic.example\n")
    world.send(direct, sender=BEN, authenticated=True)
    world.once()
    [refusal] = world.wait_inbox(BEN, 1)
    assert "named yourself" in plain(refusal) and world.inbox(SAM) == []


def test_strangers_get_no_reply_and_are_moved_to_ignored(world):
    request = new_message(KIM, ("Intro", BOT), "Intro", "Please introduce Sam Rivera <sam@client.example> "
                                                        "to Maya Chen.\n")
    world.send(request, sender=KIM, authenticated=True)
    world.once()
    assert folder_counts(world) == {"introbot/ignored": 1}
    assert world.inbox(SAM) == [] and world.inbox(KIM) == [] and world.inbox(MAYA) == []
    # An unauthenticated message from a practitioner is confirmed with them first: tests/trust/.


def test_an_out_of_office_reply_to_an_ask_is_not_an_answer_and_gets_none(world):
    ask = ask_sam(world)
    away = reply(ask, SAM, "I am out of the office until Monday. Yes, I will read your email then.")
    away.replace_header("Subject", "Automatic reply: " + str(ask["Subject"]))
    away["Auto-Submitted"] = "auto-replied"
    world.send(away, sender=SAM)
    world.once()
    assert world.inbox(MAYA) == [] and len(world.inbox(SAM)) == 1
    assert folder_counts(world)["introbot/ignored"] == 1


def test_a_yes_above_an_unmarked_copy_of_the_ask_counts_and_the_copy_does_not(world):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, "Yes please!", marked=False), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    world.send(reply(colleague_ask, MAYA, "", marked=False), sender=MAYA)  # sent by mistake, nothing written
    world.once()
    [note] = world.wait_inbox(MAYA, 2)[1:]
    assert "YES or NO" in plain(note) and len(world.inbox(SAM)) == 1


def test_answers_typed_into_gmails_respond_inline_quote_count_and_our_words_do_not(world):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, "Yes, that would be lovely.", inline=True), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    world.send(reply(colleague_ask, MAYA, "", inline=True), sender=MAYA)  # sent back with nothing typed
    world.once()
    [note] = world.wait_inbox(MAYA, 2)[1:]
    assert "YES or NO" in plain(note) and len(world.inbox(SAM)) == 1
    world.send(reply(colleague_ask, MAYA, "Happy to, thanks.", inline=True), sender=MAYA)
    world.once()
    [intro] = world.wait_inbox(SAM, 2)[1:]
    assert MAYA[1] in str(intro["To"]) + str(intro.get("Cc", ""))


CLINIC_DISCLAIMER = ("CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of "
                     "the intended recipient(s) and may contain confidential and privileged information. If you are "
                     "not the intended recipient, please contact the sender by reply e-mail and destroy all copies.")


def test_a_yes_from_a_mailbox_that_appends_a_disclaimer_below_the_quote_counts(world):
    ask = ask_sam(world)
    answer = reply(ask, SAM, "Yes please!")
    answer.set_content(plain(answer) + "\n" + CLINIC_DISCLAIMER + "\n")
    world.send(answer, sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    assert len(world.inbox(SAM)) == 1  # no "please answer YES or NO" note


def test_a_yes_written_only_in_the_subject_line_counts(world):
    ask = ask_sam(world)
    answer = reply(ask, SAM, "")
    answer.replace_header("Subject", f"{answer['Subject']} - YES")
    world.send(answer, sender=SAM)
    world.once()
    world.wait_inbox(MAYA, 1)
    assert len(world.inbox(SAM)) == 1


def test_what_a_signature_says_below_the_persons_name_does_not_cloud_their_answer(world):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, "Yes please\n\nSam Rivera\nGraphic designer\nI work Mon-Thu; if you email on a "
                               "Friday I'll reply the following week."), sender=SAM)
    world.once()
    [colleague_ask] = world.wait_inbox(MAYA, 1)
    world.send(reply(colleague_ask, MAYA, "Happy to.\n\nMaya Chen, LMT\nBodywork Studio\nIf urgent, please call "
                                          "the studio, not this address."), sender=MAYA)
    world.once()
    assert len(world.wait_inbox(SAM, 2)) == 2 and len(world.inbox(SAM)) == 2


@pytest.mark.parametrize("answer", ["Sure, happy to\n\nSam\n\nP.S. actually only if she does evening sessions, otherwise no",
                                    "Sure, happy to\n\nSam Rivera\nNo thanks, on second thought"])
def test_what_follows_the_persons_name_still_counts_when_it_says_more_than_a_signature(world, answer):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, answer), sender=SAM)
    world.once()
    assert world.inbox(MAYA) == []  # a P.S. or a no below the name is part of the answer: no yes here


def test_an_unclear_answer_gets_one_short_note(world):
    ask = ask_sam(world)
    world.send(reply(ask, SAM, "Hmm, what does she charge?"), sender=SAM)
    world.once()
    [note] = world.wait_inbox(SAM, 2)[1:]
    assert "YES or NO" in plain(note) and note["Auto-Submitted"] == "auto-replied"
    world.send(reply(ask, SAM, "And is she nice?"), sender=SAM)
    world.once()
    assert len(world.inbox(SAM)) == 2 and world.inbox(MAYA) == []


def test_a_client_who_drops_the_plus_address_is_still_understood(world):
    ask = ask_sam(world)
    answer = reply(ask, SAM, "Yes")
    answer.replace_header("To", f"Intro <{BOT}>")  # the References header still carries the token
    world.send(answer, sender=SAM)
    world.once()
    world.wait_inbox(MAYA, 1)


def test_consent_counts_only_from_the_person_asked_who_hears_once_to_answer_from_there(world):
    ask = ask_sam(world)
    world.send(reply(ask, KIM, "Yes"), sender=KIM, envelope_to=[ask["Reply-To"].addresses[0].addr_spec])
    world.once()
    assert world.inbox(MAYA) == [] and world.inbox(KIM) == []
    [note] = world.wait_inbox(SAM, 2)[1:]  # to the address asked, never to the other one
    assert "from this address" in str(note["Subject"]) and note["Auto-Submitted"] == "auto-replied"
    assert KIM[1] not in note.as_string() and "YES or NO" in plain(note)
    world.send(reply(ask, KIM, "Yes!!"), sender=KIM, envelope_to=[ask["Reply-To"].addresses[0].addr_spec])
    world.once()
    assert len(world.inbox(SAM)) == 2 and world.inbox(MAYA) == []
    world.send(reply(note, SAM, "Yes, that was me"), sender=SAM)
    world.once()
    world.wait_inbox(MAYA, 1)


def test_one_reminder_then_quiet_expiry_survive_restarts(world):
    forward_request(world)
    start = datetime.now(timezone.utc)
    config = load_config(world.config_path)
    Daemon(config, clock=lambda: start).once()
    world.wait_inbox(SAM, 1)
    Daemon(config, clock=lambda: start + timedelta(days=3, minutes=1)).once()
    [reminder] = world.wait_inbox(SAM, 2)[1:]
    assert "Reminder" in reminder["Subject"]
    Daemon(config, clock=lambda: start + timedelta(days=4)).once()
    Daemon(config, clock=lambda: start + timedelta(days=7, minutes=1)).once()
    [note] = world.wait_inbox(ADA, 1)
    assert "didn't answer" in plain(note)
    Daemon(config, clock=lambda: start + timedelta(days=30)).once()
    assert len(world.inbox(SAM)) == 2 and len(world.inbox(ADA)) == 1 and world.inbox(MAYA) == []


def test_a_client_who_said_yes_is_not_left_hanging_when_the_colleague_cannot_be_reached(mail, tmp_path):
    """The colleague's ask bounces: Ada hears at once; Sam hears, when the request would have expired
    anyway, one neutral line that reads the same as after a colleague's no or silence."""
    gone = ("Gus Gone", f"gus@{UNDELIVERABLE_DOMAIN}")
    world = World(mail, tmp_path, extra_config=f'\n[[colleagues]]\nname = "{gone[0]}"\nemail = "{gone[1]}"\n')
    world.send(new_message(ADA, ("Intro", BOT), "Intro please",
                           f"Please introduce Sam Rivera <{SAM[1]}> to {gone[0]}.\n"), sender=ADA, authenticated=True)
    start = datetime.now(timezone.utc)
    config = load_config(world.config_path)
    Daemon(config, clock=lambda: start).once()
    [ask] = world.wait_inbox(SAM, 1)
    world.send(reply(ask, SAM, "Yes please"), sender=SAM)
    Daemon(config, clock=lambda: start + timedelta(minutes=1)).once()
    world.mail.wait_for_messages(BOT, 1)  # the colleague's ask came back
    Daemon(config, clock=lambda: start + timedelta(minutes=2)).once()
    [failed] = world.wait_inbox(ADA, 1)
    assert gone[0] in plain(failed) and "could not be delivered" in plain(failed)
    assert len(world.inbox(SAM)) == 1  # nothing yet: a note now would tell Sam more than a no would

    Daemon(config, clock=lambda: start + timedelta(days=7, minutes=2)).once()
    [closing] = world.wait_inbox(SAM, 2)[1:]
    text = plain(closing)
    # It names Gus, as every closing note names the other person, and says nothing of why it is not going ahead.
    assert f"The introduction to {gone[0]} that Dr. Ada Lee suggested isn't going ahead" in text
    assert gone[0] not in closing["Subject"] and "deliver" not in text and "refused" not in text
    Daemon(config, clock=lambda: start + timedelta(days=30)).once()
    assert len(world.inbox(SAM)) == 2 and len(world.inbox(ADA)) == 1


def test_the_database_is_private_to_its_owner(world):
    forward_request(world)
    world.once()
    assert world.database.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(world.database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("answer, marked", [("2", True), ("Maya Alvarez please", False)],
                         ids=["a number", "a name above the list quoted without marks"])
def test_two_fitting_colleagues_are_listed_and_a_short_answer_picks_one(mail, tmp_path, answer, marked):
    world = World(mail, tmp_path, extra_config='\n[[colleagues]]\nname = "Maya Alvarez"\n'
                                                'email = "alvarez@bodywork.example"\nspecialty = "yoga therapy"\n')
    forward_request(world, note="Maya would be great for Sam.")
    world.once()
    [question] = world.wait_inbox(ADA, 1)
    text = plain(question)
    assert "1. Maya Chen" in text and "2. Maya Alvarez" in text and world.inbox(SAM) == []
    world.send(reply(question, ADA, answer, marked=marked), sender=ADA, authenticated=True)
    world.once()
    [ask] = world.wait_inbox(SAM, 1)
    assert "Maya Alvarez" in ask["Subject"]


def test_a_practitioner_asks_for_status_and_cancels_by_email(world):
    ask = ask_sam(world)
    world.send(new_message(ADA, ("Intro", BOT), "status", "\n"), sender=ADA, authenticated=True)
    world.once()
    [status] = world.wait_inbox(ADA, 1)
    text = plain(status)
    assert "Sam Rivera and Maya Chen" in text and "waiting for Sam Rivera" in text
    [intro_id] = re.findall(r"^\s+([a-z2-7]{8}): Sam Rivera", text, re.MULTILINE)
    world.send(reply(status, ADA, f"cancel {intro_id}"), sender=ADA, authenticated=True)
    world.once()
    [cancelled] = world.wait_inbox(ADA, 2)[1:]
    assert cancelled["Subject"] == "Cancelled: Sam and Maya" and intro_id in plain(cancelled)
    world.send(reply(ask, SAM, "Yes!"), sender=SAM)
    world.once()
    assert world.inbox(MAYA) == [] and len(world.inbox(SAM)) == 1
    world.send(new_message(BEN, ("Intro", BOT), f"cancel {intro_id}", "\n"), sender=BEN, authenticated=True)
    world.once()
    [refusal] = world.wait_inbox(BEN, 1)  # another practitioner cannot touch Ada's requests
    assert "no open request" in plain(refusal)


def test_dry_run_records_what_would_be_sent_and_sends_nothing(mail, tmp_path, capsys):
    world = World(mail, tmp_path)
    world.config_path.write_text(world.config_path.read_text().replace('referrer_notes = "each"',
                                                                       'referrer_notes = "each"\ndry_run = true'))
    forward_request(world)
    world.once()
    assert folder_counts(world) == {"introbot/processed": 1}
    assert world.inbox(SAM) == [] and world.inbox(ADA) == []
    with sqlite3.connect(world.database) as db:
        assert db.execute("SELECT kind, status FROM outbox").fetchall() == [("ask_client", "recorded")]


def test_operators_and_practitioners_reword_mail_without_touching_code(mail, tmp_path):
    mine = tmp_path / "mine"
    (mine / "en").mkdir(parents=True)
    (mine / "en" / "ask_client.txt").write_text(
        "{% block subject %}A suggestion from {{ referrer.name }}{% endblock %}"
        "{% block body %}Hello {{ client.first_name }}! Reply YES or NO.{% endblock %}")
    (mine / "practitioners" / ADA[1] / "en").mkdir(parents=True)
    (mine / "practitioners" / ADA[1] / "_signature.txt").write_text("Ada's practice, Tuesdays to Fridays")
    world = World(mail, tmp_path)
    world.config_path.write_text(world.config_path.read_text().replace(
        'database = "introbot.sqlite3"', 'database = "introbot.sqlite3"\ntemplates = "mine"'))
    ask = ask_sam(world)
    assert ask["Subject"] == "A suggestion from Dr. Ada Lee"
    assert plain(ask).startswith("Hello Sam! Reply YES or NO.")
    assert plain(ask).rstrip().endswith("Ada's practice, Tuesdays to Fridays")
