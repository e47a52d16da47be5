"""Recognise automatic mail (bounces, auto-replies, reports, lists, our own loops) so robots are never answered."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage, Message
from enum import Enum
from functools import cached_property

from flufl.bounce import all_failures

from introbot.core.answers import Answer, Reading, read_answer
from introbot.core.forwards import subject_kind
from introbot.core.quotes import split_reply, split_signature_of
from introbot.core.text import body_text


class AutoKind(Enum):
    BOUNCE = "bounce"  # delivery failed
    DELAY = "delay"  # not delivered yet, still being retried
    AUTO_REPLY = "auto-reply"  # out-of-office, vacation, autoresponder
    FEEDBACK_REPORT = "feedback-report"  # abuse complaint or unsubscribe report (ARF, RFC 5965)
    READ_RECEIPT = "read-receipt"  # message disposition notification (RFC 8098)
    DELIVERY_REPORT = "delivery-report"  # a DSN saying the message was delivered, relayed or expanded
    LIST = "list"  # mailing-list traffic
    BULK = "bulk"  # newsletters and other bulk mail
    AUTO_GENERATED = "auto-generated"  # any other machine-sent mail
    LOOP = "loop"  # our own mail came back


@dataclass(frozen=True)
class Automatic:
    """Why a message is automatic. `reasons` never quote addresses, names or subjects."""

    kind: AutoKind
    reasons: tuple[str, ...]
    failed_recipients: tuple[str, ...] = ()  # bounces and delays: the addresses that failed, lower-cased
    permanent: bool | None = None  # bounces: hard (True), temporary (False), unknown (None)
    original_message_ids: tuple[str, ...] = ()  # "<id@host>" of the message bounced or answered, if found


def detect_automatic(msg: EmailMessage, own_loop_header: tuple[str, str] | None = None,
                     read_wording: bool = True, *, sender_was_asked: bool = False) -> Automatic | None:
    """The verdict of the first matching rule in the ordered table at the end, or None for a person's mail.

    Header rules are cheap and come first; bodies are read only for delivery reports, for mail whose
    headers look like a bounce, and, last, for out-of-office sentences in otherwise plain mail.
    `own_loop_header` is the (name, value) pair introbot stamps on everything it sends. With
    `read_wording` False, no subject or text is taken for a robot's (reports and headers still are): a
    practitioner's request that mentions their leave ("Out of office next week - please introduce
    Sam to Maya") is theirs, not an autoresponder's.
    `sender_was_asked`: the From address is one introbot wrote to and the message carries its reply token.
    Then a list-like address or a daemon-like display name says nothing of a robot (a clinic's
    booking-request@ or clinic-owner@ answering our question is the clinic); a mailer-daemon@, postmaster@
    or no-reply@ address, the headers, reports and wording still do.
    """
    facts = _Facts(msg, own_loop_header, read_wording, sender_was_asked)
    for rule in _RULES:
        verdict = rule(facts)
        if verdict is not None:
            return verdict
    return None


def addresses_in_notice(msg: EmailMessage) -> tuple[str, ...]:
    """Every address a bounce's own text names, above the original it returns, other than its own sender's
    and recipients': where the failed recipient is not listed in a known form, the one it names is."""
    facts = _Facts(msg, None)
    return tuple(a for a in _addresses([facts.notice]) if a not in facts.own_addresses)


# ---------------------------------------------------------------------------------------------------
# Patterns


def _phrases(pattern: str) -> re.Pattern[str]:
    """Case-blind phrases whose spaces match any run of white space, line breaks included, since
    bounce and autoresponder texts are wrapped anywhere."""
    return re.compile(pattern.replace(" ", r"\s+"), re.IGNORECASE)


# An address, bounded so that long runs of text without "@" cost linear time: it may only start where a
# word starts, and an RFC 5321 local part has at most 64 characters.
_ADDRESS = re.compile(
    r"(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{0,63}"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_ID_CHAR = r"[\x21-\x3b\x3d\x3f\x41-\x7e]"  # printable ASCII but < > @: ids are stored and compared later
_MESSAGE_ID = re.compile(rf"<{_ID_CHAR}{{1,200}}@{_ID_CHAR}{{1,200}}>")
_MESSAGE_ID_LINE = re.compile(
    rf"^[ \t>]*(?:original-)?message-id:[ \t]*(?:\r?\n[ \t]+)?(<{_ID_CHAR}{{1,200}}@{_ID_CHAR}{{1,200}}>)",
    re.IGNORECASE | re.MULTILINE,
)
_SCAN_LIMIT = 200_000  # characters of one part that any pattern looks at
_FLUFL_SIZE_LIMIT, _FLUFL_LINE_LIMIT = 300_000, 5_000  # characters and lines flufl.bounce may read
_FLUFL_LONGEST_LINE = 998  # characters before CRLF: RFC 5322's limit, which every MTA's own notice keeps to
_REPORT_TYPE = re.compile(r"""report-type\s*=\s*["']?([\w.-]{1,40})""", re.IGNORECASE)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]{1,40})""", re.IGNORECASE)

_ENHANCED_STATUS = re.compile(r"(?<![\w.])([245])\.[0-7]\.\d{1,3}(?![\w.])")
# SMTP reply codes where MTAs print them: at a line start, after "said:", "<<<", "smtp;", "error:"...
_SMTP_REPLY = re.compile(
    r"(?:^[ \t>|]*|(?:said:|<<<|>>>|smtp;|error:?|reply:?|response:?|code:?|reason:?)[ \t]*)\(?"
    r"(4(?:21|5[0-5]|47)|5(?:0[0-4]|21|3[0-5]|5[0-7]|41))(?![\w.])",
    re.IGNORECASE | re.MULTILINE,
)

_SENDER_CLASSES = (  # (role, pattern for the local part)
    ("mailer-daemon", re.compile(r"mailer-?daemon|mail-?daemon|mdaemon|mail\.delivery\.system", re.I)),
    ("postmaster", re.compile(r"post_?master", re.I)),
    ("no-reply", re.compile(r"(?:.*[-_.+])?(?:no|do[-_.]?not)[-_.]?reply(?:[-_.+].*)?", re.I)),
    ("bounce", re.compile(r"bounces?(?:[-_.+=].*)?", re.I)),
    # not "-admin": a clinic's front desk may well write from frontdesk-admin@
    ("list-robot", re.compile(r".+-(?:owner|request|bounces)|owner-.+", re.I)),
    # RFC 2142's abuse desk: a person may write its complaints, but never as a party, and an answer to
    # one (even a note to the person whose ask it reported) is more mail to someone who objected.
    ("abuse-desk", re.compile(r"abuse", re.I)),
)


def robot_roles(local_part: str) -> tuple[str, ...]:
    """The robot roles an address's local part names: mailer-daemon, postmaster, no-reply, bounce, list-robot,
    abuse-desk."""
    return tuple(role for role, pattern in _SENDER_CLASSES if pattern.fullmatch(local_part))


_DAEMON_DISPLAY_NAME = re.compile(r"mail(?:er)?[- ]?daemon|mail deliver(?:y)? (?:sub)?system|mail delivery service", re.I)

# Bounce wording in a subject; searched anywhere, so it is only ever one sign among others.
_BOUNCE_SUBJECT = re.compile(
    r"\b(?:undeliver|undelivered mail|returned mail|return(?:ed|ing)? (?:message )?to sender|mail delivery fail"
    r"|delivery fail|failed delivery|failure delivery|failure notice|delivery status notification"
    r"|delivery notification: delivery has failed|delivery report|mail delivery status|notice: mail delivery"
    r"|delivery problem|mail system error|mail error|non[- ]?deliver|(?:mail|message) could not be delivered"
    r"|your message could not be delivered|could not send (?:mail|message)|delayed mail|message delayed"
    r"|delivery delayed|postmaster notify|error sending your mail|your message to .{1,100} could not be"
    r"|message you sent blocked|delivery status\b"
    r"|non remis|non distribuable|échec de (?:la )?remise|rapport de non-remise|unzustellbar|nicht zustellbar"
    r"|zustellung fehlgeschlagen|no se puede entregar|no entregado|notificación de estado de entrega"
    r"|non recapitabile|mancato recapito|impossibile recapitare|não entregue|não foi possível entregar"
    r"|onbestelbaar|niet bezorgd|kunde inte levereras|kunne ikke leveres|niedostarczon|nie można dostarczyć"
    r"|недоставленное сообщение|не доставлено)|配信できません|送信できません|メールエラー|退信",
    re.IGNORECASE,
)
_DELAY_WORDING = _phrases(
    r"\bdelay|still being retried|not yet been delivered|could not send (?:mail|message) for past"
    r"|will (?:be )?retr(?:y|ied)|delivery attempts will continue|this is a warning|warning: message"
    r"|verzögert|retardé|retrasad|ritardat|atrasad|vertraagd|försenad|forsinket|opóźnion",
)
# Where the returned original starts in a bounce's text; addresses below it are not the failed ones.
_ORIGINAL_MESSAGE_MARK = re.compile(
    r"^[ \t|>]*(?:-{2,}[ \t]*(?:original message|this is a copy of the message|the header of the original"
    r"|unsent message|returned message|message header follows|original mail|below (?:this|the next) line is a copy"
    r"|start of returned message|returned mail follows|message text follows|the header and top"
    r"|originalnachricht|ursprüngliche nachricht|message d'origine|message original|mensaje original"
    r"|messaggio originale|mensagem original|oorspronkelijk bericht|origineel bericht|ursprungligt meddelande"
    r"|oprindelig meddelelse|opprinnelig melding|oryginalna wiadomość|wiadomość oryginalna)"
    r"|original message follows|original mail as follows|included is a copy of the message header"
    r"|here is a copy of the first part of the message)",
    re.IGNORECASE | re.MULTILINE,
)
# A line after which the failed addresses are listed (on it, or on the next lines up to a blank line).
_FAILED_LIST_LEAD = _phrases(
    r"following (?:e-?mail )?(?:address|recipient|destination)(?:e?s|\(e?s\))?(?:\s+\S+){0,4}?\s+(?:failed"
    r"|errors|problems|undeliverable|aborted|rejected|be reached|be delivered|unreachable)"
    r"|deliver (?:the |your )?(?:mail|message) to the following recipients?"
    r"|delivery to the following recipients? (?:failed|has been delayed|was unsuccessful)"
    r"|delivery has failed to these recipients or groups|(?:could ?n[o']t|cannot|can't|was ?n[o']t|were ?n[o']t)"
    r" (?:be )?delivered to|undeliverable to|unable to deliver (?:your |the )?(?:message |mail )?to"
    r"|failed to deliver (?:your |the )?(?:message |mail )?to|n'a pas pu [eê]tre d[ée]livr[ée] [àa]"
    r"|konnte nicht zugestellt werden|no se pudo entregar a|non è stato possibile recapitare",
)
# Failure wording in a bounce's text: a sign of its own, read only when the headers already show one.
_FAILURE_WORDING = _phrases(
    r"could not be delivered|couldn't be delivered|was not delivered|wasn't delivered|delivery (?:has )?failed"
    r"|undeliverable|permanent error|permanent fatal error|delivery to the following|failed permanently"
    r"|did not reach|could not be reached|returned to sender|unable to deliver|message expired"
    r"|n'a pas pu être (?:remis|délivré)|nicht zugestellt|no se pudo entregar|non è stato possibile recapitare",
)
# Without a status code, the usual words for a hard failure still tell us it is permanent.
_HARD_FAILURE_WORDING = _phrases(
    r"permanent (?:error|failure|fatal error)|failed permanently|user unknown|unknown user|no such (?:user|mailbox"
    r"|recipient|address)|recipient not found|unknown recipient|(?:does|did) not exist|doesn't exist|may not exist"
    r"|invalid (?:user|recipient|address|mailbox)|mailbox unavailable|host unknown|host not found|domain not found"
    r"|no valid recipients|address rejected|unrouteable address|account (?:has been |is )?disabled"
    r"|not listed in|(?:doesn't|does not) have an? .{1,60} account|n'existe pas|existiert nicht|no existe",
)
_HEADER_LINE = re.compile(r"[ \t]*(?:received|from|to|cc|date|subject|message-id|return-path|sent|reply-to):", re.I)
_FAILED_LINE = re.compile(  # Postfix, qmail, InterScan, embedded DSN fields
    r"^[ \t]*<([^<>\s]+@[^<>\s]+)>:"
    r"|rcpt to:[ \t]*<([^<>\s]+@[^<>\s]+)>[^\n]*\n[^\n]*\b[45]\d\d\b"
    r"|^[ \t]*(?:final|original)-recipient:[ \t]*(?:rfc822[ \t]*;)?[ \t]*<?([^<>\s;]+@[^<>\s;]+)",
    re.IGNORECASE | re.MULTILINE,
)

# Out-of-office subjects, anchored at the start, so that a reply ("Re: Out of office") is never one.
# A keyword must be the whole subject or end at a separator ("Absence: ..."), since "Absence of pain"
# or "Out of office next week - can you introduce..." is a person's subject.
_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\W*(?:"
    r"auto(?:matic|mated)?[- ]?(?:reply|response|respond|answer)|out of (?:the )?office(?: autoreply)?"
    r"|away from (?:the |my )?office|vacation (?:reply|response|notice)|on vacation|absence notice"
    r"|réponse automatique|message d'absence|absente?|absence|répondeur"
    r"|abwesenheitsnotiz|automatische antwort|abwesenheit|abwesend|außer haus|nicht im büro"
    r"|respuesta autom[áa]tica|fuera de (?:la )?oficina|ausente|ausencia"
    r"|risposta automatica|fuori (?:ufficio|sede)|assente|assenza"
    r"|resposta autom[áa]tica|fora do escritório|ausência"
    r"|automatisch antwoord|afwezigheidsbericht|afwezig|niet aanwezig"
    r"|automatiskt svar|frånvaro(?:meddelande)?|autosvar|automatisk svar|fraværende|fravær(?:smelding"
    r"|smeddelelse)?|ikke på kontoret|automatyczna odpowiedź|odpowiedź automatyczna|autoodpowiedź|poza biurem"
    r"|nieobecność"
    r"|automaattinen vastaus|poissa|automatická odpověď|nepřítomnost|автоматический ответ|автоответ"
    r"|otomatik (?:yanıt|cevap)|αυτόματη απάντηση|自動応答|自動返信|自动回复|自動回覆|自动答复"
    r")\s*(?:$|[:：\]\)\-–])",
    re.IGNORECASE,
)
# An absence keyword with the words that make it unambiguous ("Out of office until 25 March", "Absence
# du cabinet", "Nieobecność w gabinecie"); more words may follow.
_OUT_OF_OFFICE_SUBJECT_PHRASE = _phrases(
    r"^\W*(?:out of (?:the )?office (?:until|till|from|through|between)"
    r"|absen(?:te?|ce) (?:du (?:cabinet|bureau|\d)|jusqu|à partir)"
    r"|(?:abwesend|abwesenheit|nicht im büro|außer haus) (?:bis|vom|von|ab)\b"
    r"|(?:ausente|ausencia|fuera de (?:la )?(?:oficina|consulta)) (?:hasta|desde|del|de la consulta)"
    r"|(?:assente|assenza|fuori (?:ufficio|sede)) (?:fino|dal|dallo|dalla)\b"
    r"|(?:ausente|ausência|fora do (?:escritório|consultório)) (?:até|do (?:consultório|escritório)|de \d)"
    r"|(?:afwezig|afwezigheid|niet aanwezig) (?:tot|van|vanaf|t/m)\b"
    r"|(?:frånvarande|frånvaro) (?:till|t\.o\.m|från|fr\.o\.m)"
    r"|(?:fraværende|fravær|ikke på kontoret) (?:til|fra|indtil)\b"
    r"|(?:nieobecn(?:ość|y|a)|poza biurem) (?:w (?:gabinecie|biurze)|do|od)\b)"
)
_OUT_OF_OFFICE_SUBJECT_ANYWHERE = re.compile(  # an autoresponder's tag, and Lotus Notes' own subject
    r"[(\[]\s*auto(?:matic)?[- ]?(?:reply|response)\s*[)\]]|^[^:]{1,100}? is out of (?:the )?office\.?\s*$",
    re.IGNORECASE,
)
_OOO_SUBJECT = re.compile(r"^\W*OOO(?::|\s)")  # upper case only: "ooo, lovely" is a person's
# Plain-text read receipts (Outlook without MDN, Lotus Notes): a subject prefix ended by ":", and a
# short text saying the message was read.
_READ_RECEIPT_SUBJECT = re.compile(
    r"^\W*(?:(?:read|lu|gelesen|le[íi]do|letto|lido|gelezen|läst|læst|lest|przeczytan[ea])\s*:|return receipt\b)",
    re.IGNORECASE,
)
_READ_WORDING = _phrases(
    r"\b(?:was|has been) (?:read|displayed)\b|was received by|a été (?:lu|affiché)|wurde .{0,60}?gelesen"
    r"|(?:fue|ha sido) le[íi]do|è stato letto|foi lid[oa]|(?:is|werd) .{0,60}?gelezen|lästes|har lästs"
    r"|blev læst|er blevet læst|ble lest|er lest|został[ao]? przeczytan[ya]|przeczytano"
)
_RECEIPT_TEXT_LIMIT = 800  # characters: a receipt names the message and the time, no more
# Body phrases. A sentence saying "this is an automatic reply" suffices; otherwise an absence phrase
# ("I am out of the office") must come with an autoresponder's stock phrase ("limited access", "urgent",
# "upon my return"), so that "I'm on holiday until Monday, happy to meet Sam" stays a person's answer.
# Either way a YES or NO written before the wording makes it a person's reply (_out_of_office_text).
_AUTOMATIC_REPLY_SENTENCE = _phrases(
    r"this is an? (?:automatic|automated|auto-generated)(?:ally generated)? (?:reply|response|message|e-?mail|notification)"
    r"|(?:this|the) (?:e-?mail|message|reply|response|notification) (?:was|has been|is) (?:automatically"
    r" (?:generated|created|sent)|generated automatically|sent automatically)|i apologi[sz]e for this automatic reply"
    r"|ceci est une? (?:réponse|message) automatique"
    r"|(?:message|e-?mail|courriel|réponse) (?:a été |est )?(?:générée?|envoyée?) automatiquement"
    r"|(?:dies|das) ist eine automatische (?:antwort|nachricht|e-?mail|abwesenheitsnotiz)"
    r"|(?:dies|das) ist eine automatisch (?:generierte|erstellte|erzeugte|versandte|versendete) (?:antwort"
    r"|nachricht|e-?mail|mail)|(?:diese|die) (?:nachricht|e-?mail|mail|antwort) wurde automatisch (?:generiert"
    r"|erstellt|erzeugt|versandt|versendet|verschickt)"
    r"|(?:esta|este) es (?:una respuesta|un mensaje|un correo) autom[áa]tic[oa]"
    r"|(?:mensaje|correo|e-?mail|respuesta) (?:ha sido |fue |es )?(?:generad|enviad)[oa] autom[áa]ticamente"
    r"|questa è una risposta automatica|questo è un messaggio automatico"
    r"|(?:messaggio|e-?mail|mail|risposta) (?:è stat[oa] )?(?:generat|inviat)[oa] automaticamente"
    r"|(?:esta|este) é (?:uma resposta|uma mensagem|um e-?mail) autom[áa]tic[ao]"
    r"|(?:mensagem|e-?mail|resposta) (?:foi |é )?(?:gerad|enviad)[oa] automaticamente"
    r"|dit is een automatisch (?:antwoord|bericht|gegenereerd)|automatisch (?:gegenereerde?|verzonden|verstuurde?)"
    r" (?:bericht|e-?mail|mail|antwoord)|(?:dit bericht|deze e-?mail) is automatisch (?:gegenereerd|verzonden"
    r"|verstuurd)"
    r"|detta är ett automatiskt (?:svar|meddelande)|automatiskt (?:genererat|skickat) (?:meddelande|mejl|mail"
    r"|e-?postmeddelande|svar)|(?:meddelandet|mejlet) (?:är|har) (?:automatiskt genererat|skickats automatiskt"
    r"|genererats automatiskt)"
    r"|dette er (?:et|en) automatisk (?:svar|genereret|generert|besked|mail|e-?mail)"
    r"|automatisk (?:genereret|afsendt) (?:e-?mail|mail|besked|meddelelse|svar)"
    r"|automatisk (?:generert|sendt) (?:e-?post|e-?mail|melding|svar)"
    r"|(?:to jest|jest to) (?:automatyczna odpowiedź|wiadomość automatyczna)"
    r"|(?:wiadomość|e-?mail|odpowiedź) (?:została |został |jest )?(?:wygenerowan|wysłan)[aey] automatycznie"
    r"|automatycznie wygenerowan[aey] (?:wiadomość|e-?mail|odpowiedź)",
)
# "This mailbox is no longer monitored": an abandoned or weekend mailbox answering for itself.
_UNMONITORED_MAILBOX = _phrases(
    r"(?:this|the|my) (?:inbox|mailbox|e-?mail address|e-?mail account|e-?mail|address|account) is (?:currently )?"
    r"(?:not|no longer)(?: being)? (?:monitored|checked|read)|(?:this|the) (?:inbox|mailbox) is unmonitored"
    r"|cette (?:boîte(?: mail| aux lettres| e-?mail| de réception)?|adresse(?: e-?mail| mail)?) n'est (?:plus|pas)"
    r" (?:consultée|surveillée|relevée|lue)"
    r"|(?:dieses|das) (?:e-?mail-)?(?:postfach|konto) wird (?:nicht mehr|nicht) (?:überwacht|gelesen|abgerufen"
    r"|betreut)|diese (?:e-?mail-)?adresse wird nicht (?:mehr )?(?:überwacht|gelesen|abgerufen|betreut)"
    r"|(?:este buzón|esta (?:dirección|cuenta)(?: de correo(?: electrónico)?)?) (?:ya )?no (?:está|es|se)"
    r" (?:monitorizad[oa]|supervisad[oa]|revisad[oa]|atendid[oa]|revisa|supervisa|monitoriza|atiende)"
    r"|(?:questa casella|questo indirizzo)(?: di posta| e-?mail)? non è (?:più )?(?:monitorat[oa]|presidiat[oa]"
    r"|controllat[oa])"
    r"|(?:esta caixa(?: de correio| de e-?mail)?|este (?:endereço|e-?mail))(?: de e-?mail)? (?:já )?não (?:é|está)"
    r" (?:monitorizad[oa]|monitorad[oa]|verificad[oa]|lid[oa])"
    r"|(?:deze (?:mailbox|inbox)|dit (?:e-?mailadres|adres)) wordt niet (?:meer )?(?:gelezen|gecontroleerd"
    r"|bewaakt|gemonitord)"
    r"|(?:denna|den här) (?:inkorg|brevlåda|e-?postadress|adress) (?:bevakas|läses|övervakas) (?:inte|ej)"
    r"|(?:denne|den her) (?:indbakke|postkasse|e-?mailadresse|mailadresse|adresse) (?:bliver )?(?:overvåges|læses"
    r"|tjekkes) ikke"
    r"|(?:denne|den her) (?:innboksen|innboks|postkassen|e-?postadressen|adressen) (?:blir )?(?:overvåkes|leses"
    r"|sjekkes) ikke"
    r"|(?:ta skrzynka|ten adres)(?: pocztowa| e-?mail(?:owy)?)? (?:nie jest|już nie jest) (?:monitorowan[ya]"
    r"|sprawdzan[ya])",
)
# A helpdesk's or clinic's acknowledgement, "we have received your message": a robot only together with
# its promise of an answer ("we will get back to you within 2 working days"), since a receptionist may
# well write the first half herself.
_RECEIPT_ACKNOWLEDGED = _phrases(
    r"we(?: have|['’]ve) (?:successfully )?received your (?:message|e-?mail|request|enquiry|inquiry|query)"
    r"|your (?:message|e-?mail|request|enquiry|inquiry|query)(?: \(?#?[\w-]{1,20}\)?)? has been (?:successfully )?"
    r"received|would like to acknowledge (?:that we have received|receipt)|thank(?:s| you) for contacting us"
    r"|nous accusons (?:bonne )?réception|nous avons (?:bien )?reçu votre (?:message|e-?mail|courriel|demande|mail)"
    r"|votre (?:message|demande|e-?mail|courriel) a (?:bien )?été (?:reçue?|enregistrée?)"
    r"|wir haben ihre (?:nachricht|e-?mail|anfrage|mail) (?:erhalten|empfangen)"
    r"|ihre (?:nachricht|e-?mail|anfrage) (?:ist|wurde) (?:bei uns )?(?:eingegangen|empfangen)"
    r"|hemos recibido (?:correctamente )?su (?:mensaje|correo|e-?mail|solicitud|consulta)"
    r"|su (?:mensaje|correo|solicitud|consulta) (?:ha sido|fue) recibid[oa]"
    r"|abbiamo ricevuto (?:correttamente )?(?:la sua|il suo|la vostra|il vostro) (?:e-?mail|messaggio|richiesta"
    r"|mail)|(?:la sua|il suo) (?:messaggio|richiesta|e-?mail) è stat[oa] ricevut[oa]"
    r"|recebemos (?:a sua|o seu|sua|seu) (?:mensagem|e-?mail|pedido|contacto|contato)"
    r"|(?:a sua|o seu|sua|seu) (?:mensagem|e-?mail|pedido) foi recebid[oa]"
    r"|(?:wij|we) hebben uw (?:bericht|e-?mail|mail|aanvraag|vraag) (?:in goede orde )?ontvangen"
    r"|in goede orde ontvangen"
    r"|vi har (?:tagit emot|mottagit|fått) (?:ditt|din|ert|er) (?:meddelande|mejl|mail|e-?post|ärende|förfrågan)"
    r"|vi har modtaget (?:din|dit|jeres) (?:mail|e-?mail|besked|henvendelse|forespørgsel)"
    r"|vi har mottatt (?:din |ditt |e-?posten|meldingen|henvendelsen)"
    r"|otrzymaliśmy (?:państwa |pani |pana |twoją |twój )?(?:wiadomość|e-?mail|zapytanie|zgłoszenie)",
)
_REPLY_PROMISED = _phrases(
    r"\bwe(?: will|['’]ll) (?:get back to you|respond|reply|answer|be in touch|contact you)|will get back to you"
    r"|(?:within|in) (?:\d+|one|two|three|four|five) (?:working |business )?(?:hours?|days?)"
    r"|as soon as (?:possible|we can)|a member of (?:our|the) team|support (?:staff|team)|\bticket"
    r"|vous (?:répondr(?:a|ons)|recontacter(?:a|ons))|reviendr(?:a|ons) vers vous|dans les (?:plus brefs|meilleurs)"
    r" délais|sous \d+ ?(?:h\b|heures|jours)|dès que possible"
    r"|melden uns|schnellstmöglich|so (?:schnell|bald) wie möglich|innerhalb von \d+"
    r"|le (?:responderemos|contestaremos|contactaremos)|(?:lo antes|tan pronto como sea) posible"
    r"|a la mayor brevedad|en un plazo (?:máximo )?de \d+"
    r"|le risponderemo|al più presto|quanto prima|entro \d+"
    r"|responderemos|entraremos em (?:contacto|contato)|o mais (?:breve|rapidamente) possível|no prazo de \d+"
    r"|zo (?:spoedig|snel) mogelijk|binnen \d+"
    r"|återkommer|så snart (?:vi kan|som möjligt)|inom \d+"
    r"|vender tilbage|hurtigst muligt|snarest muligt|inden for \d+"
    r"|så snart som mulig|innen \d+|vi svarer"
    r"|odpowiemy|najszybciej|w ciągu \d+|skontaktujemy się",
)
_ABSENCE = _phrases(
    r"\b(?:i am|i'm|i’m|i will be|i'll be|i’ll be)\s+(?:currently\s+|now\s+)?(?:out of (?:the )?office|away"
    r"|on (?:annual |parental |maternity |paternity |sick )?leave|on (?:vacation|holidays?))"
    r"|\bthe (?:clinic|practice|office|surgery|studio) (?:is|will be) (?:currently )?closed"
    r"|je suis (?:actuellement )?(?:absente?|en congés?|en vacances|hors du bureau)|je serai absente?"
    r"|ich bin (?:derzeit |zurzeit |momentan |bis .{1,40} )?(?:nicht im büro|nicht in der praxis|abwesend"
    r"|im urlaub|außer haus|nicht erreichbar|in elternzeit|im mutterschutz)"
    r"|(?:estoy|me encuentro|estaré) (?:actualmente )?(?:fuera de la (?:oficina|consulta)|de vacaciones|ausente"
    r"|de baja)"
    r"|(?:sono|sarò) (?:attualmente )?(?:fuori (?:ufficio|sede)|in ferie|assente|in vacanza|in maternità)"
    r"|(?:lo studio|l'ambulatorio|la clinica) (?:resterà|rimarrà|è|sarà) chius[oa]"
    r"|(?:estou|estarei|encontro-me) (?:atualmente )?(?:fora do (?:escritório|consultório)|de férias|ausente"
    r"|de licença)"
    r"|(?:ik ben|ben ik) (?:momenteel |op dit moment |tot .{1,40} )?(?:afwezig|niet op kantoor|met vakantie"
    r"|op vakantie|niet aanwezig|met (?:zwangerschaps|ouderschaps)?verlof)"
    r"|(?:jag är|är jag) (?:för närvarande |just nu )?(?:ledig|på semester|borta|inte på kontoret|frånvarande"
    r"|tjänstledig|föräldraledig)"
    r"|(?:jeg er|er jeg) (?:p\.t\. |pt\. |for tiden |i øjeblikket )?(?:fraværende|på ferie|ikke på kontoret"
    r"|ude af kontoret|ute av kontoret|på barsel|på permisjon|i permisjon)|jeg (?:holder|har) ferie"
    r"|(?:jestem|będę) (?:obecnie |aktualnie )?(?:poza biurem|na urlopie|nieobecn[ya])"
    r"|przebywam (?:obecnie )?na (?:urlopie|zwolnieniu)",
)
_AUTORESPONDER_STOCK_PHRASE = _phrases(  # formal phrases; "please contact" or "urgent" alone a person writes too
    r"(?:have |with )?(?:limited|no) access to (?:my )?e-?mails?|(?:for|in case of|regarding|with) urgent (?:matters"
    r"|enquiries|inquiries|requests|issues|queries)|if your (?:matter|enquiry|inquiry|request) is urgent"
    r"|in my absence|during my absence|(?:upon|on) my return|when i (?:return|am back|get back)|when i['’]m back"
    r"|when we (?:re-?open|return|are back)|(?:will not|won['’]t) be (?:checking|monitoring|reading) (?:this inbox"
    r"|this mailbox|my e-?mails?|e-?mails?)"
    r"|accès limité|en mon absence|pendant mon absence|pour toute urgence|en cas d'urgence|(?:dès|à) mon retour"
    r"|in dringenden fällen|bei dringenden (?:anliegen|fragen|angelegenheiten)|während meiner abwesenheit"
    r"|(?:nach|bei) meiner rückkehr|eingeschränkte[mn]? zugriff|keinen zugriff auf (?:meine )?e-?mails?"
    r"|wird nicht weitergeleitet|bin ich wieder (?:für sie )?(?:da|erreichbar|im büro|in der praxis)"
    r"|acceso limitado|durante mi ausencia|a mi (?:regreso|vuelta)|(?:para|en) (?:asuntos |casos )?urgentes"
    r"|para urgencias|en caso de urgencia|accesso limitato|durante la mia assenza|al (?:mio )?rientro"
    r"|al mio ritorno|per (?:questioni )?urgenti|per urgenze|in caso di urgenza|acesso limitado"
    r"|durante a minha ausência|no meu regresso|ao meu retorno|(?:assim que|quando) (?:eu )?regressar"
    r"|assuntos urgentes|para urgências|em caso de urgência|beperkte toegang|tijdens mijn afwezigheid"
    r"|(?:na|bij) mijn terugkeer|na mijn vakantie|bij terugkomst|voor dringende zaken|in dringende gevallen"
    r"|voor spoedeisende|begränsad tillgång|under min frånvaro|vid återkomst|när jag är tillbaka"
    r"|brådskande ärenden|begrænset adgang|i mit fravær|ved hjemkomst|når jeg er tilbage|hastesager|haster det"
    r"|begrenset tilgang|i mitt fravær|når jeg er tilbake|hastesaker|ograniczony dostęp"
    r"|podczas mojej nieobecności|w pilnych sprawach|w sprawach pilnych|po (?:moim )?powrocie",
)
# Where the new text of a reply ends and the quoted message begins: a line starting with ">", a separator
# ("-----Original Message-----"), a "From: " or an attribution ending in a colon. Only the first "original" or
# "wrote" of a line is tried (atomic groups): when a later one would do, so does the first, and trying each one
# in turn against the rest of a line of dashes or "wrote"s took seconds.
_QUOTE_START = re.compile(
    r"^(?:>|--(?>[^\n]*?original)[^\n]*--|_{10,}|(?:from|von|de|da|van|från|fra|od):\s"
    r"|(?>[^\n]*?\b(?:wrote|schrieb|a écrit|escribió|ha scritto|escreveu|schreef|skrev|napisał)\b)[^\n]*:\s*$)",
    re.IGNORECASE | re.MULTILINE,
)
_NEW_TEXT_LIMIT = 4000
_OUT_OF_OFFICE_SUBJECTS = (_OUT_OF_OFFICE_SUBJECT, _OUT_OF_OFFICE_SUBJECT_PHRASE, _OUT_OF_OFFICE_SUBJECT_ANYWHERE,
                           _OOO_SUBJECT)
# Challenge-response filters (SpamArrest, Boxbe...) that hold mail until the sender proves they are human.
_SENDER_CHALLENGE = _phrases(
    r"verify (?:that )?you are (?:a )?(?:human|real person|not a (?:robot|spammer))|(?:complete|finish) the"
    r" (?:sender )?verification(?: process)?|sender verification (?:request|required)|spam ?arrest|boxbe",
)
_AUTOMATIC_SENTENCE_REASON = "body: automatic-reply sentence"
_ROBOT_SENTENCES = ((_AUTOMATIC_SENTENCE_REASON, _AUTOMATIC_REPLY_SENTENCE),
                    ("body: unmonitored-mailbox sentence", _UNMONITORED_MAILBOX),
                    ("body: acknowledgement of receipt", _RECEIPT_ACKNOWLEDGED),
                    ("body: sender verification challenge", _SENDER_CHALLENGE))
_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n[ \t]*\n")
_WORD = re.compile(r"\w+")
_FORWARD_NOTE_WORDS = 4  # a forward's note of fewer words ("FYI", "See below") adds nothing to what it forwards

_LIST_HEADERS = ("list-id", "list-post", "list-unsubscribe", "list-subscribe", "list-help", "list-owner",
                 "list-archive", "mailing-list", "x-mailing-list", "x-mlserver")

# Signs that a message is a bounce even without addresses to show for it.
_STRONG_BOUNCE_SIGNS = frozenset({"sender: mailer-daemon", "sender: empty address", "x-failed-recipients header",
                                  "delivery-status report without recipient fields"})
# Signs of a failed delivery in particular (a null return-path or no-reply sender fits any robot).
_BOUNCE_SPECIFIC_SIGNS = _STRONG_BOUNCE_SIGNS | {"sender: postmaster", "subject: bounce wording",
                                                 "content-type: multipart/report", "text: smtp error code",
                                                 "text: delivery failure wording"}


# ---------------------------------------------------------------------------------------------------
# What the rules look at, each computed once and only when a rule asks.

@dataclass(frozen=True)
class _Part:
    content_type: str
    message: Message
    enclosed: bool  # inside an attached message (the returned original of a bounce, a forward)


class _Facts:
    """One message as the rules see it: raw header values, parts, texts; each worked out on first use."""

    def __init__(self, msg: EmailMessage, own_loop_header: tuple[str, str] | None, read_wording: bool = True,
                 sender_was_asked: bool = False) -> None:
        self.msg = msg
        self.own_loop_header = own_loop_header
        self.read_wording = read_wording  # False: subjects and texts say nothing of a robot, only headers do
        self.sender_was_asked = sender_was_asked  # True: the From address is one we wrote to, so no robot's role

    @cached_property
    def headers(self) -> dict[str, list[str]]:
        """Lower-cased name -> unfolded raw values, in order; raw, so that no header parse can raise here."""
        found: dict[str, list[str]] = {}
        for name, value in self.msg.raw_items():
            found.setdefault(name.strip().lower(), []).append(" ".join(str(value).split()))
        return found

    def first(self, name: str) -> str:
        values = self.headers.get(name)
        return values[0] if values else ""

    def token(self, name: str) -> str:
        """The first word of a header, lower-cased: "auto-generated (failure)" -> "auto-generated"."""
        match = re.match(r"[\w.-]+", self.first(name).lower())
        return match.group() if match else ""

    @cached_property
    def subject(self) -> str:
        raw = self.first("subject")
        if "=?" in raw:  # encoded words: let the stdlib decode them
            try:
                return str(self.msg.get("subject", "") or "")
            except Exception:  # a hostile Subject that parse_message did not vet: use its raw text
                return raw
        # raw 8-bit (SMTPUTF8) bytes arrive as surrogate escapes; most such subjects are UTF-8
        return raw.encode("ascii", "surrogateescape").decode("utf-8", "replace") if not raw.isascii() else raw

    @cached_property
    def content_type(self) -> str:
        return _content_type(self.msg)

    @cached_property
    def report_type(self) -> str:
        if self.content_type != "multipart/report":
            return ""
        found = _REPORT_TYPE.search(_raw_header(self.msg, "content-type"))
        return found.group(1).lower() if found else ""

    @cached_property
    def parts(self) -> list[_Part]:
        """Every part in order, without recursion (depth is bounded by parse_message anyway)."""
        found = []
        pending = [(self.msg, False)]
        while pending:
            part, enclosed = pending.pop()
            content_type = _content_type(part)
            found.append(_Part(content_type, part, enclosed))
            if part.is_multipart():
                children_enclosed = enclosed or content_type.startswith("message/")
                pending.extend((child, children_enclosed) for child in reversed(part.get_payload()))
        return found

    def parts_of(self, *content_types: str, enclosed: bool | None = None) -> list[Message]:
        return [part.message for part in self.parts
                if part.content_type in content_types and enclosed in (None, part.enclosed)]

    @cached_property
    def sender_roles(self) -> tuple[str, ...]:
        """Robot roles of the From address: mailer-daemon, postmaster, no-reply, bounce, list-robot, abuse-desk.

        For an address introbot asked, only the roles its local part names by RFC 2142 and RFC 3834
        (mailer-daemon, postmaster, no-reply, bounce, abuse) count: a list-like shape (booking-request@,
        clinic-owner@) or a display name ("Maya Chen | Mail Delivery Service Ltd") is whom we wrote to."""
        sender = self.first("from")
        roles = list(robot_roles(_local_part(sender)))
        if self.sender_was_asked:
            return tuple(role for role in roles if role != "list-robot")
        if "mailer-daemon" not in roles and _DAEMON_DISPLAY_NAME.search(sender):
            roles.append("mailer-daemon")
        return tuple(roles)

    @cached_property
    def empty_sender_address(self) -> bool:
        """From: <> (or a display name with <>), as some MTAs write on bounces."""
        return "from" in self.headers and re.search(r"<\s*>\s*$", self.first("from")) is not None

    @cached_property
    def null_return_path(self) -> bool:
        return self.first("return-path").replace(" ", "") == "<>"

    @cached_property
    def own_addresses(self) -> frozenset[str]:
        """Addresses of this message's own sender and recipients: a bounce is sent back to the original's
        sender, so these are never the failed ones."""
        names = ("from", "to", "cc", "return-path", "delivered-to", "x-original-to", "envelope-to")
        return frozenset(_addresses(value for name in names for value in self.headers.get(name, ())))

    @cached_property
    def bounce_signs(self) -> tuple[str, ...]:
        """Header signs of a bounce. Only mail with at least one has its body read for bounce details."""
        signs = [f"sender: {role}" for role in self.sender_roles if role in ("mailer-daemon", "postmaster", "no-reply")]
        if self.empty_sender_address:
            signs.append("sender: empty address")
        if self.null_return_path:
            signs.append("null return-path")
        if "x-failed-recipients" in self.headers:
            signs.append("x-failed-recipients header")
        if self.read_wording and _BOUNCE_SUBJECT.search(self.subject) and not self.passes_on_a_notice:
            signs.append("subject: bounce wording")
        if self.content_type == "multipart/report":
            signs.append("content-type: multipart/report")
        return tuple(signs)

    @cached_property
    def passes_on_a_notice(self) -> bool:
        """Whether a person replies to or forwards a robot's notice ("Re: Undeliverable: ...", "Fwd: Delivery
        Status Notification"): the subject has a reply or forward prefix, which MTAs never put on their
        own notices; the message carries no robot's header or report; and no status code or failure
        wording stands outside what it quotes or forwards. A forward must also say something of its own:
        a note of a few words ("FYI", "Forward the message.") relays the notice, which is then read as the
        bounce it is, so that the failure it reports still counts."""
        kind = subject_kind(self.subject)
        if kind not in ("reply", "forward"):
            return False
        own = split_reply(body_text(self.msg)[:_SCAN_LIMIT])
        own_text = own.new_text + "\n" + own.signature
        if _status_classes(own_text) or _FAILURE_WORDING.search(own_text):
            return False
        if kind == "forward" and len(_WORD.findall(own.new_text)) < _FORWARD_NOTE_WORDS:
            return False
        return not self.headers_show_a_robot

    @cached_property
    def headers_show_a_robot(self) -> bool:
        """Whether the headers and reports alone, no subject or text taken for a robot's, make this automatic."""
        alone = _Facts(self.msg, self.own_loop_header, read_wording=False, sender_was_asked=self.sender_was_asked)
        return any(rule(alone) is not None for rule in _RULES)

    @cached_property
    def readable_parts(self) -> list[Message]:
        """The message's own text parts (plain preferred), else whatever leaf holds text (a multipart
        whose boundary got lost in bad folding reads as one text)."""
        own = [part for part in self.parts if not part.enclosed]
        for wanted in ("text/plain", "text/html"):
            found = [part.message for part in own if part.content_type == wanted]
            if found:
                return found
        return [part.message for part in own if part.content_type.startswith(("text/", "multipart/"))
                and isinstance(part.message.get_payload(), str)]

    @cached_property
    def notice(self) -> str:
        """The human-readable text of a bounce: its own text parts, quote marks removed, cut where the
        returned original begins."""
        texts = []
        for part in self.readable_parts:
            text = re.sub(r"(?m)^(?:[ \t]*>)+", "", _text_of(part))
            if _content_type(part) == "text/html":
                text = _strip_tags(text)
            mark = _ORIGINAL_MESSAGE_MARK.search(text)
            texts.append(text[: mark.start()] if mark else text)
        return "\n\n".join(texts)[:_SCAN_LIMIT]

    @cached_property
    def new_text(self) -> str:
        """The text the sender wrote above any quote, from the first plain (else HTML) part."""
        parts = self.parts_of("text/plain", enclosed=False) or self.parts_of("text/html", enclosed=False)
        if not parts:
            return ""
        text = _text_of(parts[0])[: _NEW_TEXT_LIMIT * 4]
        if _content_type(parts[0]) == "text/html":
            text = _strip_tags(text)
        quote = _QUOTE_START.search(text)
        return (text[: quote.start()] if quote else text)[:_NEW_TEXT_LIMIT]

    @cached_property
    def message_ids(self) -> tuple[str, ...]:
        """Message-IDs of the original: of an attached message, in a headers-only or receipt part, quoted
        in a bounce's text; then In-Reply-To and References."""
        found: list[str] = []
        for part in self.parts_of("message/rfc822", "message/global", "text/rfc822-headers",
                                  "message/rfc822-headers", "message/disposition-notification"):
            found += _message_ids_in_headers(part)
        if self.bounce_signs:
            for part in self.parts_of("text/plain", enclosed=False):
                found += _MESSAGE_ID_LINE.findall(_text_of(part)[:_SCAN_LIMIT])
        for name in ("in-reply-to", "references"):
            for value in self.headers.get(name, ()):
                found += _MESSAGE_ID.findall(value)
        return tuple(dict.fromkeys(found))[:20]


def _message_ids_in_headers(part: Message) -> list[str]:
    """Message-ID and Original-Message-ID values of a part holding headers (the parser turns most
    message/* parts into enclosed messages; text/rfc822-headers stays text)."""
    if not part.is_multipart():
        return _MESSAGE_ID_LINE.findall(_text_of(part))
    return [found for enclosed in part.get_payload() for name, value in enclosed.raw_items()
            if name.lower() in ("message-id", "original-message-id") for found in _MESSAGE_ID.findall(value)]


def _raw_header(part: Message, name: str) -> str:
    """The first raw value of a header, unfolded, or "": the stdlib re-parses headers on every access,
    which was most of the time spent here."""
    for found, value in part.raw_items():
        if found.lower() == name:
            return " ".join(str(value).split())
    return ""


def _content_type(part: Message) -> str:
    """Message.get_content_type(), from the raw header."""
    raw = _raw_header(part, "content-type")
    if not raw:
        return part.get_default_type()
    content_type = raw.partition(";")[0].strip().lower()
    return content_type if content_type.count("/") == 1 else "text/plain"


def _local_part(sender: str) -> str:
    """The local part of the (last) address in a From value: enough to spot a role, never to reply to."""
    bracketed = re.findall(r"<([^<>]*)>", sender)
    address = (bracketed[-1] if bracketed else re.sub(r"\([^()]*\)", " ", sender)).strip().strip('"')
    return address.rpartition("@")[0].strip('"') if "@" in address else address


def _text_of(part: Message) -> str:
    """A part's text with LF line ends, decoded as well as its declared charset allows; never raises."""
    return _decoded_text(part).replace("\r\n", "\n")


def _decoded_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: read what is there
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw[:_SCAN_LIMIT] if isinstance(raw, str) else ""
    payload = payload[: _SCAN_LIMIT * 4]
    declared = _CHARSET.search(_raw_header(part, "content-type"))
    # the declared charset, else UTF-8 (often sent under a wrong label), else the declared one with losses
    for charset, errors in ((declared.group(1) if declared else "utf-8", "strict"), ("utf-8", "strict")):
        try:
            return payload.decode(charset, errors)
        except (LookupError, ValueError):  # undecodable, or an unknown or bogus charset name
            continue
    try:
        return payload.decode(declared.group(1) if declared else "utf-8", "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^<>]{0,2000}>", " ", html)


def _addresses(values: Iterable[str]) -> tuple[str, ...]:
    found = (match.group().lower() for value in values for match in _ADDRESS.finditer(value))
    return tuple(dict.fromkeys(found))


def _status_classes(text: str) -> list[str]:
    """Classes ("5", "4") of the failure codes in a text; enhanced status codes win over reply codes,
    as in "554 4.4.7 Message expired", which is a temporary failure."""
    enhanced = [match.group(1) for match in _ENHANCED_STATUS.finditer(text) if match.group(1) != "2"]
    return enhanced or [match.group(1)[0] for match in _SMTP_REPLY.finditer(text)]


def _permanence(status_classes: Iterable[str]) -> bool | None:
    classes = set(status_classes)
    if "5" in classes:
        return True
    return False if "4" in classes else None


# ---------------------------------------------------------------------------------------------------
# The rules: tiny named predicates, ordered in _RULES from the most to the least specific.

def _own_loop(facts: _Facts) -> Automatic | None:
    if facts.own_loop_header is None:
        return None
    name, value = facts.own_loop_header
    wanted = " ".join(value.split()).lower()
    if any(seen.lower() == wanted for seen in facts.headers.get(name.strip().lower(), ())):
        return Automatic(AutoKind.LOOP, ("loop header: ours",), original_message_ids=facts.message_ids)
    return None


@dataclass(frozen=True)
class _RecipientStatus:
    action: str  # failed, delayed, delivered, relayed, expanded
    status_class: str  # "5", "4", "2", or "" when unknown
    status: str  # "5.1.1", or "" when the report gives none
    addresses: tuple[str, ...]


_ACTIONS = (("fail", "failed"), ("error", "failed"), ("expire", "failed"), ("delay", "delayed"),
            ("deliver", "delivered"), ("relay", "relayed"), ("expand", "expanded"))


def _delivery_status_report(facts: _Facts) -> Automatic | None:
    """RFC 3464 DSNs: multipart/report report-type=delivery-status, or message/delivery-status parts
    elsewhere (some MTAs wrap them in multipart/mixed, or send one bare)."""
    if not (facts.report_type == "delivery-status" or facts.content_type == "message/delivery-status"
            or facts.bounce_signs):
        return None
    recipients = [status for part in facts.parts_of("message/delivery-status", enclosed=False)
                  for status in _recipient_statuses(part)]
    for action, kind in (("failed", AutoKind.BOUNCE), ("delayed", AutoKind.DELAY)):
        matching = [recipient for recipient in recipients if recipient.action == action]
        if matching:
            codes = sorted({r.status for r in matching if r.status})
            reason = f"delivery-status report: {len(matching)} {action}" + (f", status {', '.join(codes)}" if codes else "")
            permanent = _permanence(r.status_class for r in matching) if kind is AutoKind.BOUNCE else False
            addresses = tuple(dict.fromkeys(a for r in matching for a in r.addresses))
            return Automatic(kind, (reason,), addresses, permanent, facts.message_ids)
    if recipients:
        actions = ", ".join(sorted({r.action for r in recipients}))
        return Automatic(AutoKind.DELIVERY_REPORT, (f"delivery-status report: {actions}",),
                         original_message_ids=facts.message_ids)
    return None


def _recipient_statuses(part: Message) -> list[_RecipientStatus]:
    found = []
    for fields in _dsn_blocks(part):
        status = _ENHANCED_STATUS.search(fields.get("status", ""))
        classes = _status_classes(fields.get("status", "") + "\n" + fields.get("diagnostic-code", ""))
        status_class = status.group(1) if status else (classes[0] if classes else "")
        written = fields.get("action", "").strip().lower()
        action = next((name for prefix, name in _ACTIONS if written.startswith(prefix)), "")
        if not action and status_class:
            action = {"5": "failed", "4": "delayed", "2": "delivered"}[status_class]
        addresses = _addresses(fields.get(name, "").rpartition(";")[2] for name in
                               ("original-recipient", "final-recipient", "x-actual-recipient"))
        if action and (addresses or "final-recipient" in fields):
            found.append(_RecipientStatus(action, status_class, status.group() if status else "", addresses))
    return found


def _dsn_blocks(part: Message) -> list[dict[str, str]]:
    """The field blocks of a message/delivery-status part as {lower-cased name: value}."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the stdlib parser has already split the blocks into header sets
        return [{name.lower(): " ".join(str(value).split()) for name, value in block.raw_items()}
                for block in payload if isinstance(block, Message)]
    blocks = []
    for chunk in re.split(r"\r?\n[ \t]*\r?\n", _text_of(part)):
        fields: dict[str, str] = {}
        for match in re.finditer(r"^([A-Za-z][\w-]*)[ \t]*:(.*(?:\r?\n[ \t].*)*)", chunk, re.MULTILINE):
            fields.setdefault(match.group(1).lower(), " ".join(match.group(2).split()))
        blocks.append(fields)
    return blocks


def _feedback_report(facts: _Facts) -> Automatic | None:
    """ARF (RFC 5965) abuse and opt-out reports, Hotmail's older complaint format, Apple Mail's unsubscribe."""
    if facts.report_type == "feedback-report" or (facts.report_type and facts.parts_of("message/feedback-report")):
        return Automatic(AutoKind.FEEDBACK_REPORT, ("feedback report (ARF)",), original_message_ids=facts.message_ids)
    if facts.token("x-apple-unsubscribe") == "true":
        return Automatic(AutoKind.FEEDBACK_REPORT, ("x-apple-unsubscribe header",))
    if facts.msg.is_multipart():
        for part in facts.parts_of("message/rfc822"):
            enclosed = part.get_payload()
            if isinstance(enclosed, list) and enclosed and any(
                    name.lower() == "x-hmxmroriginalrecipient" for name, _ in enclosed[0].raw_items()):
                return Automatic(AutoKind.FEEDBACK_REPORT, ("complaint report (Hotmail JMRP)",),
                                 original_message_ids=facts.message_ids)
    return None


def _read_receipt(facts: _Facts) -> Automatic | None:
    """Message disposition notifications (RFC 8098), and the plain-text receipts of Outlook and Notes:
    a "Read:" subject and a short text saying the message was read, with no answer written before that."""
    if facts.report_type == "disposition-notification" or (
            facts.report_type and facts.parts_of("message/disposition-notification")):
        return Automatic(AutoKind.READ_RECEIPT, ("disposition notification",), original_message_ids=facts.message_ids)
    if (not facts.read_wording or not _READ_RECEIPT_SUBJECT.match(facts.subject)
            or len(facts.new_text.strip()) > _RECEIPT_TEXT_LIMIT):
        return None
    read = _READ_WORDING.search(facts.new_text)
    if read is None or _answered_before(facts.new_text, read.start()):
        return None
    return Automatic(AutoKind.READ_RECEIPT, ("read-receipt subject and text",), original_message_ids=facts.message_ids)


def _non_standard_bounce(facts: _Facts) -> Automatic | None:
    """Bounces in an MTA's own words, recognised from their signs and, when the headers show at least one,
    from their text: flufl.bounce's detectors, our own list patterns, and SMTP error codes."""
    signs = list(facts.bounce_signs)
    if facts.report_type == "delivery-status":
        signs.append("delivery-status report without recipient fields")
    if not signs:
        return None
    notice = facts.notice
    codes = _status_classes(notice)
    if codes:
        signs.append("text: smtp error code")
    if _FAILURE_WORDING.search(notice):
        signs.append("text: delivery failure wording")
    listed = _listed_failures(notice) + _addresses(facts.headers.get("x-failed-recipients", ()))
    # flufl.bounce is the slower second opinion, for the formats our own patterns do not know
    temporary, permanent = ((), ()) if listed else _flufl_failures(facts)
    not_failed = facts.own_addresses | {message_id.strip("<>").lower() for message_id in facts.message_ids}
    failed = tuple(a for a in dict.fromkeys(listed + permanent + temporary) if a not in not_failed)
    bounce_specific = set(signs) & _BOUNCE_SPECIFIC_SIGNS
    if not (set(signs) & _STRONG_BOUNCE_SIGNS or failed or (len(signs) >= 2 and bounce_specific)):
        return None  # one weak sign (a postmaster writing, a lone null return-path) makes no bounce
    reasons = tuple(signs) + (("failed recipients listed in the text",) if failed else ())
    # A hard-failure code or wording wins over flufl.bounce's warning detector, which takes every address
    # after "Your message to:" (Barracuda's block notices say it too) for a temporary failure; a delay
    # warning's own words ("delivery attempts will continue") lose only to a 5xx code, since the remote
    # reply it quotes may well say "User unknown".
    hard_failure = "5" in codes or _HARD_FAILURE_WORDING.search(notice) is not None
    delay_wording = bool(_DELAY_WORDING.search(facts.subject) or _DELAY_WORDING.search(notice[:3000]))
    delayed = (bool(temporary) and not permanent and not hard_failure) or ("5" not in codes and delay_wording)
    if delayed:
        return Automatic(AutoKind.DELAY, reasons, failed, False, facts.message_ids)
    permanence = _permanence(codes)
    if permanence is None and hard_failure:
        permanence = True
    if permanence is None and (temporary or permanent):
        permanence = bool(permanent)
    return Automatic(AutoKind.BOUNCE, reasons, failed, permanence, facts.message_ids)


def _flufl_failures(facts: _Facts) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(temporary, permanent) failed addresses found by flufl.bounce's detectors, checked and lower-cased.

    Its detectors try some 25 patterns on every line of every part, returned attachments included, so a
    longer message is left to our own patterns (legacy bounces are short; big ones come as DSNs). So is one
    with a line longer than any MTA writes: some patterns take time as the square of a line's length (a line
    of 200,000 commas and dots took 24 s).
    """
    payloads = [part.message.get_payload() for part in facts.parts]
    texts = [payload for payload in payloads if isinstance(payload, str)]
    if sum(map(len, texts)) > _FLUFL_SIZE_LIMIT or sum(text.count("\n") for text in texts) > _FLUFL_LINE_LIMIT or any(
            len(line.removesuffix("\r")) > _FLUFL_LONGEST_LINE for text in texts for line in text.split("\n")):
        return (), ()
    try:
        temporary, permanent = all_failures(facts.msg)
    except Exception:  # a detector choking on odd input is no reason to take the message for a person's
        return (), ()

    def clean(found: Iterable[bytes]) -> tuple[str, ...]:
        return _addresses(sorted(address.decode("ascii", "replace").strip("<> \t") for address in found))
    return clean(temporary), clean(permanent)


def _listed_failures(notice: str) -> tuple[str, ...]:
    """Addresses a bounce text lists as failed: after a lead-in ("The following addresses failed:"),
    or on Postfix/qmail-style "<address>: reason" lines."""
    found: list[str] = []
    for lead in _FAILED_LIST_LEAD.finditer(notice):
        rest, _, below = notice[lead.end():].partition("\n")
        if rest.rstrip().endswith(":") or not rest.strip(" \t-=*"):
            found += _addresses(_listed_block(below))
        else:  # "could not be delivered to: <a@b>" lists on the same line; "to one or more recipients." not at all
            found += _addresses([rest])
    for match in _FAILED_LINE.finditer(notice):
        found += _addresses(group for group in match.groups() if group)
    return tuple(dict.fromkeys(found))


def _listed_block(text: str) -> list[str]:
    """The lines after a lead-in, up to the first blank line once an address has shown up."""
    block: list[str] = []
    for line in text.splitlines()[:12]:
        if line.strip() and not _HEADER_LINE.match(line):
            block.append(line)
        elif not line.strip() and _ADDRESS.search(" ".join(block)):
            break
    return block


def _auto_reply(facts: _Facts) -> Automatic | None:
    """RFC 3834 auto-replies, and the headers and subjects that autoresponders use."""
    reasons = []
    if facts.token("auto-submitted") == "auto-replied":
        reasons.append("auto-submitted: auto-replied")
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if name in facts.headers and facts.token(name) not in ("no", "false", "0"):
            reasons.append(f"{name} header")
    if facts.token("precedence") in ("auto_reply", "auto-reply"):
        reasons.append("precedence: auto_reply")
    if facts.token("x-apple-action") == "vacation":
        reasons.append("x-apple-action: vacation")
    if facts.read_wording and any(pattern.search(facts.subject) for pattern in _OUT_OF_OFFICE_SUBJECTS):
        reasons.append("subject: out-of-office wording")
    if reasons:
        return Automatic(AutoKind.AUTO_REPLY, tuple(reasons), original_message_ids=facts.message_ids)
    return None


def _calendar_notice(facts: _Facts) -> Automatic | None:
    """An invitation, acceptance or cancellation (text/calendar with a METHOD): a calendar's, never an answer."""
    for part in facts.parts_of("text/calendar", enclosed=False):
        if _raw_header(part, "content-disposition").lower().startswith("attachment"):
            continue  # a person's attached .ics ("my free slots") is theirs to send with an answer
        method = _CALENDAR_METHOD.search(_raw_header(part, "content-type")) or _CALENDAR_METHOD.search(
            _text_of(part)[:_SCAN_LIMIT])
        if method:
            return Automatic(AutoKind.AUTO_GENERATED, (f"calendar {method.group(1).lower()}",))
    return None


# Scheduling methods (RFC 5546) that an invitation system sends; not PUBLISH, which a person's
# calendar file carries too.
_CALENDAR_METHOD = re.compile(r"method\s*[=:]\s*\"?(request|reply|cancel|counter|declinecounter|refresh|add)\b",
                              re.IGNORECASE)


def _mailing_list(facts: _Facts) -> Automatic | None:
    reasons = [f"{name} header" for name in _LIST_HEADERS if name in facts.headers]
    if facts.token("precedence") == "list":
        reasons.append("precedence: list")
    return Automatic(AutoKind.LIST, tuple(reasons)) if reasons else None


# Headers bulk-mail services stamp on a campaign, with or without List-* headers (some newsletters from
# Brevo, Constant Contact or Mailchimp reach intro@ with neither List-* nor Precedence). Not the CSA
# header: the same services' SMTP relays stamp it on a practice's ordinary mail. And not on an answer
# from the address we asked: a person's mail client may send through such a relay.
_CAMPAIGN_HEADERS = ("x-mailin-campaign", "x-campaign", "x-campaignid", "x-roving-campaignid")


def _bulk(facts: _Facts) -> Automatic | None:
    precedence = facts.token("precedence")
    if precedence in ("bulk", "junk"):
        return Automatic(AutoKind.BULK, (f"precedence: {precedence}",))
    campaign = [f"{name} header" for name in _CAMPAIGN_HEADERS if name in facts.headers]
    return Automatic(AutoKind.BULK, tuple(campaign)) if campaign and not facts.sender_was_asked else None


def _auto_generated(facts: _Facts) -> Automatic | None:
    reasons = []
    submitted = facts.token("auto-submitted")
    if submitted and submitted != "no":
        known = submitted in ("auto-generated", "auto-notified", "auto-replied")
        reasons.append(f"auto-submitted: {submitted if known else 'other'}")
    if "x-loop" in facts.headers:
        reasons.append("x-loop header")
    if facts.null_return_path:
        reasons.append("null return-path")
    if facts.empty_sender_address:
        reasons.append("sender: empty address")
    reasons += [f"sender: {role}" for role in facts.sender_roles]
    if reasons:
        return Automatic(AutoKind.AUTO_GENERATED, tuple(reasons), original_message_ids=facts.message_ids)
    return None


def _out_of_office_text(facts: _Facts) -> Automatic | None:
    """The last resort for autoresponders that send no telling header: their stock sentences, unless the
    person answered before them ("Yes, happy to. I am away until Monday; in my absence ...")."""
    if not facts.read_wording:
        return None
    reason = robot_wording_first(facts.new_text)
    if reason is None:
        return None
    # "I'm on holiday until Monday. Yes please, I'll contact Maya on my return!" may be a person's; the
    # service asks them again rather than count a yes that stands after an absence notice.
    if reason == _ABSENCE_REASON and read_answer(facts.new_text).answer is Answer.YES:
        return None
    return Automatic(AutoKind.AUTO_REPLY, (reason,), original_message_ids=facts.message_ids)


def read_consent(words: str, signed_by: str = "") -> Reading:
    """A person's answer as it may count (answers.read_answer), except that a yes after an absence notice
    ("I'm on holiday until Monday. Yes please!") or beside "This is an automatic reply" is UNCLEAR: most
    likely a person's, but nothing automatic may consent, so they are asked again.

    Their signature, found by `signed_by`, the name we know them by (quotes.split_signature_of), is set
    aside ("Yes please / Sam Rivera / Graphic designer / If you email on a Friday..."), unless it reads as a
    yes or a no by itself, when it may well be part of the answer."""
    answer, signature = split_signature_of(signed_by, words)
    if signature and read_answer(signature).answer is Answer.UNCLEAR:
        words = answer
    reading = read_answer(words)
    if reading.answer is not Answer.YES:
        return reading
    robot_like = robot_wording_first(words) or (
        _AUTOMATIC_SENTENCE_REASON if _AUTOMATIC_REPLY_SENTENCE.search(words) else None)
    if robot_like is None:
        return reading
    return Reading(Answer.UNCLEAR, reading.language, f"a yes beside {robot_like.removeprefix('body: ')}")


def robot_wording_first(text: str) -> str | None:
    """Why `text` reads like an autoresponder's before it answers anything (its out-of-office wording,
    automatic-reply sentence...), or None: no such wording, or a YES or NO written before it."""
    found = _robot_wording(text)
    if found is None:
        return None
    reason, cut = found
    return None if _answered_before(text, cut) else reason


def _answered_before(text: str, cut: int) -> bool:
    """Whether the text before a robot's wording already answers YES or NO: then a person wrote it, and
    the wording is theirs (a signature's leave notice) or quoted."""
    return read_answer(text[:cut]).answer is not Answer.UNCLEAR


def _robot_wording(text: str) -> tuple[str, int] | None:
    """The first autoresponder wording in a text, as (reason, where the text before it ends): a robot's
    sentence counts from its start ("Yes, we have received your email!" is all the robot's), an absence
    from its first word ("Yes, I'm away until Monday" keeps the person's "Yes,")."""
    found = []
    promised = _REPLY_PROMISED.search(text) is not None
    for reason, pattern in _ROBOT_SENTENCES:
        sentence = pattern.search(text)
        if sentence and (promised or pattern is not _RECEIPT_ACKNOWLEDGED):
            found.append((reason, _sentence_start(text, sentence.start())))
    absence = _ABSENCE.search(text)
    if absence and _AUTORESPONDER_STOCK_PHRASE.search(text):
        found.append((_ABSENCE_REASON, absence.start()))
    return min(found, key=lambda reason_and_cut: reason_and_cut[1]) if found else None


_ABSENCE_REASON = "body: out-of-office wording"


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding `position` starts: after the last full stop, "!" or "?" before it, or
    after a blank line."""
    start = 0
    for end in _SENTENCE_END.finditer(text, 0, position):
        start = end.end()
    return start


_RULES: tuple[Callable[[_Facts], Automatic | None], ...] = (
    _own_loop,
    _delivery_status_report,
    _feedback_report,
    _read_receipt,
    _non_standard_bounce,
    _auto_reply,
    _calendar_notice,
    _mailing_list,
    _bulk,
    _auto_generated,
    _out_of_office_text,
)
