"""Consent answers sent as HTML only, quoting our ask the way each major client's HTML does."""

from __future__ import annotations

import html
from email.message import EmailMessage

import pytest

from introbot.core.answers import Answer, read_answer
from introbot.core.echo import own_words
from introbot.core.quotes import split_reply
from introbot.core.render import Renderer
from introbot.core.text import body_text
from introbot.model import Kind
from tests.core.template_samples import SHIPPED, sample_context

BOT = "Intro Assistant &lt;intro@collective.example&gt;"
WORDS = {
    "en": {"on": f"On Mon, Mar 2, 2026 at 9:30\u202fAM {BOT} wrote:", "from": "From", "sent": "Sent", "to": "To",
           "subject": "Subject", "original": "-------- Original message --------", "answers": ("Yes please!", "No thanks, not right now.")},
    "de": {"on": f"Am Mo., 2. März 2026 um 09:30 Uhr schrieb {BOT}:", "from": "Von", "sent": "Gesendet", "to": "An",
           "subject": "Betreff", "original": "-------- Ursprüngliche Nachricht --------", "answers": ("Ja, gerne.", "Nein, danke.")},
}
OUTLOOK_FIELDS = ("<b>{from}:</b> " + BOT + "<br><b>{sent}:</b> Monday, March 2, 2026 9:30 AM<br>"
                  "<b>{to}:</b> Sam Rivera &lt;sam@mail.example&gt;<br><b>{subject}:</b> Shall I introduce you?")

# {answer}, {ask_br} (our ask, lines joined by <br>), {ask_divs} (a <div> per line), {ask_p} (Word's
# paragraphs), {ask_pre}, and the language's words. Trimmed from what each client sends.
CLIENTS = {
    "gmail": '<div dir="ltr">{answer}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">{on}<br>'
             '</div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">{ask_br}</blockquote></div>',
    "gmail respond inline": '<div dir="ltr"><br></div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                            '{on}<br></div><div>{ask_with_answer}</div></div>',
    "outlook desktop": '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body><div class=WordSection1>'
                       '<p class=MsoNormal>{answer}<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><div><div '
                       'style="border:none;border-top:solid #E1E1E1 1.0pt"><p class=MsoNormal>' + OUTLOOK_FIELDS +
                       '<o:p></o:p></p></div></div><p class=MsoNormal><o:p>&nbsp;</o:p></p>{ask_p}</div></body></html>',
    "outlook on the web": '<html><body><div style="font-family: Aptos">{answer}</div><div id="appendonsend"></div>'
                          '<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><font '
                          'face="Calibri">' + OUTLOOK_FIELDS + '</font><div>&nbsp;</div></div><div>{ask_divs}</div>'
                          '</body></html>',
    "apple mail": '<html><body style="word-wrap: break-word;"><div>{answer}</div><div><br><blockquote type="cite">'
                  '<div>{on}</div><br class="Apple-interchange-newline"><div><div>{ask_br}</div></div></blockquote>'
                  '</div><br></body></html>',
    "ios mail": '<html><body dir="auto">{answer}<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br>'
                '<blockquote type="cite">{on}<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">'
                '{ask_br}</div></blockquote></body></html>',
    "yahoo": '<html><body><div class="ydp3b0c0c2ayahoo-style-wrap"><div dir="ltr">{answer}</div><div><br></div>'
             '<div id="yahoo_quoted_1234567" class="yahoo_quoted"><div style="color:#26282a;"><div>{on}</div><div>'
             '<br></div><div><br></div><div><div dir="ltr">{ask_br}</div></div></div></div></div></body></html>',
    "thunderbird": '<html><body><p>{answer}<br></p><div class="moz-cite-prefix">{on}<br></div><blockquote '
                   'type="cite" cite="mid:abc@collective.example"><pre class="moz-quote-pre" wrap="">{ask_pre}</pre>'
                   '</blockquote></body></html>',
    "proton mail": '<div style="font-family: Arial">{answer}</div><div class="protonmail_signature_block"><div '
                   'class="protonmail_signature_block-proton">Sent with <a href="https://proton.me/">Proton Mail</a> '
                   'secure email.</div></div><div class="protonmail_quote">\n        {on}<br><br><blockquote '
                   'class="protonmail_quote" type="cite">{ask_br}</blockquote><br></div>',
    "fastmail": '<!DOCTYPE html><html><body><div>{answer}</div><div><br></div><div>{on}<br></div><blockquote '
                'type="cite" id="qt"><div>{ask_br}</div></blockquote><div><br></div></body></html>',
    "samsung email": '<html><body><div dir="auto">{answer}</div><div dir="auto"><br></div><div dir="auto"><br></div>'
                     '<div dir="auto" style="font-size:100%"><!-- originalMessage --><div>{original}</div><div>'
                     '{from}: ' + BOT + ' </div><div>Date: 02/03/2026  09:30  (GMT+00:00) </div><div>{to}: Sam '
                     'Rivera &lt;sam@mail.example&gt; </div><div>{subject}: Shall I introduce you? </div><div><br>'
                     '</div></div>{ask_br}</body></html>',
}


def our_ask(language: str) -> str:
    return Renderer(SHIPPED).render(Kind.ASK_CLIENT, language, sample_context(Kind.ASK_CLIENT)).text


def html_reply(client: str, language: str, answer: str) -> EmailMessage:
    ask = our_ask(language)
    lines = [html.escape(line) for line in ask.split("\n")]
    paragraphs = "<br>".join(lines).split("<br><br>")
    question = next(index for index, paragraph in enumerate(paragraphs) if "?" in paragraph)
    with_answer = paragraphs[:question + 1] + [answer] + paragraphs[question + 1:]
    words = {key: value for key, value in WORDS[language].items() if key != "answers"}
    body = CLIENTS[client].format(
        answer=answer, ask_br="<br>".join(lines), ask_divs="".join(f"<div>{line or '<br>'}</div>" for line in lines),
        ask_p="".join(f"<p class=MsoNormal>{line or '&nbsp;'}<o:p></o:p></p>" for line in lines),
        ask_pre=html.escape(ask), ask_with_answer="<br><br>".join(with_answer), **words)
    message = EmailMessage()
    message["Subject"] = "Re: Shall I introduce you?"
    message.set_content(body, subtype="html")
    return message


@pytest.mark.parametrize("language", sorted(WORDS))
@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_an_html_only_answer_is_read_from_the_persons_words_alone(client, language):
    for answer, expected in zip(WORDS[language]["answers"], (Answer.YES, Answer.NO)):
        text = body_text(html_reply(client, language, answer))
        assert own_words(text, [our_ask(language)]) == answer
        assert read_answer(own_words(text, [our_ask(language)])).answer is expected


@pytest.mark.parametrize("language", sorted(WORDS))
def test_without_our_copy_an_answer_typed_into_an_unmarked_quote_is_not_guessed(language):
    """Once the copy is gone, "Respond inline" reads as all quote: unclear, never a wrong answer."""
    for answer in WORDS[language]["answers"]:
        text = body_text(html_reply("gmail respond inline", language, answer))
        assert split_reply(text).new_text == ""
        assert read_answer(split_reply(text).new_text).answer is Answer.UNCLEAR
