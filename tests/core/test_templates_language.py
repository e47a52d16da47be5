"""What a native reader sees in each shipped language: no English left behind, one formality, the
language's own typography and accents, and grammar that follows the names it is given."""

import re
from typing import Any

import pytest

from introbot.core.render import Renderer
from introbot.model import Kind, Refused
from tests.core.template_samples import SHIPPED, every_branch, sample_context

RENDERER = Renderer(SHIPPED)
TRANSLATIONS = ("fr", "de", "es")
BRANCHES = every_branch()
DATA = "∎"  # what stands in, in the checked text, for whatever came from the context (names, notes, addresses)

# Words every English template is made of and none of the translations has any use for.
ENGLISH = frozenset({
    "the", "and", "you", "your", "please", "reply", "shall", "just", "with", "for", "to", "of", "is", "not", "i",
    "i'm", "i've", "i'll", "don't", "won't", "didn't", "couldn't", "yes", "hi", "there", "them", "they", "who",
    "what", "this", "that", "email", "introduce", "introduced", "introduction", "reminder", "thanks", "thank",
    "done", "cancelled", "request", "requests", "waiting", "open", "answer", "nobody"})
# The English answer words a translation offers on purpose: "JA oder NEIN (YES/NO geht auch)", "OUI (ou YES)".
ENGLISH_ANSWER_WORDS = re.compile(r"\bYES(?:/NO)?\b")

# Addressing the reader familiarly: introbot writes to practitioners and their clients as Sie, vous, usted.
INFORMAL = {
    "de": {"du", "dich", "dir", "dein", "deine", "deinen", "deinem", "deiner", "deines", "euch", "euer", "eure",
           "euren", "eurem"},
    "fr": {"tu", "toi", "te", "ton", "ta", "tes", "t'"},
    "es": {"tú", "tu", "tus", "te", "ti", "contigo", "vosotros", "vosotras", "os", "vuestro", "vuestra",
           "quieres", "puedes", "prefieres", "tienes", "necesitas", "olvides"},
}
# Spellings that exist only as a lost accent (or a typed-out umlaut): "reponse" for "réponse".
ACCENT_LOST = {
    "de": {"fur", "uber", "zuruck", "gesprach", "moglichkeiten", "moglich", "naturlich", "hore", "konnen",
           "fuer", "ueber", "moechten", "koennen", "zurueck", "gespraech", "moeglich", "hoere", "waere", "wuerde"},
    "fr": {"reponse", "repondez", "repondre", "deja", "etre", "tres", "apres", "precise", "numero", "prevenu",
           "informee", "annulee", "effectuee", "proposee", "envoye", "ca", "recu", "premiere"},
    "es": {"informacion", "presentacion", "direccion", "derivacion", "conversacion", "todavia", "aqui", "tambien",
           "electronico", "unico", "podria", "recomendo", "quiza", "numero", "despues", "ademas", "telefono"},
}
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[^\W\d_]+['’]")


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key != "missing" for s in strings_in(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in strings_in(item)]
    return []


def template_words(kind: Kind, language: str, context: dict[str, Any]) -> str:
    """Subject, text and signature as rendered, with everything the context supplied replaced by DATA:
    what is left is the template's own wording."""
    rendered = RENDERER.render(kind, language, context)
    text = f"{rendered.subject}\n\n{rendered.text}"
    for value in sorted(set(strings_in(context)), key=len, reverse=True):
        if len(value) > 1:
            text = text.replace(value, DATA)
    return text


def words_in(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def english_in(text: str) -> set[str]:
    return words_in(ENGLISH_ANSWER_WORDS.sub("", text)) & ENGLISH


def branch_ids(branch: tuple[str, Kind, dict[str, Any]]) -> str:
    return branch[0]


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("branch", BRANCHES, ids=branch_ids)
def test_no_english_is_left_in_a_translation(branch, language):
    _, kind, context = branch
    assert english_in(template_words(kind, language, context)) == set()


@pytest.mark.parametrize("branch", BRANCHES, ids=branch_ids)
def test_the_english_check_finds_english_in_every_english_message(branch):
    # The check above could pass by finding nothing anywhere; here it must find English where it is.
    _, kind, context = branch
    assert english_in(template_words(kind, "en", context))


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("branch", BRANCHES, ids=branch_ids)
def test_every_reader_is_addressed_formally_and_no_accent_is_lost(branch, language):
    _, kind, context = branch
    words = words_in(template_words(kind, language, context))
    assert words & INFORMAL[language] == set()
    assert words & ACCENT_LOST[language] == set()


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("kind", [Kind.ASK_CLIENT, Kind.ASK_COLLEAGUE, Kind.INTRODUCTION], ids=lambda k: k.value)
def test_the_formal_pronoun_is_there_to_find(kind, language):
    words = set(WORD.findall(template_words(kind, language, sample_context(kind))))
    assert words & {"de": {"Sie", "Ihnen"}, "fr": {"vous"}, "es": {"usted", "le", "su"}}[language]


@pytest.mark.parametrize("language", ("en", "de", "es"))
@pytest.mark.parametrize("branch", BRANCHES, ids=branch_ids)
def test_no_space_before_punctuation_outside_french(branch, language):
    _, kind, context = branch
    text = template_words(kind, language, context)
    assert re.findall(r".{0,20}\s[;:!?].{0,10}", text) == []


@pytest.mark.parametrize("branch", BRANCHES, ids=branch_ids)
def test_french_puts_a_space_before_double_punctuation_and_inside_guillemets(branch):
    # The shipped French uses an ordinary space (not a narrow no-break one) everywhere; the point is
    # that it is always there: "Bonjour !", "« oui »", never "Bonjour!" or "«oui»".
    _, kind, context = branch
    text = template_words(kind, "fr", context)
    assert re.findall(r".{0,20}[^\s][;:!?»].{0,10}", text) == []
    assert re.findall(r"«\S.{0,10}", text) == [] and '"' not in text


@pytest.mark.parametrize("branch", BRANCHES, ids=branch_ids)
def test_german_quotes_are_low_high(branch):
    _, kind, context = branch
    text = template_words(kind, "de", context)
    assert '"' not in text and "«" not in text and "»" not in text
    assert text.count("„") == text.count("“")


@pytest.mark.parametrize("branch", BRANCHES, ids=branch_ids)
def test_spanish_opens_every_question_and_exclamation_and_quotes_with_guillemets(branch):
    _, kind, context = branch
    text = template_words(kind, "es", context)
    assert text.count("¿") == text.count("?") and text.count("¡") == text.count("!")
    assert '"' not in text and re.findall(r"«\s|\s»", text) == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_the_checks_catch_what_they_are_for(language, tmp_path):
    # The English ask copied into a translation's folder, and a translation gone informal and unaccented.
    (tmp_path / language).mkdir()
    (tmp_path / language / "ask_client.txt").write_text((SHIPPED / "en" / "ask_client.txt").read_text())
    english = Renderer(SHIPPED, tmp_path).render(Kind.ASK_CLIENT, language, sample_context(Kind.ASK_CLIENT))
    assert english_in(english.text) >= {"shall", "reply", "you"}
    informal = {"de": "Hast du dir das überlegt? Antworte fur dich.", "fr": "As-tu une reponse pour toi ?",
                "es": "¿Quieres que te presente? Aqui tienes."}[language]
    assert words_in(informal) & INFORMAL[language] and words_in(informal) & ACCENT_LOST[language]


# Grammar that depends on the name it meets

VOWEL_NAMES = {"Ada Lee": "d'Ada Lee", "Inès Roy": "d'Inès Roy", "Élodie Roy": "d'Élodie Roy",
               "Maya Chen": "de Maya Chen", "Hugo Roy": "de Hugo Roy"}


@pytest.mark.parametrize("name, written", VOWEL_NAMES.items())
def test_french_elides_de_before_a_vowel(name, written):
    status = sample_context(Kind.STATUS, requests=[{"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": name,
                                                    "waiting_for": name, "age_days": 2}])
    assert f"en attente {written} (2 j)" in RENDERER.render(Kind.STATUS, "fr", status).text
    expired = RENDERER.render(Kind.REFERRER_EXPIRED, "fr", sample_context(Kind.REFERRER_EXPIRED, silent=[name])).text
    assert f"pas de réponse {written} malgré un rappel" in expired


@pytest.mark.parametrize("days, written", [(0, "(0 Tage)"), (1, "(1 Tag)"), (2, "(2 Tage)")])
def test_german_status_counts_days_in_words(days, written):
    status = sample_context(Kind.STATUS, requests=[{"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": "Maya Chen",
                                                    "waiting_for": "Maya Chen", "age_days": days}])
    assert RENDERER.render(Kind.STATUS, "de", status).text.splitlines()[1].endswith(written)


def test_every_refusal_reason_has_a_branch_checked_in_each_language():
    """A new Refused code must come with its wording in every template (the sample branches check them all)."""
    worded = {context.get("reason", "same-person") for _, kind, context in BRANCHES if kind is Kind.REFUSED}
    assert worded == {reason.value for reason in Refused}


@pytest.mark.parametrize("language", ("en", "de", "es", "fr"))
@pytest.mark.parametrize("missing", ("colleague", "client"))
def test_the_question_asked_again_first_says_why_in_every_language(language, missing):
    context = sample_context(Kind.CLARIFY) | {"missing": missing, "options": []}
    once = RENDERER.render(Kind.CLARIFY, language, context).text
    again = RENDERER.render(Kind.CLARIFY, language, context | {"again": True}).text
    why = again.removesuffix(once)
    assert why != again and why.endswith(". ") and "\n" not in why
