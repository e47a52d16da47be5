"""Our own words quoted back without ">" (or under a header we do not know) never count as the person's answer."""

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introbot.core.answers import Answer, read_answer
from introbot.core.echo import without_echo
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
            assert without_echo(reply, [ask]) == said
            assert read_answer(without_echo(reply, [ask])).answer is expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unmarked_copy_of_the_ask_alone_says_nothing(language):
    ask = rendered(Kind.ASK_CLIENT, language)
    assert without_echo(ask, [ask]) == ""
    assert read_answer(without_echo("\n" + ask + "\n", [ask])).answer is Answer.UNCLEAR


def test_an_operators_ask_that_says_yes_is_not_a_yes_when_quoted_back(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "ask_client.txt").write_text(
        "{% block subject %}An introduction{% endblock %}{% block body %}Yes, {{ referrer.name }} thinks "
        "{{ colleague.name }} could help you with your back. Reply and I will introduce you.{% endblock %}")
    ask = rendered(Kind.ASK_CLIENT, "en", Renderer(SHIPPED, tmp_path))
    assert read_answer(ask).answer is Answer.YES  # the danger: as text, the ask itself reads as a yes
    assert read_answer(without_echo(ask, [ask])).answer is Answer.UNCLEAR


def test_short_repeats_of_our_wording_stay_the_persons_own():
    ask = rendered(Kind.ASK_CLIENT, "en")
    for answer in ("If you'd rather not, that's fine: I'd rather not.", "Shall I introduce you? Yes!",
                   "Just reply YES or NO. OK: yes."):
        assert without_echo(answer, [ask]) == answer


def test_our_signature_delimiter_goes_with_the_quote_and_does_not_end_the_answer_below():
    ask = rendered(Kind.ASK_CLIENT, "en")
    assert "\n-- \n" in ask
    reply = f"{ask}\n\nYes please\n\n--\nSam"
    assert without_echo(reply, [ask]) == "Yes please\n\n--\nSam"
    assert read_answer(without_echo(reply, [ask])).answer is Answer.YES


def test_a_one_emoji_answer_next_to_the_unmarked_ask_stays():
    ask = rendered(Kind.ASK_CLIENT, "en")
    assert without_echo(f"👍\n{ask}", [ask]) == "👍"
    assert read_answer(without_echo(f"👍\n{ask}", [ask])).answer is Answer.YES


def test_nothing_sent_leaves_the_text_alone():
    assert without_echo("Yes\n\nanything", []) == "Yes\n\nanything"


_LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\n"), max_size=60)


ASK = rendered(Kind.ASK_COLLEAGUE, "en")


@given(st.lists(st.one_of(_LINE, st.sampled_from(ASK.split("\n"))), max_size=30))
def test_only_whole_lines_are_removed_and_the_rest_keeps_its_order(lines):
    text = "\n".join(lines)
    kept = [line.strip() for line in without_echo(text, [ASK]).split("\n") if line.strip()]
    remaining = iter(line.strip() for line in lines if line.strip())
    assert all(any(line == candidate for candidate in remaining) for line in kept)


@given(st.lists(st.sampled_from(["Sam", "yes", "please", "tomorrow", "ok", "maybe", "we", "talk"]),
                min_size=1, max_size=30))
def test_the_persons_words_survive_when_they_share_no_run_with_our_ask(words):
    mine = " ".join(words)
    assert without_echo(f"{mine}\n\n{ASK}", [ASK]) == mine
