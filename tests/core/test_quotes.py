"""split_reply: the new text of a reply, apart from what it quotes and from the writer's signature."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core.quotes import (clean_lines, header_field, quote_depth, separator_kind, split_reply, unquote,
                                  without_signature_of)

ASK = "Dr. Lee suggested Maya Chen for the back pain you mentioned; shall I introduce you? Reply YES or NO."


def test_a_yes_above_a_gmail_quote():
    parts = split_reply(f"Yes, please!\n\nOn Mon, 2 Mar 2026 at 09:30, Intro <intro@collective.example> wrote:\n\n> {ASK}\n")
    assert parts.new_text == "Yes, please!"
    assert parts.quoted.startswith("On Mon, 2 Mar 2026") and ASK in parts.quoted
    assert parts.signature == ""


def test_a_yes_below_a_quote_is_the_new_text():
    parts = split_reply(f"On Mon, 2 Mar 2026, Intro <intro@collective.example> wrote:\n> {ASK}\n\nYes, go ahead.\n")
    assert parts.new_text == "Yes, go ahead."


def test_answers_between_quoted_questions_all_count():
    text = "> Would you like an intro?\nYes\n> Is email fine?\nSure, email is fine.\n"
    parts = split_reply(text)
    assert parts.new_text == "Yes\nSure, email is fine."
    assert parts.quoted == "> Would you like an intro?\n> Is email fine?"


def test_nothing_new_above_an_outlook_header_block_means_no_new_text():
    """An empty Outlook reply quotes our ask without ">": the ask must never be read as the answer."""
    text = f"\nFrom: Intro <intro@collective.example>\nSent: Monday, March 2, 2026 9:30 AM\nTo: Sam\nSubject: Intro\n\n{ASK}\n"
    assert split_reply(text).new_text == ""


@pytest.mark.parametrize("header", [
    "-----Original Message-----\nFrom: Intro <intro@collective.example>\nSent: Monday, March 2, 2026 9:30",
    "________________________________\nFrom: Intro <intro@collective.example>\nSent: Monday, March 2, 2026",
    "*From:* Intro [mailto:intro@collective.example]\n*Sent:* Monday, March 2, 2026 9:30 AM\n*To:* Sam",
    "Von: Intro <intro@collective.example>\nGesendet: Montag, 2. März 2026 09:30\nAn: Sam\nBetreff: Intro",
    "De : Intro [mailto:intro@collective.example]\nEnvoyé : lundi 2 mars 2026 09:30\nÀ : Sam\nObjet : Intro",
    "Am 02.03.2026 um 09:30 schrieb Intro <intro@collective.example>:",
    "Le 2 mars 2026 à 09:30, Intro <intro@collective.example> a écrit :",
    "El lun, 2 mar 2026 a las 9:30, Intro (<intro@collective.example>) escribió:",
    "Il giorno lun 2 mar 2026 alle ore 09:30 Intro <intro@collective.example> ha scritto:",
    "Op ma 2 mrt 2026 om 09:30 schreef Intro <intro@collective.example>:",
    "Den 2. mar. 2026 kl. 09.30 skrev Intro <intro@collective.example>:",
    "On Mon, Mar 2, 2026 at 9:30 AM Intro <\nintro@collective.example> wrote:",
    "On Mon, Mar 2, 2026 at 9:30 AM, Intro\n<intro@collective.example>\nwrote:",
    "2026-03-02 9:30 GMT+01:00 Intro <intro@collective.example>:",
    "---------- Forwarded message ---------\nFrom: Intro <intro@collective.example>\nDate: Mon, 2 Mar 2026",
    "\u2010\u2010\u2010\u2010\u2010\u2010\u2010 Original Message \u2010\u2010\u2010\u2010\u2010\u2010\u2010\n"
    "On Monday, March 2nd, 2026 at 9:30 AM, Intro <intro@collective.example> wrote:",  # Proton Mail
])
def test_reply_headers_in_many_styles_and_languages_end_the_new_text(header):
    for ask in (ASK, "> " + ASK):
        parts = split_reply(f"Ja, gerne.\n\n{header}\n\n{ask}\n")
        assert (parts.new_text, ask in parts.quoted) == ("Ja, gerne.", True)


@pytest.mark.parametrize("header", [
    "пн, 2 мар. 2026 г. в 09:30, Intro <intro@collective.example>:",
    "2026年3月2日(月) 9:30 Intro <intro@collective.example>:",
    "Thu, 26 Jun 2014 14:00:51 +0400 от Alexander L <abc@example.org>:",
])
def test_an_attribution_without_a_verb_counts_only_above_a_quote(header):
    assert split_reply(f"Да.\n\n{header}\n\n> {ASK}\n").new_text == "Да."
    assert split_reply(f"Да.\n\n{header}\n\n{ASK}\n").new_text.endswith(ASK)


def test_a_multi_line_attribution_does_not_swallow_the_line_above_it():
    parts = split_reply("Am heutigen Tage\nAm So., 1. Jan. 2023 um 17:22 Uhr schrieb Jo <\njo@home.example>:\n\n> hi\n")
    assert parts.new_text == "Am heutigen Tage"


def test_prose_that_merely_starts_with_on_is_not_a_header():
    text = "On your side, please confirm:\n\nYes, Tuesday works.\n\nOn 9 Jan 2026, at 2:47, Jo wrote:\n\n> When?\n"
    assert split_reply(text).new_text == "On your side, please confirm:\n\nYes, Tuesday works."


@pytest.mark.parametrize("signature", [
    "-- \nSam Patel\n+1 555 0100",
    "Sent from my iPhone",
    "Envoyé de mon iPhone",
    "Von meinem iPhone gesendet",
    "Enviado desde mi iPhone",
    "Get Outlook for iOS<https://aka.ms/o0ukef>",
    "Sent from my Galaxy, please excuse typos.",
    "Best regards,\nSam Patel",
    "Med venlig hilsen\nSam Patel",
    "Cordialement,\n\nSam Patel\nKinésithérapeute",
    "-Sam",
    "Best regards,\n\n//Sam",
])
def test_signatures_are_separated_from_the_new_text(signature):
    parts = split_reply(f"Yes, I'd be glad to meet Maya.\n\n{signature}\n")
    assert parts.new_text == "Yes, I'd be glad to meet Maya."
    assert parts.signature == signature.replace("-- \n", "--\n")  # trailing spaces are not kept


def test_a_sentence_that_starts_like_a_device_signature_is_kept():
    text = "Here is another email\n\nSent from my desk, is much easier than my mobile phone."
    assert split_reply(text).new_text == text
    assert split_reply(text).signature == ""


def test_a_yes_after_a_thank_you_is_not_taken_for_a_signature():
    parts = split_reply("Hi,\nThanks!\nYes, go ahead and introduce us.\n")
    assert "Yes, go ahead and introduce us." in parts.new_text


@pytest.mark.parametrize("text", ["Hi\nThanks!\nNo", "Hallo,\nDanke!\nJa", "Answers:\n- Yes\n- Tuesday"])
def test_a_one_word_answer_or_a_list_under_a_thank_you_stays_new_text(text):
    assert split_reply(text).new_text == text
    assert split_reply(text).signature == ""


def test_a_lone_thank_you_stays_the_answer():
    assert split_reply("Thanks!").new_text == "Thanks!"


def test_a_signature_and_a_device_line_both_leave_the_answer():
    parts = split_reply("Yes!\n\nThanks,\nSam\n\nOn Mon, 2 Mar 2026, Intro <intro@collective.example> wrote:\n> q\n\n--\nSam Patel\n")
    assert parts.new_text == "Yes!"
    assert parts.signature.split() == ["Thanks,", "Sam", "--", "Sam", "Patel"]


def test_a_forward_inside_a_reply_is_not_new_text():
    text = "FYI\n\n---------- Forwarded message ----------\nFrom: jo@home.example\nDate: Tue, Sep 4, 2012\n\nText"
    assert split_reply(text).new_text == "FYI"


@pytest.mark.parametrize("separator", ["________________________________", "-----Original Message-----"])
def test_under_a_separator_and_a_header_block_a_quote_can_still_have_answers_between(separator):
    text = (f"{separator}\nFrom: Intro <intro@collective.example>\nSent: Monday, March 2, 2026 9:30 AM\n"
            f"To: Sam\nSubject: Intro\n\n> {ASK}\nYes please.\n> Thanks!\n")
    assert split_reply(text).new_text == "Yes please."
    unmarked = text.replace("> ", "")
    assert split_reply(unmarked).new_text == ""  # without ">", all of the embedded mail is quote


def test_quoted_decoration_and_wrapped_links_are_handled():
    assert split_reply(">>> http://example.org <<<\nVisit us").new_text == ">>> http://example.org <<<\nVisit us"
    text = "Blah\n\nOn Monday, 24 September, 2012 at 3:46 PM, bob wrote:\n\n> see (http://example.org/a\n_b=1)\n>\n"
    assert split_reply(text).new_text == "Blah"


def test_supercite_quotes_are_quotes():
    assert split_reply("Agreed.\n\nRichard> Shall we meet?\n").new_text == "Agreed."


def test_crlf_bom_and_zero_width_marks_do_not_leak_into_the_new_text():
    assert split_reply("\ufeffYes\u200b\r\n\r\n> q\r\n").new_text == "Yes"


def test_empty_and_blank_inputs():
    assert split_reply("") == split_reply("  \n\n ")
    assert split_reply("").new_text == "" and split_reply("").quoted == "" and split_reply("").signature == ""


def test_helpers_for_quote_levels_separators_and_header_fields():
    assert quote_depth("> > text") == 2 and quote_depth("text > x") == 0 and quote_depth("Jo> hi") == 1
    assert unquote(">> > text", 2) == "> text" and unquote("> text", 5) == "text"
    assert separator_kind("-------- Message transféré --------") == "forward"
    assert separator_kind("-----Ursprüngliche Nachricht-----") == "original"
    assert separator_kind("Begin forwarded message:") == "forward"
    assert separator_kind("------ nothing special ------") is None
    field = header_field("*Sent:* Monday")
    assert field is not None and (field.kind, field.value) == ("date", "Monday")
    assert header_field("Toast: yes") is None
    # Case-insensitive matches that lower() does not map back to the label still resolve.
    assert header_field("KİMDEN: Sam").kind == "from" and header_field("ſubject: x").kind == "subject"


def test_a_one_megabyte_line_is_handled():
    """Completion is what is tested here (pytest-timeout guards against hangs); speed is benchmarked."""
    assert split_reply("y" * 1_000_000).new_text == "y" * 1_000_000
    assert split_reply(">" * 1_000_000).new_text == ""
    assert split_reply("On 1 " * 300_000 + "wrote:").new_text != ""


def new_lines_come_from(text: str, new_text: str) -> bool:
    """Each line of new_text is (part of) a line of the input, as split_reply cleans it: LF line ends,
    no BOM or zero-width marks, non-breaking spaces as spaces."""
    source = clean_lines(text)
    return all(any(line.strip() in original for original in source) for line in new_text.split("\n"))


ADVERSARIAL = st.sampled_from([
    "On ", "wrote:", "> ", ">", "From: ", "Sent: ", "To: ", "Subject: ", "-----Original Message-----",
    "________________________________", "-- ", "Sent from my iPhone", "Regards,", "a@b.example", "<", ">:",
    "2020-01-01 10:00 GMT+01:00", "\n", "\n\n", "Yes", " ", "Am ", "schrieb", "----", "=", "http://x.example/",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(ADVERSARIAL, max_size=120))
def test_split_reply_keeps_new_text_taken_from_the_input(pieces):
    text = "".join(pieces)
    assert new_lines_come_from(text, split_reply(text).new_text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_split_reply_never_raises_and_new_text_lines_come_from_the_input(text):
    assert new_lines_come_from(text, split_reply(text).new_text)


@pytest.mark.parametrize("text, expected", [
    ("Yes please\n\nSam Rivera\nAcupuncturist\nI work Mon-Thu; if you email on a Friday I'll reply the week after.",
     "Yes please"),
    ("Happy to.\n\nDr. Sam Rivera, L.Ac.\nNot taking insurance clients", "Happy to."),
    ("No, thank you.\nSam", "No, thank you."),
    ("Yes\n\nSam Rivera | Graphic design\n+1 555 0100", "Yes"),
    # a sentence that starts with the name is what they wrote, not a signature
    ("Yes\n\nSam Rivera here again: actually no", "Yes\n\nSam Rivera here again: actually no"),
    ("Hi,\nSam Rivera here - yes please", "Hi,\nSam Rivera here - yes please"),
    ("Sam Rivera here: no thanks", "Sam Rivera here: no thanks"),  # the first line is what they wrote
    ("Yes\nSam says no, but I say yes", "Yes\nSam says no, but I say yes"),  # the first name alone, or nothing
    ("Yes, happy to\n\nSamantha", "Yes, happy to\n\nSamantha"),
    ("Yes, happy to\nSame answer as last time", "Yes, happy to\nSame answer as last time"),
    # a P.S. below the name is theirs too
    ("Sure, happy to\n\nSam\n\nP.S. actually only if she does evenings, otherwise no",
     "Sure, happy to\n\nSam\n\nP.S. actually only if she does evenings, otherwise no"),
])
def test_a_signature_starts_at_the_writers_own_name_near_the_end(text, expected):
    assert without_signature_of("Sam Rivera", text) == expected


def test_without_a_name_nothing_is_taken_for_a_signature():
    assert without_signature_of("", "Yes\n\nSam Rivera\nAcupuncturist") == "Yes\n\nSam Rivera\nAcupuncturist"


@pytest.mark.parametrize("name, text", [("May", "Yes I think so...\nMaybe not though"), ("An", "Yes\nAnyway, no"),
                                        ("Sam", "Sure\nSame answer: no thanks"), ("Dr", "Yes\nDr. who? no")])
def test_a_one_word_name_cuts_only_a_line_that_is_that_name(name, text):
    assert without_signature_of(name, text) == text
