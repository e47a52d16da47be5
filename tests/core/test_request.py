"""Who should meet whom: requests as practitioners write them, understood without guessing."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from introbot.config import Person
from introbot.core.request import (_DIRECT, Candidate, Directory, Refusal, Understood, redact_for_colleague,
                                   resolve_clarification, understand, without_people)

BOT = "intro@collective.example"
ADA = Person("Dr. Ada Lee", "ada@clinic.example", website="https://clinic.example", specialty="acupuncture")
SAM_OKAFOR = Person("Sam Okafor", "okafor@mindful.example", specialty="psychotherapy")
MAYA = Person("Maya Chen", "maya@bodywork.example", website="https://bodywork.example", specialty="massage therapy")
MAYA_A = Person("Maya Alvarez", "alvarez@movement.example", website="https://movement.example",
                specialty="yoga therapy")
LIO = Person("Lio Park", "lio@craniosacral.example", website="https://craniosacral.example",
             specialty="craniosacral therapy")
DIRECTORY = Directory([ADA, SAM_OKAFOR, MAYA, MAYA_A, LIO])


def message(body: str, to: str = f"Intro <{BOT}>", cc: str = "", subject: str = "Intro") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Dr. Ada Lee <ada@clinic.example>"
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def forward(note: str) -> EmailMessage:
    return message(f"{note}\n\n---------- Forwarded message ---------\nFrom: Sam Rivera <sam@client.example>\n"
                   "Date: Mon, 2 Mar 2026 at 09:00\nSubject: Back pain\nTo: Dr. Ada Lee <ada@clinic.example>\n\n"
                   "Hi, my back hurts. Sam\n", subject="Fwd: Back pain")


def understood(msg: EmailMessage) -> Understood:
    result = understand(msg, ADA, DIRECTORY, BOT)
    assert isinstance(result, Understood), result
    return result


def emails(candidates) -> list[str]:
    return [c.email for c in candidates]


@pytest.mark.parametrize("note, colleague", [
    ("Maya Chen could help Sam, I think.", MAYA.email),
    ("Please ask maya@bodywork.example", MAYA.email),
    ("Could Lio see Sam?", LIO.email),  # a first name unique in the directory
    ("She should see Maya (massage) at bodywork.example", MAYA.email),  # two Mayas: the specialty decides
    ("Maya at movement.example would suit Sam", MAYA_A.email),  # two Mayas: the website decides
    ("Someone at craniosacral.example, please", LIO.email),
    ("Please introduce to someone.new@elsewhere.example", "someone.new@elsewhere.example"),
])
def test_the_colleague_is_found_in_the_note_above_a_forward(note, colleague):
    result = understood(forward(note))
    assert result.shape == "forward" and result.client.email == "sam@client.example"
    assert result.colleague is not None and result.colleague.email == colleague
    assert result.missing == ""


def test_the_client_s_first_name_does_not_make_a_namesake_the_colleague():
    result = understood(forward("Lio, could you see Sam for his back? Ada"))  # Sam Okafor is in the directory
    assert result.colleague.email == LIO.email


def test_several_fitting_colleagues_are_offered_not_guessed():
    result = understood(forward("Maya would be great for Sam."))
    assert result.colleague is None and result.missing == "colleague"
    assert sorted(emails(result.options)) == sorted([MAYA.email, MAYA_A.email])


def test_no_colleague_named_means_a_question_with_no_options():
    result = understood(forward("Could you find Sam someone?"))
    assert result.missing == "colleague" and result.options == ()


@pytest.mark.parametrize("line, client, colleague, hint", [
    ("Please introduce Sam Rivera <sam@client.example> to Maya Chen.", "sam@client.example", MAYA.email, ""),
    ("Please connect kim@client.example with lio@craniosacral.example", "kim@client.example", LIO.email, ""),
    ("Introduce Maya Chen to Kim Novak <kim@client.example>", "kim@client.example", MAYA.email, ""),
    ("Please introduce Kim to Maya Chen", None, MAYA.email, "Kim"),
    # Sam is also a colleague's first name (Sam Okafor): a client called Sam is asked about, not guessed.
    ("Please introduce Sam to Maya Chen", None, MAYA.email, "Sam"),
    ("Please introduce Sam Okafor to Maya Chen", SAM_OKAFOR.email, MAYA.email, ""),
    ("Sam Rivera <sam@client.example>, meet Lio Park", "sam@client.example", LIO.email, ""),
])
def test_a_direct_line_names_both_people_either_way_round(line, client, colleague, hint):
    result = understood(message(line + "\n"))
    assert result.shape == "direct"
    assert (result.client.email if result.client else None) == client
    assert result.colleague.email == colleague
    assert result.client_hint == hint


@pytest.mark.timeout(60)  # a hang guard, not a speed claim: tried from every character, this took minutes
@pytest.mark.parametrize("run", ["a", "?", "Sam "])
def test_the_name_before_meet_is_looked_for_in_linear_time_on_a_long_line_without_a_comma(run):
    line = run * (200_000 // len(run))
    assert _DIRECT.search(line) is None
    assert _DIRECT.search(f"{line}\nSam Rivera, meet Lio Park").group("meet_first") == "Sam Rivera"
    assert _DIRECT.search(f"{line}, meet Lio Park").group("meet_first") == line


def test_a_cc_makes_the_other_recipient_the_client():
    result = understood(message("Hi Sam,\n\nI'd like you to meet Maya Chen; my assistant will ask you both.\n",
                                to="Sam Rivera <sam@client.example>", cc=f"Intro <{BOT}>"))
    assert result.shape == "cc" and result.client.email == "sam@client.example"
    assert result.colleague.email == MAYA.email


@pytest.mark.parametrize("line, why", [
    ("Please introduce Sam Rivera <sam@client.example> to ada@clinic.example", "self"),
    ("Please introduce Sam Rivera <sam@client.example> to intro@collective.example", "bot-address"),
    ("Please introduce Sam Rivera <sam@client.example> to intro+x@collective.example", "bot-address"),
    ("Please introduce maya@bodywork.example to Maya Chen", "same-person"),
])
def test_requests_naming_the_wrong_people_are_refused_with_a_reason(line, why):
    assert understand(message(line + "\n"), ADA, DIRECTORY, BOT) == Refusal(why)


OPTIONS = (DIRECTORY.candidate(MAYA.email), DIRECTORY.candidate(MAYA_A.email))


@pytest.mark.parametrize("answer, expected", [
    ("2", MAYA_A.email),
    ("Number 1 please", MAYA.email),
    ("Maya Alvarez", MAYA_A.email),
    ("maya@bodywork.example\n\nOn Mon, Intro wrote:\n> 1. Maya Chen", MAYA.email),
    ("Lio Park instead", LIO.email),
    ("no idea", None),
])
def test_the_referrer_s_one_line_answer_completes_the_request(answer, expected):
    found = resolve_clarification(answer, "colleague", OPTIONS, DIRECTORY, {ADA.email, BOT})
    assert emails(found) == ([expected] if expected else [])


@pytest.mark.parametrize("answer, expected", [
    ("Yes", LIO.email),
    ("Yes please!", LIO.email),
    ("Ja, genau.", LIO.email),
    ("1", LIO.email),
    ("No, Maya Chen", MAYA.email),
    ("Yes, Maya Chen", MAYA.email),
    ("No", None),
    ("Hmm, not sure", None),
    ("No, not Lio.", None),
    ("nope, not lio park", None),
    ("Not Lio Park but Maya Chen", MAYA.email),
])
def test_a_yes_takes_the_one_colleague_offered_and_a_name_still_wins(answer, expected):
    offered = (DIRECTORY.candidate(LIO.email),)
    found = resolve_clarification(answer, "colleague", offered, DIRECTORY, {ADA.email, BOT})
    assert emails(found) == ([expected] if expected else [])


def test_a_yes_is_no_answer_when_several_colleagues_were_offered():
    assert resolve_clarification("Yes", "colleague", OPTIONS, DIRECTORY, {ADA.email, BOT}) == ()


def test_a_missing_client_address_is_taken_from_the_answer():
    found = resolve_clarification("It's sam.rivera@client.example", "client", (), DIRECTORY, {ADA.email, BOT})
    assert found == (Candidate("sam.rivera@client.example"),)


def test_the_colleague_sees_no_surname_address_or_phone_of_the_client():
    note = "Sam Rivera (sam@client.example, +44 7700 900123) has back pain; Rivera prefers mornings."
    redacted = redact_for_colleague(note, Candidate("sam@client.example", "Sam Rivera"))
    assert "Rivera" not in redacted and "sam@client.example" not in redacted and "7700" not in redacted
    assert redacted.startswith("Sam ") and "back pain" in redacted


# Found by writing requests the way busy practitioners do (an adversarial review of 219 requests).

@pytest.mark.parametrize("line", [
    "Pls intro Sam Rivera sam@client.example to Lio",
    "Introduce Sam Rivera <sam@client.example> & Lio Park",
    "sam@client.example -> Lio Park please",
    "Peux-tu présenter Sam Rivera <sam@client.example> à Lio Park ?",
    "Bitte Sam Rivera (sam@client.example) mit Lio Park bekannt machen.",
    "CONNECT SAM@CLIENT.EXAMPLE WITH LIO",
])
def test_a_direct_line_in_any_wording_never_makes_the_client_the_colleague(line):
    result = understood(message(line + "\n"))
    assert result.client.email == "sam@client.example" and result.colleague.email == LIO.email
    assert result.client.name in ("Sam Rivera", "")


def test_a_request_written_to_the_colleague_with_intro_in_cc_keeps_the_roles():
    result = understood(message("Hi Maya, could you see my client Sam Rivera (sam@client.example)?\n",
                                to="Maya Chen <maya@bodywork.example>", cc=f"Intro <{BOT}>"))
    assert result.client.email == "sam@client.example" and result.colleague.email == MAYA.email
    asked = understood(message("Hi Maya, could you see Sam?\n", to="Maya Chen <maya@bodywork.example>",
                               cc=f"Intro <{BOT}>"))
    assert asked.colleague.email == MAYA.email and asked.missing == "client"  # not Maya as the client


def test_a_cc_to_one_colleague_about_another_makes_the_first_the_client():
    result = understood(message("Sam, meet Lio Park; my assistant will ask you both.\n",
                                to="Sam Okafor <okafor@mindful.example>", cc=f"Intro <{BOT}>"))
    assert result.client.email == SAM_OKAFOR.email and result.colleague.email == LIO.email


def test_a_full_name_does_not_hide_another_colleague_named_in_the_note():
    result = understood(forward("Maya Chen is on leave, could Lio see Sam instead?"))
    assert result.colleague is None and sorted(emails(result.options)) == sorted([MAYA.email, LIO.email])


@pytest.mark.parametrize("note, colleague", [
    ("Lio? (not Maya Chen, she's full)", LIO),
    ("Please see Sam: Maya Chen, not Maya Alvarez.", MAYA),
    ("Maya Alvarez rather than Maya Chen, please.", MAYA_A),
    ("Lio statt Maya Chen, bitte.", LIO),
    ("Plutôt Lio, pas Maya Chen.", LIO),
])
def test_a_colleague_ruled_out_with_a_not_leaves_the_other(note, colleague):
    result = understood(forward(note))
    assert result.colleague.email == colleague.email and result.options == ()


def test_the_one_colleague_named_only_to_be_ruled_out_is_neither_chosen_nor_offered():
    result = understood(forward("Not Lio Park - he's full. Someone else for Sam?"))
    assert result.colleague is None and result.options == ()


def test_a_colleague_only_ever_named_after_a_not_is_still_asked_about():
    result = understood(forward("Not Maya Chen, not Lio; who else is free?"))
    assert result.colleague is None and sorted(emails(result.options)) == sorted([MAYA.email, LIO.email])


@pytest.mark.parametrize("note", ["@Lio Park could you see Sam?", "cc @Lio: could you see Sam?"])
def test_a_chat_style_mention_names_the_colleague(note):
    assert understood(forward(note)).colleague.email == LIO.email


def test_an_address_at_a_colleagues_first_name_domain_does_not_name_them():
    directory = Directory([ADA, LIO])
    result = understand(message("Please introduce sam@lio.example to someone\n"), ADA, directory, BOT)
    assert result.colleague is None and result.options == ()


def test_a_forward_sent_to_a_colleague_with_intro_copied_is_for_that_colleague():
    msg = forward("Hi Maya, could you see Sam? I've copied our intro assistant.")
    del msg["To"]
    msg["To"], msg["Cc"] = "Maya Chen <maya@bodywork.example>", f"Intro <{BOT}>"
    result = understood(msg)
    assert result.client.email == "sam@client.example" and result.colleague.email == MAYA.email


def test_a_forward_sent_to_a_colleague_does_not_override_the_colleague_the_note_names():
    msg = forward("Lio, could you see Sam? Maya, for your information.")
    del msg["To"]
    msg["To"], msg["Cc"] = "Maya Chen <maya@bodywork.example>", f"Intro <{BOT}>"
    assert understood(msg).colleague is None  # Lio and Maya both named: asked, not guessed


@pytest.mark.parametrize("copied", ["Front Desk <desk@clinic.example>", "Ada Lee <ada.lee@gmail.example>"])
def test_the_practices_front_desk_or_own_other_address_copied_in_is_not_the_client(copied):
    result = understood(message("Hi Sam, meet Lio Park. Ada\n", to="Sam Rivera <sam@client.example>",
                                cc=f"Intro <{BOT}>, {copied}"))
    assert result.client.email == "sam@client.example" and result.colleague.email == LIO.email


def test_two_clients_copied_in_are_asked_about_even_at_the_practitioners_own_mail_provider():
    result = understood(message("Hi both, meet Lio Park. Ada\n", to="Sam <sam@clinic.example>, Jo <jo@clinic.example>",
                                cc=f"Intro <{BOT}>"))
    assert result.client is None


@pytest.mark.parametrize("note, options", [
    ("fyi - for lio", [LIO]),
    ("Could the craniosacral therapist see Sam?", [LIO]),
    ("a massage therapist, please", [MAYA]),
    ("Could you introduce her to Lio Parkin?", [LIO]),  # a case ending, in a language that has none
    ("could a therapist see her?", [MAYA, MAYA_A, LIO]),
])
def test_a_colleague_only_guessed_at_is_offered_as_an_option_never_chosen(note, options):
    result = understood(forward(note))
    assert result.colleague is None and sorted(emails(result.options)) == sorted(p.email for p in options)


@pytest.mark.parametrize("below", ["Lio - could you see Sam? Ada", "Maybe Maya Chen? A."])
def test_a_note_typed_below_the_forward_is_only_offered(below):
    msg = message("---------- Forwarded message ---------\nFrom: Sam Rivera <sam@client.example>\n"
                  "Date: Mon, 2 Mar 2026 at 09:00\nSubject: Back pain\nTo: Dr. Ada Lee <ada@clinic.example>\n\n"
                  f"Hi, my back hurts. Sam\n\n{below}\n", subject="Fwd: Back pain")
    result = understood(msg)
    assert result.client.email == "sam@client.example" and result.colleague is None
    assert len(result.options) == 1 and result.options[0].email in (LIO.email, MAYA.email)


def test_an_address_at_the_end_of_a_bare_forward_is_never_offered_as_the_colleague():
    msg = message("---------- Forwarded message ---------\nFrom: Sam Rivera <sam@client.example>\n"
                  "Date: Mon, 2 Mar 2026 at 09:00\nSubject: Back pain\nTo: Dr. Ada Lee <ada@clinic.example>\n\n"
                  "Hi, my back hurts. Please copy my wife jo@client.example. Sam\n", subject="Fwd: Back pain")
    assert understood(msg).options == ()


def test_a_guess_fitting_too_many_colleagues_is_no_guess():
    people = [Person(f"Pat Number{i}", f"pat{i}@team.example", specialty="massage") for i in range(6)]
    result = understand(forward("A massage colleague, please."), ADA, Directory([ADA, *people]), BOT)
    assert result.colleague is None and result.options == ()


def test_a_forward_of_the_practitioners_own_mail_takes_no_hint_from_their_own_name():
    msg = message("Lio, could you see Sam?\n\n---------- Forwarded message ---------\nFrom: Ada Lee <ada@clinic.example>\n"
                  "Date: Mon, Mar 2, 2026 at 10:00 AM\nSubject: Re: Back pain\n"
                  "To: Sam Rivera <sam@client.example>, Jo Rivera <jo@client.example>\n\nSam, I'll ask around.\n",
                  subject="Fwd: Re: Back pain")
    result = understood(msg)
    assert result.client is None and result.client_hint == "" and result.colleague.email == LIO.email


def test_the_referrer_signing_the_note_names_nobody_and_their_signature_stays_out_of_the_note():
    result = understood(forward("Lio, could you see Sam?\n\nAda Lee, L.Ac.\nClinic Example | 4 Harbour Rd\n"
                                "T: 020 7946 0000\nwww.clinic.example"))
    assert result.colleague.email == LIO.email and result.note == "Lio, could you see Sam?"


def test_an_unknown_address_beside_a_named_colleague_is_asked_about_not_taken():
    result = understood(forward("Lio, could you see Sam? Use her personal address sam.r@home.example"))
    assert result.colleague is None and LIO.email in emails(result.options)


@pytest.mark.parametrize("line", ["Please introduce Sam Rivera to Lio", "Please introduce Sam Rivera to Lio Park"])
def test_a_client_whose_first_name_a_colleague_shares_is_not_that_colleague(line):
    result = understood(message(line + "\n"))
    assert result.client is None and result.client_hint == "Sam Rivera" and result.colleague.email == LIO.email


@pytest.mark.parametrize("sender, note", [
    ("sam@client.example", "Lio, could you see Sam?"),  # no display name: "sam" in the address
    ("Samantha Rivera <sam@client.example>", "Lio, could you see Sam?"),  # a short form of her name
])
def test_the_client_s_name_in_any_form_does_not_make_a_namesake_a_candidate(sender, note):
    msg = message(f"{note}\n\n---------- Forwarded message ---------\nFrom: {sender}\n"
                  "Date: Mon, 2 Mar 2026 at 09:00\nSubject: Back pain\nTo: Dr. Ada Lee <ada@clinic.example>\n\n"
                  "Hi, my back hurts.\n", subject="Fwd: Back pain")
    assert understood(msg).colleague.email == LIO.email


@pytest.mark.parametrize("note", ["She should see Maya (massage therapy).", "Maya at www.bodywork.example"])
def test_a_clue_every_namesake_shares_does_not_hide_the_one_that_decides(note):
    assert understood(forward(note)).colleague.email == MAYA.email


def test_a_forward_of_a_forward_from_the_practitioner_s_own_practice_asks_for_the_client():
    inner = ("---------- Forwarded message ---------\nFrom: Sam Rivera <sam@client.example>\n"
             "Date: Mon, 2 Mar 2026 at 09:00\nSubject: Back pain\nTo: desk@clinic.example\n\nHi, my back hurts.\n")
    msg = message("Lio, could you see Sam?\n\n---------- Forwarded message ---------\n"
                  "From: Front Desk <desk@clinic.example>\nDate: Mon, 2 Mar 2026 at 10:00\nSubject: Fwd: Back pain\n"
                  f"To: Dr. Ada Lee <ada@clinic.example>\n\nFor you.\n\n{inner}", subject="Fwd: Fwd: Back pain")
    result = understood(msg)
    assert result.client is None and result.colleague.email == LIO.email


def test_a_name_written_last_name_first_is_read_first_name_first_and_redacted():
    client = DIRECTORY.candidate("sam@client.example", "Rivera, Sam")
    assert client.name == "Sam Rivera"
    redacted = redact_for_colleague("Sam Rivera-Lopez asked; Lopez prefers mornings.",
                                    Candidate("sam@client.example", "Sam Rivera-Lopez"))
    assert "Lopez" not in redacted and "Rivera" not in redacted and redacted.startswith("Sam ")


def test_an_html_request_naming_people_by_mailto_links_finds_their_addresses():
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Dr. Ada Lee <ada@clinic.example>", f"Intro <{BOT}>", "Intro"
    msg.set_content('<p>Please introduce <a href="mailto:sam@client.example">Sam Rivera</a> to '
                    '<a href="mailto:lio@craniosacral.example">Lio Park</a>.</p>', subtype="html")
    result = understood(msg)
    assert result.client.email == "sam@client.example" and result.client.name == "Sam Rivera"
    assert result.colleague.email == LIO.email


def forward_from(sender: str, body: str, note: str = "Could you introduce Sam to Maya Chen?") -> EmailMessage:
    return message(f"{note}\n\n---------- Forwarded message ---------\nFrom: {sender}\n"
                   "Date: Mon, 2 Mar 2026 at 09:00\nSubject: Back pain\nTo: Dr. Ada Lee <ada@clinic.example>\n\n"
                   f"{body}\n", subject="Fwd: Back pain")


def test_a_forward_of_a_group_that_wrote_over_the_clients_address_asks_for_it():
    result = understood(forward_from("'Sam Rivera' via Front Desk <frontdesk@clinic.example>", "Hi, my back hurts. Sam"))
    assert result.client is None and result.client_hint == "Sam Rivera" and result.colleague.email == MAYA.email


@pytest.mark.parametrize("sender, body", [
    ("Squarespace <form-submission@squarespace.example>",
     "Sent via form submission from Lee Acupuncture\n\nName: Sam Rivera\n\nEmail Address: sam@client.example\n\n"
     "Message: I have lower back pain, do you do massage?"),
    ("Wix Forms <no-reply@wix.example>", "First name: Sam\nLast name: Rivera\nEmail: sam@client.example\nMessage: back pain"),
    ("Clinic Support <support@clinic.zendesk.example>", "Sam Rivera (sam@client.example)\n\nHi Ada, my back hurts."),
])
def test_a_forwarded_form_or_helpdesk_notification_gives_the_client_in_its_text_not_the_robot(sender, body):
    result = understood(forward_from(sender, body))
    assert result.client.email == "sam@client.example" and result.colleague.email == MAYA.email


def test_a_form_notification_without_one_clients_address_asks_for_it():
    result = understood(forward_from("Wix Forms <no-reply@wix.example>", "Name: Sam Rivera\nPhone: 020 7946 0000"))
    assert result.client is None and result.client_hint == "Sam Rivera"


def attached(sender: str, body: str) -> EmailMessage:
    inner = EmailMessage()
    inner["From"], inner["To"], inner["Subject"] = sender, "Dr. Ada Lee <ada@clinic.example>", "Back pain"
    inner.set_content(body)
    return inner


@pytest.mark.parametrize("note, client", [
    ("Could you introduce Sam to Maya Chen? Her GP's letter is attached too.", "sam@client.example"),
    ("Could you introduce this client to Maya Chen?", None),  # which of the two is the client is asked
])
def test_several_attached_messages_from_different_people_take_the_one_the_note_names(note, client):
    msg = message(note)
    for sender, body in [("Dr. Helen Grant <h.grant@practice.example>", "Dear Sam, I recommend massage."),
                         ("Sam Rivera <sam@client.example>", "Hi Ada, my back hurts.")]:
        msg.add_attachment(attached(sender, body))
    result = understood(msg)
    assert (result.client.email if result.client else None) == client and result.colleague.email == MAYA.email


@pytest.mark.parametrize("note", ["Maya Chenさんを紹介してください", "请介绍给Maya Chen", "Maya Chen님께 소개해 주세요"])
def test_a_name_written_against_kana_cjk_or_hangul_is_still_that_name(note):
    assert understood(forward(note)).colleague.email == MAYA.email


@pytest.mark.parametrize("header", [
    "보낸 사람: 김민지 <minji@client.example>\n보낸 날짜: 2025년 3월 3일 월요일 오전 9:31\n제목: 허리 통증",
    "-------- Προωθημένο μήνυμα --------\nΘέμα: \tΠόνος στη μέση\nΑπό: \tΓιώργος <minji@client.example>",
    "จาก: Minji Kim <minji@client.example>\nส่ง: 3 มีนาคม 2568 9:31\nเรื่อง: ปวดหลัง",
])
def test_mail_embedded_in_a_form_introbot_does_not_know_never_passes_for_the_referrers_note(header):
    result = understood(message(f"Could Maya Chen see her? Lower back pain.\n\n{header}\n\n"
                                "Hi Ada, I've had back pain for months and my knee hurts too.\n"))
    assert result.client.email == "minji@client.example" and result.colleague.email == MAYA.email
    assert result.note == "Could Maya Chen see her? Lower back pain."


def test_at_a_public_mail_provider_the_practitioners_domain_says_nothing_about_who_is_the_client():
    ada = Person("Ada Lee", "ada.lee@gmail.example")
    result = understand(message("Hi both, meet Lio Park. Ada\n", to="Sam Rivera <sam.rivera@gmail.example>, "
                                "Jo Rivera <jo@partner.example>", cc=f"Intro <{BOT}>"), ada, Directory([ada, LIO]), BOT)
    assert result.client is None and result.colleague.email == LIO.email


def test_a_one_character_name_inside_a_word_of_a_spaceless_script_names_no_one():
    li = Person("明 李", "li@clinic-two.example")
    directory = Directory([ADA, li, Person("田中 花子", "tanaka@seitai.example")])
    assert directory.named_in("请明天给Sam打电话") == []  # 明天: tomorrow
    assert [p.email for p in directory.named_in("田中先生にお願いします")] == ["tanaka@seitai.example"]


def test_a_structured_note_with_the_clients_address_is_kept_whole():
    result = understood(message("Please introduce:\nClient: Sam Rivera <sam@client.example>\nColleague: Maya Chen\n"
                                "Why: lower back pain, prefers mornings\n"))
    assert result.client.email == "sam@client.example" and "prefers mornings" in result.note


def test_only_the_first_20000_characters_of_a_request_are_read_for_names():
    padding = "Some background on the case. " * 700  # 20,300 characters
    assert understood(message(f"Please introduce Sam Rivera <sam@client.example> to Maya Chen. {padding}"
                              )).colleague.email == MAYA.email
    assert understood(message(f"Please see Sam Rivera <sam@client.example>. {padding} Lio Park, perhaps.")
                      ).colleague is None


# Several colleagues in one request: each gets an intro of its own when the note lists them, and only them.
JO = Person("Jo Berg", "jo@osteo.example", specialty="osteopathy")
NOOR = Person("Noor Haddad", "noor@nutrition.example", specialty="nutrition")
WITH_JO = Directory([ADA, SAM_OKAFOR, MAYA, MAYA_A, LIO, JO, NOOR])


@pytest.mark.parametrize("line, colleagues", [
    ("Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park.", [MAYA, LIO]),
    ("Please introduce Sam Rivera <sam@client.example> to Maya Chen <maya@bodywork.example> and Lio Park.", [MAYA, LIO]),
    ("Please introduce Sam Rivera <sam@client.example> to Maya Chen (massage) & Lio Park (craniosacral).", [MAYA, LIO]),
    ("Please introduce Sam Rivera <sam@client.example> to Lio Park, Jo Berg and Maya Chen", [LIO, JO, MAYA]),
    ("Please introduce Sam Rivera <sam@client.example> to Lio and Jo", [LIO, JO]),  # first names theirs alone
    ("Please introduce Maya Chen and Lio Park to Sam Rivera <sam@client.example>", [MAYA, LIO]),
    ("Sam Rivera <sam@client.example>, meet my colleagues Maya Chen and Lio Park!", [MAYA, LIO]),
    # A word about one of them after the list does not undo it.
    ("Please introduce Sam Rivera <sam@client.example> to Maya Chen and Lio Park. Lio may suit best.", [MAYA, LIO]),
    ("Please introduce Sam Rivera <sam@client.example> to maya@bodywork.example and lio@craniosacral.example",
     [MAYA, LIO]),
])
def test_colleagues_listed_together_are_each_introduced(line, colleagues):
    result = understand(message(line + "\n"), ADA, WITH_JO, BOT)
    assert isinstance(result, Understood) and result.options == ()
    assert emails([result.colleague, *result.further_colleagues]) == [p.email for p in colleagues]


@pytest.mark.parametrize("line", [
    "Please introduce Sam Rivera <sam@client.example> to Maya Chen or Lio Park.",  # a choice, not a list
    "Please introduce Sam Rivera <sam@client.example> to Maya Chen, Lio Park.",  # no "and": maybe a correction
    "Please introduce Sam Rivera <sam@client.example> to Maya and Lio",  # two Mayas
    "Please introduce Sam Rivera <sam@client.example> to Lio Park, Maya Chen and Lio Park",  # named twice
    "Please introduce Sam Rivera <sam@client.example> to Noor Haddad, Maya Chen, Jo Berg and Lio Park",  # too many
    "Please introduce Sam Rivera <sam@client.example> to someone like Maya Chen and Lio Park",
    # Only English words of introducing are read for a list; "beide" answers the question.
    "Bitte stellen Sie Sam Rivera <sam@client.example> Maya Chen und Lio Park vor.",
])
def test_colleagues_not_surely_meant_together_are_asked_about(line):
    result = understand(message(line + "\n"), ADA, WITH_JO, BOT)
    assert isinstance(result, Understood) and result.colleague is None and result.further_colleagues == ()
    assert len(result.options) >= 2


@pytest.mark.parametrize("note, colleagues", [
    ("Could you introduce Sam to both Maya Chen and Lio Park?", [MAYA, LIO]),
    ("Please introduce to Lio Park and Maya Chen", [LIO, MAYA]),  # the client goes without saying
    ("Could you connect with Maya Chen and Lio Park? Thanks", [MAYA, LIO]),
    ("Please introduce to Maya Chen or Lio Park", []),  # a choice
    # A list said for another reason is asked about (found by review).
    ("Maya Chen and Lio Park could both help Sam.", []),
    ("Sam has already seen Maya Chen and Lio Park, without luck.", []),
    ("Hi Maya, Lio Park and Jo Berg are full - could you see Sam?", []),
])
def test_a_forward_note_lists_colleagues_only_as_what_introducing_is_asked_for(note, colleagues):
    noted = understand(forward(note), ADA, WITH_JO, BOT)
    assert emails(noted.further_colleagues) == [p.email for p in colleagues[1:]]
    assert not colleagues or noted.colleague.email == colleagues[0].email


def test_a_line_without_the_clients_address_lists_colleagues_too():
    direct = understood(message("Please introduce Sam to Maya Chen and Lio Park.\n"))
    assert direct.missing == "client" and direct.client_hint == "Sam"
    assert emails([direct.colleague, *direct.further_colleagues]) == [MAYA.email, LIO.email]


THREE = (DIRECTORY.candidate(MAYA.email), DIRECTORY.candidate(MAYA_A.email), DIRECTORY.candidate(LIO.email))


@pytest.mark.parametrize("answer, options, expected", [
    ("Both, please", OPTIONS, [MAYA, MAYA_A]),
    ("beide bitte", OPTIONS, [MAYA, MAYA_A]),
    ("Les deux, merci !", OPTIONS, [MAYA, MAYA_A]),
    ("1 and 2", OPTIONS, [MAYA, MAYA_A]),
    ("3 y 1", THREE, [LIO, MAYA]),
    ("All of them", THREE, [MAYA, MAYA_A, LIO]),
    ("Maya Alvarez and Lio Park", THREE, [MAYA_A, LIO]),
    ("Both", THREE, []),  # which two of three?
    ("1 and 4", THREE, []),
    ("Both are good but Maya Chen is closer", OPTIONS, [MAYA]),
    ("Maya Chen or Maya Alvarez, I'm not sure", OPTIONS, []),
])
def test_the_referrer_may_answer_with_several_colleagues(answer, options, expected):
    found = resolve_clarification(answer, "colleague", options, DIRECTORY, {ADA.email, BOT})
    assert emails(found) == [p.email for p in expected]


def test_numbers_name_no_client():
    assert resolve_clarification("1 and 2", "client", OPTIONS, DIRECTORY, {ADA.email, BOT}) == ()


def test_each_colleague_reads_the_note_without_the_others_offered():
    note = ("Please introduce Kim Novak to Maya Chen <maya@bodywork.example> and Lio Park. Lio is lovely; "
            "Dr. Park is at craniosacral.example. maya rocks.")
    assert without_people(note, [MAYA], LIO) == ("Please introduce Kim Novak to […] <[…]> and Lio Park. Lio is lovely; "
                                                 "Dr. Park is at craniosacral.example. maya rocks.")
    assert without_people(note, [LIO], MAYA) == ("Please introduce Kim Novak to Maya Chen <maya@bodywork.example> and "
                                                 "[…]. […] is lovely; Dr. […] is at […]. maya rocks.")


def test_a_colleague_keeps_her_own_name_where_the_other_shares_a_word_of_it():
    note = "Could you introduce Sam to Maya Chen and Maya Alvarez? Maya Chen knows backs."
    assert without_people(note, [MAYA_A], MAYA) == "Could you introduce Sam to Maya Chen and […]? Maya Chen knows backs."


@pytest.mark.parametrize("subject, body", [
    ("Intro: Sam Rivera <sam@client.example> to Maya Chen", ""),
    ("Re: Sam Rivera <sam@client.example> -> Maya Chen", "Thanks!"),
    ("Please introduce sam@client.example to Maya Chen", "Sent from my iPhone"),
])
def test_a_request_typed_in_the_subject_with_nothing_naming_anyone_below_is_read_from_it(subject, body):
    result = understood(message(body, subject=subject))
    assert (result.client.email, result.colleague.email) == ("sam@client.example", MAYA.email)
    assert "Maya" not in result.note  # the note is the body's own words: the subject was said to introbot


def test_the_subject_is_not_read_when_the_body_names_someone():
    result = understood(message("Please introduce her to Lio Park.", subject="Sam Rivera <sam@client.example>, Maya"))
    assert result.client is None and result.colleague.email == LIO.email


def test_words_holding_back_in_the_subject_hold_it_back():
    assert understood(message("", subject="Don't introduce Sam Rivera <sam@client.example> to Maya Chen yet")).held_back


@pytest.mark.parametrize("body", ["Please introduce my new client to a massage therapist.",
                                  "Could you introduce my new client to a colleague?"])
def test_a_subject_naming_nobody_leaves_the_request_as_the_body_has_it(body):
    assert understood(message(body, subject="Fwd: Referral")) == understood(message(body, subject=""))
