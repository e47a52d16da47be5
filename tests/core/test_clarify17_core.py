"""Answers to "Which colleague: Maya Chen or Lio Park?" read wrong before stop 17 (a refusal joined to the pick by a
comma only, a "no" said after the name, a pick with a wait beside it), and a request read from a clause that only
tells what happened before: each rule read directly, in the languages practitioners write in."""

from __future__ import annotations

import pytest

from introbot.config import Person
from introbot.core.holding import holds_back, refusals
from introbot.core.request import Directory, understand, without_options_refused
from tests.conversation import gmail_forward, new_message
from tests.core.test_clarification_answers import DIRECTORY, MAYA, MAYA_OR_LIO, picked

BOT = "intro@collective.example"
ADA = Person("Dr. Ada Lee", "ada@clinic.example")
BEN = Person("Ben Okafor", "ben@clinic.example")
LIO = Person("Lio Park", "lio@bodywork.example")
MAYA_C = Person("Maya Chen", "maya@bodywork.example")
SAM = "Sam Rivera <sam@client.example>"


def holds(answer: str) -> bool:
    """The service's reading of an answer to the question which colleague: a hold once the refusals of an
    option (a choice among them) are set aside."""
    return holds_back(without_options_refused(answer, MAYA_OR_LIO, DIRECTORY))


# 1. A refusal ends where a comma starts a clause of its own


@pytest.mark.parametrize("answer, refused", [
    ("Don't connect her with Lio, Maya is the one", "Don't connect her with Lio"),
    ("Please don't introduce her to Lio, Maya would suit her better", "don't introduce her to Lio"),
    ("Don't introduce her to Lio, introduce her to Maya", "Don't introduce her to Lio"),
    ("Don't introduce her to Lio, please connect her with Maya", "Don't introduce her to Lio"),
    ("Don't introduce her to Lio, Maya's the better fit", "Don't introduce her to Lio"),
    ("Bitte nicht mit Lio in Kontakt bringen, Maya passt besser", "nicht mit Lio in Kontakt bringen"),
    ("Ne la présente pas à Lio, Maya est mieux placée", "Ne la présente pas à Lio"),
    ("No la presentes a Lio, Maya es mejor", "No la presentes a Lio"),
    # a list goes on past a comma: all three are refused
    ("Please don't introduce her to Maya, Lio or anyone yet", "don't introduce her to Maya, Lio or anyone yet"),
    ("don't introduce her to maya, lio or anyone who is full",
     "don't introduce her to maya, lio or anyone who is full"),
])
def test_a_comma_before_a_clause_of_its_own_ends_a_refusal(answer, refused):
    """Before, a comma never ended a refusal, so "Don't connect her with Lio, Maya is the one" refused Maya too."""
    assert [answer[start:end] for start, end in refusals(answer)] == [refused]


# Answers that refuse Lio and name Maya in a clause after a comma (the service's tests send them too).
REFUSING_LIO_COMMA_MAYA = [
    "Don't connect her with Lio, Maya is the one",
    "Please don't introduce her to Lio, Maya would suit her better",
    "Don't introduce her to Lio, introduce her to Maya",
    "Bitte nicht mit Lio in Kontakt bringen, Maya passt besser",
    "Ne la présente pas à Lio, Maya est mieux placée",
    "No la presentes a Lio, Maya es mejor",
]


@pytest.mark.parametrize("answer", REFUSING_LIO_COMMA_MAYA)
def test_a_refusal_of_lio_and_a_clause_naming_maya_picks_maya_and_holds_nothing(answer):
    assert picked(answer) == [MAYA.email]
    assert not holds(answer)


# 2. A "no" said after the name rules that colleague out


@pytest.mark.parametrize("answer", [
    "Lio - no way", "lio nicht", "Lio? No.", "Lio: nope", "Lio, definitely not", "Lio no thanks", "lio, nein danke",
    "Lio auf keinen Fall", "Lio lieber nicht", "Lio, non merci", "lio surtout pas", "Lio, pas question",
    "Lio no, gracias", "Lio de ninguna manera", "lio nunca", "LIO - NO WAY!", "Lio is a no", "Lio's a no-go",
    "Lio non plus", "Lio tampoco", "lio auch nicht",
])
def test_a_no_after_the_name_rules_that_colleague_out_and_picks_no_one_alone(answer):
    """Before, "Lio - no way" and "lio nicht" picked Lio. Ruling one option out is no choice of the other ("Anyone
    but Lio" picks no one either): the question stays open."""
    assert picked(answer) == []
    assert not holds(answer)


@pytest.mark.parametrize("answer", [
    "Lio - no way, Maya", "lio nicht, maya", "Lio no, Maya yes", "Maya - Lio no way", "Lio? Nope. Maya please.",
    "lio non, maya oui", "Lio no, Maya sí", "Maya. Lio nicht.", "Lio's a no-go, Maya",
])
def test_a_no_after_lio_beside_maya_picks_maya(answer):
    assert picked(answer) == [MAYA.email]


@pytest.mark.parametrize("answer, expected", [
    ("Maya, not Lio", [MAYA.email]),  # the "not" belongs to the name after it
    ("Maya, nicht Lio", [MAYA.email]),
    ("Maya - no doubt", [MAYA.email]),  # no end of the clause after "no"
    ("Maya or Lio, no preference", []),
    ("Maya or Lio, either", []),
    ("Maya, no?", [MAYA.email]),  # a question tag, not a no
    ("Maya, non ?", [MAYA.email]),
    ("Maya - no, Lio", ["lio@craniosacral.example"]),  # corrected: Maya ruled out, Lio named
])
def test_a_no_that_is_no_ruling_out_rules_no_one_out(answer, expected):
    assert picked(answer) == expected


# 3. A pick with a wait beside it holds


@pytest.mark.parametrize("answer", [
    "Maya, but hold off until I've spoken to Sam",
    "Maya, but hold off till Friday",
    "Maya, but hold off for a few days",
    "Maya, but hold off on it",
    "Maya - hold off until Monday",
    "Maya, but wait until I've spoken to Sam",
    "Maya, but please wait for my go-ahead",
    "Maya, but wait.",
    "Maya, but not until next week",
    "Maya, but only after I've spoken to Sam",
    "Maya, but not now",
    "Maya, not just yet",
    "Maya, not yet though",
    "Maya, but later",
    "Maya, aber noch nicht",
    "Maya, noch nicht.",
    "Maya, aber warte bis Montag",
    "Maya, aber bitte noch warten",
    "Maya, aber erst nach meinem Gespräch mit Sam",
    "Maya, mais pas encore",
    "Maya, mais pas tout de suite",
    "Maya, mais attendez que j'aie parlé à Sam",
    "Maya, mais pas avant lundi",
    "Maya, pero todavía no",
    "Maya, aún no",
    "Maya, pero espera hasta el lunes",
    "Maya, pero no antes del lunes",
    "Maya, but in a few weeks",
    "Maya, but next week",
    "Maya, aber in zwei Wochen",
    "Maya, mais dans quinze jours",
    "Maya, pero en unas semanas",
    "Maya, but let me talk to Sam first",
    "Maya, but let me first speak to Sam",
    "Maya, but I need to check with her first",
    "Maya, aber ich muss erst mit Sam sprechen",
    "Maya, mais je dois d'abord en parler à Sam",
    "Maya, pero primero tengo que hablar con Sam",
    "Maya, pero tengo que hablar con Sam primero",
])
def test_a_pick_with_a_wait_beside_it_holds(answer):
    """Before, only "but not yet" and "but hold off" at the end of their clause held: "Maya, but hold off until
    I've spoken to Sam" went ahead and Sam was asked at once."""
    assert holds(answer)


@pytest.mark.parametrize("answer", [
    "Maya please",
    "Wait, I meant Maya",  # "wait" alone is a word of thinking, not of waiting
    "Maya - wait a sec, yes, Maya",
    "Hold on, Maya is the one",
    "Maya. Later this month suits Sam best.",
    "Maya, she'll wait for her call",
    "Maya, she has waited long enough",
    "Maya, warte - doch Maya",
    "Maya, but I'll send you her notes first",  # done first, it puts nothing off
    "Maya, but hold off on deep tissue",  # said of the treatment
    "Maya, espera que la llames",  # she hopes you call her
])
def test_a_word_of_waiting_that_puts_nothing_off_holds_nothing(answer):
    assert not holds(answer)


@pytest.mark.parametrize("text", [
    "Her GP said to hold off on massage for a week. Maya Chen when she's ready?",
    "Her GP said to wait until after the scan. Maya Chen when she's ready?",
    "Maya Chen, could you see Sam? She has been waiting for months.",
])
def test_waiting_told_of_in_a_request_holds_nothing(text):
    assert not holds_back(text)


@pytest.mark.parametrize("note", [
    "Maya, could you see Sam? She's keen, but not until May.",
    "Maya, could you see Sam? Please wait until she contacts you.",
    "Maya, pourrais-tu voir Sam ? Elle est disponible, mais pas avant lundi.",
    "Maya, ¿podrías ver a Sam? Está libre, pero no antes del lunes.",
])
def test_when_said_above_a_forward_speaks_of_the_clients_days_and_holds_nothing(note):
    """Above a forward the note tells the colleague when the client can come; said to introbot in a line of its own,
    the same words put the introduction off."""
    assert not holds_back(note, forwarding=True)
    assert holds_back(note.split("? ", 1)[1])


@pytest.mark.parametrize("text", ["Maya, but next week is difficult for her", "Maya, but later this month suits her"])
def test_when_with_a_clause_of_its_own_after_a_but_holds_nothing(text):
    assert not holds(text)


# 4. A request is read from the clause that asks, not from one that tells


def understood(text: str):
    directory = Directory([ADA, BEN, MAYA_C, LIO])
    message = new_message(("Dr. Ada Lee", ADA.email), ("Intro", BOT), "Intro", text + "\n")
    return understand(message, ADA, directory, BOT)


def pair(text: str) -> tuple[str | None, str | None]:
    result = understood(text)
    return (result.client.email if result.client else None, result.colleague.email if result.colleague else None)


@pytest.mark.parametrize("text, colleague", [
    (f"{SAM} tried to connect with Maya Chen last year. Please introduce her to Ben Okafor.", BEN.email),
    (f"{SAM} tried to connect with Maya Chen last year. Please introduce her to Lio Park.", LIO.email),
    (f"{SAM} wanted to connect with Maya Chen. Please introduce her to Lio Park instead.", LIO.email),
    (f"I put {SAM} in touch with Maya Chen last year. Please introduce her to Lio Park.", LIO.email),
    (f"I already put {SAM} in touch with Maya Chen. Could you introduce her to Lio Park?", LIO.email),
    (f"We had tried to connect {SAM} with Maya Chen. Please introduce her to Lio Park.", LIO.email),
    (f"I couldn't connect {SAM} with Maya Chen. Please introduce her to Lio Park.", LIO.email),
    (f"{SAM} doesn't want to connect with Maya Chen. Please introduce her to Lio Park.", LIO.email),
])
def test_a_clause_telling_of_an_earlier_connection_is_not_the_request(text, colleague):
    """Before, the first verb of introducing was the request, told or asked: "Sam tried to connect with Maya Chen"
    made Maya (a colleague) the client, to be asked about Ben."""
    client, asked_about = pair(text)
    assert asked_about == colleague and client in (None, "sam@client.example")


@pytest.mark.parametrize("text, expected", [
    (f"Please introduce {SAM} to Maya Chen.", ("sam@client.example", MAYA_C.email)),
    (f"I'd like to introduce {SAM} to Maya Chen.", ("sam@client.example", MAYA_C.email)),
    (f"Could you put {SAM} in touch with Maya Chen?", ("sam@client.example", MAYA_C.email)),
    (f"Please introduce {SAM} to Maya Chen. She tried to connect with Lio Park last year.",
     ("sam@client.example", MAYA_C.email)),
])
def test_a_request_beside_or_without_a_told_clause_is_read_as_before(text, expected):
    assert pair(text) == expected


def forwarded(note: str):
    """Ada forwards Sam's email to intro@ with `note` above it, as understood."""
    directory = Directory([ADA, BEN, MAYA_C, LIO])
    original = new_message(("Sam Rivera", "sam@client.example"), ("Dr. Ada Lee", ADA.email), "Back pain",
                           "Hi Dr. Lee, who could help with my back?\n\nSam\n")
    result = understand(gmail_forward(("Dr. Ada Lee", ADA.email), original, note), ADA, directory, BOT)
    return result.colleague.email if result.colleague else None, sorted(c.email for c in result.options)


@pytest.mark.parametrize("note", [
    "She tried to connect with Maya Chen last year. Please introduce her to Lio Park.",
    "I put her in touch with Maya Chen last year. Could Lio Park see her?",
    "Sam already saw Maya Chen. Lio, could you see her?",
    "She tried to connect with Maya Chen last year. Is Lio Park free for her?",
    "Sie war letztes Jahr bei Maya Chen. Lio, könntest du sie sehen?",
    "Elle a déjà vu Maya Chen l'an dernier. Lio, pourrais-tu la voir ?",
    "El año pasado vio a Maya Chen. Lio, ¿podrías verla?",
])
def test_above_a_forward_a_colleague_only_told_of_is_not_asked_for(note):
    """Before, a colleague the client saw or tried before, named in a sentence of its own, was offered beside the
    one asked for, and Ada was asked which of the two she meant."""
    assert forwarded(note) == (LIO.email, [])


@pytest.mark.parametrize("note", [
    "Maya Chen is away. Lio Park saw her before.",  # nobody asked for: which one is asked
    "She saw Maya Chen last year. Maya or Lio, could one of you see her?",  # Maya asked for too
    "She saw Maya Chen last year, could Maya see her again? If not, Lio Park, could you?",  # told, and asked
    "Lio, could you see her? Maya Chen would be great too, she saw her before.",  # told, and proposed
])
def test_above_a_forward_a_colleague_told_of_is_still_offered_when_no_other_is_asked_for(note):
    assert forwarded(note) == (None, sorted([MAYA_C.email, LIO.email]))


def test_a_colleague_told_of_and_asked_for_again_is_asked_for():
    assert forwarded("Maya Chen saw her before. Could she see her again?") == (MAYA_C.email, [])
