"""Review of the follow-up readers: what practitioners and parties really write after (or instead of) a request,
and what introbot must do with it. Each test here failed when written: it states the right behaviour."""

from __future__ import annotations

import pytest

from introbot.model import Consent, IntroState, Role
from tests.conversation import ADA, BEN, BOT, KIM, LIO, MAYA, SAM, gmail_forward, new_message, reply
from tests.service_world import Desk
from tests.test_followups import kinds, signed

CLIENT_EMAIL = "Hi Dr. Lee,\n\nMy back is still sore. Do you know someone who does massage?\n\nSam\n"
SAM_ADDRESSED = f"{SAM[0]} <{SAM[1]}>"


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def forward(desk: Desk, note: str, client=SAM, referrer=ADA, client_email: str = CLIENT_EMAIL,
            authenticated: bool = True):
    message = gmail_forward(referrer, new_message(client, referrer, "Back pain", client_email), note)
    desk.receive(signed(message, referrer, authenticated))
    return message


def write(desk: Desk, text: str, writer=ADA):
    message = new_message(writer, ("Intro", BOT), "Intro", text + "\n")
    desk.receive(signed(message, writer))
    return message


def pairs(desk: Desk) -> set[tuple[str | None, str | None, IntroState]]:
    return {(i.client.email if i.client else None, i.colleague.email if i.colleague else None, i.state)
            for i in desk.store.intros()}


def cc_thread(desk: Desk, ada_says: str, writer=ADA, cc=()) -> None:
    """Ada writes Sam with intro@ in CC (a request); Sam replies all; `writer` replies all to Sam with `ada_says`."""
    # (Naming Ben here too would make introbot ask Ada which of the two she means: it never guesses.)
    request = new_message(ADA, SAM, "Massage", "Hi Sam,\n\nMaya Chen is the one for your back, so I'm asking my "
                          "assistant to introduce you to her.\n\nAda\n", cc=[("Intro", BOT), *cc])
    desk.receive(signed(request))
    desk.send_all()
    sams = reply(request, SAM, "Thank you so much Dr Lee! Do I need to fill in any forms?", reply_all=True)
    desk.receive(signed(sams, SAM))
    desk.receive(signed(reply(sams, writer, ada_says, reply_all=True), writer))


# Genuine requests held back


@pytest.mark.parametrize("note", [
    "Maya, could you see Sam for her shoulder? She's had surgery - please hold off on deep tissue for 6 weeks.",
    "GP's advice: hold off on massage until after the scan. Could Maya see Sam after the 15th?",
    "Sam has been waiting for an intro to a massage therapist for weeks, could you sort it? Maya would be ideal.",
    "I don't want to introduce them myself as I'm away - can you handle it? Maya Chen please.",
    "I'd rather not introduce them myself, could you do it? Maya Chen",
    "Je ne la présente pas moi-même car je suis en congé ; merci de t'en occuper. Maya Chen",
])
def test_a_forward_whose_note_only_mentions_holding_or_not_introducing_oneself_is_still_a_request(desk, note):
    """Ada forwards Sam for Maya with a clinical "hold off on deep tissue" or "I'd rather not introduce them myself":
    today she gets "Noted: no introduction" and Sam is never asked (holding.holds_back reads any such words)."""
    forward(desk, note)
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)} and kinds(desk, ADA) == []


def test_a_note_that_corrects_itself_with_scratch_that_asks_about_the_colleague_it_settles_on(desk):
    """A hurried note "Maya for Sam please. Scratch that - Lio Park" is a request for Lio, not a hold: today
    nothing starts and Ada reads "Noted: no introduction" (holding._ON_HOLD takes "Scratch that" for holding back)."""
    forward(desk, "Maya for Sam please. Scratch that - Lio Park for Sam please, she's better for backs.")
    # Lio asked about, or Ada asked which of the two she means: either way the request goes on.
    assert pairs(desk) and (SAM[1], MAYA[1], IntroState.ASKING) not in pairs(desk) and "refused" not in kinds(desk, ADA)


def test_ignore_my_last_email_above_a_new_forward_starts_the_new_request(desk):
    """Ada forwarded the wrong client's email, then forwards Sam's with "Please ignore my last email, wrong
    client!": Sam must be asked; today nothing starts for Sam (holding.holds_back) and, as Kim's request is
    not meant by Sam's name, Kim's wrong request goes on."""
    forward(desk, "Maya, could you see Kim? Ada", client=KIM)
    forward(desk, "Please ignore my last email, wrong client! Maya, could you see Sam?")
    assert (SAM[1], MAYA[1], IntroState.ASKING) in pairs(desk)
    assert kinds(desk, SAM) == ["ask_client"]


@pytest.mark.parametrize("release", [
    f"Ignore my last email - please go ahead with {SAM_ADDRESSED} and Maya Chen!",
    f"Never mind my last message, {SAM_ADDRESSED} is ready now. Maya Chen please.",
])
def test_taking_back_a_hold_starts_the_request(desk, release):
    """The natural way to undo "don't introduce Sam yet" is "ignore my last email, go ahead": today it is read
    as a second hold and the request never starts (holding._ON_HOLD; "go ahead" is no verb of asking)."""
    write(desk, f"Please don't introduce {SAM_ADDRESSED} to Maya Chen yet.")
    write(desk, release)
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)}


@pytest.mark.parametrize("text", [
    f"Please don't put {SAM_ADDRESSED} in touch with Maya Chen yet.",
    f"Bitte {SAM_ADDRESSED} noch nicht mit Maya Chen in Kontakt bringen, sie überlegt noch.",
    f"Merci de ne pas encore mettre {SAM_ADDRESSED} en contact avec Maya Chen, elle réfléchit.",
    f"Por favor, no pongas a {SAM_ADDRESSED} en contacto con Maya Chen todavía.",
    f"Per favore non mettere ancora {SAM_ADDRESSED} in contatto con Maya Chen.",
    f"Wil je {SAM_ADDRESSED} nog niet aan Maya Chen voorstellen? Ze twijfelt nog.",
    f"Maya Chen + {SAM_ADDRESSED}: NOT yet. I'll tell you when.",
])
def test_a_clear_do_not_introduce_in_ordinary_word_order_asks_nobody(desk, text):
    """"Don't put Sam Rivera in touch with Maya yet" and its German/French/Spanish/Italian/Dutch word orders
    (object between the negation and the verb): today Sam is asked at once (holding._NEGATED/_VERB allow no
    words between, and "put X in touch" only one word)."""
    write(desk, text)
    assert desk.store.intros() == [] and kinds(desk, SAM) == []


# A new request answered with a status mail


@pytest.mark.parametrize("text", [
    "Sam got back to me - could Lio see her too?",
    "Sam replied to me, she'd like to see Lio Park as well. Could you set that up?",
    "Sam hasn't heard back from the hospital - could Lio Park see her in the meantime?",
])
def test_a_new_request_that_mentions_a_reply_is_acted_on_not_answered_with_the_status(desk, text):
    """With Sam's Maya request open, "Sam got back to me - could Lio see her too?" asks for Lio: today Ada gets
    a status mail and Lio is never asked (holding.asks_how_it_stands: "got back", "replied", "heard back")."""
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    desk.send_all()
    write(desk, text)
    assert (SAM[1], LIO[1], IntroState.ASKING) in pairs(desk) and "status" not in kinds(desk, ADA)


@pytest.mark.parametrize("text", ["Novità su Sam? Ha già risposto?", "Nog nieuws over Sam? Heeft ze al gereageerd?",
                                  "Alguma novidade sobre a Sam? Ela já respondeu?", "Did Sam say yes?"])
def test_asking_how_sams_request_stands_in_italian_dutch_portuguese_gets_the_status(desk, text):
    """"Novità su Sam?" is a question after the open request: today it starts a new request and Ada is asked
    who to introduce (holding._HOW_IT_STANDS has no Italian, Dutch or Portuguese, nor "say yes")."""
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    write(desk, text)
    assert kinds(desk, ADA) == ["status"] and len(desk.store.intros()) == 1


# Chatter in a thread that cancels, redirects or starts requests


@pytest.mark.parametrize("text", [
    "No forms needed. Please ignore the previous email from reception about billing.",
    "No rush Sam - never mind the forms for now.",
    "Don't worry about forms, Maya will send them. Scratch that, I'll send them.",
])
def test_talk_with_the_client_in_a_cc_thread_does_not_cancel_the_request(desk, text):
    """Ada answers Sam's question about forms (reply all, intro@ still in CC): today Sam's request is cancelled
    (holding._ON_HOLD: "ignore the previous email", "never mind", "scratch that" said to Sam)."""
    cc_thread(desk, text)
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)} and "cancelled" not in kinds(desk, ADA)


@pytest.mark.parametrize("text", [
    "You're welcome! If Maya can't fit you in, Lio Park would be a good alternative instead.",
    "You're welcome! Don't get me wrong, Lio Park is great too, but Maya suits you best.",
])
def test_mentioning_another_colleague_to_the_client_in_a_cc_thread_does_not_redirect_her(desk, text):
    """"Lio Park would be a good alternative instead" told to Sam: today Maya's intro is cancelled and Sam gets a
    second ask, about Lio (request.corrected_colleague: any "instead"/"wrong" beside one other name)."""
    cc_thread(desk, text)
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)} and kinds(desk, SAM) == ["ask_client"]


def test_thanking_a_practitioner_in_cc_does_not_redirect_the_client_to_him(desk):
    """"Thanks Ben, I mean it - great suggestion!" to the colleague who suggested Maya: today Sam is asked about
    an introduction to Ben instead (request.corrected_colleague: "I mean" + a first name)."""
    cc_thread(desk, "Thanks Ben, I mean it - great suggestion!", cc=[BEN])
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)} and kinds(desk, SAM) == ["ask_client"]


def test_another_practitioner_in_the_thread_cannot_redirect_adas_request(desk):
    """Ben, in CC, replies all "I'd have picked Lio Park rather than Maya": today Ada's request is redirected by
    Ben's words (service.read_in_full takes a correction from any practitioner; only the referrer may)."""
    cc_thread(desk, "Great idea - though I'd have picked Lio Park rather than Maya for this.", writer=BEN, cc=[BEN])
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)} and kinds(desk, SAM) == ["ask_client"]


def test_an_offer_to_the_client_in_a_cc_thread_starts_no_new_request(desk):
    """"If Maya's booked, let me know and I can connect you with Lio" is a promise to Sam: today a new request
    starts and Ada gets a question about it (service._another_request on holding.asks)."""
    cc_thread(desk, "Sam, if Maya's fully booked, let me know and I can connect you with Lio Park.")
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.ASKING)} and kinds(desk, ADA) == []


@pytest.mark.parametrize("text", ["Lovely, thanks. Sam was so happy to be introduced.",
                                  "Thanks so much for always introducing my clients so smoothly!"])
def test_thanks_for_a_done_introduction_starts_nothing(desk, text):
    """A thank-you to the "introduced" note: today it starts an empty request and Ada is asked "who should I
    introduce?" (holding.asks counts "introduced" and "always introducing" as asking)."""
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    for party, ask in ((SAM, "ask_client"), (MAYA, "ask_colleague")):
        desk.answer(desk.mail_to(party[1], ask)[0], party, "Yes")
    mails_before = len(desk.mail())
    desk.answer(desk.mail_to(ADA[1], "referrer_sent")[0], ADA, text)
    assert len(desk.mail()) == mails_before and len(desk.store.intros()) == 1


@pytest.mark.parametrize("answer", [
    "Yes please. If Maya can't take her, Lio Park would be a good alternative instead.",
    "Yes. (Sorry for the typo in Sam's name.) Lio Park knows her too.",
])
def test_a_yes_to_the_confirmation_that_mentions_another_colleague_keeps_the_colleague_asked_for(desk, answer):
    """Ada confirms her request and mentions Lio in passing: today Sam is asked about Lio, and Maya, whom Ada
    asked for, never (request.corrected_colleague via service._referrer_reply)."""
    forward(desk, "Maya, could you see Sam? Thanks, Ada", authenticated=False)
    [confirmation] = desk.mail_to(ADA[1], "confirm_request")
    desk.answer(confirmation, ADA, answer)
    # Maya stays the colleague; "Yes please. If ..." is a yes with a condition, which the confirmation's "Reply
    # YES to go ahead; otherwise I'll do nothing" leaves waiting for a plain YES.
    assert pairs(desk) in ({(SAM[1], MAYA[1], IntroState.ASKING)}, {(SAM[1], MAYA[1], IntroState.CONFIRMING)})


def test_a_correction_in_portuguese_redirects(desk):
    """"Desculpa, queria dizer Lio Park, não a Maya" is the correction every other language gets: today it is
    ignored and Maya's intro goes on (request._CORRECTING has no Portuguese; "não a Maya" is not ruled out)."""
    request = forward(desk, "Maya, could you see Sam? Thanks, Ada")
    desk.receive(signed(reply(request, ADA, "Desculpa, queria dizer Lio Park, não a Maya.")))
    assert pairs(desk) == {(SAM[1], MAYA[1], IntroState.CANCELLED), (SAM[1], LIO[1], IntroState.ASKING)}


# The referrer's answer to "which colleague?"


@pytest.mark.parametrize("answer", ["no, not lio - maya", "No preference, any of them"])
def test_an_answer_to_a_wrong_guess_that_starts_with_no_does_not_cancel_the_request(desk, answer):
    """Asked "did you mean Lio Park?", Ada answers "no, not lio - maya": today her request is cancelled (service.
    _referrer_reply reads any no as "none of them"); before, the question at least stayed open."""
    forward(desk, "fyi - for lio")
    [question] = desk.mail_to(ADA[1], "clarify")
    desk.answer(question, ADA, answer)
    [intro] = desk.store.intros()
    assert intro.state is not IntroState.CANCELLED and "cancelled" not in kinds(desk, ADA)


@pytest.mark.parametrize("answer", ["None of them, I'll find someone myself", "Neither - she found someone herself"])
def test_none_of_them_with_a_reason_closes_the_question(desk, answer):
    """"Neither - she found someone herself" takes no option: today the question stays open and Ada hears nothing
    (request.takes_no_option wants the bare word on its line)."""
    forward(desk, "fyi - for lio")
    [question] = desk.mail_to(ADA[1], "clarify")
    desk.answer(question, ADA, answer)
    [intro] = desk.store.intros()
    assert intro.state is IntroState.CANCELLED and kinds(desk, ADA) == ["clarify", "cancelled"]


# A client's forward of our mail taken for the practitioner's own


SAM_FORWARDING_OUR_INTRO = (
    "Hi Dr Lee, Maya never got back to me after this. Could you suggest someone else?\n\nSam\n\n"
    "---------- Forwarded message ---------\nFrom: Intro Assistant <intro@collective.example>\n"
    "Date: Mon, 2 Feb 2026 at 09:00\nSubject: Introduction: Sam and Maya\n"
    "To: Sam Rivera <sam@client.example>, Maya Chen <maya@bodywork.example>\n\n"
    "Hi Sam and Maya,\n\nDr. Ada Lee asked me to introduce you.\n")


def test_forwarding_a_clients_email_that_quotes_our_mail_is_a_request(desk):
    """Sam forwarded our introduction to Ada ("Maya never got back to me"); Ada forwards Sam's email asking for
    Lio: today she is told she "forwarded one of my own messages" and nothing starts (service._forwarded_ours
    looks at every nested message, not at the one Ada forwarded)."""
    forward(desk, "Could you introduce Sam to Lio Park instead? Thanks, Ada", client_email=SAM_FORWARDING_OUR_INTRO)
    assert pairs(desk) == {(SAM[1], LIO[1], IntroState.ASKING)} and "refused" not in kinds(desk, ADA)


def test_forwarding_a_clients_email_that_quotes_our_mail_is_no_consent_to_another_intro(desk):
    """Ben asked Ada to see Kim; Ada, not yet answered, forwards Sam's email (with our mail nested in it) saying
    "Sure, happy to help her - Lio Park please": today that is taken as Ada's yes to Kim and Kim and Ada are
    introduced (service._forwarded_ours)."""
    forward(desk, "Ada, could you see Kim? Ben", client=KIM, referrer=BEN)
    desk.answer(desk.mail_to(KIM[1], "ask_client")[0], KIM, "Yes please")
    forward(desk, "Sure, happy to help her - Lio Park please. Ada", client_email=SAM_FORWARDING_OUR_INTRO)
    [kims] = [i for i in desk.store.intros() if i.client and i.client.email == KIM[1]]
    assert kims.party(Role.COLLEAGUE).consent is Consent.ASKED and kims.state is IntroState.ASKING
    assert "introduction" not in kinds(desk, KIM)


# A party's words after their yes


def yes_then(desk: Desk, text: str) -> None:
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    [ask] = desk.mail_to(SAM[1], "ask_client")
    desk.answer(ask, SAM, "Yes please")
    desk.answer(ask, SAM, text)


@pytest.mark.parametrize("text", [
    "No, nothing else, thanks. Glad you found someone so quickly.",
    "No questions. After all this back pain I'm so ready!",
    "No, I don't have questions - I no longer have weekend shifts so any day works.",
    "No problem at all, I'll pass the details on to my husband too.",
    "No, gracias. Ya no me duele tanto pero quiero ir igual.",
])
def test_a_happy_afterthought_to_a_yes_is_no_withdrawal(desk, text):
    """Sam, having said yes, writes "No questions. After all this back pain I'm so ready!": today the intro is
    declined and Ada hears Sam said no (withdrawal.takes_back: "after all", "found someone", "no longer",
    "I'll pass", "ya no" anywhere in the text)."""
    yes_then(desk, text)
    assert desk.store.intros()[0].state is IntroState.ASKING and "referrer_declined" not in kinds(desk, ADA)


@pytest.mark.parametrize("text", ["Actually I'd prefer not to be introduced. Sorry!", "Non mi serve più, grazie."])
def test_a_plain_withdrawal_after_a_yes_is_honoured(desk, text):
    """Sam writes "Actually I'd prefer not to be introduced" after her yes: today it is ignored and she is
    introduced once Maya agrees (withdrawal.takes_back knows "rather not", not "prefer not"; "non più" only
    adjacent)."""
    yes_then(desk, text)
    assert desk.store.intros()[0].state is IntroState.DECLINED
