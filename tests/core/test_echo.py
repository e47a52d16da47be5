"""Our own words quoted back without ">" (or under a header we do not know) never count as the person's answer."""

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introbot.core.answers import Answer, read_answer
from introbot.core.echo import added_to_subject, own_words, quote_echo
from introbot.core.quotes import split_reply
from introbot.core.render import Renderer
from introbot.model import Kind
from tests.core.template_samples import CONSENT_ASKS, LANGUAGES, SHIPPED, sample_context

ANSWERS = {"en": ("Yes please!", "No thank you."), "fr": ("Oui avec plaisir", "Non merci."),
           "de": ("Ja, gerne.", "Nein, danke."), "es": ("Sí, claro.", "No, gracias.")}


def rendered(kind: Kind, language: str, renderer: Renderer = Renderer(SHIPPED)) -> str:
    return renderer.render(kind, language, sample_context(kind)).text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", CONSENT_ASKS)
def test_an_answer_above_or_below_an_unmarked_copy_of_our_ask_is_read_alone(kind, language):
    ask = rendered(kind, language)
    for said, expected in zip(ANSWERS[language], (Answer.YES, Answer.NO)):
        for reply in (f"{said}\n\n{ask}", f"{ask}\n\n{said}", f"{said}\n\n{textwrap.fill(ask, 38)}"):
            assert own_words(reply, [ask]) == said
            assert read_answer(own_words(reply, [ask])).answer is expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unmarked_copy_of_the_ask_alone_says_nothing(language):
    ask = rendered(Kind.ASK_CLIENT, language)
    assert own_words(ask, [ask]) == ""
    assert read_answer(own_words("\n" + ask + "\n", [ask])).answer is Answer.UNCLEAR


# Gmail's "Respond inline": the attribution, then our ask without ">", the answer typed under the question.
INLINE_ATTRIBUTIONS = {"en": "On Mon, 2 Mar 2026 at 10:00, Intro <intro@example.org> wrote:",
                       "fr": "Le lun. 2 mars 2026 à 10:00, Intro <intro@example.org> a écrit :",
                       "de": "Am Mo., 2. März 2026 um 10:00 Uhr schrieb Intro <intro@example.org>:",
                       "es": "El lun, 2 mar 2026 a las 10:00, Intro (<intro@example.org>) escribió:"}


def typed_under_the_question(ask: str, said: str) -> str:
    paragraphs = ask.split("\n\n")
    question = next(index for index, paragraph in enumerate(paragraphs) if "?" in paragraph)
    return "\n\n".join(paragraphs[:question + 1] + [said] + paragraphs[question + 1:])


def answered_inline(ask: str, said: str, language: str) -> str:
    return INLINE_ATTRIBUTIONS[language] + "\n\n" + typed_under_the_question(ask, said)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", CONSENT_ASKS)
def test_an_answer_typed_into_an_unmarked_quote_of_our_ask_is_read_alone(kind, language):
    ask = rendered(kind, language)
    for said, expected in zip(ANSWERS[language], (Answer.YES, Answer.NO)):
        reply = answered_inline(ask, said, language)
        assert split_reply(reply).new_text == ""  # read as a plain reply, the answer is lost in the quote
        assert own_words(reply, [ask]) == said
        assert read_answer(own_words(reply, [ask])).answer is expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", CONSENT_ASKS)
def test_an_answer_typed_on_the_line_of_our_question_is_cut_from_it(kind, language):
    ask = rendered(kind, language)
    lines = ask.split("\n")
    question = next(index for index, line in enumerate(lines) if "?" in line)
    for said, expected in zip(ANSWERS[language], (Answer.YES, Answer.NO)):
        after = "\n".join(lines[:question] + [f"{lines[question]} {said}"] + lines[question + 1:])
        before = "\n".join(lines[:question] + [f"{said} {lines[question]}"] + lines[question + 1:])
        # Not tested: an answer typed first thing under "On ... wrote:", before our first line: an
        # attribution over unmarked text is a quote, whoever wrote its first line.
        for text in (after, before, f"{INLINE_ATTRIBUTIONS[language]}\n\n{after}"):
            assert own_words(text, [ask]) == said
            assert read_answer(own_words(text, [ask])).answer is expected


OUTLOOK_HEADERS = {"en": "From: Intro <intro@example.org>\nSent: Monday, March 2, 2026 10:00 AM\nTo: Sam\nSubject: Intro",
                   "fr": "De : Intro <intro@example.org>\nEnvoyé : lundi 2 mars 2026 10:00\nÀ : Sam\nObjet : Intro",
                   "de": "Von: Intro <intro@example.org>\nGesendet: Montag, 2. März 2026 10:00\nAn: Sam\nBetreff: Intro",
                   "es": "De: Intro <intro@example.org>\nEnviado: lunes, 2 de marzo de 2026 10:00\nPara: Sam\nAsunto: Intro"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("rule", ["", "________________________________\n", "-----Original Message-----\n"])
def test_an_answer_written_into_outlooks_quote_under_its_header_block_is_read(rule, language):
    """Outlook's "inline comments": the header block, our ask without ">", the answer typed into it."""
    ask = rendered(Kind.ASK_CLIENT, language)
    for said, expected in zip(ANSWERS[language], (Answer.YES, Answer.NO)):
        reply = f"\n{rule}{OUTLOOK_HEADERS[language]}\n\n{typed_under_the_question(ask, said)}"
        assert own_words(reply, [ask]) == said
        assert read_answer(own_words(reply, [ask])).answer is expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_our_ask_sent_back_inline_with_nothing_typed_says_nothing(language):
    ask = rendered(Kind.ASK_CLIENT, language)
    reply = INLINE_ATTRIBUTIONS[language] + "\n\n" + ask
    assert own_words(reply, [ask]) == ""


def test_an_operators_ask_that_says_yes_is_not_a_yes_when_quoted_back(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "ask_client.txt").write_text(
        "{% block subject %}An introduction{% endblock %}{% block body %}Yes, {{ referrer.name }} thinks "
        "{{ colleague.name }} could help you with your back. Reply and I will introduce you.{% endblock %}")
    ask = rendered(Kind.ASK_CLIENT, "en", Renderer(SHIPPED, tmp_path))
    assert read_answer(ask).answer is Answer.YES  # the danger: as text, the ask itself reads as a yes
    assert read_answer(own_words(ask, [ask])).answer is Answer.UNCLEAR


def test_short_repeats_of_our_wording_stay_the_persons_own():
    ask = rendered(Kind.ASK_CLIENT, "en")
    for answer in ("If you'd rather not, that's fine: I'd rather not.", "Shall I introduce you? Yes!",
                   "Just reply YES or NO. OK: yes."):
        assert own_words(answer, [ask]) == answer


def test_our_signature_delimiter_goes_with_the_quote_and_does_not_end_the_answer_below():
    ask = rendered(Kind.ASK_CLIENT, "en")
    assert "\n-- \n" in ask
    for reply in (f"{ask}\n\nYes please\n\n--\nSam", f"{ask}\n\nYes please\n"):
        assert own_words(reply, [ask]) == "Yes please"
        assert "Yes" not in split_reply(reply).new_text  # unmarked, our "-- " makes the answer a signature
    assert split_reply(quote_echo(f"{ask}\n\nYes please\n\n--\nSam", [ask])).signature == "--\nSam"


def test_a_one_emoji_answer_next_to_the_unmarked_ask_stays():
    ask = rendered(Kind.ASK_CLIENT, "en")
    assert own_words(f"👍\n{ask}", [ask]) == "👍"
    assert read_answer(own_words(f"👍\n{ask}", [ask])).answer is Answer.YES


def test_nothing_sent_leaves_the_text_alone():
    assert quote_echo("Yes\n\nanything", []) == "Yes\n\nanything"


_LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\n"), max_size=60)


ASK = rendered(Kind.ASK_COLLEAGUE, "en")


_ASK_PIECES = st.sampled_from(ASK.split("\n") + ASK.replace("\n", " ").split(". "))


@given(st.lists(st.one_of(_LINE, _ASK_PIECES, st.tuples(_LINE, _ASK_PIECES, _LINE).map(" ".join)), max_size=30))
def test_text_is_only_ever_marked_as_quoted_or_cut_never_lost_or_moved(lines):
    text = "\n".join(lines)
    marked = quote_echo(text, [ASK]).split("\n")
    unmarked = [line[2:] if line.startswith("> ") and not text_line_quoted(line, text) else line for line in marked]
    assert " ".join("\n".join(unmarked).split()) == " ".join(text.split())


def text_line_quoted(line: str, text: str) -> bool:
    """A line that was quoted already (quote_echo leaves those as they are)."""
    return line in text.split("\n")


@given(st.lists(st.sampled_from(["Sam", "yes", "please", "tomorrow", "ok", "maybe", "we", "talk"]),
                min_size=1, max_size=30))
def test_the_persons_words_are_not_marked_when_they_share_no_run_with_our_ask(words):
    mine = " ".join(words)
    assert quote_echo(f"{mine}\n\n{ASK}", [ASK]) == f"{mine}\n\n" + "\n".join(
        "> " + line if line.strip() else line for line in ASK.split("\n"))


SUBJECT = "Dr. Ada Lee suggests Maya Chen: shall I introduce you?"


@pytest.mark.parametrize("subject, added", [
    (f"Re: {SUBJECT} YES", "YES"),
    (f"YES - Re: {SUBJECT}", "YES"),
    (f"AW: {SUBJECT} -- nein danke", "nein danke"),
    (f"Re: Re: {SUBJECT}", ""),
    ("Re: Back pain, yes", ""),  # not our subject: nothing is read from it
])
def test_an_answer_written_into_the_subject_line_is_what_was_added_to_ours(subject, added):
    assert added_to_subject(subject, [SUBJECT]) == added
