"""What a practitioner's words say about their requests besides asking for one: not (yet), how does it stand,
and which of their requests they mean."""

from __future__ import annotations

import re
from typing import Iterable

from introbot.model import Intro, Party, Role

# What may stand between the words of a request when the people are named inside them: names, addresses,
# pronouns and the little words around them ("don't put Sam Rivera <sam@...> in touch with Maya", "noch nicht
# mit Maya Chen in Kontakt bringen", "ne pas encore mettre Sam en contact", "nog niet aan Maya voorstellen").
# Each word is one of these in one way only (the little words in lower case, a name capitalised), and a run of
# them is bounded, so a line of nothing but such words costs a linear scan, never a backtracking one.
_OBJECT_WORD = (r"(?-i:[A-Z])[\w'’.-]*|<[^<>\s]+>|[^\s<>@]+@[^\s<>@]+|(?-i:her|him|them|us|sie|ihn|ihr|la|le|les|lui|"
                r"leur|l['’]|lo|los|las|li|gli|a|à|al|aan|met|mit|con|avec|with|to|zu|noch|nog|encore|ancora|todavía|"
                r"todavia|aún|aun|ainda|yet|please|bitte|now|jetzt|just|the|my|this|that|our|both|beide|two)(?!\w)")
_OBJECT = rf"(?:[ \t]+(?:{_OBJECT_WORD})){{0,8}}"
# The words of asking for an introduction, in the languages practitioners write in; a verb of two parts may have
# the people between them ("put Sam in touch", "mettre Sam en contact", "Sam mit Maya in Kontakt bringen").
_VERB = (rf"introduc\w*|intro(?![@+])|connect(?:ing)?|refer(?:ring)?|put(?:ting)?{_OBJECT}[ \t]+in[ \t]+touch"
         r"|vor(?:zu)?stellen|bekannt[ \t]*(?:zu[ \t]*)?machen|vermitteln|in[ \t]+kontakt[ \t]+(?:zu[ \t]+)?bringen"
         rf"|présent(?:er|e|es|ez)|mettre{_OBJECT}[ \t]+en[ \t]+(?:contact|relation)"
         rf"|present(?:ar|es|e|en|arla|arlo|arle|are|a|i|ate)|pon(?:er|gas|ga)(?:la|lo|le)?{_OBJECT}[ \t]+en[ \t]+contacto"
         rf"|mett(?:ere|i|a)(?:la|lo|li)?{_OBJECT}[ \t]+in[ \t]+contatto|voorstellen|introduceren|in[ \t]+contact[ \t]+brengen"
         r"|apresent(?:ar|e|es|á-la|á-lo)")
# The same, as one asks for it (not "introduced", "introducing": "Sam was so happy to be introduced"), also as one tells
# someone to ("Stell Sam Maya Chen vor", "Mets Sam en contact avec Maya", "Pon a Sam en contacto con Maya").
_ASKING_VERB = (rf"introduce|intro(?![@+])|connect|refer|put{_OBJECT}[ \t]+in[ \t]+touch|go[ \t]+ahead"
                r"|vor(?:zu)?stellen|bekannt[ \t]*(?:zu[ \t]*)?machen|vermitteln|in[ \t]+kontakt[ \t]+(?:zu[ \t]+)?bringen"
                rf"|stell(?:e|t|en[ \t]+sie)?{_OBJECT}[ \t]+vor"
                rf"|présent(?:er|e|ez)|met(?:tre|tez|s){_OBJECT}[ \t]+en[ \t]+(?:contact|relation)"
                rf"|present(?:ar|es|e|arla|arlo|arle|are|a|ate)"
                rf"|pon(?:er|gas|ga)?(?:la|lo|le)?{_OBJECT}[ \t]+en[ \t]+contacto"
                rf"|mett(?:ere|i|a)(?:la|lo|li)?{_OBJECT}[ \t]+in[ \t]+contatto|voorstellen|introduceren"
                r"|in[ \t]+contact[ \t]+brengen|apresent(?:ar|e|es|á-la|á-lo)")
# What, before those words, asks for the opposite ("please don't introduce", "hold off on introducing", "noch
# nicht vorstellen", "ne pas la présenter", "no la presentes", "non presentarla", "niet voorstellen").
_NOT = (r"don['’]?t|do[ \t]+not|dont|(?:you|rather)[ \t]+not|no[ \t]+need[ \t]+to|not[ \t]+to|never|shouldn['’]?t"
        r"|should[ \t]+not|hold[ \t]+off(?:[ \t]+on)?|cancel|stop|withdraw|call[ \t]+off|nicht|kein\w*|ne[ \t]+pas|ne"
        r"|no|non|niet|não|nao")
_BETWEEN = (r"(?-i:actually|go[ \t]+ahead[ \t]+and|want[ \t]+to|need[ \t]+to|bother(?:[ \t]+to)?|erst|mehr"
            r"|tout[ \t]+de[ \t]+suite|even)(?!\w)")
# Not introducing them oneself is no hold: "I'd rather not introduce them myself, could you do it?"
_ONESELF = (r"(?![^.!?\n]{0,40}?(?<!\w)(?:myself|personally|selbst|moi-même|moi-meme|yo[ \t]+mism[ao]|io[ \t]+stess[ao]"
            r"|zelf|eu[ \t]+mesm[ao])(?!\w))")
_NEGATED = re.compile(rf"(?<!\w)(?:{_NOT})(?:[ \t]+(?:{_BETWEEN}|{_OBJECT_WORD})){{0,8}}[ \t]*(?:{_VERB})(?!\w){_ONESELF}",
                      re.IGNORECASE)
# Words that put the introduction off until later ("let you know when to introduce", "until Monday before
# introducing", "before you introduce them"): not asked for now either.
_DEFERRED = re.compile(rf"(?<!\w)(?:when[ \t]+to|until|till|before)(?:[ \t]+[\w'’]+){{0,3}}?[ \t]+(?:{_VERB})(?!\w)",
                       re.IGNORECASE)
# "Not yet" in the languages practitioners write in ("not just yet", "noch nicht", "pas encore", "todavía no"), and
# "hold off" with how long ("hold off until Monday", "hold off for a few days"): said anywhere, they put off the
# introduction, as "not yet" and "hold off" always did.
_CLAUSE_ENDS = r"(?=[ \t]*(?:[.,!;:\-–—)]|$))"
_POLITELY = r"(?:[ \t,]+(?:though|please|pls|thanks|bitte|danke|svp|merci|por[ \t]+favor|gracias))?"
_NOT_YET = (r"(?:not[ \t]+(?:just[ \t]+)?yet|noch[ \t]+nicht|pas[ \t]+encore|todav[íi]a[ \t]+no|a[úu]n[ \t]+no"
            rf"|no[ \t]+todav[íi]a){_POLITELY}{_CLAUSE_ENDS}")
_FOR_A_WHILE = (r"for[ \t]+(?:now|another|some|a[ \t]+(?:bit|while|few|couple|week|day|month)"
                r"|the[ \t]+(?:moment|time[ \t]+being)|(?:one|two|three|\d+)[ \t]+(?:days?|weeks?|months?))")
_UNTIL = r"until|till|['’]?til"
_HOLD_OFF = (rf"hold[ \t]+off(?=[ \t]*(?:[.,!;:\-–—)]|$)|[ \t]+(?:{_UNTIL}|{_FOR_A_WHILE})(?!\w)"
             r"|[ \t]+on[ \t]+(?:it|that|this|him|her|them|the[ \t]+intro\w*|(?-i:[A-Z])))")
_BUT = r"(?<!\w)(?:but|aber|doch|mais|pero)[ \t]+(?:(?:please|pls|bitte|svp|por[ \t]+favor)[ \t]+)?"
# Said to introbot without a verb of introducing: "Please hold off on Sam", "put it on hold", "Never mind.", "Not yet.
# I'll tell you when.", "forget it", "Maya - hold off until Monday". Only where a sentence or clause starts or after
# "please": "her GP said to hold off on massage", "please hold off on deep tissue" and "on hold with her insurer" say
# nothing to introbot.
_ON_HOLD = re.compile(r"(?:^|(?<=[.!?;:,\-–—])|(?<!\w)(?:please|pls|bitte|can[ \t]+you|could[ \t]+you))[ \t]*"
                      rf"(?:{_HOLD_OFF}|put[ \t]+[\w'’]+[ \t]+on[ \t]+hold"
                      rf"|never[ \t]*mind(?=[ \t]*(?:[.,!;:\-–—]|$)|[ \t]+about)|{_NOT_YET}"
                      r"|i['’]ll[ \t]+(?:tell|let)[ \t]+you[ \t]+(?:know[ \t]+)?when"
                      r"|(?:forget|cancel)[ \t]+(?:about[ \t]+)?(?:it|that|this|my[ \t]+(?:last[ \t]+)?request))(?!\w)",
                      re.IGNORECASE | re.MULTILINE)
# ... and after a "but" that turns from what is asked to when: "Maya, but not yet", "Lio - but hold off.", "Maya, aber
# noch nicht", "Maya, but hold off on it".
_BUT_HOLD = re.compile(rf"{_BUT}(?:{_NOT_YET}|{_HOLD_OFF})", re.IGNORECASE | re.MULTILINE)
# Said to introbot itself, and not above a forward (where the note tells the colleague of the client's days: "She's
# free, but not until May", "Please wait until she contacts you"), waiting says more: a verb of waiting with how long
# ("wait till I've spoken to Sam", "warte bis Montag", "attendez que j'aie parlé à Sam", "espera hasta el lunes",
# "bitte noch warten"); and after a "but", waiting alone ("but wait."), when ("but not until Monday", "aber erst nach
# Ostern", "mais pas avant lundi", "pero no antes del lunes", "but not now", "but later", "but in a few weeks", "aber in
# zwei Wochen", "mais dans quinze jours") or what the writer will do first ("but let me talk to Sam first", "but first
# let me check with Sam", "aber ich muss erst mit Sam sprechen", "aber lass mich erst mit Sam sprechen", "mais je dois
# d'abord en parler à Sam", "mais laissez-moi d'abord parler à Sam", "pero primero tengo que hablar con Sam", "pero
# déjame hablar primero con Sam"; only talking to someone: "but I'll send you her notes first" puts nothing off, nor
# does "first thing tomorrow"). Not "wait" alone where a sentence starts ("Wait, I meant Lio"), nor "espera que" (she
# hopes that), nor "but next week is difficult".
_WAIT_HOW_LONG = (rf"(?:hold[ \t]+on|hang[ \t]+on|wait)[ \t]+(?:{_UNTIL}|{_FOR_A_WHILE})"
                  r"|(?:warte|wartet|warten[ \t]+sie)[ \t]+(?:bis|noch)"
                  r"|(?:attends|attendez)[ \t]+(?:que|qu['’]|jusqu['’])"
                  r"|(?:espera|espere|esperad|esperen)[ \t]+(?:hasta|a[ \t]+que)")
_WAITING = (rf"(?:{_WAIT_HOW_LONG})(?!\w)|(?:noch[ \t]+(?:kurz[ \t]+|etwas[ \t]+)?)?(?:warten|abwarten){_CLAUSE_ENDS}")
_WAIT_VERB = (r"hold[ \t]+on|hang[ \t]+on|wait|warte|wartet|warten|attends|attendez|attendre|espera|espere|esperad"
              r"|esperen|esperar")
_NOT_UNTIL = (r"not[ \t]+(?:until|till|before)|only[ \t]+(?:after|once|when)|erst[ \t]+(?:nach|wenn|ab|am|im|in"
              r"|nächste\w*|morgen|übermorgen|später)|pas[ \t]+avant|qu['’]après"
              r"|(?:seulement|uniquement)[ \t]+(?:après|quand|lorsque)|no[ \t]+antes"
              r"|s[óo]lo[ \t]+(?:después|despues|cuando)")
_LATER = (r"not[ \t]+(?:right[ \t]+)?now|(?:jetzt|gerade)[ \t]+(?:noch[ \t]+)?nicht|nicht[ \t]+jetzt"
          r"|pas[ \t]+(?:tout[ \t]+de[ \t]+suite|maintenant|pour[ \t]+l['’]instant)|ahora[ \t]+no"
          r"|no[ \t]+por[ \t]+ahora"
          r"|later|später|plus[ \t]+tard|m[áa]s[ \t]+tarde"
          r"|(?:in|dans|en)[ \t]+(?:a|an|one|two|three|four|a[ \t]+few|a[ \t]+couple[ \t]+of|einer|einem|ein[ \t]+paar"
          r"|zwei|drei|vier|un|une|deux|trois|quatre|quelques|quinze|una|unos|unas|dos|tres|cuatro|\d{1,2})[ \t]+"
          r"(?:days?|weeks?|months?|tag(?:en)?|wochen?|monat(?:en)?|jours?|semaines?|mois|d[íi]as?|semanas?"
          r"|mes(?:es)?)"
          r"|next[ \t]+(?:week|month)|nächste[ \t]+woche|nächsten[ \t]+monat|la[ \t]+semaine[ \t]+prochaine"
          r"|le[ \t]+mois[ \t]+prochain|la[ \t]+(?:semana[ \t]+que[ \t]+viene|próxima[ \t]+semana)"
          r"|el[ \t]+(?:mes[ \t]+que[ \t]+viene|próximo[ \t]+mes)")
_TALK = r"talk|speak|check|confirm|ask|discuss|run[ \t]+it[ \t]+by"
_I_WILL = (r"(?:let[ \t]+me|i['’]ll|i[ \t]+will|i[ \t]+(?:need|want|have|['’]d[ \t]+like|would[ \t]+like)[ \t]+to"
           r"|i[ \t]+must|i[ \t]+should)")
_MINE_FIRST = (rf"{_I_WILL}[ \t]+(?:first[ \t]+(?:{_TALK})"
               rf"|(?:{_TALK})(?!\w)[^.!?;\n]{{0,60}}?(?<!\w)first(?![ \t]+thing))"
               rf"|first,?[ \t]+{_I_WILL}[ \t]+(?:{_TALK})"
               r"|ich[ \t]+(?:muss|möchte|will|werde|sollte)[ \t]+(?:\w+[ \t]+){0,2}?(?:erst|zuerst|vorher)"
               r"|(?:lass|lassen[ \t]+sie)[ \t]+mich[ \t]+(?:\w+[ \t]+){0,3}?(?:erst|zuerst|vorher|erstmal)"
               r"|je[ \t]+(?:dois|veux|voudrais|vais|préfère)[ \t]+(?:d['’]abord|avant)"
               r"|laisse[sz]?-moi[ \t]+(?:[^.!?;\n]{0,40}?[ \t])?d['’]abord"
               r"|(?:primero|antes)[ \t]+(?:tengo|quiero|debo|voy|necesito)"
               r"|(?:tengo|quiero|debo|necesito)[ \t]+(?:que[ \t]+)?[^.!?;\n]{0,60}?(?<!\w)primero"
               r"|d[ée]j(?:ame|eme)[ \t]+[^.!?;\n]{0,60}?(?<!\w)(?:primero|antes)")
# ... or when the writer has talked to someone ("Maya, after I've spoken to Sam", "once I talk to her", "nachdem ich mit
# Sam gesprochen habe", "après avoir parlé à Sam", "después de hablar con Sam"): said in a clause of its own, and not
# of a talk that happened ("Maya - when I spoke to Sam she liked massage") or of someone else's ("once Sam confirms").
_AFTER_MY_TALK = (r"(?:after|once|when)[ \t]+(?:i|we)(?:['’]ve|[ \t]+have)[ \t]+(?:spoken|talked|checked|asked"
                  r"|discussed|confirmed|heard[ \t]+back|had[ \t]+a[ \t]+(?:word|chat))"
                  rf"|(?:after|once|when)[ \t]+(?:i|we)[ \t]+(?:{_TALK}|hear[ \t]+back|have[ \t]+a[ \t]+(?:word|chat))"
                  r"|(?:nachdem|wenn|sobald)[ \t]+ich[ \t]+[^.!?;\n]{0,40}?(?:gesprochen|geredet|telefoniert|gefragt)"
                  r"|après[ \t]+avoir[ \t]+(?:parlé|discuté|demandé)"
                  r"|(?:quand|lorsque|une[ \t]+fois[ \t]+que|dès[ \t]+que)[ \t]+j['’]aurai[ \t]+"
                  r"(?:parlé|discuté|demandé)"
                  r"|(?:después|despues)[ \t]+de[ \t]+(?:hablar|consultar|preguntar)"
                  r"|(?:cuando|una[ \t]+vez[ \t]+que|en[ \t]+cuanto)[ \t]+"
                  r"(?:hable|haya[ \t]+hablado|consulte|pregunte)")
_WAITING_SAID_TO_INTROBOT = re.compile(
    rf"(?:^|(?<=[.!?;:,\-–—])|(?<!\w)(?:please|pls|bitte))[ \t]*(?:{_WAITING}|(?:{_AFTER_MY_TALK})(?!\w))"
    rf"|{_BUT}(?:{_WAITING}|(?:{_AFTER_MY_TALK})(?!\w)|(?:{_WAIT_VERB})(?:{_CLAUSE_ENDS}|(?<=wait)[ \t]+for(?!\w))"
    rf"|(?:{_NOT_UNTIL}|{_MINE_FIRST})(?!\w)"
    rf"|(?:{_LATER}){_POLITELY}{_CLAUSE_ENDS})", re.IGNORECASE | re.MULTILINE)
# In an answer that picks someone, what the writer will do first holds without a "but" too: "Maya, let me talk to Sam
# first", "Maya - I need to check with her first". Without a pick, the same words put off the answer (see defers).
_MY_TALK_FIRST = re.compile(rf"(?<!\w)(?:{_MINE_FIRST})(?!\w)", re.IGNORECASE)
# Words setting the previous message aside ("Please ignore my last email", "Scratch that"): a hold only when
# nothing follows that asks anew ("Ignore my last email - please go ahead with Sam", "Scratch that - Lio Park
# for Sam please", "Please ignore my last email, wrong client! Maya, could you see Sam?").
_SET_ASIDE = re.compile(r"(?:(?:ignore|disregard|never[ \t]*mind)[ \t]+(?:my|the|this)[ \t]+(?:(?:last|previous|earlier)"
                        r"[ \t]+)?(?:e-?mail|message|request)|scratch[ \t]+that)(?!\w)", re.IGNORECASE)
# The same words meaning the writer's previous message to introbot, whatever it named: "Please ignore my last
# email", "disregard my previous message", "Bitte ignoriere meine letzte E-Mail", "ignorez mon dernier message",
# "ignora mi último correo". ("Scratch that" sets aside what was just written above it, in the same message.)
# The verb may come last in German ("Bitte meine letzte E-Mail ignorieren") and be an infinitive in French and
# Spanish ("Veuillez ignorer mon dernier message", "Favor de ignorar mi último correo").
_DE_LAST_MAIL = r"(?:meine|die)[ \t]+(?:letzte|vorige|vorherige)[ \t]+(?:e-?mail|mail|nachricht)"
_LAST_SET_ASIDE = re.compile(
    r"(?<!\w)(?:(?:ignore|disregard|never[ \t]*mind|forget(?:[ \t]+about)?)[ \t]+(?:my|the|that)[ \t]+(?:last|previous"
    r"|earlier|prior)[ \t]+(?:e-?mail|mail|message|request|forward)"
    rf"|ignorier(?:e|en[ \t]+sie)?[ \t]+(?:bitte[ \t]+)?{_DE_LAST_MAIL}|{_DE_LAST_MAIL}[ \t]+(?:bitte[ \t]+)?ignorieren"
    r"|(?:ignorez|ignorer|ignore|oubliez|oublier|oublie)[ \t]+mon[ \t]+(?:dernier|précédent|precedent)[ \t]+"
    r"(?:e-?mail|mail|message|courriel)"
    r"|(?:ignora|ignorar|ignore|olvida|olvidar|olvide)[ \t]+mi[ \t]+(?:último|ultimo|anterior)[ \t]+(?:correo|mensaje"
    r"|e-?mail))(?!\w)",
    re.IGNORECASE)
_ASKING_ANEW = re.compile(r"\?|@|(?<!\w)(?:please|pls|go[ \t]+ahead|proceed|ready|instead|could[ \t]+you|can[ \t]+you)(?!\w)",
                          re.IGNORECASE)
_ASKED = re.compile(rf"(?<!\w)(?:{_ASKING_VERB})(?!\w)", re.IGNORECASE)
# Before those words, what makes them a thing talked about, not asked for: "thanks for the intro".
_TALKED_ABOUT = re.compile(r"(?<!\w)(?:for|the|an|a|your|this|that|my|our)[ \t]+$", re.IGNORECASE)
# Before them in a message written to others with intro@ copied, what makes them a request to introbot
# ("could you also introduce ..."), not a promise to the client ("I can connect you with Lio").
_ASKING_LEAD = re.compile(r"(?<!\w)(?:please|pls|kindly|could[ \t]+you|can[ \t]+you|would[ \t]+you|intro@\S*)"
                          r"(?:[ \t]+(?:also|too|now|then|please))*[ \t]+$", re.IGNORECASE)


def holds_back(text: str, to_introbot: bool = True, forwarding: bool = False, picking: bool = False) -> bool:
    """`text`, the referrer's own words, asks introbot not to introduce (yet): "Please don't introduce Sam
    to Maya yet", "hold off on Sam", "I'll let you know when to introduce them", "bitte noch nicht
    vorstellen". A request said anywhere beside it ("Don't introduce her to Maya; introduce her to Lio")
    keeps it a request: being asked is safer than asking, which a wrongly held request costs only one line.
    Written to others with intro@ copied (`to_introbot` false), only a negated request counts: "never mind
    the forms" and "ignore the previous email from reception" are said to them. Above a forward (`forwarding`),
    the forward asks anew: "Please ignore my last email, wrong client!" there sets only the last one aside, and
    words of when speak of the client's days ("She's free, but not until May"). An answer to introbot's question
    `picking` someone ("Maya, let me talk to Sam first") holds for the writer's talk as it holds for a wait."""
    if asks(text, to_introbot):
        return False
    if _held(text):
        return True
    if not to_introbot:
        return False
    set_aside = _SET_ASIDE.search(text) or _LAST_SET_ASIDE.search(text)
    return bool(_ON_HOLD.search(text) or _BUT_HOLD.search(text) or (
        not forwarding and _WAITING_SAID_TO_INTROBOT.search(text)) or (picking and _MY_TALK_FIRST.search(text)) or (
        set_aside and not forwarding and not _ASKING_ANEW.search(text, set_aside.end())))


# An answer to introbot's question that promises the answer later: "Let me check with Sam and get back to you", "Let me
# think about it", "I'll ask Sam", "Ich melde mich", "Lass mich überlegen", "Je reviens vers vous", "Déjame pensarlo".
_DEFERS = re.compile(
    r"(?<!\w)(?:let[ \t]+me[ \t]+(?:think|check|ask|talk|speak|confirm|discuss|find[ \t]+out|get[ \t]+back"
    r"|run[ \t]+it[ \t]+by|have[ \t]+a[ \t]+think)"
    r"|(?:i['’]ll|i[ \t]+will|i['’]m[ \t]+going[ \t]+to|i[ \t]+need[ \t]+to|i[ \t]+have[ \t]+to|i[ \t]+must)[ \t]+"
    r"(?:(?:first|just|quickly)[ \t]+)?(?:think|check|ask|talk|speak|confirm|discuss|find[ \t]+out|get[ \t]+back"
    r"|come[ \t]+back|let[ \t]+you[ \t]+know|follow[ \t]+up)"
    r"|(?:get|come)[ \t]+back[ \t]+to[ \t]+you"
    r"|ich[ \t]+melde[ \t]+mich|(?:lass|lassen[ \t]+sie)[ \t]+mich[ \t]+(?:\w+[ \t]+)?(?:überlegen|nachdenken|fragen"
    r"|nachfragen)|ich[ \t]+(?:muss|werde|möchte)[ \t]+(?:\w+[ \t]+){0,3}?(?:überlegen|nachdenken|fragen|nachfragen"
    r"|klären|besprechen)"
    r"|je[ \t]+(?:reviens|reviendrai)[ \t]+vers"
    r"|je[ \t]+(?:vous|te)[ \t]+(?:redis|redirai|dirai|tiens[ \t]+au[ \t]+courant)"
    r"|laisse[sz]?-moi[ \t]+(?:réfléchir|vérifier|demander)"
    r"|je[ \t]+(?:dois|vais)[ \t]+(?:\w+[ \t]+){0,2}?(?:réfléchir|demander|vérifier|en[ \t]+parler)"
    r"|d[ée]jame[ \t]+(?:pensarlo|pensar|consultarlo|preguntar)|(?:te|le|os|les)[ \t]+(?:digo[ \t]+algo|aviso|confirmo)"
    r"|tengo[ \t]+que[ \t]+(?:pensarlo|preguntar|consultarlo|hablar))(?!\w)", re.IGNORECASE)


def defers(text: str) -> bool:
    """`text`, an answer to introbot's question that names no one, promises the answer later ("Let me check with
    Sam and get back to you"): the question stays open, not asked again as if the answer were not understood."""
    return _DEFERS.search(text) is not None


def sets_aside_last(text: str) -> bool:
    """`text`, the referrer's own words to introbot, asks it to set their previous message aside ("Please
    ignore my last email, wrong client!"), whether or not it asks anew below."""
    return _LAST_SET_ASIDE.search(text) is not None


def asks(text: str, to_introbot: bool = True) -> bool:
    """`text` asks for an introduction in so many words ("Could you also introduce Kim to Lio Park?"), not
    negated nor put off; "Thanks for the intro!" is no request. Written to others with intro@ copied
    (`to_introbot` false), only as a request ("could you also introduce ...", not "I can connect you")."""
    return bool(asking_verbs(text, to_introbot))


def asking_verbs(text: str, to_introbot: bool = True) -> list[int]:
    """Where the verbs of introducing that make `text` ask for an introduction (see asks) start."""
    held = _held(text)
    return [m.start() for m in _ASKED.finditer(text)
            if not any(start <= m.start() < end for start, end in held)
            and not _TALKED_ABOUT.search(text, max(0, m.start() - 8), m.start())
            and (to_introbot or _ASKING_LEAD.search(text, max(0, m.start() - 40), m.start()))]


def _held(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in (_NEGATED, _DEFERRED) for m in pattern.finditer(text)]


# A comma that starts a clause of its own: one asking anew ("..., introduce her to Maya", "..., please connect her
# with Maya"), or a subject of one or two words and its verb ("..., Maya is the one", "..., Maya's the better fit",
# "..., Maya passt besser", "..., Maya est mieux placée", "..., Maya es mejor", "..., she would like Maya").
_CLAUSE_VERB = (r"is|was|would|will|should|could|can|might|may|must|suits?|fits?|works?|sounds?|seems?|knows?|does"
                r"|has|needs?|wants?|prefers?|likes?|ist|wäre|passt|kann|soll|sollte|würde|hat|kennt|braucht|est"
                r"|serait|sera|convient|conviendrait|peut|pourrait|va|connaît|es|sería|será|está|puede|podría"
                r"|conviene|tiene|conoce")
_NEW_CLAUSE = (rf",(?=[ \t]*(?:(?:please|pls|bitte|svp|por[ \t]+favor)[ \t]+)?(?:{_ASKING_VERB})(?!\w)"
               rf"|[ \t]*(?:[\w-]+[ \t]+)?[\w-]+(?:['’](?:s|d|ll)[ \t]|[ \t]+(?:{_CLAUSE_VERB})(?!\w)))")
# Where a refusal ("don't introduce her to Lio") ends: with its sentence or clause, or where a "but" turns to what is asked
# instead ("Don't connect her with Lio; Maya is the one", "nicht mit Lio in Kontakt bringen, sondern mit Maya"), or an
# "only" or "other than" to whom it does not refuse ("Don't introduce her to anyone other than Maya"), or at a comma
# that starts a clause of its own ("Don't connect her with Lio, Maya is the one"). A comma in a list does not end it:
# "don't introduce her to Maya, Lio or anyone yet" refuses all three.
_REFUSAL_END = re.compile(rf"[.;:!?\n]|[ \t]-[ \t]|[–—]|{_NEW_CLAUSE}|(?<!\w)(?:but|instead|rather|sondern|aber"
                          r"|stattdessen|mais|plutôt|pero|sino|ma|invece|maar|mas|men|only|except|other[ \t]+than"
                          r"|apart[ \t]+from)(?!\w)", re.IGNORECASE)


def refusals(text: str) -> list[tuple[int, int]]:
    """Where `text` says not to introduce, from its negating word to the end of the clause that says to whom:
    "Don't connect her with Lio" in "Don't connect her with Lio; Maya is the one", "nicht mit Lio in Kontakt
    bringen" in "Bitte nicht mit Lio in Kontakt bringen, sondern mit Maya"."""
    spans = []
    for match in _NEGATED.finditer(text):
        end = _REFUSAL_END.search(text, match.end())
        clause = text[match.start():end.start() if end else len(text)]
        spans.append((match.start(), match.start() + len(clause.rstrip(" \t,"))))
    return spans


# A question after a request's progress: "Any news about Sam?", "Has Sam answered yet?", "Wie ist der Stand?",
# "Novità su Sam?"; not a past event told ("Sam got back to me - could Lio see her too?").
_ANSWERED = r"answered|replied|responded|got(?:ten)?[ \t]+back|said[ \t]+yes|agreed|heard[ \t]+back|been[ \t]+in[ \t]+touch"
_HOW_IT_STANDS = re.compile(
    r"(?<!\w)(?:any[ \t]+news|news[ \t]+(?:on|about|of)|any[ \t]+update|an[ \t]+update|update[ \t]+on|status[ \t]+of"
    rf"|any[ \t]+word|where[ \t]+(?:are|do)[ \t]+(?:we|things)|how['’]?s[ \t]+it[ \t]+going|how[ \t]+is[ \t]+it[ \t]+going"
    rf"|(?:has|have)(?:[ \t]+[\w'’]+){{1,3}}[ \t]+(?:(?:already|yet|ever)[ \t]+)?(?:{_ANSWERED})"
    r"|did[ \t]+[\w'’]+[ \t]+(?:answer|reply|respond|get[ \t]+back|say[ \t]+yes|agree)|have[ \t]+you[ \t]+heard"
    r"|neuigkeiten|stand[ \t]+der[ \t]+dinge|wie[ \t]+ist[ \t]+der[ \t]+stand|schon[ \t]+geantwortet|schon[ \t]+zugesagt"
    r"|des[ \t]+nouvelles|du[ \t]+nouveau|où[ \t]+en[ \t]+est|a-t-(?:il|elle)[ \t]+répondu|novedades|noticias"
    r"|ha[ \t]+(?:respondido|contestado)|novità|notizie|ha[ \t]+(?:già[ \t]+)?risposto|nieuws"
    r"|al[ \t]+(?:gereageerd|geantwoord)|novidades?|notícias|já[ \t]+respondeu)(?!\w)",
    re.IGNORECASE)


# The rest of a sentence that ends with a question mark; a dot inside an address or a name ("sam@client.example",
# "Dr.Lee") ends nothing.
_TO_QUESTION_MARK = re.compile(r"(?:[^.!?\n]|\.(?=\w))*\?")


def asks_how_it_stands(text: str) -> bool:
    """`text` asks after a request's progress ("Any news about Sam? Has she answered yet?"): in a sentence that
    ends with a question mark, and asking for no introduction in so many words."""
    return any(_TO_QUESTION_MARK.match(text, m.end()) for m in _HOW_IT_STANDS.finditer(text)) and not asks(text)


def requests_meant(text: str, open_intros: Iterable[Intro], client_email: str | None,
                   colleague_emails: set[str], replied_to: set[str]) -> list[Intro]:
    """Which of the referrer's open requests words holding back mean: the ones the message answers
    (`replied_to`, its In-Reply-To and References), else the ones for the client it names (see
    _naming_of_client; a first name shared by two clients means neither) and, when it names colleagues,
    with one of those."""
    intros = [i for i in open_intros if i.state.open]
    answered = [i for i in intros if i.request_message_id and i.request_message_id in replied_to]
    if answered:
        return answered
    return _for_client_named(text, intros, client_email, colleague_emails)


def requests_asked_after(text: str, intros: Iterable[Intro]) -> list[Intro]:
    """Which of the referrer's `intros` (open, or ended lately) a question how they stand ("Has Sam answered?")
    names: the ones for the client it names, as requests_meant reads a name (an open request for Sam and one
    for Sam that was introduced are both Sam's; a first name shared by two clients means neither)."""
    return _for_client_named(text, list(intros), None, set())


def _for_client_named(text: str, intros: list[Intro], client_email: str | None,
                      colleague_emails: set[str]) -> list[Intro]:
    def with_colleague_named(intro: Intro) -> bool:
        colleagues = {intro.party(Role.COLLEAGUE).email} if intro.colleague else set()
        colleagues |= {p.email for p in intro.further_colleagues}
        return not colleague_emails or bool(colleagues & colleague_emails) or not colleagues
    naming = {i.id: _FULLY if client_email and i.client and i.client.email == client_email else _naming_of_client(text, i)
              for i in intros if with_colleague_named(i)}
    best = max(naming.values(), default=_NOT_NAMED)
    meant = [i for i in intros if i.id in naming and naming[i.id] == best != _NOT_NAMED]
    clients = {i.client.email if i.client else i.client_hint for i in meant}
    return meant if best == _FULLY or len(clients) == 1 else []


# Words saying a request goes on from an earlier one, for the same client: "could Lio see her too?"
_ALSO = re.compile(r"(?<!\w)(?:too|also|as[ \t]+well|again|in[ \t]+the[ \t]+meantime|auch|ebenfalls|aussi|également"
                   r"|también|tambien|anche|pure|ook|também)(?!\w)", re.IGNORECASE)


def goes_on(text: str) -> bool:
    """`text` says it goes on from an earlier request ("too", "also", "as well"): a client it names only by
    name is the one of that request."""
    return _ALSO.search(text) is not None


def client_named(text: str, intros: Iterable[Intro]) -> Party | None:
    """The one client of the referrer's `intros` that `text` names ("Could Lio see Sam too?"), else None."""
    named = {i.client.email: i.client for i in intros if i.client and _naming_of_client(text, i) != _NOT_NAMED}
    return next(iter(named.values())) if len(named) == 1 else None


_NOT_NAMED, _BY_FIRST_NAME, _FULLY = 0, 1, 2


def _naming_of_client(text: str, intro: Intro) -> int:
    """How `text` names the intro's client: _FULLY by address or full name (in any case), _BY_FIRST_NAME by
    their first name (titles left out) capitalised as a name is ("Kim", not "kim" nor "Dr"), else _NOT_NAMED."""
    client = intro.client
    full = {client.email, client.name} if client is not None else set()
    full |= {intro.client_hint} if len(intro.client_hint.split()) > 1 else set()
    if any(_said(text, form, case_blind=True) for form in full if len(form) > 1):
        return _FULLY
    first = {client.first_name} if client is not None else set()
    first |= {Party(Role.CLIENT, "", name=intro.client_hint).first_name}
    return _BY_FIRST_NAME if any(_said(text, form[:1].upper() + form[1:], case_blind=False)
                                 for form in first if len(form) > 1) else _NOT_NAMED


def _said(text: str, form: str, case_blind: bool) -> bool:
    return re.search(rf"(?<![\w@.]){re.escape(form)}(?![\w@])", text, re.IGNORECASE if case_blind else 0) is not None
