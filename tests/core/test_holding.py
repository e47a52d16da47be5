"""A practitioner's words asking introbot not to introduce (yet), read both ways, and the requests they mean."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from introbot.core.holding import asks_how_it_stands, holds_back, requests_meant
from introbot.model import Intro, IntroState, Party, Role

HELD_BACK = [
    "Please don't introduce Sam to Maya Chen yet.",
    "Please do not introduce Sam <sam@client.example> to Maya Chen and Lio Park just yet.",
    "Could you not introduce Sam just yet? She wants to think about it.",
    "No need to intro Sam after all, she found someone.",
    "Please hold off on Sam for now.",
    "Hold off on introducing Sam to Maya, please.",
    "Put Sam on hold for a week, thanks.",
    "Never mind, Sam found someone closer to home.",
    "Please ignore my last email.",
    "Sorry - scratch that.",
    "I'll let you know when to introduce them.",
    "Please wait until Monday before introducing Sam to Maya.",
    "Bitte Sam noch nicht vorstellen.",
    "Merci de ne pas la présenter tout de suite à Maya.",
    "Por favor, no la presentes todavía.",
    "Per favore non presentarla ancora a Maya.",
    "Graag Sam nog niet voorstellen.",
]
ASKED = [
    "Please introduce Sam to Maya Chen.",
    "Don't introduce her to Maya; introduce her to Lio Park instead.",
    "Don't forget to introduce Sam to Maya!",
    "Don't hesitate: introduce Sam to Maya.",
    "Her GP said to hold off on massage for a week. Maya Chen when she's ready?",
    "She is on hold with her insurer, but Maya Chen would suit her.",
    "Same as when I referred Kim last month: Maya Chen please.",
    "Once Sam says yes, introduce her to Maya.",
    "Never mind the typo in her name, please introduce Sam to Maya.",
    "Sam doesn't want needles. Maya Chen?",
    "Maya, could you see Sam? Thanks, Ada",
    "Bitte stelle Sam Maya Chen vor.",
    "",
]


@pytest.mark.parametrize("text", HELD_BACK)
def test_words_asking_not_to_introduce_hold_the_request_back(text):
    assert holds_back(text)


@pytest.mark.parametrize("text", ASKED)
def test_a_request_or_words_about_something_else_do_not(text):
    assert not holds_back(text)


NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def intro(intro_id: str, client: str, colleague: str, state: IntroState = IntroState.ASKING, request_id: str = "",
          hint: str = "") -> Intro:
    client_party = Party(Role.CLIENT, client.split()[-1], name=" ".join(client.split()[:-1])) if client else None
    return Intro(id=intro_id, state=state, referrer_email="ada@clinic.example", referrer_name="Dr. Ada Lee",
                 created_at=NOW, updated_at=NOW, order="client-first", client=client_party,
                 colleague=Party(Role.COLLEAGUE, colleague), note="", request_message_id=request_id,
                 client_hint=hint)


SAM_MAYA = intro("aaaaaaaa", "Sam Rivera sam@client.example", "maya@bodywork.example", request_id="<r1@clinic.example>")
SAM_LIO = intro("bbbbbbbb", "Sam Rivera sam@client.example", "lio@osteo.example", request_id="<r1@clinic.example>")
KIM_MAYA = intro("cccccccc", "Kim Novak kim@client.example", "maya@bodywork.example")
JO_UNNAMED = intro("dddddddd", "", "maya@bodywork.example", state=IntroState.CLARIFYING, hint="Jo")
SAM_DONE = intro("eeeeeeee", "Sam Rivera sam@client.example", "maya@bodywork.example", state=IntroState.INTRODUCED)
OPEN = [SAM_MAYA, SAM_LIO, KIM_MAYA, JO_UNNAMED, SAM_DONE]


def meant(text: str, client: str | None = None, colleagues: set[str] = frozenset(),
          replied_to: set[str] = frozenset()) -> list[str]:
    return [i.id for i in requests_meant(text, OPEN, client, set(colleagues), set(replied_to))]


def test_the_client_named_means_their_open_requests_and_no_one_elses_nor_an_ended_one():
    assert meant("Please hold off on Sam for now") == ["aaaaaaaa", "bbbbbbbb"]
    assert meant("Never mind about sam@client.example") == ["aaaaaaaa", "bbbbbbbb"]
    assert meant("Please hold off on Kim") == ["cccccccc"]


def test_a_colleague_named_narrows_it_to_the_requests_with_them():
    assert meant("Don't introduce Sam to Maya after all", colleagues={"maya@bodywork.example"}) == ["aaaaaaaa"]
    assert meant("Don't introduce Sam to Noor", colleagues={"noor@osteo.example"}) == []


def test_the_forwarded_clients_address_and_the_name_a_question_called_them_by_count():
    assert meant("Please don't introduce her yet", client="kim@client.example") == ["cccccccc"]
    assert meant("Hold off on Jo, please") == ["dddddddd"]


def test_a_reply_to_the_request_means_that_request_whatever_it_names():
    assert meant("Sorry, ignore my last email", replied_to={"<r1@clinic.example>"}) == ["aaaaaaaa", "bbbbbbbb"]


def test_words_naming_nobody_open_mean_nothing():
    assert meant("Please ignore my last email") == []
    assert meant("Hold off on Samantha") == []  # a longer name is someone else


@pytest.mark.parametrize("text", ["Any news about Sam? Has she answered yet?", "Did Sam say yes?",
                                  "Wie ist der Stand bei Sam?", "Novità su Sam? Ha già risposto?",
                                  "Des nouvelles de Sam ?", "Any news on sam@client.example?",
                                  "Has Sam Rivera replied?"])
def test_a_question_after_a_request_asks_how_it_stands(text):
    assert asks_how_it_stands(text)


@pytest.mark.parametrize("text", ["I read the news about Sam's clinic closing. Maya Chen?",
                                  "Sam got back to me - could Lio see her too?",
                                  "Any news about Sam? Could you also introduce her to Lio Park?",
                                  "Our member news of the week has been sent!", "Any news about Sam. Call me?"])
def test_news_told_or_a_request_beside_it_does_not(text):
    assert not asks_how_it_stands(text)


@pytest.mark.timeout(60)  # a hang guard, not a speed claim: a nested repetition once took hours on these
@pytest.mark.parametrize("run", ["Sam ", "the ", "The ", "Don't the Sam <sam@client.example> ", "no "])
def test_a_request_of_nothing_but_names_and_little_words_is_read_without_backtracking(run):
    text = "Please don't " + run * (20_000 // len(run))
    assert not holds_back(text) and not asks_how_it_stands(text)  # no verb of introducing, no question


def test_a_title_a_lower_case_word_or_a_shared_first_name_names_no_client():
    will = intro("ffffffff", "Will Jones will@client.example", "maya@bodywork.example")
    doctor = intro("gggggggg", "Dr Sam Rivera drsam@client.example", "maya@bodywork.example")
    other_sam = intro("hhhhhhhh", "Sam Okafor okafor@client.example", "lio@osteo.example")
    text = "Please hold off on Kim for now, I will let you know. Dr Chen agrees."
    assert [i.id for i in requests_meant(text, [KIM_MAYA, will, doctor], None, set(), set())] == ["cccccccc"]
    assert requests_meant("Hold off on Sam, please", [SAM_MAYA, other_sam], None, set(), set()) == []
    assert [i.id for i in requests_meant("Hold off on Sam Okafor, please", [SAM_MAYA, other_sam], None, set(),
                                         set())] == ["hhhhhhhh"]
