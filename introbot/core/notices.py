"""Finds the notices mail systems add to a message (confidentiality disclaimers, external-sender warnings,
virus-scan stamps), so they are never read as the writer's words."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Clinics and hospitals append a disclaimer to everything their staff send, often below the quote;
# a mail server may add a warning above the text. Read as words, "If you are not the intended
# recipient, please delete it" takes back a "Yes please!" above it. A notice is recognised by the
# things every notice talks about, in the languages introbot reads answers in: a paragraph that
# touches three of these subjects is one (a person's answer does not discuss them together).
_SUBJECTS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    # confidentiality
    r"\bconfidential|\bprivileged\b|\bconfidentiel|\bvertraulich|\bconfidencia|\briservat|\bvertrouwelijk"
    r"|\bkonfidentiell|\bsekretess|\bfortrolig|\bkonfidensiell|\bpoufn",
    # the intended recipient
    r"\bintended (?:solely |only |exclusively )?(?:for|recipient|addressee)|\baddressee|\bdestinatari"
    r"|\bempfänger|\bgeadresseerde|\bbestemd voor|\bmottagare|\bmodtager|\bmottaker|\badresat",
    # received in error
    r"\bin error\b|\bby mistake\b|\bpar erreur\b|\birrtümlich|\bversehentlich|\bfälschlich|\bpor error\b"
    r"|\bper errore\b|\bpor engano\b|\bten onrechte|\babusievelijk|\bper vergissing|\bav misstag\b"
    r"|\bved en fejl|\bved en feil|\bomyłk|\bbłędnie",
    # delete or destroy it
    r"\b(?:delete|destroy|discard)\b|\bsupprim|\bdétrui|\blöschen\b|\bvernichten\b|\belimin|\bborr[ae]|\bdestru"
    r"|\bcancell|\bapag|\bverwijder|\bradera\b|\bförstör|\bslet(?:t|te)?\b|\busun|\bzniszcz",
    # forbidden
    r"\bunauthori[sz]ed\b|\bprohibited\b|\bforbidden\b|\binterdit|\bunbefugt|\buntersagt|\bnicht gestattet"
    r"|\bprohibid|\bvietat|\bproibid|\bniet toegestaan|\bverboden\b|\bzabronion",
    # the sender
    r"\bnotify (?:the )?sender\b|\bsender\b|\bexpéditeur|\babsender|\bremitente|\bmittente|\bremetente"
    r"|\bafzender|\bavsändare|\bafsender|\bavsender|\bnadawc",
    # liability, legal
    r"\bdisclaimer\b|\blegal notice\b|\bliab(?:le|ility)\b|\bresponsibility\b|\bhaftung|\bresponsabilit"
    r"|\baviso legal\b|\baansprakelijk",
    # viruses
    r"\bvirus|\bmalware\b|\bscanned\b|\bthreats?\b",
    # outside the organisation: don't click
    r"\boriginated (?:from )?outside\b|\boutside (?:of )?(?:the|your|our) organi[sz]ation|\bexternal (?:sender|e-?mail)\b"
    r"|\bextérieur de (?:l'|votre )organisation|\baußerhalb (?:ihrer|der) organisation|\bfuera de (?:la|su) organización"
    r"|\bexterne[rn]? (?:e-?mail|absender)|\b(?:e-?mail|correo|remitente|remetente) extern[oa]\b"
    r"|\bfora da (?:sua )?organização|\b(?:e-?mail|mittente) estern[oa]|\bal di fuori dell"
    r"|\bexterne (?:e-?mail|afzender)|\bbuiten (?:de|uw) organisatie|\bextern (?:e-?post|avsändare)"
    r"|\butanför (?:din |er )?organisation|\bekstern (?:e-?mail|e-?post|afsender|avsender)"
    r"|\buden for (?:din )?organisation|\butenfor (?:din )?organisasjon|\bzewnętrzn|\bspoza (?:\w+ )?organizacji",
    r"\bdo not click\b|\bdon't click\b|\bopen attachments\b|\brecogni[sz]e the sender\b|\bne cliquez pas\b"
    r"|\bklicken sie nicht\b|\bno haga clic\b|\bno hagas clic\b|\bnão clique\b|\bnon cliccare\b"
    r"|\bnon fare clic\b|\bklik niet\b|\bklicka inte\b|\bklik ikke\b|\bikke klikk|\bnie klikaj\b",
    # attachments
    r"\battachments?\b|\bpièces jointes\b|\banhäng|\badjuntos?\b|\ballegat|\banexos?\b|\bbijlage|\bbilag"
    r"|\bvedhæft|\bvedlegg|\bzałącznik",
    # this message
    r"\b(?:this|the) (?:e-?mail|message|communication|transmission)\b|\bce (?:message|courriel|mail|e-mail)\b"
    r"|\bdiese[rn]? (?:e-?mail|nachricht)|\beste (?:mensaje|correo)\b|\bquesto (?:messaggio|e-?mail)\b"
    r"|\besta (?:mensagem|e-?mail)\b|\bdit (?:bericht|e-?mail)\b|\bdetta (?:meddelande|e-?post)\b"
    r"|\bdenne (?:e-?mail|e-?post|meddelelse|melding)\b|\bta wiadomość|\btej wiadomości",
    # health information law
    r"\bprotected health information\b|\bhipaa\b|\bpatient information\b",
))
_NOTICE_SUBJECTS = 3
_NEIGHBOUR_SUBJECTS = 2     # beside a notice, or under a label ("Disclaimer: ..."), two subjects are enough
_MIN_WORDS = 10
_MAX_ANSWER_LINE_WORDS = 8
# Bounds on the work, whatever the message: notices are short, and they stand at either end.
_MAX_NOTICE_CHARS = 5_000
_MAX_EXAMINED_CHARS = 40_000
_LABEL = (r"\W*(?:\[?external\]?|caution|confidential(?:ity)?(?: notice| note)?|disclaimer|legal notice"
          r"|avis de confidentialité|avertissement|haftungsausschluss|aviso legal|aviso de confidencialidad"
          r"|avviso di riservatezza)")
_RULE = re.compile(r"^[ \t]*[-_=*~]{5,}[ \t]*$")
_HEADING = re.compile(_LABEL + r"\W*$", re.IGNORECASE)
_LABELLED = re.compile(_LABEL + r"\s*:", re.IGNORECASE)
# Banners known by their wording, whatever their length: Microsoft 365's first-contact tip and
# Proofpoint's external-sender tag.
_STAMPS = re.compile(
    r"^\W*(?:you don.t often get email from \S+ learn why this is important"
    r"|sie erhalten nicht oft e-mails? von \S+ erfahren sie, warum dies wichtig ist"
    r"|vous n.obtenez pas souvent d.e-mails? (?:à partir )?de \S+ pourquoi c.est important"
    r"|no suele recibir correos? electrónicos? de \S+ por qué esto es importante"
    r"|this message is from an external sender\b|this message came from outside your organi[sz]ation)",
    re.IGNORECASE,
)


def notice_lines(lines: Sequence[str], candidate: Sequence[bool]) -> set[int]:
    """Indexes of the `candidate` lines that belong to a notice: paragraphs (runs of non-blank candidate
    lines) touching three subjects of notices or worded as a known banner, the paragraphs beside them
    touching two, a heading line ("CONFIDENTIALITY NOTICE:") and a rule line just above; less any short
    line at a notice's edge that touches no subject (an answer glued to it)."""
    paragraphs: list[list[int]] = []
    rules: set[int] = set()
    for index, line in enumerate(lines):
        if not candidate[index] or not line.strip():
            continue
        if _RULE.match(line):  # "_____" sets a notice apart from the text above it
            rules.add(index)
        elif paragraphs and paragraphs[-1][-1] == index - 1:
            paragraphs[-1].append(index)
        else:
            paragraphs.append([index])
    counts = [0] * len(paragraphs)
    notice = [False] * len(paragraphs)
    budget = _MAX_EXAMINED_CHARS
    for position in _from_both_ends(len(paragraphs)):
        text = "\n".join(lines[index] for index in paragraphs[position])
        if len(text) > _MAX_NOTICE_CHARS:
            continue
        budget -= len(text)
        if budget < 0:
            break
        counts[position] = _subjects(text)
        notice[position] = _is_notice(text, counts[position])
    for position in range(len(paragraphs)):  # grow each notice over its neighbours, both ways
        if notice[position]:
            for step in (-1, 1):
                other = position + step
                while 0 <= other < len(paragraphs) and not notice[other] and (
                        counts[other] >= _NEIGHBOUR_SUBJECTS or _is_heading(lines, paragraphs[other])):
                    notice[other] = True
                    other += step
    found = {index for paragraph, is_notice in zip(paragraphs, notice) if is_notice
             for index in _without_answer_lines(lines, paragraph)}
    return found | {index for index in rules if index + 1 in found}


def _without_answer_lines(lines: Sequence[str], paragraph: list[int]) -> list[int]:
    """A notice paragraph without the short lines at its edges that are no part of it: a converted HTML
    message may put "No thank you." on the line under a banner, with no blank line between."""
    kept = list(paragraph)
    while kept and _stands_apart(lines[kept[0]]):
        kept.pop(0)
    while kept and _stands_apart(lines[kept[-1]]):
        kept.pop()
    return kept


def _stands_apart(line: str) -> bool:
    return (len(line.split()) <= _MAX_ANSWER_LINE_WORDS and not _subjects(line) and not _HEADING.match(line)
            and not _STAMPS.match(" ".join(line.split())))


def _from_both_ends(count: int) -> list[int]:
    """0, count-1, 1, count-2, ...: banners stand at the top, disclaimers at the bottom."""
    return [position for pair in zip(range(count), range(count - 1, -1, -1)) for position in pair][:count]


def _subjects(text: str) -> int:
    """How many subjects of notices `text` touches; a label ("Disclaimer:") makes up for one."""
    touched = sum(1 for subject in _SUBJECTS if subject.search(text))
    return touched + (_NOTICE_SUBJECTS - _NEIGHBOUR_SUBJECTS if _LABELLED.match(text) else 0)


def _is_notice(text: str, subjects: int) -> bool:
    return (subjects >= _NOTICE_SUBJECTS and len(text.split()) >= _MIN_WORDS) or bool(
        _STAMPS.match(" ".join(text.split())))


def _is_heading(lines: Sequence[str], paragraph: list[int]) -> bool:
    return len(paragraph) == 1 and _HEADING.match(lines[paragraph[0]]) is not None
