"""Reads a consent reply ("shall I introduce you?") as YES, NO or UNCLEAR, in the party's own words."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from introbot.core.quotes import WRITING_VERB

# How a reply is read, rule by rule (each rule has a test in tests/core/test_answers.py; rule 10 also in
# test_answers_capacity.py, rule 11 in test_answers_conditions.py):
#  1. Only the person's own text counts. Lines quoted with ">", "... wrote:" attributions and the quote
#     under them are skipped; an Outlook/Samsung header block, "-----Original Message-----", a "-- "
#     signature delimiter or "Sent from my iPhone" ends the text. The quoted ask says "Reply YES or
#     NO" and must never decide. (Before the reply is split, the service marks as quoted what repeats
#     its own mail to the person, however it was quoted: core/echo.py.)
#  2. The first sentence that says anything decides: a yes, a no, a hedge or a question. Greetings,
#     thanks and pleasantries before it are skipped, and so is a question that only names a no ("How
#     do I say no? ..."). A long text (over 300 words) must answer within its first 40 words, or it is
#     UNCLEAR.
#  3. Anything ambiguous is not a yes. In the deciding sentence: yes and no together ("yes and no",
#     "yes, but not now"), a hedge ("maybe", "not sure", "tell me more", "probably", "I'll let you
#     know"), a negated answer word ("I don't decline": a double negative may be a
#     yes, we don't gamble on it; and a yes with a negation anywhere in its clause: "Sicher nicht"),
#     a condition ("yes if she takes insurance"), a "but" after a yes, or a question mark after a
#     yes ("Yes?") all give UNCLEAR. A hedge after a no is about later ("Not now, maybe in a few
#     months"): it stays a no. What follows "but" is what the speaker argues for, so:
#     a. a "but" that concedes only what the person has never done lands on the yes right after it,
#        when that yes ends the sentence: "Never been to one, but yes please!", "Nunca he probado,
#        pero sí". A wish or a limit before the "but" ("I'd rather wait, but yes", "Never on Mondays,
#        but yes", "Not me, but yes") or a no or hedge ("I already have a therapist but yes please",
#        "Not sure, but yes") still doubts;
#     b. praise of the idea, not an answer to it ("that's great", "sounds lovely", "I'd love to",
#        "das wäre schön", "me parece bien"), then after a "but" a decline, is a polite no: "That's
#        great, but I already have a therapist". After a minimizer ("no worries", "no problem") the
#        "but" may be left out: "No worries, I'm not looking for anyone right now". A no that takes an
#        object ("no need to ...", "don't want to ...", "no puedo esperar") or a bare "no" inside a
#        clause ("no pressure") is no decline, and a yes later in the sentence or the reply keeps it
#        UNCLEAR. "Yes"/"sure" are answers, not praise: "Yes, but not now" stays UNCLEAR.
#  4. After a yes, the next sentences (up to a sign-off, at most 60 words) may still take it back:
#     a no, a hedge or a sentence that opens with "but"/"if" gives UNCLEAR. A later question does
#     not ("Yes please. Does she do home visits?" is a yes; the question is for the colleague).
#     After a no, later sentences take nothing back, but a plain yes in one ("I already have a GP. Yes
#     please to the introduction", "No. Actually yes, go ahead") may be the answer: UNCLEAR, never a no
#     that loses them the introduction. A "maybe"/"might" whose
#     clause says what the colleague may do for the person is about her, not the consent: "Yes
#     please. Maybe she can help with my shoulder too", "Yes please, I think she might be able to
#     help", "Ja gerne. Vielleicht kann sie mir helfen". It needs a help verb and the colleague as a
#     third-person pronoun, and nothing else in that clause that negates, contrasts, conditions,
#     hedges otherwise, says "you" ("Maybe you could help me find someone else"), "instead", or
#     makes her help the decision itself ("Maybe she can help me decide whether I want this"). A
#     clause without them ("Yes. Maybe, I'm not sure") or in the yes's own clause ("Yes maybe she
#     can help") still doubts, and a "maybe" with no yes before it decides as a hedge.
#  5. Idioms: "no problem", "no worries", "no objection" are yes; a no that is named in its clause ("say no",
#     "nein sagen"; not "Sí, no atiendo a niños": "sí" is no Norwegian "si") is not given; "why not" (with or
#     without "?") and "I don't see why not" are
#     yes; "maybe later" is a no (not now); "not at all" is a no; "pode ser"/"puede ser" (could be)
#     are hedges, and so is "another time" ("Gerne ein andermal", "Happy to help another time": gladly,
#     not now; "No thanks, another time" stays a no). A question opening with how/why/who and a would-be modal that names a refusal waves
#     it away, and is a yes like "why not": "How could I say no!", "Why would I decline?", "Wie
#     könnte ich nein sagen?", "¿Cómo voy a decir que no?". Not "How do/can/should I say no?", nor
#     one that asks for a manner ("How could I say no politely?", "... ohne sie zu verletzen?"): they
#     ask how to decline. Since it only implies its yes, anything after it but another yes or thanks
#     ("Why would I say no? Because I'm moving away.") makes it UNCLEAR.
#  6. Praise words ("Great!", "Perfect, thanks", "Super") are a yes only when they are all their
#     clause says: "a great therapist already" is not a yes. Likewise "Pass." and "STOP" are a no
#     ("pass my thanks on" is not), and "I'm sure she's great" is politeness, not "sure". Saying
#     that one needs nobody is a no in every language: already having, seeing or being treated by
#     someone ("I already have a great therapist", "Sono già in cura", "Jag går redan hos en
#     terapeut"), or not looking ("Je ne cherche personne", "Ik ben niet op zoek", "Jeg leder ikke
#     efter nogen"). A reply that is only thanks and "I'm fine" ("I'm ok, thanks", "Estoy bien,
#     gracias", "Jag klarar mig, tack") is a polite no; with anything more ("I'm ok with that",
#     "I'm good, thanks! Yes please") it is read as the rest says.
#  7. "si" is a yes when it stands alone ("Si, claro") and a condition ("if") inside a clause ("oui
#     si elle accepte"). "tak" opening a sentence is the Polish yes ("Tak, chętnie"); after other
#     words, or with Danish or Norwegian words in the reply ("Tak, jeg har allerede en"), it is their
#     "thanks". So a Danish "Tak!" alone reads as yes. In Polish "ja" is "I", and "Ja dziękuję"
#     alone is the polite "not for me, thanks"; a Polish "no" before a yes word is "well": "No,
#     chętnie", "No jasne".
#  8. Emoji: 👍 👌 ✅ ✔ ☑ 🆗 are a yes (a one-tap reply on phones); 👎 ❌ ✖ 🚫 ⛔ 🙅 a no; 🤔 🤷 a hedge.
#  9. Case, punctuation, missing accents ("si", "nao", "gerne"), and stretched words ("yesss",
#     "noooo") do not matter.
# 10. Practitioners answer with their capacity. Having no room is a no: "I'm at capacity", "My books are
#     closed", "Sorry, my waitlist is full", "I can't take her on", "Not taking new clients", "I'll have to
#     say no", "Helaas zit ik vol". Having room is a yes: "I have space for her", "I can take her on",
#     "Happy to see her", "Tengo hueco"; with a negation right before it (a subject, an apology or a "now"
#     may stand between) it is a no, not a double negative: "I don't currently have space", "No tengo
#     hueco", "Purtroppo non ho posto". Being away or unavailable, or a bare "I can't" or "full", is a no
#     only when it is the whole answer, beside a subject, an apology, a "now", thanks or answer words (the
#     service sets the writer's signature aside first): "I'm not available", "Sorry, I'm on leave", "Can't
#     help this time", "Please pass on my apologies, I can't", "I'm full, sorry". Anything more makes it
#     about something else, and no answer: "I'm on leave until March", "I'm not available on Mondays",
#     "I am on leave. In my absence please contact reception." are not a no; and by rule 3a (a limit
#     before the "but") "I'm not available on Mondays, but yes please" and "I'm away until the 10th but
#     happy to see her after" are UNCLEAR. A room yes doubts as any yes does: "I might have space next
#     month" (a hedge), "I can take her on if she's free Mondays" (a condition) and "I'll see her when I
#     have space" (not now) are UNCLEAR. "I'd be happy to" is praise, as "I'd love to" is: "I'd be happy to
#     see her, but I'm fully booked" is a polite no (rule 3b). Room that was is no room: "I used to have
#     space" is a hedge. Room is the writer's own only with nothing before it in its clause but a subject, an
#     apology, a "now", answer words or "still", "do", "noch"...: someone else's ("My colleague can take her
#     on", "Nobody can see her", "Niemand kann sie aufnehmen"), wished for ("I'd love to have space for her")
#     or that would have been ("Normally I'd have room") is a hedge. Written French may deny it with "ne"
#     alone: "Je ne peux la recevoir" is a no. Said with regret or for now, being unable still doubts a yes
#     beside more words: "I can see her file. Sorry, I can't." and "..., unfortunately I'm full" are UNCLEAR
#     (but "Yes please! I am on annual leave 1-12 April" is a yes). A negation opening a clause after room
#     limits it to someone else: "I have space, just not for new clients" is UNCLEAR (not one that names a time
#     slot: rule 11b). Too little room is no room: "I have space constraints" is a hedge. "I can see her" is
#     room for her when nothing or a when or how follows ("on Tuesday", "next week", "as a client"); "I can
#     see her point" is not.
# 11. A yes must stand, whole, for this introduction (rule 3 carried through the reply):
#     a. "Only" restricts it to what it names, and whether the other party fits is not ours to know: "I have
#        space on Saturdays only", "Yes, only on Saturdays", "Yes please. I'm only free on weekends", "Sí, solo
#        los sábados" are UNCLEAR, in the yes's sentence or after it. Not "not only"/"nicht nur" (it widens),
#        "only too happy" or "only just"; "nur nicht"/"alleen niet" is "just not" (b). The Swedish, Danish and
#        Norwegian "bara"/"bare" is as often "just" ("bare gør det") and is not read as "only". The French "ne
#        ... que" restricts as "only" does: "Oui, je n'ai de la place que le samedi", "Je ne prends que des
#        patients existants" (not "ne ... pas que", "je n'attends que ça"). So does a "for" naming some of a
#        practitioner's clients, opening its clause or right after the yes: "Yes, for existing clients", "Happy
#        to, for follow-ups", "Ja, für Bestandspatienten"; a newcomer is what the introduction brings: "I have
#        space for new clients" limits nothing. An "only" within two words of asking to be told is "just": "Sí,
#        solo dime cuándo", "Sì, dimmi solo quando", "Ja, sag mir nur Bescheid" (not "Sag ihr nur samstags").
#        Under a name line, in a signature not set aside as one (rule 1), an "only" naming no slot, channel or
#        clients describes a practice: "Yes please! / Ana Smith / Sessions by appointment only" is a yes; "P.S.
#        only on Saturdays" and "Online sessions only" still restrict.
#     b. A clause opening with "not" (a "just" may stand before it) after a yes says whom or what the yes is not
#        for: "Yes, just not for new clients", "Ja, nicht für neue Klienten" are UNCLEAR. So is any negation in
#        a clause that names clients: "Yes, I don't take new clients". One that names a weekday, a part of the
#        day, a clock time or a channel is a scheduling preference, and the yes stands: "Yes, happy to. Just not
#        before 10am", "Ja gerne, nur nicht vor 10 Uhr", "Yes, just not by phone"; so does a preference that
#        excludes nothing: "Yes, Saturdays work best for me". After an answer (not after praise: "Sounds good,
#        but not on Mondays" is rule 3), an "except" or a "but not" that leaves out only such a slot does not
#        doubt it either: "Yes, except Mondays", "Yes please, but not before 10am", "Sí, excepto los lunes"
#        ("Sí, pero no los lunes" says "no": rule 3). Naming clients, it is about whom: "Yes, except for new
#        clients", "Yes, just not new clients on Mondays". A period is no slot: "Yes, just not before March"
#        (not now) is UNCLEAR. "Not urgent" restricts nothing.
#     c. A yes that holds from when something happens is a condition: "Yes, once I've checked my diary", "Sí,
#        en cuanto tenga hueco", "Ja, sobald ich wieder Platz habe", "Yes, when a space opens up", "Ja, så
#        länge det är online".
#     d. Taken back: after an answer, "just kidding", "never mind", "scratch that", "on second thought", "forget
#        that", "wrong thread, please ignore", "I meant to say no", or a no ending its clause right after
#        "actually", "wait", "doch", "toch", "jednak"... ("Actually, no", "Doch nicht") voids it. A no that
#        declines by itself after that is the answer: "I can take her on. Just kidding, I'm full" is NO.
#        Nothing, a hedge, a yes or "no need to call me first" after it is UNCLEAR ("Yes! Actually no, sorry",
#        "Yes please. Just kidding."), and so is a no taken back ("No. Just kidding!"). After a no, words of
#        changing one's mind or a correction to no say it again: "No, sorry, I've changed my mind", "Nein, doch
#        lieber nicht" are NO (how a yes is taken back). Before any answer it takes nothing back: "On second
#        thought, yes please!" is a yes; nor does one that names an earlier email: "Yes please - please ignore
#        my last email" is a yes.
#     e. A bare "yes", "sure", "ja"... whose own or next clause says what was received, whom the person knows or
#        whose details they have answers something else: "Yes, I got your email", "Yes, I know Maya", "Sí,
#        recibido", "Yes, that's me", "Yes, I have her details", "Sí, tengo sus datos" are UNCLEAR, unless a yes
#        follows ("Yes, I know her work and would love to meet her"). "Yes please, I got her name from a friend"
#        or "Yes please, I have her details" can only answer us.

_MAX_CHARS = 20_000          # the answer is at the top; reading further only costs time
_LONG_TEXT_WORDS = 300
_ANSWER_WITHIN_WORDS = 40    # where a long text must give its answer
_AFTER_ANSWER_WORDS = 60     # how far after a yes we look for it being taken back
_LANGUAGES = frozenset({"en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "pl"})


class Answer(Enum):
    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Reading:
    answer: Answer
    language: str | None  # ISO 639-1 code when the wording told us ("fr"), else None
    reason: str           # which rule decided; quotes only our own vocabulary, never the person's text


class _Kind(Enum):
    YES = "yes-word"
    SOFT_YES = "praise"          # a yes only when it is the whole clause: "Great!" but not "great therapist"
    SOFT_NO = "no-alone"         # a no only when it is the whole clause: "Pass." but not "pass it on"
    AWAY = "away-alone"          # a no only when it is the whole answer (rule 10): "Sorry, I'm on leave", not
                                 # "I'm on leave until May"
    CANNOT = "cannot-alone"      # the same, but not alone it negates its clause: "I can't." but "I can't wait"
    ROOM = "room"                # room for her, a yes: "I have space"; denied right before it, a no: "No tengo hueco"
    FRAME = "frame"              # a subject, an apology or a "now" that being away may stand with: "Sorry, I'm ..."
    YES_OR_IF = "yes-or-if"      # "si": yes alone ("Si, claro"), "if" within a clause ("si elle accepte")
    YES_OR_THANKS = "yes-or-thanks"  # "tak": yes opening a sentence (Polish), "thanks" after words (Danish)
    WHY_NOT = "why-not"          # a yes, even with its question mark
    RHETORICAL = "rhetorical"    # "How could I say no?": a refusal waved away, a yes with its question mark
    NO = "no-word"
    HEDGE = "hedge"
    CONDITION = "condition"
    CONTRAST = "contrast"
    NEGATOR = "negator"
    COURTESY = "courtesy"        # greetings, thanks, fillers: evidence of the language, never of an answer
    CLOSING = "closing"          # a sign-off: the lines after the answer are read up to here
    ONLY = "only"                # a yes that holds only inside what it names: "Yes, only on Saturdays" (rule 11)
    RETRACTION = "retraction"    # what was said before is taken back: "Just kidding", "On second thought" (rule 11)
    ACK = "acknowledgement"      # receipt or recognition, not consent: "Yes, received", "Yes, I know Maya" (rule 11)


_BARE_NO = frozenset({"no", "non", "não", "nie", "nein", "nee", "nej", "nei"})
_YES_KINDS = {_Kind.YES, _Kind.SOFT_YES, _Kind.YES_OR_IF, _Kind.YES_OR_THANKS, _Kind.WHY_NOT, _Kind.RHETORICAL,
              _Kind.ROOM}
_ALONE_KINDS = {_Kind.AWAY, _Kind.CANNOT}
# Once resolved, what makes a sentence decide.
_SIGNALS = {_Kind.YES, _Kind.WHY_NOT, _Kind.RHETORICAL, _Kind.NO, _Kind.HEDGE}

# Phrases per language, comma-separated, written with their accents (unaccented spellings match too).
# A phrase may span a comma ("nie, dziękuję" is written "nie dziękuję") but never a full stop.
_LEXICON: dict[str, dict[_Kind, str]] = {
    "en": {
        _Kind.YES: "yes, yeah, yea, yep, yup, aye, yes please, sure, sure thing, for sure, of course, "
                   "absolutely, definitely, certainly, gladly, happily, love to, happy to be introduced, "
                   "happy to meet, happy to connect, happy to go ahead, happy for you to, glad to be introduced, "
                   "looking forward, look forward, keen, would love, love an intro, would be really helpful, "
                   "sounds wonderful, put us in touch, open to it, up for it, confirmed, "
                   "i'd love that, i would love that, i'd like that, i would like that, i'd like to, "
                   "i would like to, please do, please go ahead, go ahead, go for it, sounds good, "
                   "sounds great, sounds lovely, sounds perfect, sounds like a plan, that would be great, "
                   "that'd be great, that would be lovely, that would be helpful, that would be wonderful, "
                   "that'd be lovely, that'd be wonderful, that'd be helpful, that'd be perfect, "
                   "it'd be great, it'd be lovely, it'd be wonderful, it'd be helpful, "
                   "would be great, would be lovely, would be helpful, would be wonderful, would be perfect, "
                   "that's great, that's fine, "
                   "fine by me, works for me, that works, "
                   "don't mind, do not mind, wouldn't mind, would not mind, feel free, would be amazing, "
                   "agreed, i agree, count me in, i'm in, by all means, introduce us, connect us, "
                   "interested, let's do it, let's do this, good idea, great idea, no problem, "
                   "no worries, not a problem, with pleasure, my pleasure, please introduce, delighted, "
                   "no objection, no objections, don't see why not, can't see why not, "
                   # a practitioner's yes (rule 10); "I'd be happy to" is praise as "I'd love to" is (rule 3b)
                   "happy to see her, happy to see him, happy to see them, happy to help, glad to help, "
                   "happy to take her on, happy to take him on, happy to take them on, would be happy to, "
                   "i'd be happy to, would be glad to, i'd be glad to, send her my way, send him my way, "
                   "send them my way, send her over, send him over, send them over, "
                   "only too happy, only too glad",  # not the restricting "only" (rule 11)
        _Kind.ROOM: "have space, have room, have capacity, have availability, have openings, have an opening, "
                    "have a space, have a slot, have some space, have some room, have some capacity, "
                    "have space for her, have room for her, have got space, have got room, i've got space, "
                    "i've got room, we've got space, we've got room, can take her on, can take him on, "
                    "can take them on, can take this on, can take it on, can take her, can take him, "
                    "can take them, can see her, can see him, can see them",
        # "ok" alone is a yes; "It's ok, I already have a therapist" is not.
        _Kind.SOFT_YES: "great, perfect, lovely, wonderful, fantastic, excellent, brilliant, fine, cool, "
                        "please, awesome, amazing, super, yes yes, ok, okay, okey, okie, alright, all right, "
                        "happy to, glad to",
        _Kind.WHY_NOT: "why not",
        _Kind.SOFT_NO: "pass, stop",
        _Kind.AWAY: "full, away, on leave, on annual leave, on maternity leave, on paternity leave, "
                    "on parental leave, on sick leave, on holiday, on vacation, on sabbatical, off sick, "
                    "out of office, out of the office, unavailable",
        _Kind.CANNOT: "can't, cannot, not available, not currently available, can't help, cannot help, "
                      "can't help her, can't help him, can't help them, can't help you, can't help with this, "
                      "can't help with that, cannot help her, can't see her, can't see him, can't see them, "
                      "cannot see her",
        _Kind.FRAME: "i, i'm, im, i am, we, we're, we are, sorry, so sorry, very sorry, really sorry, i'm sorry, "
                     "unfortunately, sadly, afraid, currently, presently, at the moment, right now, at present, "
                     "for now, just now, for the moment, this time, apologies, my apologies, "
                     "pass on my apologies, please pass on my apologies, i regret",
        _Kind.NO: "no, nope, nah, no thanks, no thank you, no thx, not now, not right now, "
                  "not at the moment, not at this time, not this time, not for now, not today, not yet, "
                  "not interested, not for me, not really, not at all, rather not, prefer not, "
                  "i'll pass, i will pass, have to pass, pass on this, i pass, don't think so, "
                  "probably not, of course not, certainly not, absolutely not, definitely not, sadly not, "
                  "unfortunately not, afraid not, fully booked, booked up, no capacity, no space, "
                  "no availability, no room, not taking, not accepting, not able, unable, "
                  "can't right now, cannot right now, won't be able, please don't, please do not, "
                  "don't want, do not want, decline, no need, not necessary, not needed, not looking, "
                  "no longer, maybe later, perhaps later, maybe another time, perhaps another time, "
                  "maybe next time, maybe in the future, not at present, hold off, unsubscribe, remove me, "
                  "opt out, not at this stage, already have, already has, already see, already seeing, "
                  "already working with, stick with, stay with, keep seeing, all set, practice is full, "
                  "don't have capacity, do not have capacity, can't take anyone on, cannot take anyone on, "
                  "not just now, not currently, can't at the moment, rather you didn't, please stop, "
                  "stop emailing, i'm declining, fine for now, ok for now, okay for now, alright for now, "
                  "all right for now, don't need, do not need, no way, absolutely no way, not me, "
                  "already in treatment, already being treated, already under the care, "
                  # a practitioner's no (rule 10)
                  "can't take her on, can't take him on, can't take them on, can't take this on, can't take it on, "
                  "can't take on, cannot take her on, cannot take him on, cannot take them on, cannot take this on, "
                  "cannot take it on, cannot take on, can't take new, cannot take new, can't take any new, "
                  "can't take anyone, cannot take anyone, can't accept new, cannot accept new, not seeing new, "
                  "don't have space, do not have space, don't have room, do not have room, don't have any space, "
                  "don't have any room, don't have any capacity, don't have the capacity, "
                  "don't have availability, don't have any availability, haven't got space, haven't got room, "
                  "haven't got any space, haven't got any room, haven't got capacity, no openings, no spaces, "
                  "no spots, no slots, no free slots, no vacancies, no new clients, no new patients, "
                  "closed to new clients, closed to new patients, closed to new referrals, books are closed, "
                  "books closed, books are full, list is closed, list is full, waitlist is full, "
                  "waiting list is full, waitlist is closed, waiting list is closed, waitlist full, "
                  "waiting list full, caseload is full, full caseload, diary is full, schedule is full, "
                  "calendar is full, clinic is full, "
                  "completely full, full up, booked solid, at capacity, at full capacity, over capacity, "
                  "fully subscribed, have to say no, must say no, need to say no, have to decline, must decline",
        # "Happy to help another time": gladly, but not now (a no stays a no: "No thanks, another time")
        _Kind.HEDGE: "another time, some other time, next time, "
                     "maybe, perhaps, possibly, might, could be, not sure, unsure, not certain, "
                     "don't know, do not know, dunno, no idea, depends, it depends, depending, "
                     "let me think, i'll think, think about it, think it over, get back to you, "
                     "let you know, tell me more, know more, more info, more information, more details, "
                     "hmm, hm, undecided, not decided, probably, presumably, in principle, in theory, "
                     "let me check, check with, run it by, sleep on it, have a think, consider, "
                     "get back to you, i'll let you know, doubt, i doubt, learn more, hear more, find out more, "
                     "have a look, take a look, look into, look at it, will check, revert, discuss with, talk to my, "
                     "speak to my, talk with my, before deciding, a few days, wait and see, tentatively, "
                     # room that was, not room that is (rule 10): "I used to have space"
                     "used to have space, used to have room, used to have capacity, used to have availability, "
                     "used to have openings, used to have an opening, used to have a space, used to have a slot, "
                     "used to have some space, used to have some room, used to take her on, used to take new, "
                     # too little room, not room: "I have space constraints at the moment"
                     "have space constraints, have space issues, have space problems, have room constraints, "
                     "have capacity constraints, have capacity issues, have capacity problems, have capacity concerns",
        _Kind.CONDITION: "if, unless, only if, provided that, providing that, provided, providing, "
                         "as long as, so long as, assuming, on condition, subject to, pending, in case, "
                         "when i have, once i have, as soon as i have, until i have, "  # "when I have space"
                         # from when something happens (rule 11): "Yes, once I've checked my diary"
                         "once i, once i've, once i'm, once she, once she's, once he, once he's, once they, once we, "
                         "as soon as, after i, after i've, "
                         # from when room opens: "Yes, once my waiting list clears", "when a space opens up"
                         "once my, once there's, once there is, when there's space, when there is space, "
                         "when there's room, when there is room, when a space, when a slot, when space, when room",
        _Kind.CONTRAST: "but, however, though, although, except",
        _Kind.NEGATOR: "not, don't, do not, won't, wouldn't, couldn't, shouldn't, never, "
                       "isn't, aren't, doesn't, didn't, wasn't, hardly, neither, nor",
        _Kind.ONLY: "only, solely, exclusively",
        _Kind.RETRACTION: "just kidding, only kidding, just joking, only joking, i'm kidding, i'm joking, jk, "
                          "scratch that, strike that, on second thought, on second thoughts, on reflection, "
                          "on further reflection, forget that, forget it, forget what i said, ignore that, "
                          "ignore my last, i take that back, i take it back, take that back, changed my mind, "
                          "change of plan, please ignore, please disregard, disregard that, disregard my last, "
                          "ignore my previous, ignore this, wrong email, wrong thread, wrong person, wrong recipient, "
                          "never mind, nevermind, nvm, kidding, joking, no wait",
        _Kind.ACK: "received, got it, got your email, got your message, got the email, got the message, got that, "
                   "noted, understood, know, knew, remember, recall, read it, read your email, read your message, "
                   "seen it, saw it, saw, seen, that's me, it's me, this is me, correct, that's correct, that's right, "
                   "that's my email, that's my address, that's my email address, that's my number",
        _Kind.COURTESY: "hi, hello, hey, dear, good morning, good afternoon, good evening, oh, ah, wow, "
                        "very, really, thanks so much, thank you so much, no rush, no hurry, "
                        "i'm sure, i am sure, im sure, i'm certain, i am certain, "  # "I'm sure she's great, but..."
                        # "No." as a number in a signature ("Reg No. PA12345", "Mob no: 07700 ...")
                        "reg no, mob no, mobile no, tel no, phone no, ref no, reference no, licence no, "
                        "license no, registration no, member no, patient no, "
                        # a "not" or an "only" that restricts nothing (rule 11): "Yes please, not urgent"
                        "only just, not urgent, not in a hurry, not in a rush, no kidding, not kidding, "
                        "i'm not kidding, i'm not joking, joking aside, kidding aside, "
                        # surprise, not a retraction: "Yes please! Are you kidding? Of course"
                        "are you kidding, are you joking, you're kidding, you're joking, you must be kidding, "
                        "you must be joking, "
                        # typos set aside, not the answer: "Yes please / MC / Please ignore any typos"
                        "please ignore typos, please ignore any typos, please ignore the typos, ignore typos, "
                        "ignore any typos, please disregard typos, please disregard any typos, please ignore any errors",
        _Kind.CLOSING: "thanks, thank you, many thanks, thanks a lot, thx, cheers, best, best regards, "
                       "kind regards, regards, warm regards, warmly, warm wishes, take care, all the best, "
                       "best wishes, sincerely, yours",
    },
    "fr": {
        _Kind.YES: "oui, ouais, ouaip, oui merci, oui s'il vous plaît, oui svp, oui stp, avec plaisir, "
                   "volontiers, volontier, bien sûr, bien entendu, évidemment, d'accord, d'acc, dac, "
                   "ok pour moi, ça marche, ça me va, aucune objection, allez y, vas y, je veux bien, absolument, "
                   "certainement, carrément, tout à fait, sans problème, pas de problème, pas de souci, "
                   "pas de soucis, aucun problème, avec joie, bonne idée, excellente idée, intéressé, "
                   "intéressée, partant, partante, c'est d'accord, ce serait super, ce serait génial, "
                   "aucun souci, avec grand plaisir, ça me ferait plaisir, me ferait plaisir, aucun inconvénient, "
                   # a practitioner's answer (rule 10)
                   "ravi de la recevoir, ravie de la recevoir, ravi de le recevoir, ravie de le recevoir, "
                   "ravi de l'aider, ravie de l'aider, ravi d'aider, ravie d'aider, heureux de l'aider, "
                   "heureuse de l'aider, heureux de la recevoir, heureuse de la recevoir, je serais ravi, "
                   "je serais ravie",
        _Kind.SOFT_YES: "parfait, super, génial, top, excellent, nickel, impeccable, très bien, "
                        "s'il vous plaît, svp, stp, oui oui, ok, okay",
        _Kind.YES_OR_IF: "si",
        _Kind.WHY_NOT: "pourquoi pas",
        _Kind.NO: "non, non merci, nan, pas maintenant, pas pour l'instant, pas pour le moment, "
                  "pas cette fois, pas en ce moment, pas intéressé, pas intéressée, "
                  "ne m'intéresse pas, préfère pas, préfère ne pas, plutôt pas, plutôt non, "
                  "ne souhaite pas, ne veux pas, pas le temps, complet, complète, pas de place, "
                  "plus de place, ne prends pas, ne prends plus, ne prend pas, décline, malheureusement non, "
                  "malheureusement pas, hélas non, peut être plus tard, certainement pas, "
                  "bien sûr que non, absolument pas, pas du tout, pas besoin, j'ai déjà, je suis déjà suivi, "
                  "je suis déjà suivie, pas le bon moment, je ne pense pas, ça ira, décliner, "
                  "m'en passer, évidemment pas, carrément pas, évidemment que non, pas moi, ne cherche personne, "
                  "ne cherche plus personne, ne cherche pas de, ne recherche personne, ne recherche pas de, "
                  "pas à la recherche, "
                  # a practitioner's answer (rule 10)
                  "pas de disponibilité, plus de disponibilité, aucune disponibilité, pas de disponibilités, "
                  "plus de disponibilités, aucune place, pas de créneau, plus de créneau, aucun créneau, "
                  "pas de créneaux, plus de créneaux, agenda plein, agenda est plein, agenda est complet, "
                  "planning plein, planning est plein, liste d'attente pleine, liste d'attente est pleine, "
                  "n'accepte plus, n'accepte pas de nouveaux, ne peux pas la prendre, ne peux pas le prendre, "
                  "ne peux pas les prendre, ne peux pas prendre, ne peux plus prendre, "
                  "ne peux pas la prendre en charge, ne peux pas le prendre en charge, dois refuser, "
                  "dois malheureusement refuser, vais devoir refuser, dois dire non, débordé, débordée",
        _Kind.FRAME: "je, ne, suis, nous, sommes, désolé, désolée, navré, navrée, malheureusement, hélas, "
                     "actuellement, en ce moment, pour le moment, pour l'instant, cette fois, cette fois ci, moi, "
                     "vraiment, sincèrement, toutes mes excuses, mes excuses",
        _Kind.CANNOT: "pas disponible, ne peux pas, ne pourrai pas, ne peux pas la recevoir, "
                      "ne peux pas le recevoir, ne peux pas les recevoir, ne peux pas aider, ne peux pas l'aider",
        _Kind.AWAY: "indisponible, en congé, en congés, en vacances, absent, absente, en arrêt, en arrêt maladie, "
                    "en congé maternité, en congé maladie",
        _Kind.ROOM: "j'ai de la place, j'ai une place, j'ai des places, j'ai encore de la place, "
                    "j'ai encore une place, j'ai de la disponibilité, j'ai des disponibilités, j'ai un créneau, "
                    "j'ai des créneaux, peux la prendre, peux le prendre, peux les prendre, peux la recevoir, "
                    "peux le recevoir, peux les recevoir, peux la voir, peux le voir, peux la prendre en charge, "
                    "peux le prendre en charge",
        _Kind.HEDGE: "une autre fois, une prochaine fois, la prochaine fois, "
                     "peut être, je ne sais pas, sais pas, chais pas, pas sûr, pas sûre, pas certain, "
                     "pas certaine, ça dépend, cela dépend, dépend, réfléchir, j'hésite, hésite, "
                     "en savoir plus, plus d'informations, plus d'infos, plus de détails, bof, éventuellement, "
                     "probablement, en principe, je vous tiens au courant, je reviens vers vous, je vais voir, "
                     "je vous dirai, je vous redis, à voir",
        _Kind.CONDITION: "à condition, sauf si, pourvu que, à moins que, seulement si, uniquement si, "
                         "pour autant que, pour autant, sous réserve, dès que, tant que, une fois que, quand j'aurai, "
                         "lorsque j'aurai",
        _Kind.CONTRAST: "mais, cependant, toutefois, par contre, sauf, néanmoins, pourtant",
        _Kind.NEGATOR: "pas, jamais",  # not "ne": French negates twice ("je ne suis pas intéressée")
        _Kind.ONLY: "seulement, uniquement",
        _Kind.RETRACTION: "je plaisante, je rigole, je blague, c'est une blague, c'était une blague, tout compte fait, "
                          "réflexion faite, à la réflexion, après réflexion, oubliez ça, oublie ça, oubliez mon message, "
                          "laissez tomber, laisse tomber, je retire ce que j'ai dit, j'ai changé d'avis, changé d'avis, "
                          "ignorez ce message, ignorez mon message, mauvais destinataire, mauvaise personne",
        _Kind.ACK: "reçu, reçue, bien reçu, noté, bien noté, compris, connais, souviens, c'est moi, c'est bien moi, "
                   "c'est exact, exact",
        _Kind.COURTESY: "bonjour, bonsoir, salut, coucou, cher, chère, madame, monsieur, oh, ah, très, "
                        "pas urgent, sans blague, blague à part",
        _Kind.CLOSING: "merci, merci beaucoup, merci bien, mille mercis, cordialement, bien cordialement, "
                       "bien à vous, bonne journée, belle journée, à bientôt, bises, amicalement, "
                       "salutations",
    },
    "de": {
        _Kind.YES: "ja, jawohl, jap, japp, ja bitte, ja gerne, ja gern, ja sehr gerne, gerne, gern, "
                   "sehr gerne, sehr gern, gerne doch, klar, na klar, klar doch, natürlich, "
                   "selbstverständlich, sicher, sicherlich, auf jeden fall, unbedingt, einverstanden, "
                   "passt, das passt, passt gut, machen sie das, mach das, gute idee, kein problem, "
                   "klingt gut, hört sich gut an, keine einwände, interessiert, ja danke, in ordnung, "
                   "nichts dagegen, das wäre schön, wäre schön, wäre sehr hilfreich, wäre hilfreich, "
                   "aber gerne, aber gern, aber sicher, aber klar, aber klar doch, aber natürlich, "
                   "geht klar, "
                   "mit vergnügen, freue mich, würde mich freuen, das wäre toll, das wäre super, bin dabei, "
                   "nur zu",
        _Kind.SOFT_YES: "super, prima, toll, perfekt, wunderbar, bitte, sehr gut, ja ja, okay, ok",
        _Kind.WHY_NOT: "warum nicht, wieso nicht",
        _Kind.NO: "nein, nö, nee, nein danke, leider nicht, leider nein, lieber nicht, eher nicht, "
                  "jetzt nicht, momentan nicht, derzeit nicht, zurzeit nicht, aktuell nicht, "
                  "im moment nicht, gerade nicht, kein interesse, nicht interessiert, ausgebucht, "
                  "keine kapazität, keine kapazitäten, keine zeit, keine neuen, möchte ich nicht, "
                  "möchte nicht, will nicht, bitte nicht, natürlich nicht, auf keinen fall, keinesfalls, "
                  "vielleicht später, nicht nötig, danke nein, kein bedarf, habe schon, habe bereits, "
                  "hab schon, bin schon, bin bereits, ich glaube nicht, glaube nicht, sicher nicht, "
                  "sicherlich nicht, selbstverständlich nicht, absolut nicht, klar nicht, suche niemanden, "
                  "nicht auf der suche, bereits in behandlung, schon in behandlung, bin versorgt, bin gut versorgt, "
                  # a practitioner's answer (rule 10)
                  "keinen platz, kein platz, keine plätze, keine freien plätze, keine freien termine, "
                  "keine freien, keine termine, keinen termin, ausgelastet, voll ausgelastet, voll belegt, "
                  "praxis ist voll, warteliste ist voll, warteliste voll, nicht aufnehmen, nicht übernehmen, "
                  "muss absagen, muss leider absagen, muss nein sagen, muss leider nein sagen, muss ablehnen, "
                  "muss leider ablehnen, nehme niemanden, nehme keine",
        _Kind.FRAME: "ich, bin, wir, sind, leider, derzeit, zurzeit, momentan, gerade, aktuell, "
                     "im moment, jetzt, tut mir leid, es tut mir leid, sorry, entschuldigung, diesmal, dieses mal",
        _Kind.CANNOT: "nicht verfügbar, kann nicht, kann leider nicht, geht nicht, geht leider nicht, "
                      "das geht nicht, das geht leider nicht",
        _Kind.AWAY: "im urlaub, in elternzeit, im mutterschutz, abwesend, krankgeschrieben, nicht erreichbar",
        _Kind.ROOM: "habe platz, habe noch platz, habe einen platz, habe noch einen platz, habe ich platz, "
                    "habe ich noch platz, hab platz, hab noch platz, habe kapazität, habe kapazitäten, "
                    "habe noch kapazität, habe noch kapazitäten, habe freie termine, habe noch freie termine, "
                    "habe termine frei, habe einen termin frei, habe noch einen termin frei, kann sie aufnehmen, "
                    "kann ihn aufnehmen, kann sie nehmen, kann ihn nehmen, kann sie übernehmen, "
                    "kann ihn übernehmen",
        _Kind.HEDGE: "ein andermal, ein anderes mal, nächstes mal, beim nächsten mal, "
                     "vielleicht, eventuell, weiß nicht, weiß ich nicht, keine ahnung, kommt darauf an, "
                     "kommt drauf an, nicht sicher, unsicher, mal sehen, mal schauen, überlege, überlegen, "
                     "nachdenken, weiß noch nicht, weiß ich noch nicht, mehr erfahren, mehr informationen, "
                     "mehr infos, mehr details, womöglich, "
                     "möglicherweise, wahrscheinlich, vermutlich, im prinzip, grundsätzlich, ich melde mich, "
                     "melde mich, bescheid geben, gebe bescheid, sage bescheid, sage ihnen bescheid, "
                     "sage dir bescheid, schaue mir das an, schau mir das an, denke drüber nach, "
                     "denke darüber nach",
        _Kind.CONDITION: "wenn, falls, sofern, vorausgesetzt, unter der bedingung, nur wenn, solange, soweit, "
                         "sobald",
        _Kind.CONTRAST: "aber, jedoch, allerdings, außer, sondern",
        _Kind.NEGATOR: "nicht, kein, keine, niemals",
        _Kind.ONLY: "nur, ausschließlich, lediglich",
        _Kind.RETRACTION: "nur spaß, nur ein scherz, war nur spaß, war ein scherz, war nur ein scherz, kleiner scherz, "
                          "vergiss es, vergiss das, vergessen sie das, vergessen sie es, ich nehme das zurück, "
                          "ich nehme es zurück, nehme das zurück, kommando zurück, bei näherer überlegung, "
                          "bei genauerer überlegung, nach reiflicher überlegung, wenn ich es mir recht überlege, "
                          "anders überlegt, streich das, bitte ignorieren, falscher empfänger, falsche person",
        _Kind.ACK: "erhalten, bekommen, gelesen, kenne, verstanden, notiert, angekommen, erinnere, das bin ich, "
                   "stimmt, richtig, korrekt",
        _Kind.COURTESY: "hi, hallo, liebe, lieber, guten tag, guten morgen, moin, servus, grüezi, oh, ah, "
                        "sehr, spaß beiseite, nicht eilig, nicht dringend, eilt nicht",
        _Kind.CLOSING: "danke, vielen dank, danke schön, dankeschön, herzlichen dank, viele grüße, "
                       "liebe grüße, lg, mfg, beste grüße, freundliche grüße, mit freundlichen grüßen, "
                       "grüße, gruß",
    },
    "es": {
        _Kind.YES: "sí, sí por favor, sí gracias, sí claro, claro, claro que sí, por supuesto, desde luego, "
                   "con gusto, con mucho gusto, encantado, encantada, vale, de acuerdo, adelante, "
                   "me parece bien, me parece perfecto, me parece genial, me parece estupendo, "
                   "sin problema, ningún problema, no hay problema, me encantaría, me gustaría, me interesa, "
                   "interesado, interesada, venga, dale, buena idea, no hay inconveniente, "
                   "ningún inconveniente, sin inconveniente, no hay ningún problema, me vendría genial, "
                   "me vendría muy bien, me vendría bien, "
                   # "I don't mind": its no is part of the yes ("Sí, no me importa")
                   "no me importa, no me molesta, no tengo problema, no tengo ningún problema, no tengo inconveniente, "
                   "no tengo ningún inconveniente",
        _Kind.SOFT_YES: "perfecto, genial, estupendo, excelente, por favor, muy bien, ok, okey",
        _Kind.YES_OR_IF: "si",
        _Kind.WHY_NOT: "por qué no, porqué no, cómo no",
        _Kind.SOFT_NO: "paso",
        _Kind.NO: "no, no gracias, ahora no, de momento no, por ahora no, ahora mismo no, prefiero que no, "
                  "prefiero no, mejor no, no me interesa, no estoy interesado, no estoy interesada, no creo, "
                  "lamentablemente no, desafortunadamente no, por desgracia no, agenda llena, completo, "
                  "no acepto, no puedo, no quiero, no necesito, no lo necesito, claro que no, por supuesto que no, para nada, en absoluto, "
                  "quizás más tarde, tal vez más adelante, quizás en otro momento, no muchas gracias, "
                  "más adelante, más tarde, quizás más adelante, tal vez más tarde, "  # "later": not "¡adelante!"
                  "ya tengo, ya estoy en tratamiento, "
                  # a practitioner's answer (rule 10)
                  "completa, sin hueco, sin huecos, sin plaza, sin plazas, sin disponibilidad, "
                  "lista de espera llena, lista de espera está llena, tengo que decir que no, debo decir que no, "
                  "tengo que rechazar, debo rechazar, tengo que declinar, debo declinar",
        _Kind.FRAME: "yo, estoy, lo siento, lamentablemente, desafortunadamente, por desgracia, ahora, "
                     "ahora mismo, en este momento, actualmente, de momento, por ahora, esta vez, perdón, "
                     "disculpa, disculpe",
        _Kind.CANNOT: "no estoy disponible, no disponible",
        _Kind.AWAY: "de vacaciones, de baja, de baja maternal, ausente, fuera de la consulta",
        _Kind.ROOM: "tengo hueco, tengo huecos, tengo un hueco, tengo sitio, tengo plaza, tengo plazas, "
                    "tengo disponibilidad, tengo espacio, puedo atenderla, puedo atenderle, puedo atenderlo, "
                    "puedo verla, puedo verle, puedo verlo, la puedo atender, le puedo atender, lo puedo atender, "
                    "puedo recibirla",
        _Kind.HEDGE: "en otra ocasión, otro día, la próxima vez, en otro momento, "
                     "quizás, quizá, tal vez, a lo mejor, puede ser, puede que, no sé, no lo sé, "
                     "no estoy seguro, no estoy segura, depende, ni idea, lo pensaré, pensarlo, saber más, "
                     "más información, más detalles, más info, probablemente, eventualmente, en principio, "
                     "te aviso, le aviso, ya te diré, ya le diré, te digo algo, lo consulto, lo miro, te digo, "
                     "igual",
        _Kind.CONDITION: "siempre que, siempre y cuando, a menos que, con tal de que, solo si, sólo si, "
                         "en caso de que, en cuanto, tan pronto como, cuando tenga, una vez que",
        _Kind.CONTRAST: "pero, sin embargo, aunque, excepto, salvo",
        _Kind.NEGATOR: "nunca, jamás, tampoco",
        _Kind.ONLY: "solo, sólo, solamente, únicamente",
        _Kind.RETRACTION: "es broma, era broma, es una broma, era una broma, es coña, estoy bromeando, bromeo, "
                          "olvídalo, olvida eso, olvide eso, olvídelo, pensándolo bien, pensándolo mejor, "
                          "retiro lo dicho, he cambiado de opinión, cambié de opinión, ignora este mensaje, "
                          "ignore este mensaje, destinatario equivocado, persona equivocada",
        _Kind.ACK: "recibido, recibida, recibí, recibimos, leído, entendido, anotado, conozco, recuerdo, me acuerdo, "
                   "soy yo, correcto, exacto",
        _Kind.COURTESY: "hola, buenas, buenos días, buenas tardes, estimado, estimada, querido, querida, "
                        "oh, ah, muy, más, no hay prisa, sin prisa, no tengo prisa, sin bromas, bromas aparte, "
                        "fuera de broma",
        _Kind.CLOSING: "gracias, muchas gracias, mil gracias, saludos, un saludo, un abrazo, atentamente, "
                       "cordialmente, abrazos, besos",
    },
    "it": {
        _Kind.YES: "sì, sì grazie, sì certo, certo, certamente, certo che sì, volentieri, ben volentieri, "
                   "molto volentieri, con piacere, va bene, va benissimo, d'accordo, non c'è problema, "
                   "assolutamente sì, assolutamente, sicuro, sicuramente, senz'altro, senza dubbio, "
                   "nessun problema, non è un problema, proceda, procedi, vai pure, vada pure, "
                   "mi farebbe piacere, mi farebbe molto piacere, mi piacerebbe, interessato, interessata, "
                   "mi interessa, ottima idea, ci sto, non vedo l'ora, ma sì, ma certo, ma certamente, "
                   "ma volentieri, si può fare, "
                   "buona idea, non mi dispiace, non ho problemi, non ho nessun problema",
        _Kind.SOFT_YES: "perfetto, ottimo, benissimo, per favore, molto bene, okay, ok",
        _Kind.YES_OR_IF: "si",
        _Kind.WHY_NOT: "perché no, perché non",
        _Kind.NO: "no, no grazie, non grazie, non, non ora, non adesso, non per ora, per ora no, "
                  "per il momento no, al momento no, adesso no, preferisco di no, preferisco no, "
                  "meglio di no, meglio no, non mi interessa, non sono interessato, non sono interessata, "
                  "non posso, non voglio, non mi serve, non ho bisogno, purtroppo no, purtroppo non, certo che no, assolutamente no, per niente, "
                  "forse più tardi, forse più avanti, al completo, ho già, sono già seguita, sono già seguito, "
                  "lascia stare, già in cura, già in terapia, "
                  # a practitioner's answer (rule 10)
                  "agenda piena, ho l'agenda piena, sono piena, sono pieno, nessun posto, nessuna disponibilità, "
                  "posti esauriti, lista d'attesa piena, lista d'attesa è piena, non ho più posto, devo rifiutare, "
                  "devo purtroppo rifiutare, devo declinare, devo dire di no",
        _Kind.FRAME: "io, sono, mi dispiace, purtroppo, al momento, attualmente, ora, adesso, in questo periodo, "
                     "per ora, questa volta, stavolta, scusa, scusi, scusate",
        _Kind.CANNOT: "non sono disponibile, non disponibile",
        _Kind.AWAY: "in ferie, in maternità, in malattia, assente, fuori sede, fuori studio",
        _Kind.ROOM: "ho posto, ho un posto, ho posti, ho disponibilità, ho spazio, posso riceverla, "
                    "posso seguirla, posso vederla, posso prenderla, posso prenderla in carico, la posso ricevere, "
                    "la posso seguire, la posso vedere, posso riceverlo, posso seguirlo",
        _Kind.HEDGE: "un'altra volta, la prossima volta, un altro giorno, in un altro momento, "
                     "forse, magari, non so, non lo so, non sono sicuro, non sono sicura, dipende, boh, "
                     "vediamo, ci penso, ci devo pensare, ci penserò, saperne di più, più informazioni, "
                     "più dettagli, probabilmente, eventualmente, in teoria, ti faccio sapere, le faccio sapere, "
                     "vi faccio sapere, ci sentiamo",
        _Kind.CONDITION: "se, purché, a meno che, a patto che, solo se, sempre che, qualora, non appena, "
                         "quando avrò, una volta che, finché",
        _Kind.CONTRAST: "ma, però, tuttavia, anche se, tranne, eccetto",
        _Kind.NEGATOR: "mai",
        _Kind.ONLY: "solo, soltanto, solamente, unicamente",
        _Kind.RETRACTION: "scherzo, scherzavo, sto scherzando, era uno scherzo, dimentica, dimenticalo, lascia perdere, "
                          "ripensandoci, a pensarci bene, ritiro quello che ho detto, ho cambiato idea, cambiato idea, "
                          "ignora questo messaggio, destinatario sbagliato, persona sbagliata",
        _Kind.ACK: "ricevuto, ricevuta, letto, letta, capito, annotato, conosco, ricordo, mi ricordo, sono io, "
                   "corretto, esatto",
        _Kind.COURTESY: "ciao, salve, buongiorno, buonasera, gentile, caro, cara, oh, ah, molto, non ho fretta, "
                        "senza scherzi, scherzi a parte",
        _Kind.CLOSING: "grazie, grazie mille, mille grazie, saluti, cordiali saluti, un saluto, a presto, "
                       "un abbraccio, distinti saluti",
    },
    "pt": {
        _Kind.YES: "sim, sim obrigado, sim obrigada, sim por favor, sim claro, claro, claro que sim, "
                   "com certeza, com prazer, com todo o prazer, está bem, tá bem, tudo bem, de acordo, "
                   "tá bom, está bom, combinado, "
                   "certo, sem problema, sem problemas, nenhum problema, não tem problema, não há problema, "
                   "adoraria, gostaria, seria ótimo, pode mandar, bora, quero, não vejo a hora, "
                   "gostaria muito, interessado, interessada, tenho interesse, pode avançar, pode seguir, "
                   "boa ideia",
        # "Pode!" (go ahead) is a yes; inside a clause it is "can": "Ela pode procurar outra pessoa".
        _Kind.SOFT_YES: "ótimo, perfeito, excelente, beleza, por favor, muito bem, sim sim, ok, okay, pode",
        _Kind.WHY_NOT: "por que não, porque não, porquê não",
        _Kind.NO: "não, não obrigado, não obrigada, agora não, por agora não, de momento não, "
                  "neste momento não, prefiro não, prefiro que não, melhor não, não tenho interesse, "
                  "não me interessa, não estou interessado, não estou interessada, infelizmente não, "
                  "claro que não, de jeito nenhum, nem pensar, talvez mais tarde, não posso, não quero, "
                  "não preciso, agenda cheia, "
                  "sem vagas, não aceito, completo, já tenho, já sou acompanhada, já sou acompanhado, "
                  "já estou em tratamento, já faço tratamento, "
                  # a practitioner's answer (rule 10)
                  "sem vaga, sem disponibilidade, sem horário, sem horários, agenda lotada, lotada, lotado, "
                  "completa, lista de espera cheia, lista de espera está cheia, tenho que dizer não, "
                  "tenho que dizer que não, vou ter que dizer não, vou ter que dizer que não, tenho de recusar, "
                  "tenho que recusar, vou ter que recusar, preciso recusar",
        _Kind.FRAME: "eu, estou, infelizmente, lamento, desculpe, desculpa, sinto muito, de momento, "
                     "neste momento, agora, atualmente, desta vez, por agora",
        _Kind.CANNOT: "não estou disponível",
        _Kind.AWAY: "de férias, de licença, ausente, fora do consultório, indisponível",
        _Kind.ROOM: "tenho vaga, tenho vagas, tenho disponibilidade, tenho espaço, tenho horário, tenho horários, "
                    "tenho lugar, posso atendê la, posso recebê la, posso vê la, posso atendê lo, posso recebê lo",
        _Kind.HEDGE: "numa próxima, uma outra vez, outro dia, da próxima vez, noutra altura, em outra ocasião, "
                     "talvez, não sei, não tenho certeza, não tenho a certeza, depende, quem sabe, "
                     "vou pensar, pode ser, saber mais, mais informações, mais detalhes, provavelmente, "
                     "eventualmente, em princípio, te aviso, depois te digo, vou ver",
        _Kind.CONDITION: "se, desde que, a não ser que, contanto que, só se, somente se, apenas se, "
                         "a menos que, caso, assim que, logo que, quando tiver, quando eu tiver",
        _Kind.CONTRAST: "mas, porém, contudo, embora, exceto",
        _Kind.NEGATOR: "nunca, jamais, nem",
        _Kind.ONLY: "só, somente, apenas, unicamente",
        _Kind.RETRACTION: "é brincadeira, era brincadeira, brincadeira, tô brincando, estou brincando, estou a brincar, "
                          "esquece, esqueça, esquece isso, esqueça isso, pensando bem, pensando melhor, "
                          "retiro o que disse, mudei de ideia, mudei de ideias, ignore esta mensagem, "
                          "ignora esta mensagem, destinatário errado, pessoa errada",
        _Kind.ACK: "recebi, recebido, recebida, li, lido, entendido, anotado, conheço, lembro, me lembro, sou eu, "
                   "correto, exato",
        _Kind.COURTESY: "olá, oi, bom dia, boa tarde, boa noite, caro, cara, prezado, prezada, oh, ah, "
                        "muito, sem brincadeira, brincadeiras à parte",
        _Kind.CLOSING: "obrigado, obrigada, muito obrigado, muito obrigada, abraço, abraços, cumprimentos, "
                       "atenciosamente, beijos, bjs",
    },
    "nl": {
        _Kind.YES: "ja, ja graag, graag, heel graag, graag zelfs, ja hoor, jazeker, ja zeker, zeker, "
                   "zeker weten, natuurlijk, tuurlijk, uiteraard, akkoord, is goed, dat is goed, oké, oke, "
                   "lijkt me fijn, lijkt me goed, lijkt me prima, lijkt me leuk, "
                   "doe maar, ga je gang, ga uw gang, geen probleem, geen bezwaar, met plezier, dat is prima, "
                   "is prima, lijkt me heel fijn, "
                   "lijkt me leuk, lijkt me goed, goed idee, geïnteresseerd, helemaal goed, ja dank je, "
                   "ja dank u, ja bedankt",
        _Kind.SOFT_YES: "prima, goed, leuk, top, super, fijn, perfect, heel goed, alsjeblieft, alstublieft, ok, "
                        "okay",
        _Kind.WHY_NOT: "waarom niet",
        _Kind.NO: "nee, neen, nee dank je, nee dank u, nee bedankt, liever niet, nu niet, nu even niet, "
                  "op dit moment niet, momenteel niet, voorlopig niet, helaas niet, helaas nee, "
                  "geen interesse, niet geïnteresseerd, geen tijd, geen ruimte, zit vol, helemaal vol, "
                  "natuurlijk niet, "
                  "zeker niet, absoluut niet, misschien later, ik pas, nee hoor, niet nodig, wil niet, "
                  "geen nieuwe, heb al, heb al een, hoeft niet, graag niet, zoek niemand, niet op zoek, "
                  "al onder behandeling, al in behandeling, "
                  # a practitioner's answer (rule 10)
                  "geen plek, geen plaats, geen plekken, geen plaatsen, geen capaciteit, zit ik vol, zitten vol, "
                  "zit helemaal vol, volgeboekt, vol geboekt, wachtlijst is vol, wachtlijst zit vol, "
                  "wachtlijst vol, agenda zit vol, agenda is vol, niet aannemen, neem niemand aan, "
                  "moet nee zeggen, moet helaas nee zeggen, moet je teleurstellen, moet u teleurstellen, "
                  "moet bedanken, moet helaas bedanken",
        _Kind.FRAME: "ik, ben, we, zijn, helaas, sorry, momenteel, op dit moment, nu, even, deze keer, dit keer, "
                     "voorlopig, excuses, mijn excuses",
        _Kind.CANNOT: "niet beschikbaar, kan niet, kan helaas niet, lukt niet, lukt helaas niet, "
                      "kan haar niet helpen, kan hem niet helpen",
        _Kind.AWAY: "afwezig, met verlof, met vakantie, op vakantie, met zwangerschapsverlof, "
                    "met ouderschapsverlof",
        _Kind.ROOM: "heb plek, heb nog plek, heb ruimte, heb nog ruimte, heb plaats, heb nog plaats, heb ik plek, "
                    "heb ik nog plek, heb ik ruimte, heb ik nog ruimte, kan haar aannemen, kan hem aannemen, "
                    "kan haar zien, kan hem zien, kan haar helpen, kan hem helpen, kan haar ontvangen, "
                    "kan hem ontvangen",
        _Kind.HEDGE: "een andere keer, volgende keer, een volgende keer, "
                     "misschien, weet niet, weet ik niet, weet nog niet, weet ik nog niet, ik weet het niet, "
                     "geen idee, hangt ervan af, "
                     "hangt af, niet zeker, twijfel, nadenken, denk erover na, meer informatie, meer info, "
                     "meer weten, waarschijnlijk, eventueel, in principe, laat het weten, laat het je weten, "
                     "laat het u weten, kom erop terug",
        _Kind.CONDITION: "alleen als, mits, tenzij, op voorwaarde, als ze, als hij, als zij, als het, indien, "
                         "als de, zodra, zolang",
        _Kind.CONTRAST: "maar, echter, hoewel, behalve",
        _Kind.NEGATOR: "niet, geen, nooit",
        _Kind.ONLY: "alleen, slechts, uitsluitend",
        _Kind.RETRACTION: "grapje, geintje, ik maak een grapje, vergeet het, vergeet dat, vergeet mijn bericht, "
                          "bij nader inzien, ik neem het terug, ik trek het terug, van gedachten veranderd, negeer dit bericht, "
                          "negeer mijn bericht, verkeerde ontvanger, verkeerde persoon",
        _Kind.ACK: "ontvangen, gelezen, gezien, ken, begrepen, genoteerd, herinner, dat ben ik, klopt, correct",
        # "na" (after) is no Swedish "nä" with its accent dropped
        _Kind.COURTESY: "hoi, hallo, hey, beste, goedemorgen, goedemiddag, dag, oh, ah, heel, na, geen grapje, "
                        "niet dringend",
        _Kind.CLOSING: "bedankt, dank je, dank je wel, dank u, dank u wel, hartelijk dank, groeten, "
                       "groetjes, met vriendelijke groet, vriendelijke groet, mvg, hartelijke groet",
    },
    "sv": {
        _Kind.YES: "ja, ja tack, ja gärna, gärna, mycket gärna, jättegärna, gärna det, absolut, "
                   "ja absolut, självklart, ja självklart, visst, javisst, ja visst, såklart, så klart, "
                   "naturligtvis, det låter bra, låter bra, låter toppen, kör, kör på, gör det, det låter jättebra, "
                   "det vore toppen, vore toppen, vore bra, ja men gärna, men gärna, ja men absolut, "
                   "men absolut, men självklart, "
                   "inga problem, intresserad, bra idé",
        _Kind.SOFT_YES: "toppen, perfekt, utmärkt, fint, super, okej, ok",
        _Kind.WHY_NOT: "varför inte",
        _Kind.NO: "nej, nej tack, nä, helst inte, inte nu, inte just nu, inte för tillfället, "
                  "inte i nuläget, tyvärr inte, tyvärr nej, inte intresserad, inget intresse, ingen tid, "
                  "fullbokad, fullbokat, tar inte emot, inga nya klienter, inga nya patienter, tar inga nya, absolut inte, självklart inte, kanske senare, "
                  "avstår, har redan, har inte möjlighet, tyvärr har jag inte möjlighet, tyvärr har jag inte tid, "
                  "har fullt, gärna inte, letar inte efter, söker inte efter, går redan hos, går redan till, "
                  # a practitioner's answer (rule 10)
                  "ingen plats, inte plats, inga lediga tider, inga tider, inga platser, ingen ledig tid, "
                  "ingen kapacitet, inte ta emot, kan inte ta, kan tyvärr inte ta, väntelistan är full, "
                  "kön är full, måste säga nej, måste tyvärr säga nej",
        _Kind.FRAME: "jag, är, vi, tyvärr, ledsen, förlåt, ursäkta, just nu, för tillfället, för närvarande, nu, "
                     "den här gången, denna gång",
        _Kind.CANNOT: "inte tillgänglig, kan inte, kan tyvärr inte",
        _Kind.AWAY: "på semester, borta, frånvarande, tjänstledig, föräldraledig, sjukskriven",
        _Kind.ROOM: "har plats, har jag plats, har lediga tider, har jag lediga tider, har en ledig tid, "
                    "har ledig tid, har utrymme, har kapacitet, kan ta emot henne, kan ta emot honom, kan ta emot, "
                    "kan ta henne, kan ta honom",
        _Kind.HEDGE: "en annan gång, nästa gång, "
                     "kanske, vet inte, vet ej, osäker, inte säker, beror på, det beror på, ingen aning, "
                     "fundera, mer information, mer info, veta mer, förmodligen, troligen, eventuellt, "
                     "i princip, hör av mig, återkommer",
        _Kind.CONDITION: "bara om, endast om, förutsatt, såvida, om hon, om han, om det, om ni, om du, om jag, "
                         "ifall, om, så länge, så snart, när jag har, när jag får",
        _Kind.CONTRAST: "men, dock, fast, förutom, även om",
        _Kind.NEGATOR: "inte, ej, aldrig",
        _Kind.ONLY: "endast, enbart",
        _Kind.RETRACTION: "skämtar bara, skojar bara, bara skämt, bara på skoj, jag skämtar, jag skojar, glöm det, "
                          "strunta i det, vid närmare eftertanke, jag tar tillbaka det, tar tillbaka det, ändrat mig, "
                          "ignorera detta, ignorera mitt meddelande, fel mottagare, fel person",
        _Kind.ACK: "mottaget, mottagit, fått det, läst, sett det, känner, förstått, noterat, minns, det är jag, "
                   "stämmer, korrekt",
        _Kind.COURTESY: "hej, hejsa, hallå, god morgon, oh, åh, skämt åsido, inget skämt, inte bråttom",
        _Kind.CLOSING: "tack, tack så mycket, tusen tack, stort tack, hälsningar, vänliga hälsningar, mvh, "
                       "med vänlig hälsning, kram",
    },
    "da": {
        _Kind.YES: "ja, ja tak, ja gerne, gerne, meget gerne, ja meget gerne, selvfølgelig, absolut, "
                   "helt sikkert, klart, ja klart, naturligvis, det lyder godt, lyder godt, lyder dejligt, "
                   "ja men selvfølgelig, men selvfølgelig, men gerne, "
                   "lyder fint, gør det, bare gør det, intet problem, ingen problem, interesseret, god idé, "
                   "det vil jeg gerne",
        _Kind.SOFT_YES: "fint, super, perfekt, fedt, okay, ok",
        _Kind.WHY_NOT: "hvorfor ikke",
        _Kind.NO: "nej, nej tak, helst ikke, ikke nu, ikke lige nu, ikke i øjeblikket, desværre ikke, "
                  "desværre nej, ikke interesseret, ingen interesse, ingen tid, fuldt booket, fuldtbooket, "
                  "fuldt optaget, tager ikke, ingen nye klienter, ingen nye patienter, tager ingen nye, selvfølgelig ikke, absolut ikke, måske senere, "
                  "det vil jeg ikke, har allerede, ikke nødvendigt, har ikke tid, desværre har jeg ikke tid, "
                  "desværre har jeg ikke mulighed, men nej, naturligvis ikke, klart ikke, leder ikke efter, "
                  "søger ikke efter, går allerede hos, går allerede til, "
                  # a practitioner's answer (rule 10)
                  "ingen plads, ikke plads, ingen ledige tider, ingen tider, ingen ledig tid, ingen kapacitet, "
                  "ikke kapacitet, kan ikke tage, kan desværre ikke tage, ventelisten er fuld, venteliste er fuld, "
                  "må sige nej, må desværre sige nej, må takke nej, må desværre takke nej, for travlt",
        _Kind.FRAME: "jeg er, er jeg, vi er, desværre, beklager, undskyld, lige nu, for tiden, i øjeblikket, nu, "
                     "denne gang",
        _Kind.CANNOT: "ikke tilgængelig, kan ikke, kan desværre ikke",
        _Kind.AWAY: "på ferie, på barsel, på orlov, fraværende, sygemeldt, væk",
        _Kind.ROOM: "har plads, har jeg plads, har ledige tider, har jeg ledige tider, har en ledig tid, "
                    "har kapacitet, kan tage hende, kan tage ham, kan tage imod hende, kan tage imod ham",
        _Kind.HEDGE: "en anden gang, næste gang, "
                     "måske, ved ikke, ved det ikke, usikker, ikke sikker, kommer an på, aner ikke, "
                     "overveje, tænke over, tænker over, mere information, mere info, vide mere, "
                     "sandsynligvis, formentlig, eventuelt, i princippet, vender tilbage, melder tilbage",
        _Kind.CONDITION: "hvis, kun hvis, forudsat, medmindre, såfremt, så længe, så snart, når jeg har, når jeg får",
        _Kind.CONTRAST: "men, dog, selvom, undtagen",
        _Kind.NEGATOR: "ikke, aldrig",
        _Kind.ONLY: "kun, udelukkende",
        _Kind.RETRACTION: "for sjov, bare for sjov, jeg laver sjov, glem det, ved nærmere eftertanke, "
                          "jeg tager det tilbage, tager det tilbage, skiftet mening, forkert modtager, forkert person",
        _Kind.ACK: "modtaget, modtog, fået den, læst, set det, kender, forstået, noteret, husker, det er mig, korrekt",
        _Kind.COURTESY: "hej, hejsa, hallo, kære, goddag, godmorgen, åh, jeg, hvem, hvad, hvor, hvordan",
        _Kind.YES_OR_THANKS: "tak",
        _Kind.CLOSING: "mange tak, tusind tak, tak for det, tak for, tak fordi, hilsen, venlig hilsen, "
                       "med venlig hilsen, mvh, "
                       "kh, kærlig hilsen",
    },
    "no": {
        _Kind.YES: "ja, ja takk, ja gjerne, gjerne, veldig gjerne, ja veldig gjerne, kjempegjerne, "
                   "selvfølgelig, selvsagt, absolutt, helt sikkert, klart, ja klart, naturligvis, "
                   "det høres bra ut, høres bra ut, høres fint ut, høres flott ut, hadde vært fint, gjør det, "
                   "bare gjør det, ingen problem, "
                   "interessert, god idé",
        _Kind.SOFT_YES: "flott, fint, supert, perfekt, topp, kjempefint, okei, ok",
        _Kind.WHY_NOT: "hvorfor ikke",
        _Kind.NO: "nei, nei takk, helst ikke, ikke nå, ikke akkurat nå, ikke for øyeblikket, dessverre ikke, "
                  "dessverre nei, ikke interessert, ingen interesse, ingen tid, fullbooket, fullt booket, "
                  "tar ikke imot, ingen nye klienter, ingen nye pasienter, tar ingen nye, selvfølgelig ikke, absolutt ikke, kanskje senere, har allerede, ikke nødvendig, "
                  "selvsagt ikke, dessverre har jeg ikke tid, dessverre har jeg ikke mulighet, ser ikke etter, "
                  "leter ikke etter, går allerede hos, går allerede til, "
                  # a practitioner's answer (rule 10)
                  "ingen plass, ikke plass, ingen ledige timer, ingen timer, ingen ledig time, ingen kapasitet, "
                  "ikke kapasitet, kan ikke ta, kan dessverre ikke ta, ventelisten er full, må si nei, "
                  "må dessverre si nei, må takke nei, må dessverre takke nei, for travelt",
        _Kind.FRAME: "jeg er, er jeg, vi er, dessverre, beklager, unnskyld, akkurat nå, for tiden, for øyeblikket, "
                     "nå, denne gangen",
        _Kind.CANNOT: "ikke tilgjengelig, kan ikke, kan dessverre ikke",
        _Kind.AWAY: "på ferie, i permisjon, på permisjon, fraværende, borte, sykmeldt",
        _Kind.ROOM: "har plass, har jeg plass, har ledige timer, har jeg ledige timer, har en ledig time, "
                    "har kapasitet, kan ta imot henne, kan ta imot ham, kan ta imot, kan ta henne, kan ta ham",
        _Kind.HEDGE: "en annen gang, neste gang, "
                     "kanskje, vet ikke, usikker, ikke sikker, kommer an på, aner ikke, tenke på det, "
                     "tenke over, mer informasjon, mer info, vite mer, sannsynligvis, antagelig, eventuelt, "
                     "i prinsippet, kommer tilbake, gir beskjed, sier fra",
        _Kind.CONDITION: "hvis, kun hvis, bare hvis, forutsatt, med mindre, om hun, om han, om det, dersom, "
                         "såfremt, om, så lenge, så snart, når jeg har, når jeg får",
        _Kind.CONTRAST: "men, likevel, selv om, unntatt, derimot",
        _Kind.NEGATOR: "ikke, aldri",
        _Kind.ONLY: "kun, utelukkende",
        _Kind.RETRACTION: "bare tuller, jeg tuller, tuller bare, bare tull, bare på tull, glem det, "
                          "ved nærmere ettertanke, jeg tar det tilbake, tar det tilbake, ombestemt meg, ombestemte meg, "
                          "feil mottaker, feil person",
        _Kind.ACK: "mottatt, fått den, lest, sett det, kjenner, forstått, notert, husker, det er meg, stemmer, korrekt",
        _Kind.COURTESY: "hei, heisann, hallo, kjære, god morgen, åh, jeg, hvem, hva, hvor, hvordan",
        _Kind.CLOSING: "takk, tusen takk, mange takk, takk skal du ha, hilsen, vennlig hilsen, "
                       "med vennlig hilsen, mvh, beste hilsen",
    },
    "pl": {
        _Kind.YES_OR_THANKS: "tak",
        _Kind.YES: "tak chętnie, tak proszę, tak poproszę, poproszę, chętnie, bardzo chętnie, z chęcią, "
                   "z przyjemnością, oczywiście, oczywiście że tak, jasne, jasne że tak, pewnie, "
                   "pewnie że tak, no pewnie, no jasne, zgoda, zgadzam się, jak najbardziej, śmiało, "
                   "proszę bardzo, bardzo proszę, nie ma problemu, nie ma sprawy, świetny pomysł, "
                   "dobry pomysł, zainteresowany, zainteresowana, byłoby super, byłoby świetnie, w porządku, "
                   "no dobrze, "
                   "no spoko, no tak, no chętnie, no oczywiście, no dobra",
        _Kind.SOFT_YES: "dobrze, super, świetnie, spoko, proszę, bardzo dobrze, tak tak, okej, ok",
        _Kind.WHY_NOT: "dlaczego nie, czemu nie, czemu by nie",
        _Kind.NO: "nie, nie dziękuję, nie teraz, nie w tej chwili, nie w tym momencie, na razie nie, "
                  "teraz nie, raczej nie, wolę nie, wolałbym nie, wolałabym nie, niestety nie, "
                  "nie jestem zainteresowany, nie jestem zainteresowana, nie interesuje mnie, "
                  "nie mam czasu, nie przyjmuję, brak miejsc, oczywiście że nie, oczywiście nie, "
                  "absolutnie nie, w żadnym wypadku, może później, nie trzeba, już mam, mam już, nie chcę, "
                  "nie potrzebuję, chodzę już, już chodzę, "
                  # a practitioner's answer (rule 10)
                  "brak miejsca, brak wolnych miejsc, brak wolnych terminów, brak terminów, mam komplet, komplet, "
                  "grafik jest pełny, mam pełny grafik, pełny grafik, lista oczekujących jest pełna, "
                  "muszę odmówić, muszę niestety odmówić, niestety muszę odmówić",
        _Kind.FRAME: "jestem, niestety, przepraszam, obecnie, aktualnie, teraz, w tej chwili, tym razem",
        _Kind.CANNOT: "nie jestem dostępna, nie jestem dostępny",
        _Kind.AWAY: "na urlopie, na zwolnieniu, na macierzyńskim, nieobecna, nieobecny, niedostępna, niedostępny",
        _Kind.ROOM: "mam miejsce, mam wolne miejsce, mam wolny termin, mam wolne terminy, mogę ją przyjąć, "
                    "mogę go przyjąć, mogę ją zobaczyć, mogę go zobaczyć",
        _Kind.HEDGE: "innym razem, następnym razem, "
                     "może, być może, nie wiem, nie jestem pewien, nie jestem pewna, nie jestem pewny, "
                     "zależy, to zależy, zastanowię się, zastanowić, pomyślę, więcej informacji, "
                     "więcej szczegółów, dowiedzieć się więcej, prawdopodobnie, ewentualnie, w zasadzie, "
                     "odezwę się, dam znać, dam ci znać, dam pani znać, dam panu znać, zastanowię, przemyśleć, "
                     "muszę pomyśleć",
        _Kind.CONDITION: "jeśli, jeżeli, pod warunkiem, o ile, tylko jeśli, chyba że, gdy będę, kiedy będę, "
                         "jak będę, jak tylko, gdy tylko, dopóki",
        _Kind.CONTRAST: "ale, jednak, chociaż, choć, oprócz",
        _Kind.NEGATOR: "nigdy",
        _Kind.ONLY: "tylko, jedynie, wyłącznie",
        _Kind.RETRACTION: "żartuję, żartowałem, żartowałam, tylko żartuję, to żart, zapomnij, zapomnij o tym, "
                          "proszę zapomnieć, po namyśle, po zastanowieniu, cofam to, zmieniłem zdanie, zmieniłam zdanie, "
                          "proszę zignorować, zignoruj, zły adresat, niewłaściwa osoba",
        _Kind.ACK: "otrzymałem, otrzymałam, dostałem, dostałam, przeczytałem, przeczytałam, rozumiem, zrozumiałem, "
                   "zrozumiałam, znam, pamiętam, odebrałem, odebrałam, to ja, zgadza się",
        _Kind.COURTESY: "cześć, hej, dzień dobry, witam, witaj, szanowna, szanowny, droga, drogi, "
                        "nie spieszy się, na, nie żartuję, bez żartów",  # "na" (on) is no Swedish "nä" with its accent dropped
        _Kind.CLOSING: "dziękuję, dzięki, bardzo dziękuję, pozdrawiam, pozdrowienia, serdecznie pozdrawiam, "
                       "z poważaniem, pozdr",
    },
}

# Short qualifiers that are ordinary words in another language we read ("men" in English, "se" as a
# Spanish pronoun, "mais" = "more" in Portuguese): they count only when the reply may be in their language.
_FALSE_FRIENDS = frozenset({"se", "men", "fast", "dog", "dock", "ale", "mas", "mais", "ma", "ne", "mai",
                            "falls", "desde que", "caso", "om",
                            # "only" (rule 11) that is another word elsewhere: "kun je" (Dutch "can you"), "so" ("só"),
                            # the Spanish "apenas" (barely)
                            "kun", "só", "apenas"})

_EMOJI: dict[str, _Kind] = {
    "👍": _Kind.YES, "👌": _Kind.YES, "✅": _Kind.YES, "✔": _Kind.YES, "☑": _Kind.YES, "🆗": _Kind.YES,
    "👎": _Kind.NO, "❌": _Kind.NO, "✖": _Kind.NO, "🚫": _Kind.NO, "⛔": _Kind.NO, "🙅": _Kind.NO,
    "🤔": _Kind.HEDGE, "🤷": _Kind.HEDGE,
}

_TOKEN = re.compile(
    r"(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)"
    rf"|(?P<emoji>{'|'.join(map(re.escape, _EMOJI))})"
    r"|(?P<question>[?？])"
    r"|(?P<stop>[.!;…。！])"
    r"|(?P<pause>[,:()\-–—/\"«»])"
)
_CLEAN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "\ufe0f": None,
                        "\U0001f3fb": None, "\U0001f3fc": None, "\U0001f3fd": None,
                        "\U0001f3fe": None, "\U0001f3ff": None})
# "E-Mail", "e-mails": one word, as "email" is (the hyphen would end a clause between "e" and "mail"), so that "Yes,
# I got your e-mail" answers something else and "Ja, aber nicht per E-Mail" leaves out a channel, as with "email".
_E_MAIL = re.compile(r"(?<![^\W\d_])(e)[-‐‑](mails?)(?![^\W\d_])", re.IGNORECASE)
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"})
_STRETCHED = re.compile(r"(.)\1{2,}")

# Where the person's own text ends or a quote begins (rule 1).
_HEADER_FIELD = re.compile(r"^\*?(?:from|de|von|van|från|fra|od|da)\s*:", re.IGNORECASE)
_HEADER_NEXT_FIELD = re.compile(
    r"^\*?(?:sent|date|envoyé|gesendet|datum|enviado|fecha|inviato|data|verzonden|skickat|sendt|dato|"
    r"wysłano|to|à|an|para|a|aan|till|til|do|subject|objet|betreff|asunto|oggetto|assunto|onderwerp|ämne|"
    r"emne|temat)\s*:", re.IGNORECASE)
_END_OF_OWN_TEXT = re.compile(
    r"^(?:--\s*|—|_{5,}|-{5,}|={5,}"
    r"|-{2,}\s*[^-].*?-{2,}"                                  # ----- Original Message -----
    r"|begin forwarded message:?)$", re.IGNORECASE)
_MOBILE_SIGN_OFF = re.compile(
    r"^(?:sent from|sent with|sent via|get outlook for|envoyé de|envoyé depuis|envoyé à partir|"
    r"obtenir outlook|von meinem|gesendet von|gesendet mit|enviado desde|enviado do|enviado de|inviato da|"
    r"inviato dal|verzonden vanaf|verzonden vanuit|verstuurd vanaf|verzonden met|skickat från|sendt fra|"
    r"wysłane z)\b",
    re.IGNORECASE)


def _fold(word: str) -> str:
    """Casefolded, without accents: 'Nǎo', 'NÃO' and 'nao' all become 'nao'."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNDECOMPOSABLE)


def _spelling(word: str) -> str:
    """Casefolded with accents kept, so 'sí' (Spanish) and 'sì' (Italian) stay apart."""
    return unicodedata.normalize("NFC", word.casefold())


# Praise of the idea, not an answer to it: after it a "but" may still decline ("That'd be lovely, but not right
# now"), as after a minimizer ("No worries, not for me"). Every phrase here is a yes in _LEXICON.
_APPRAISALS = frozenset({
    "sounds wonderful", "would be really helpful", "would love", "i'd love that", "i would love that",
    "i'd like that", "i would like that", "i'd like to", "i would like to", "love to", "sounds good",
    "sounds great", "sounds lovely", "sounds perfect", "that would be great", "that'd be great",
    "that would be lovely", "that would be helpful", "that would be wonderful", "that'd be lovely",
    "that'd be wonderful", "that'd be helpful", "that'd be perfect", "it'd be great", "it'd be lovely",
    "it'd be wonderful", "it'd be helpful", "would be great", "would be lovely", "would be helpful",
    "would be wonderful", "would be perfect", "would be amazing", "that's great", "good idea", "great idea",
    "would be happy to", "i'd be happy to", "would be glad to", "i'd be glad to",
    "ce serait super", "ce serait génial", "ça me ferait plaisir", "me ferait plaisir", "bonne idée",
    "excellente idée", "klingt gut", "hört sich gut an", "das wäre schön", "wäre schön", "wäre sehr hilfreich",
    "wäre hilfreich", "das wäre toll", "das wäre super", "gute idee", "würde mich freuen", "me parece bien",
    "me parece perfecto", "me parece genial", "me parece estupendo", "me encantaría", "me gustaría",
    "buena idea", "me vendría genial", "me vendría muy bien", "me vendría bien", "mi farebbe piacere",
    "mi farebbe molto piacere", "mi piacerebbe", "ottima idea", "buona idea", "adoraria", "gostaria",
    "gostaria muito", "seria ótimo", "boa ideia", "lijkt me fijn", "lijkt me goed", "lijkt me prima",
    "lijkt me leuk", "lijkt me heel fijn", "goed idee", "det låter bra", "låter bra", "låter toppen",
    "det låter jättebra", "det vore toppen", "vore toppen", "vore bra", "bra idé", "det lyder godt",
    "lyder godt", "lyder dejligt", "lyder fint", "god idé", "det høres bra ut", "høres bra ut", "høres fint ut",
    "hadde vært fint", "świetny pomysł", "dobry pomysł", "byłoby super", "byłoby świetnie"})
_MINIMIZERS = frozenset({
    "no problem", "no worries", "not a problem", "sans problème", "pas de problème", "pas de souci",
    "pas de soucis", "aucun problème", "aucun souci", "kein problem", "sin problema", "ningún problema",
    "no hay problema", "nessun problema", "non c'è problema", "non è un problema", "sem problema",
    "sem problemas", "nenhum problema", "não tem problema", "não há problema", "geen probleem", "inga problem",
    "intet problem", "ingen problem", "nie ma problemu", "nie ma sprawy"})
# Noes that take an object and may say something else after praise: "Sounds great, no need to check with me
# again", "Me encantaría, no puedo esperar", "Klingt gut, ich bin schon gespannt". Every phrase is a no in _LEXICON.
_NOT_A_DECLINE = frozenset({
    "no need", "don't need", "do not need", "not necessary", "not needed", "don't want", "do not want",
    "not able", "unable", "won't be able", "please don't", "please do not", "no longer", "all set", "not at all",
    "stick with", "stay with", "keep seeing", "already has", "hold off", "not yet", "please stop",
    "pas besoin", "ne veux pas", "ne souhaite pas", "pas du tout", "m'en passer", "nicht nötig", "will nicht",
    "möchte nicht", "möchte ich nicht", "bin schon", "bin bereits", "bitte nicht", "no necesito",
    "no lo necesito", "no quiero", "no puedo", "para nada", "en absoluto", "non posso", "non voglio",
    "non mi serve", "non ho bisogno", "per niente", "não posso", "não quero", "não preciso", "wil niet",
    "niet nodig", "hoeft niet", "ikke nødvendigt", "ikke nødvendig", "nie chcę", "nie potrzebuję",
    "nie trzeba"})

# Retractions that frame the sentence they stand in as the new answer, wherever they stand in it (rule 11d): "Yes
# please. On second thought, I'm full" and "Yes please. No thanks, on second thought" take the yes back; "No
# thanks, on second thought" alone is a no. "Just kidding" takes back what was said right before it.
_RECONSIDERING = frozenset({
    "on second thought", "on second thoughts", "on reflection", "on further reflection", "tout compte fait",
    "réflexion faite", "à la réflexion", "après réflexion", "bei näherer überlegung", "bei genauerer überlegung",
    "nach reiflicher überlegung", "wenn ich es mir recht überlege", "pensándolo bien", "pensándolo mejor",
    "ripensandoci", "a pensarci bene", "pensando bem", "pensando melhor", "bij nader inzien", "vid närmare eftertanke",
    "ved nærmere eftertanke", "ved nærmere ettertanke", "po namyśle", "po zastanowieniu"})

# Retractions that are words of changing one's mind: after a no they say it again, as a yes is taken back (rule 11d:
# "No, sorry, I've changed my mind" is a no; core/withdrawal.py).
_CHANGING_MIND = _RECONSIDERING | {
    "changed my mind", "change of plan", "j'ai changé d'avis", "changé d'avis", "anders überlegt",
    "he cambiado de opinión", "cambié de opinión", "ho cambiato idea", "cambiato idea", "mudei de ideia",
    "mudei de ideias", "van gedachten veranderd", "ändrat mig", "skiftet mening", "ombestemt meg", "ombestemte meg",
    "zmieniłem zdanie", "zmieniłam zdanie"}

# Words naming an earlier email: a retraction beside them sets that email aside, not the words before it (rule 11d).
_EARLIER = frozenset(_fold(word) for word in (
    "earlier", "previous", "last", "prior", "former", "précédent", "précédente", "dernier", "dernière", "letzte",
    "letzten", "vorherige", "vorherigen", "vorige", "vorigen", "anterior", "último", "última", "precedente", "ultimo",
    "ultima", "eerdere", "laatste", "tidigare", "förra", "forrige", "sidste", "tidligere", "poprzedni", "poprzednią",
    "poprzednie", "ostatni", "ostatnią", "ostatnie"))

# Without a "but", "No problem, I already have her number" may be news, not a decline.
_ALREADY = frozenset({"already", "déjà", "schon", "bereits", "ya", "già", "já", "al", "redan", "allerede", "już"})

# "Never been to one, but yes please!": inexperience conceded, then a yes (rule 3a).
_NEVER = frozenset(_fold(word) for word in (
    "never", "jamais", "nie", "nunca", "mai", "nooit", "aldrig", "aldri", "nigdy"))
_EXPERIENCED = frozenset(_fold(word) for word in (
    "been", "tried", "had", "done", "used", "essayé", "été", "fait", "eu", "probiert", "ausprobiert",
    "gewesen", "gemacht", "gehabt", "probado", "ido", "estado", "hecho", "tenido", "provato", "stato", "stata",
    "fatto", "avuto", "experimentei", "experimentado", "fui", "estive", "fiz", "tive", "geprobeerd", "gedaan",
    "geweest", "gehad", "provat", "testat", "varit", "gjort", "haft", "prøvet", "været", "prøvd", "vært", "hatt",
    "próbowałam", "próbowałem", "byłam", "byłem", "miałam", "miałem"))

# What may stand before a negation that opens a clause and limits the room said before it: "just not for her".
_JUST = frozenset(_fold(word) for word in (
    "just", "only", "simply", "juste", "seulement", "nur", "bloß", "solo", "sólo", "solamente", "só", "apenas",
    "alleen", "bara", "kun", "bare", "tylko"))

# The particles that negate what follows them, and the bare noes that do it in Spanish, Italian, Portuguese and Polish:
# "not only" widens, "just not" limits, "Actually, no" takes back (rule 11).
_NEGATION_PARTICLES = frozenset({"not", "pas", "nicht", "niet", "inte", "ej", "ikke"} | {_fold(no) for no in _BARE_NO})

# Words that correct what was said before when a no ends its clause right after them (rule 11): "Yes! Actually, no",
# "Ja. Doch nicht", "Ja. Toch niet", "Oui. En fait non", "Tak. Jednak nie". Not "Actually, no need to call".
_CORRECTING = frozenset(tuple(_fold(word) for word in phrase.split()) for phrase in (
    "actually", "wait", "en fait", "finalement", "eigentlich", "doch", "en realidad", "anzi", "in realtà",
    "na verdade", "aliás", "eigenlijk", "toch", "ändå", "förresten", "alligevel", "likevel", "jednak", "właściwie",
    "w sumie"))

# A limit naming a weekday, a part of the day or a clock time is a scheduling preference (rule 11): "Yes, happy to.
# Just not before 10am", "Ja gerne, nur nicht vor 10 Uhr", "Yes, except Mondays", "Sí, excepto los lunes". (A "not"
# limit is one of its own only in the languages listed first: the Romance languages and Polish say "no", a no-word
# that doubts any yes by rule 3; they name a slot after "except".)
_SLOTS = frozenset(_fold(word) for word in (
    "monday mondays tuesday tuesdays wednesday wednesdays thursday thursdays friday fridays saturday saturdays sunday "
    "sundays weekday weekdays weekend weekends morning mornings afternoon afternoons evening evenings night nights "
    "lunchtime early late o'clock "
    "lundi lundis mardi mardis mercredi mercredis jeudi jeudis vendredi vendredis samedi samedis dimanche dimanches "
    "matin matins matinée matinées midi soir soirs soirée soirées tôt tard "
    "montag montags dienstag dienstags mittwoch mittwochs donnerstag donnerstags freitag freitags samstag samstags "
    "sonntag sonntags wochenende wochenenden morgens vormittag vormittags mittag mittags nachmittag nachmittags "
    "abend abends früh spät uhr "
    "maandag maandagen dinsdag dinsdagen woensdag woensdagen donderdag donderdagen vrijdag vrijdagen zaterdag "
    "zaterdagen zondag zondagen ochtend ochtenden ochtends middag middags avond avonden avonds vroeg laat "
    "måndag måndagar tisdag tisdagar onsdag onsdagar torsdag torsdagar fredag fredagar lördag lördagar söndag "
    "söndagar helg helger helgen morgon morgnar förmiddag förmiddagar eftermiddag eftermiddagar kväll kvällar "
    "kvällen tidigt sent "
    "mandag mandage mandagen tirsdag tirsdage tirsdagen onsdage onsdagen torsdage torsdagen fredage fredagen "
    "lørdag lørdage lørdagen søndag søndage søndagen formiddag formiddage eftermiddage aften aftener aftenen "
    "tidligt mandager tirsdager onsdager torsdager fredager lørdager søndager ettermiddag ettermiddager kveld "
    "kvelder kvelden tidlig "
    "lunes martes miércoles jueves viernes sábado sábados domingo domingos mañana mañanas tarde tardes noche noches "
    "lunedì martedì mercoledì giovedì venerdì sabato sabati domenica domeniche mattina mattine mattino pomeriggio "
    "pomeriggi "  # not "sera": folded, it is the Spanish "será" too
    "segunda segundas terça terças quarta quartas quinta quintas sexta sextas manhã manhãs noite noites "
    "poniedziałek poniedziałki poniedziałków wtorek wtorki wtorków środa środy czwartek czwartki czwartków piątek "
    "piątki piątków sobota soboty sobót niedziela niedziele niedziel rano wieczorem popołudniu").split())
# ... or a clock time: "10am", "3 pm", "10h", "9 Uhr", "10u".
_CLOCK = frozenset({"am", "pm", "h", "hr", "hrs", "uhr", "u", "uur"})
# ... or a channel: "Yes, just not by phone", "Ja gerne, nur nicht telefonisch" is a preference about how to be
# reached, and the yes stands.
_CHANNELS = frozenset(_fold(word) for word in (
    "phone phones telephone call calls text texts sms whatsapp email emails mail voicemail video zoom skype facetime "
    "online "
    "téléphone tél appel appels texto courriel visio visioconférence vidéo "
    "telefon telefonisch anruf anrufe videoanruf "
    "teléfono llamada llamadas correo videollamada "
    "telefono telefonata telefonate chiamata chiamate videochiamata "
    "telefone ligação ligações chamada chamadas videochamada "
    "telefoon telefonisch bellen videobellen "
    "samtal mejl opkald telefonen oppringning epost "
    "telefonicznie").split())

# Whom a practitioner takes: a "for" naming some of them limits a yes to them, and whether the other party is one of
# them is not ours to know (rule 11a): "Yes, for existing clients", "Happy to, for follow-ups", "Ja, für
# Bestandspatienten", "Sí, para pacientes actuales". A newcomer is what the introduction brings: "I have space for new
# clients" limits nothing.
_SOME_CLIENTS = frozenset(_fold(word) for word in (
    "existing current returning established regular ongoing former follow followup followups adult adults insured "
    "private teens teenagers adolescents "
    "existants existantes actuels actuelles habituels habituelles réguliers régulières anciens anciennes suivi suivis "
    "adultes assurés privés "
    "bestandspatienten bestandspatientinnen bestandsklienten bestandsklientinnen bestandskunden bestehende bestehenden "
    "bisherige bisherigen aktuelle aktuellen langjährige langjährigen stammpatienten stammklienten stammkunden "
    "folgetermine folgetermin nachsorge erwachsene erwachsenen privatpatienten privatversicherte "
    "existentes actuales habituales antiguos antiguas seguimiento seguimientos revisiones adultos adultas asegurados "
    "privados "
    "esistenti attuali abituali controlli controllo adulti adulte assicurati privati seguiti "
    "atuais actuais habituais antigos antigas acompanhamento acompanhamentos retornos retorno segurados particulares "
    "bestaande huidige vaste vervolgafspraken vervolgafspraak vervolgconsulten controles volwassenen verzekerde "
    "particuliere "
    "befintliga nuvarande återkommande vuxna eksisterende nuværende nåværende faste voksne "
    "obecnych stałych dotychczasowych dorosłych").split())
# A practitioner's clients, or some of them, by name: a negation beside them after a yes says whom it is not for,
# whatever stands before it in its clause ("Yes, I don't take new clients").
_CLIENTS = _SOME_CLIENTS | frozenset(_fold(word) for word in (
    "client clients patient patients customers patiente patientes klient klienten klientin klientinnen patientin "
    "patientinnen kunden cliente clientes paciente pacientes clienti pazienti cliënt cliënten clienten patiënt "
    "patiënten klienter patienter pasienter pacjent pacjenci pacjentów klienci klientów").split())
# The people a yes may be limited to: beside them a limit is about whom, even one naming a slot ("Yes, just not new
# clients on Mondays", "Yes, except Mondays and new clients").
_CLIENTELE = _CLIENTS | frozenset(_fold(word) for word in (
    "children kids new enfants nouveaux nouvelles nouveau nouvelle kinder neue neuen niños nuevos nuevas nuevo nueva "
    "bambini nuovi nuove nuovo nuova crianças novos novas novo nova kinderen nieuwe barn nya nye dzieci "
    "nowych").split())
# What a preference names: a slot or a channel.
_PREFERENCES = _SLOTS | _CHANNELS
# Words beside which an "only" that asks to be told still restricts: "Sag ihr nur samstags".
_WHEN_OR_WHOM = _SLOTS | _CLIENTELE
# Words no name line holds ("Neue Patienten", "Saturdays"), nor a signature's line whose "only" limits nothing.
_NOT_A_NAME = _PREFERENCES | _CLIENTELE
# "For" in the languages we read, opening what a yes is for.
_FOR = frozenset(_fold(word) for word in ("for", "pour", "für", "para", "per", "voor", "för", "dla"))
# The words that close a French "ne" other than "que": "ne ... pas que" is "not only".
_NE_PARTNERS = frozenset({"pas", "plus", "jamais", "rien", "personne", "aucun", "aucune", "guere", "point", "ni"})
# "Except" (a contrast) that may name a slot or a channel the yes leaves out: "Yes, except Mondays".
_EXCEPT = frozenset(_fold(word) for word in (
    "except", "sauf", "außer", "excepto", "salvo", "tranne", "eccetto", "exceto", "behalve", "förutom", "undtagen",
    "unntatt", "oprócz"))
# Asking to be told, beside which "only" is "just" (rule 11a): "Sí, solo dime cuándo", "Sì, dimmi solo quando",
# "Sim, só me avisa", "Ja, sag mir nur Bescheid", "Ja, laat me alleen even weten wanneer".
_TELL_ME = frozenset(_fold(word) for word in (
    "tell let dime dígame avísame avíseme avisa avise escríbeme escríbame confírmame confirma confirme indícame "
    "indíqueme hazme hágame cuéntame cuénteme comunícame dimmi dica fammi faccia avvisami avvisa avvisi scrivimi "
    "scriva confermami conferma confermi ditemi fatemi diz diga avisa avise escreve escreva confirma confirme sag "
    "sagen sagt gib geben bescheid melde melden schreib laat zeg weten daj dajcie powiedz napisz znać").split())
# Having someone's details, after a bare yes, answers something else (rule 11e): "Yes, I have her details", "Sí,
# tengo sus datos". Not "Yes please, I have her details": that can only answer us.
_HAVING = frozenset(_fold(word) for word in (
    "have has i've we've got j'ai ai avons habe hab haben tengo tenemos ho abbiamo tenho temos heb hebben "
    "har mam mamy").split())
_DETAILS = frozenset(_fold(word) for word in (
    "details number email mail address contact contacts name info "
    "coordonnées numéro adresse courriel nom "
    "daten kontaktdaten nummer telefonnummer kontakt namen "
    "datos número correo dirección contacto nombre "
    "dati numero contatti contatto recapito recapiti indirizzo nome "
    "dados contacto contato contactos contatos endereço "
    "gegevens contactgegevens nummer adres naam "
    "uppgifter kontaktuppgifter nummer adress namn oplysninger kontaktoplysninger navn kontaktinformasjon "
    "dane numer adres").split())

# The bare answer words that may answer something else than the introduction (rule 11): "Yes, received", "Sí,
# conozco a Maya". Not "Yes please" nor "Happy to": they can only answer our question.
_BARE_YES = frozenset(_fold(word) for word in (
    "yes", "yeah", "yea", "yep", "yup", "aye", "sure", "ok", "okay", "okey", "alright", "oui", "ouais", "ja", "jap",
    "japp", "klar", "sí", "si", "sì", "sim", "claro", "certo", "vale", "oké", "oke", "visst", "okej", "klart",
    "okei", "tak"))
# "Let me know", "you know": no acknowledgement.
_ACK_NOT_AFTER = frozenset({"me", "us", "you", "u"})

# "Yes please. Maybe she can help with my shoulder too": a hedge whose clause says what the colleague may do
# for the person is about her, not about the consent (rule 4). Only an epistemic "maybe"/"might", with a help
# verb and the colleague as a third-person pronoun; never with "you" in the clause ("Maybe you could help me
# find someone else instead"). Languages that drop the pronoun ("Forse può aiutarmi") or use the third person
# for a polite "you" (Italian "lei", German "Sie können") are read as before: the hedge counts.
_MODAL_HEDGES = frozenset({
    "maybe", "perhaps", "possibly", "might", "probably", "peut être", "probablement", "vielleicht",
    "möglicherweise", "wahrscheinlich", "quizás", "quizá", "tal vez", "a lo mejor", "probablemente", "forse",
    "magari", "probabilmente", "talvez", "provavelmente", "misschien", "waarschijnlijk", "kanske", "förmodligen",
    "troligen", "måske", "sandsynligvis", "kanskje", "sannsynligvis", "może", "być może", "prawdopodobnie"})
_HELP_WORDS = frozenset(_fold(word) for word in (
    "help", "helps", "helpful", "aider", "aide", "aidera", "aiderait", "m'aider", "m'aide", "m'aidera",
    "m'aiderait", "helfen", "hilft", "weiterhelfen", "weiterhilft", "hilfreich", "ayudar", "ayudarme", "ayude",
    "ayuda", "ayudará", "ayudaría", "aiutare", "aiutarmi", "aiuta", "aiuti", "aiuterà", "aiuterebbe", "ajudar",
    "ajude", "ajuda", "ajudará", "ajudaria", "helpen", "helpt", "hjälpa", "hjälper", "hjælpe", "hjælper",
    "hjelpe", "hjelper", "pomóc", "pomoże", "pomogłaby", "pomógłby", "pomaga"))
# ... nor when the help is offered instead of her ("Maybe she could help my husband instead").
_INSTEAD = frozenset(_fold(word) for word in (
    "instead", "rather", "else", "plutôt", "place", "stattdessen", "lieber", "cambio", "lugar", "vez", "invece",
    "plaats", "istället", "stället", "stedet", "zamiast"))
# ... nor when she is to help with the decision itself ("Maybe she can help me decide whether I want this").
_WHETHER = frozenset(_fold(word) for word in (
    "decide", "deciding", "whether", "if", "décider", "savoir", "si", "entscheiden", "ob", "decidir", "saber",
    "decidere", "capire", "se", "beslissen", "kiezen", "of", "bestämma", "besluta", "om", "beslutte", "bestemme",
    "zdecydować", "czy"))
_THIRD_PERSON = {lang: frozenset(_fold(word) for word in words.split()) for lang, words in {
    "en": "she he they", "fr": "elle il elles ils qu'elle qu'il qu'elles qu'ils", "de": "sie er",
    "es": "ella él ellas ellos", "it": "lui loro", "pt": "ela ele elas eles", "nl": "ze zij hij",
    "sv": "hon han", "da": "hun han", "no": "hun han", "pl": "ona on oni one"}.items()}
_SECOND_PERSON = {lang: frozenset(_fold(word) for word in words.split()) for lang, words in {
    "en": "you your yourself u", "fr": "vous tu toi te", "de": "du dich dir ihr euch können könnten",
    "es": "usted ustedes tú te vosotros", "it": "lei tu te ti voi", "pt": "você vocês tu te senhor senhora",
    "nl": "je jij u jullie", "sv": "du dig ni", "da": "du dig jer", "no": "du deg dere",
    "pl": "pan pani państwo ty ciebie tobie wy"}.items()}


@dataclass(frozen=True)
class _Entry:
    kind: _Kind
    langs: frozenset[str]
    phrase: str


def _phrase_words(phrase: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(phrase.translate(_CLEAN)) if m.lastgroup in ("word", "emoji")]


def _build_index() -> tuple[dict[tuple[str, ...], _Entry], dict[tuple[str, ...], _Entry]]:
    """Two lookups: by exact spelling (wins) and by accent-free spelling (for 'nao', 'si', 'garna')."""
    exact: dict[tuple[str, ...], _Entry] = {}
    folded: dict[tuple[str, ...], _Entry] = {}
    folded_from_accented: set[tuple[str, ...]] = set()
    conflicts: list[str] = []

    def add(table: dict[tuple[str, ...], _Entry], key: tuple[str, ...], entry: _Entry) -> None:
        known = table.get(key)
        if known is None:
            table[key] = entry
        elif known.kind == entry.kind:
            table[key] = _Entry(known.kind, known.langs | entry.langs, known.phrase)
        else:
            conflicts.append(f"'{entry.phrase}' is a {known.kind.value} in {sorted(known.langs)} "
                             f"and a {entry.kind.value} in {sorted(entry.langs)}")

    for lang, kinds in _LEXICON.items():
        for kind, phrases in kinds.items():
            for phrase in (p.strip() for p in phrases.split(",")):
                words = _phrase_words(phrase)
                entry = _Entry(kind, frozenset({lang}), phrase)
                exact_key = tuple(_spelling(w) for w in words)
                folded_key = tuple(_fold(w) for w in words)
                add(exact, exact_key, entry)
                accented = exact_key != folded_key
                if accented and folded_key in folded and folded_key not in folded_from_accented:
                    continue  # the same letters listed without accents keep their own meaning ("si")
                if not accented and folded_key in folded_from_accented:
                    del folded[folded_key]
                    folded_from_accented.discard(folded_key)
                add(folded, folded_key, entry)
                if accented:
                    folded_from_accented.add(folded_key)
    if conflicts:
        raise ValueError("the answer lexicon gives one phrase two meanings; keep one of each in _LEXICON: "
                         + "; ".join(conflicts))
    for emoji, kind in _EMOJI.items():
        exact[(emoji,)] = folded[(emoji,)] = _Entry(kind, _LANGUAGES, emoji)
    return exact, folded


_EXACT, _FOLDED = _build_index()


def _check_phrase_sets() -> None:
    """A phrase in _APPRAISALS, _MINIMIZERS, _NOT_A_DECLINE, _RECONSIDERING or _CHANGING_MIND that is not the yes, no
    or retraction it names would silently never match; say so at import."""
    kinds = {entry.phrase: entry.kind for entry in _EXACT.values()}
    wrong = [phrase for phrases, kind in ((_APPRAISALS | _MINIMIZERS, _Kind.YES), (_NOT_A_DECLINE, _Kind.NO),
                                          (_CHANGING_MIND, _Kind.RETRACTION))
             for phrase in sorted(phrases) if kinds.get(phrase) != kind]
    if wrong:
        raise ValueError(f"these phrases are not listed with that meaning in _LEXICON; fix their spelling: {wrong}")


_check_phrase_sets()
# The words that negate what follows them: a room phrase right after a phrase holding one is denied ("I no longer
# have space", "Ahora no tengo hueco", "Purtroppo non ho posto").
_NEGATING_WORDS = _BARE_NO | {entry.phrase for entry in _EXACT.values()
                              if entry.kind in (_Kind.NEGATOR, _Kind.CANNOT) and len(_phrase_words(entry.phrase)) == 1}
# Framing words that negate a room phrase right after them: written French drops the "pas" after "ne pouvoir".
_NEGATING_FRAMES = frozenset({"ne"})
# The framing words that are only a subject: "I am on leave" says no more than where the writer is.
_SUBJECTS = frozenset(_fold(phrase) for phrase in (
    "i", "i'm", "im", "i am", "we", "we're", "we are", "je", "ne", "suis", "nous", "sommes", "moi", "ich", "bin", "wir",
    "sind", "yo", "estoy", "io", "sono", "eu", "estou", "ik", "ben", "zijn", "jag", "är", "vi", "jeg er", "er jeg",
    "vi er", "jestem"))
_LONGEST_PHRASE = max(len(key) for key in _FOLDED)


@dataclass(frozen=True)
class _Word:
    spelling: str
    folded: str
    clause: int
    sentence: int
    line: int
    block: int  # changes where a quote was skipped: a yes is never taken back from across a quote
    after_digit: bool = False  # "10am", "10 h": the word marks a clock time
    titled: bool = False       # written with a capital first letter, as names are


@dataclass(frozen=True)
class _Hit:
    kind: _Kind  # resolved in its clause: a praise word or "si" is already a yes, a courtesy or an "if"
    entry: _Entry
    start: int   # index of the first word
    end: int     # index after the last word
    opens_clause: bool


@dataclass(frozen=True)
class _Retraction:
    """What takes back what was said before it (rule 11d): the answers before `taken_from` are taken back, and the
    new answer is read from `answer_from`. "Just kidding" takes back what came before it; "on second thought" makes
    its whole sentence the new answer ("No thanks, on second thought")."""
    hit: _Hit
    taken_from: int
    answer_from: int


@dataclass(frozen=True)
class _Text:
    words: list[_Word]
    sentences: dict[int, list[_Hit]]   # in reading order, each with its hits
    sentence_start: dict[int, int]     # sentence -> index of its first word
    sentence_length: dict[int, int]
    line_length: dict[int, int]
    questions: dict[int, list[int]]    # sentence -> word index just before each "?"
    naming_no: set[int]                # rhetorical questions that name a no ("Why would I say no?")


def _own_lines(text: str) -> list[tuple[int, str]]:
    """The person's own lines, each with a block number that changes where a quote was skipped."""
    lines = text[:_MAX_CHARS].splitlines()
    own: list[tuple[int, str]] = []
    block = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _END_OF_OWN_TEXT.match(stripped) or _starts_header_block(lines, index) or (
                _MOBILE_SIGN_OFF.match(stripped) and len(stripped.split()) <= 8):
            break
        is_attribution = stripped.endswith(":") and len(stripped) < 400 and WRITING_VERB.search(stripped)
        if is_attribution and not _quote_follows(lines, index):
            break  # an unmarked quote (Yahoo, Outlook on the web) runs to the end
        if stripped.startswith(">") or is_attribution:
            if own and own[-1][0] == block:
                block += 1
            continue
        own.append((block, line))
    return own


def _starts_header_block(lines: list[str], index: int) -> bool:
    if not _HEADER_FIELD.match(lines[index].strip()):
        return False
    return any(_HEADER_NEXT_FIELD.match(following.strip()) for following in lines[index + 1:index + 4])


def _quote_follows(lines: list[str], index: int) -> bool:
    following = next((line.strip() for line in lines[index + 1:] if line.strip()), "")
    return following.startswith(">")


def _tokenize(own: list[tuple[int, str]]) -> tuple[list[_Word], dict[int, list[int]]]:
    words: list[_Word] = []
    questions: dict[int, list[int]] = {}
    clause = sentence = 0
    for line_number, (block, line) in enumerate(own):
        normalized = _E_MAIL.sub(r"\1\2", unicodedata.normalize("NFC", line).translate(_CLEAN))
        for match in _TOKEN.finditer(normalized):
            kind = match.lastgroup
            if kind in ("word", "emoji"):
                word = _STRETCHED.sub(r"\1", match.group())
                before = normalized[max(0, match.start() - 2):match.start()].rstrip(" ")
                words.append(_Word(_spelling(word), _fold(word), clause, sentence, line_number, block,
                                   before[-1:].isdigit(), word[:1].isupper()))
            elif kind == "question":
                questions.setdefault(sentence, []).append(len(words))
                clause, sentence = clause + 1, sentence + 1
            elif kind == "stop":
                clause, sentence = clause + 1, sentence + 1
            else:
                clause += 1
        clause, sentence = clause + 1, sentence + 1
    return words, questions


def _match(words: list[_Word]) -> list[tuple[_Entry, int, int]]:
    """Longest phrase first, exact spelling before accent-free spelling; never across a full stop."""
    found: list[tuple[_Entry, int, int]] = []
    index = 0
    while index < len(words):
        for length in range(min(_LONGEST_PHRASE, len(words) - index), 0, -1):
            span = words[index:index + length]
            if span[-1].sentence != span[0].sentence:
                continue
            # Accents may be left out ("nao" for "não"), not added: "já" (already) is not "ja".
            entry = _EXACT.get(tuple(w.spelling for w in span)) or (
                _FOLDED.get(tuple(w.folded for w in span)) if all(w.spelling == w.folded for w in span) else None)
            if entry is not None:
                found.append((entry, index, index + length))
                index += length
                break
        else:
            index += 1
    return found


def _covered(found: list[tuple[_Entry, int, int]], kinds: set[_Kind]) -> set[int]:
    return {i for entry, start, end in found if entry.kind in kinds for i in range(start, end)}


def _whole_clauses(words: list[_Word], found: list[tuple[_Entry, int, int]]) -> set[int]:
    """Clauses in which every word belongs to a yes, praise, "si", "pass" or courtesy phrase ("Great, thanks"),
    in a sentence that says nothing else: its other clauses are such clauses too, or thanks or a greeting
    with a name ("Happy to, thanks Ada"). "Ok, noted." and "Great, I'll look into it" are not yeses."""
    covered = _covered(found, _YES_KINDS | {_Kind.SOFT_NO, _Kind.COURTESY, _Kind.CLOSING})
    courtesy = _covered(found, {_Kind.COURTESY, _Kind.CLOSING})
    mixed = {word.clause for i, word in enumerate(words) if i not in covered}
    first_word: dict[int, int] = {}
    for index, word in enumerate(words):
        first_word.setdefault(word.clause, index)
    saying_more = {words[first_word[clause]].sentence for clause in mixed if first_word[clause] not in courtesy}
    strong = {words[start].sentence for entry, start, _ in found if entry.kind in (_Kind.YES, _Kind.WHY_NOT)}
    return {word.clause for word in words if word.sentence not in saying_more or word.sentence in strong} - mixed


def _unable_clauses(words: list[_Word], found: list[tuple[_Entry, int, int]]) -> tuple[set[int], set[int]]:
    """The clauses where being away or unable is the whole answer, and those where, not the whole answer, it still
    doubts one. The whole answer: beside it only a subject, an apology, a "now" or courtesy ("Sorry, I'm not
    available right now"), and in the rest of the reply only such clauses, answer words, or thanks or a greeting
    with a name ("Please pass on my apologies, I can't"). Not "I'm not available on Mondays", "Sure I can't" (a yes
    in its clause), "I'm not available, but yes please" (a "but" says more), nor "I'm on leave. In my absence please
    contact reception" (the reply says more)."""
    bare = _covered(found, _ALONE_KINDS | {_Kind.FRAME, _Kind.COURTESY, _Kind.CLOSING})
    # "I can take her on. Just kidding, I'm full": taking back what was said is part of the answer (rule 11).
    answering = bare | _covered(found, _YES_KINDS | {_Kind.SOFT_NO, _Kind.NO, _Kind.RETRACTION})
    courtesy = _covered(found, {_Kind.COURTESY, _Kind.CLOSING})
    clause_words: dict[int, list[int]] = {}
    for index, word in enumerate(words):
        clause_words.setdefault(word.clause, []).append(index)
    holding = {words[start].clause for entry, start, _ in found if entry.kind in _ALONE_KINDS}
    unable = {clause for clause in holding if all(index in bare for index in clause_words[clause])}
    if all(indexes[0] in courtesy or all(index in answering for index in indexes)
           for indexes in clause_words.values()):
        return unable, unable
    # Beside more words, only being unable said with regret or for now still says no to something: "I can see her
    # file. Sorry, I can't.", "..., unfortunately I'm full"; not "Yes please! I am on annual leave".
    regret = {words[start].sentence for entry, start, _ in found if entry.kind == _Kind.CANNOT or (
        entry.kind == _Kind.FRAME and _fold(entry.phrase) not in _SUBJECTS)}
    return set(), {clause for clause in unable if words[clause_words[clause][0]].sentence in regret}


def _denied_room(words: list[_Word], found: list[tuple[_Entry, int, int]]) -> set[int]:
    """Where a room phrase starts right after a negation of its language in its clause, with at most a subject, an
    apology or a "now" between: "I don't have space", "I don't currently have room", "No tengo hueco", "Purtroppo
    non ho posto", and the written French "ne" without its "pas" ("Je ne peux la recevoir"). Having no room is a
    no, not a double negative."""
    denied: set[int] = set()
    for position, (entry, start, _) in enumerate(found):
        if entry.kind != _Kind.ROOM:
            continue
        reached = start
        for before, before_start, before_end in (found[back] for back in range(position - 1, -1, -1)):
            if before_end != reached or words[before_start].clause != words[start].clause:
                break
            if before.kind in (_Kind.FRAME, _Kind.COURTESY) and before.phrase not in _NEGATING_FRAMES:
                reached = before_start
                continue
            negates = before.kind in (_Kind.NEGATOR, _Kind.CANNOT) or before.phrase in _NEGATING_FRAMES or (
                before.kind == _Kind.NO and _NEGATING_WORDS & set(_phrase_words(before.phrase)))
            if negates and before.langs & entry.langs:  # not the Italian "mai" in "Im Mai habe ich Platz"
                denied.add(start)
            break
    return denied


# A subject's own words that may stand before the room it has, besides a subject, an apology, a "now" or an
# answer word: "I still have space", "I do have space", "Ich habe auch noch Platz".
_OWN_ROOM_ADVERBS = frozenset(_fold(word) for word in (
    "still", "also", "do", "does", "now", "luckily", "fortunately", "thankfully", "actually", "indeed", "already",
    "encore", "aussi", "bien", "heureusement", "déjà", "noch", "auch", "doch", "durchaus", "schon", "glücklicherweise",
    "también", "todavía", "aún", "afortunadamente", "ancora", "anche", "già", "fortunatamente", "ainda", "também",
    "felizmente", "nog", "ook", "wel", "gelukkig", "fortfarande", "också", "lyckligtvis", "stadig", "stadigvæk",
    "også", "heldigvis", "fortsatt", "fremdeles", "jeszcze", "też", "także", "nadal", "wciąż"))


# What may follow "I can see her" for it to be room for her: when, how or as what ("on Tuesday", "next week", "as a
# client"); not something of hers ("I can see her point", "her GP's letter").
_AFTER_SEEING_HER = frozenset({
    "on", "in", "at", "for", "from", "next", "this", "tomorrow", "today", "tonight", "soon", "now", "then", "after",
    "before", "as", "too", "also", "again", "anytime", "any", "early", "privately", "online", "remotely", "here",
    "there", "within", "by", "during", "until", "till", "around", "sometime", "weekly", "once", "asap", "straight",
    "right", "and", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mondays",
    "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december"})
_SEEING_HER = frozenset({"her", "him", "them"})


def _something_of_hers(words: list[_Word], found: list[tuple[_Entry, int, int]]) -> set[int]:
    """Where an English room phrase ending in her, him or them ("can see her", "can take him") goes on with
    something of theirs instead of when or how: "I can see her point". It is about something else."""
    known = {index for _, start, end in found for index in range(start, end)}
    return {start for entry, start, end in found if entry.kind == _Kind.ROOM and words[end - 1].folded in _SEEING_HER
            and end < len(words) and words[end].clause == words[start].clause and end not in known
            and words[end].folded not in _AFTER_SEEING_HER}


def _others_room(words: list[_Word], found: list[tuple[_Entry, int, int]]) -> set[int]:
    """Where a room phrase starts after other words in its clause than a subject, an apology, a "now", an answer
    word or one of _OWN_ROOM_ADVERBS: room that is someone else's ("My colleague can take her on", "Nobody can see
    her", "Niemand kann sie aufnehmen"), wished for ("I'd love to have space for her"), or that would have been
    ("Normally I'd have room"). It is no room the writer has now: a hedge, never a yes."""
    known = {index for entry, start, end in found if entry.phrase not in _APPRAISALS for index in range(start, end)}
    first_of_clause: dict[int, int] = {}
    for index, word in enumerate(words):
        first_of_clause.setdefault(word.clause, index)
    return {start for entry, start, _ in found if entry.kind == _Kind.ROOM and any(
        index not in known and words[index].folded not in _OWN_ROOM_ADVERBS
        for index in range(first_of_clause[words[start].clause], start))}


@dataclass(frozen=True)
class _Surroundings:
    """What decides how a word that depends on its neighbours reads (_resolve)."""
    whole: set[int]     # clauses that are all yes, praise or courtesy
    alone: set[int]     # clauses where being away or unable is the whole answer
    unable: set[int]    # clauses where being away or unable is all that is said, the whole answer or not
    denied: set[int]    # word indexes where a room phrase starts right after a negation
    others: set[int]    # word indexes where a room phrase starts that is not the writer's own room now
    hers: set[int]      # word indexes where "can see her" starts that goes on with something of hers
    opening: set[int]   # word indexes preceded in their sentence only by greetings and thanks
    nordic: bool        # Danish or Norwegian words in the reply: "tak" is their thanks


def _opening_words(words: list[_Word], found: list[tuple[_Entry, int, int]]) -> set[int]:
    """Words preceded in their sentence only by greetings and thanks ("Dzień dobry, tak")."""
    courtesy = _covered(found, {_Kind.COURTESY, _Kind.CLOSING})
    opening: set[int] = set()
    for index, word in enumerate(words):
        previous = index - 1
        if previous < 0 or words[previous].sentence != word.sentence or (
                previous in opening and previous in courtesy):
            opening.add(index)
    return opening


def _resolve(kind: _Kind, clause: int, start: int, around: _Surroundings) -> _Kind:
    if kind == _Kind.SOFT_YES:
        return _Kind.YES if clause in around.whole else _Kind.COURTESY
    if kind == _Kind.SOFT_NO:
        return _Kind.NO if clause in around.whole else _Kind.COURTESY
    # "Sorry, I can't" beside more words is no answer by itself, but it doubts a yes said elsewhere in the reply.
    if kind == _Kind.AWAY:
        return _Kind.NO if clause in around.alone else _Kind.HEDGE if clause in around.unable else _Kind.COURTESY
    if kind == _Kind.CANNOT:
        return _Kind.NO if clause in around.alone else _Kind.HEDGE if clause in around.unable else _Kind.NEGATOR
    if kind == _Kind.ROOM:
        if start in around.others:
            return _Kind.HEDGE
        return _Kind.COURTESY if start in around.hers else _Kind.NO if start in around.denied else _Kind.YES
    if kind == _Kind.YES_OR_IF:
        return _Kind.YES if clause in around.whole else _Kind.CONDITION
    if kind == _Kind.YES_OR_THANKS:
        return _Kind.YES if start in around.opening and not around.nordic else _Kind.CLOSING
    return kind


def _read(new_text: str) -> _Text:
    words, questions = _tokenize(_own_lines(new_text))
    found = _match(words)
    # "Tak, jeg har allerede ...": with Danish or Norwegian words around it, "tak" is their thanks.
    nordic = any(entry.langs <= {"da", "no"} for entry, _, _ in found if entry.kind != _Kind.YES_OR_THANKS)
    alone, unable = _unable_clauses(words, found)
    around = _Surroundings(_whole_clauses(words, found), alone, unable, _denied_room(words, found),
                           _others_room(words, found), _something_of_hers(words, found), _opening_words(words, found),
                           nordic)
    # "Ja dziękuję", "Ja się zastanowię": in Polish "ja" is "I".
    polish = any(entry.langs == {"pl"} for entry, _, _ in found) and not any(
        entry.langs & {"de", "nl", "sv", "da", "no"} for entry, _, _ in found if entry.phrase != "ja")
    sentences: dict[int, list[_Hit]] = {}
    sentence_start: dict[int, int] = {}
    sentence_length: dict[int, int] = {}
    line_length: dict[int, int] = {}
    naming_no: set[int] = set()
    for index, word in enumerate(words):
        sentences.setdefault(word.sentence, [])
        sentence_start.setdefault(word.sentence, index)
        sentence_length[word.sentence] = sentence_length.get(word.sentence, 0) + 1
        line_length[word.line] = line_length.get(word.line, 0) + 1
    # "How could I say no?", "Wie könnte ich nein sagen?": how or why, with a would-be modal.
    waving_away = {word.sentence for word in words if word.folded in _RHETORICAL_MODALS
                   and words[sentence_start[word.sentence]].folded in _RHETORICAL_OPENERS}
    waving_away -= {word.sentence for word in words if word.folded in _MANNER}
    waving_away &= {words[start].sentence for entry, start, end in found if _names_a_refusal(entry, words, start, end)}
    for entry, start, end in found:
        clause = words[start].clause
        sentence = words[start].sentence
        opens = start == 0 or words[start - 1].clause != clause
        mentioned = entry.kind == _Kind.NO and _said_as_a_word(words, start, end) and not _meant(words, start)
        if sentence in waving_away and _names_a_refusal(entry, words, start, end):
            kind = _Kind.RHETORICAL
        elif entry.kind == _Kind.HEDGE and sentence in waving_away and entry.phrase == "possibly":
            kind = _Kind.COURTESY  # "How could I possibly say no?": part of the rhetoric
        else:
            if mentioned and words[sentence_start[sentence]].folded in _RHETORICAL_OPENERS:
                naming_no.add(sentence)
            kind = _Kind.COURTESY if (polish and entry.phrase == "ja") or mentioned else _resolve(
                entry.kind, clause, start, around)
        hit = _Hit(kind, entry, start, end, opens)
        sentences[words[start].sentence].append(hit)
    return _Text(words, sentences, sentence_start, sentence_length, line_length, questions, naming_no)


# "How could I say no!", "Comment dire non", "Wie könnte ich nein sagen": a no named, not given.
_SAY = frozenset(_fold(word) for word in (
    "say", "saying", "said", "dire", "decir", "dizer", "sagen", "zeggen", "säga", "sige", "si", "powiedzieć", "mówić"))


# The first word of a question that names a no only to wave it away ("Why would I say no?", "How could I
# say no?", "Who would say no to that?"); "Would you mind if I said no?" asks it, and is not skipped.
_RHETORICAL_OPENERS = frozenset(_fold(word) for word in (
    "why", "how", "who", "pourquoi", "comment", "qui", "warum", "wieso", "wie", "wer", "por", "porqué", "cómo", "quién",
    "perché", "come", "chi", "porque", "como", "quem", "waarom", "hoe", "varför", "hur", "vem", "hvorfor",
    "hvordan", "hvem", "dlaczego", "czemu", "jak", "kto"))


# The would-be modal of a question that waves a refusal away ("How could I say no?", "Why would I decline?",
# "¿Cómo voy a decir que no?"); "How do I say no?" and "How can I say no?" may ask for the way to decline.
_RHETORICAL_MODALS = frozenset(_fold(word) for word in (
    "could", "would", "pourrais", "pourrait", "dirais", "könnte", "würde", "podría", "diría", "voy", "iba",
    "potrei", "direi", "poderia", "diria", "vou", "iria", "zou", "skulle", "kunne", "mógłbym", "mogłabym", "miałbym",
    "miałabym"))
# ... unless it asks for a manner ("How could I say no politely?", "Wie könnte ich nein sagen, ohne sie zu
# verletzen?"): then it asks how to decline. "Should" ("How should I say no?") always asks it.
_MANNER = frozenset(_fold(word) for word in (
    "politely", "nicely", "kindly", "gently", "tactfully", "without", "poliment", "gentiment", "délicatement",
    "sans", "höflich", "nett", "freundlich", "taktvoll", "ohne", "educadamente", "amablemente", "delicadamente",
    "sin", "gentilmente", "cortesemente", "delicatamente", "senza", "sem", "beleefd", "netjes", "vriendelijk",
    "zonder", "artigt", "snällt", "vänligt", "utan", "pænt", "høfligt", "venligt", "uden", "høflig", "pent",
    "vennlig", "uten", "grzecznie", "uprzejmie", "delikatnie", "bez"))
# A refusal that such a question may name without "say": "Why would I decline?", "Hur skulle jag kunna tacka nej?"
_REFUSALS = frozenset({"decline", "décline", "décliner"})


def _names_a_refusal(entry: _Entry, words: list[_Word], start: int, end: int) -> bool:
    """A no said as a word ("say no"), a bare no or "decline": what a question may wave away."""
    return entry.kind == _Kind.NO and (
        entry.phrase in _BARE_NO or entry.phrase in _REFUSALS or _said_as_a_word(words, start, end))


def _said_as_a_word(words: list[_Word], start: int, end: int) -> bool:
    """A one-word no that is the object of "say", in its clause: "how could I say no", "decir que no", "nein sagen".
    Not the Spanish yes before a comma: "Sí, no atiendo a niños" is no Norwegian "si nei"."""
    if end - start != 1:
        return False
    clause = words[start].clause
    before = [word.folded for word in words[max(0, start - 2):start] if word.clause == clause]
    if before and before[-1] == "que":  # "decir que no", "dizer que não"
        before.pop()
    after = words[end].folded if end < len(words) and words[end].clause == clause else ""
    return (bool(before) and before[-1] in _SAY) or after in _SAY


# "I meant to say no", "je voulais dire non", "ich wollte nein sagen": the no is given, as a correction (rule 11d).
_MEANING = frozenset(_fold(word) for word in (
    "meant", "mean", "voulais", "voulu", "quería", "quise", "wollte", "meinte", "volevo", "intendevo", "queria", "quis",
    "bedoelde", "wilde", "menade", "ville", "mente", "mendte", "chciałem", "chciałam"))
_NOT_MEANT = _NEGATION_PARTICLES | _NEVER | {"didn't", "don't"}


def _meant(words: list[_Word], start: int) -> bool:
    """A no named after words of meaning ("I meant to say no"): one the writer gives instead of what they said. Not
    one they did not mean ("I never meant to say no", "ich wollte nicht nein sagen"): that one stays named."""
    sentence = words[start].sentence
    before = [word.folded for word in words[max(0, start - 5):start] if word.sentence == sentence]
    return bool(_MEANING.intersection(before)) and not _NOT_MEANT.intersection(before)


def _asks(text: _Text, sentence: int, hits: list[_Hit]) -> bool:
    """A question mark in the sentence, other than the one closing "why not?" or a question that waves a no away."""
    if any(hit.kind == _Kind.RHETORICAL for hit in hits):
        return False
    return any(not any(hit.kind == _Kind.WHY_NOT and hit.end == at for hit in hits)
               for at in text.questions.get(sentence, []))


def _says_something(text: _Text, sentence: int, hits: list[_Hit]) -> bool:
    """An answer word, or a question; not a question that only names a no ("Who would say no to that?")."""
    if any(hit.kind in _SIGNALS for hit in hits):
        return True
    return _asks(text, sentence, hits) and sentence not in text.naming_no


def _language(text: _Text, deciding: list[_Hit]) -> frozenset[str]:
    """The languages the answer phrase allows, narrowed by the other wording where it agrees."""
    answers = [hit.entry.langs for hit in deciding if hit.kind in _YES_KINDS | {_Kind.NO, _Kind.HEDGE}]
    wording = [hit.entry.langs for hits in text.sentences.values() for hit in hits
               if hit.entry.phrase not in _FALSE_FRIENDS and not _polish_i(hit)]
    langs = _LANGUAGES
    for option in answers + wording:
        if langs & option:
            langs &= option
    return langs


def _polish_i(hit: _Hit) -> bool:
    """The "ja" that was read as the Polish "I", not as the yes of the languages it is listed for."""
    return hit.entry.phrase == "ja" and hit.kind == _Kind.COURTESY


def _single(langs: frozenset[str]) -> str | None:
    return next(iter(langs)) if len(langs) == 1 else None


class _Sentence:
    """What one sentence says: its yes and no words (negated or not), hedges and qualifiers."""

    def __init__(self, text: _Text, sentence: int, langs: frozenset[str], signed: bool = False) -> None:
        """`signed`: the sentence stands under a name line (_signed), where an "only" describes a practice."""
        hits = text.sentences[sentence]
        self.yes: list[_Hit] = []
        self.no: list[_Hit] = []
        self.negated: list[_Hit] = []
        self.hedges = [hit for hit in hits if hit.kind == _Kind.HEDGE]
        self.conditions: list[_Hit] = []
        self.contrasts: list[_Hit] = []
        self.limits: list[_Hit] = []  # negations opening a clause: "..., just not for new clients"
        self.only: list[_Hit] = []    # restricting "only"s: "Yes, only on Saturdays" (not "not only", "nur nicht")
        self.acks: list[_Hit] = []    # receipt or recognition: "received", "I know Maya" (not "let me know")
        self.retractions: list[_Retraction] = []  # "Just kidding", "On second thought", "Actually, no"
        self.asks = _asks(text, sentence, hits)
        self._words = text.words
        self._langs = langs
        self._hits = hits
        self._start = text.sentence_start[sentence]
        self._end = self._start + text.sentence_length[sentence]
        self._clause_words: dict[int, set[str]] = {}
        for word in text.words[self._start:self._end]:
            self._clause_words.setdefault(word.clause, set()).add(word.folded)
        self._clause_hits: dict[int, list[_Hit]] = {}
        for hit in hits:
            for clause in self._clauses(hit):
                self._clause_hits.setdefault(clause, []).append(hit)
        self._help_read: dict[frozenset[int], bool] = {}  # a clause with many "maybe"s is judged once
        self._clause_rests: dict[int, tuple[bool, bool]] = {}  # _slot_from: a slot, clients from here in the clause
        widening = {hit.start for hit in hits if hit.kind == _Kind.ONLY}  # "not only" limits nothing
        practice = signed and self._describes_a_practice()
        negated_clauses: set[int] = set()
        # A negator anywhere in a yes's clause takes it ("Sicher nicht", "Graag niet", "Yes I can't");
        # a no is negated only by a negator before it (a double negative), never by its own echo.
        negated_anywhere = {text.words[hit.start].clause for hit in hits if hit.kind == _Kind.NEGATOR and (
            hit.entry.phrase not in _FALSE_FRIENDS or hit.entry.langs & langs)}
        for hit in hits:
            clause = text.words[hit.start].clause
            counts = hit.entry.phrase not in _FALSE_FRIENDS or bool(hit.entry.langs & langs)
            if hit.kind == _Kind.NEGATOR and counts:
                negated_clauses.add(clause)
                if hit.end not in widening and (self.names_clients(hit) or all(
                        word.folded in _JUST for word in text.words[self._start:hit.start] if word.clause == clause)):
                    self.limits.append(hit)
            elif hit.kind in (_Kind.YES, _Kind.WHY_NOT, _Kind.RHETORICAL, _Kind.NO):
                denied_room = hit.entry.kind == _Kind.ROOM and hit.kind == _Kind.NO  # its negator made it a no
                if not denied_room and (clause in negated_clauses or (
                        hit.kind != _Kind.NO and clause in negated_anywhere)):
                    self.negated.append(hit)
                else:
                    (self.no if hit.kind == _Kind.NO else self.yes).append(hit)
            elif hit.kind == _Kind.CONDITION and counts:
                self.conditions.append(hit)
            elif hit.kind == _Kind.CONTRAST and counts:
                self.contrasts.append(hit)
            elif hit.kind == _Kind.ONLY and counts and not (
                    practice or self._beside_a_negation(hit) or self._asks_to_be_told(hit)):
                self.only.append(hit)
            elif hit.kind == _Kind.ACK and hit.entry.langs & langs and (
                    hit.start == 0 or text.words[hit.start - 1].folded not in _ACK_NOT_AFTER):
                self.acks.append(hit)
            if hit.kind == _Kind.RETRACTION and self._about_an_earlier_email(hit):
                pass  # "Yes please - please ignore my last email": that email is set aside, not these words
            elif hit.kind == _Kind.RETRACTION and hit.entry.phrase in _RECONSIDERING:
                self.retractions.append(_Retraction(hit, self._start, self._start))
            elif hit.kind == _Kind.RETRACTION or self._corrects_to_no(hit):
                self.retractions.append(_Retraction(hit, hit.start, hit.end))

    def _about_an_earlier_email(self, hit: _Hit) -> bool:
        """ "Please ignore my last email", "disregard the earlier one", "oubliez mon message précédent": a retraction
        that names an earlier email (in its words or the three after it, in its clause) takes back that email."""
        clause = self._words[hit.start].clause
        following = itertools.takewhile(lambda word: word.clause == clause, self._words[hit.end:hit.end + 3])
        return any(word.folded in _EARLIER for word in [*self._words[hit.start:hit.end], *following])

    def _beside_a_negation(self, hit: _Hit) -> bool:
        """ "Not only", "nicht nur" widen, and "nur nicht", "alleen niet" are "just not": a limit, read as one."""
        words = self._words
        before = hit.start > 0 and words[hit.start - 1].clause == words[hit.start].clause and (
            words[hit.start - 1].folded in _NEGATION_PARTICLES)
        after = hit.end < len(words) and words[hit.end].clause == words[hit.start].clause and (
            words[hit.end].folded in _NEGATION_PARTICLES)
        return before or after

    def _describes_a_practice(self) -> bool:
        """The sentence's line, in a signature, names no slot, channel or clients and is no postscript: "Sessions by
        appointment only", "Termine nur nach Vereinbarung"; not "P.S. only on Saturdays" nor "Online sessions only"."""
        line = [word for word in self._words if word.line == self._words[self._start].line]
        return line[0].folded not in _POSTSCRIPT and not any(
            word.folded in _NOT_A_NAME for word in line)

    def _asks_to_be_told(self, hit: _Hit) -> bool:
        """An "only" within two words of asking to be told, in a clause that names no slot or clients, is "just": "Sí,
        solo dime cuándo", "Sì, dimmi solo quando", "Ja, sag mir nur Bescheid". Not "Sí, solo mándame adultos" (only
        send me adults) nor "Sag ihr nur samstags" (tell her: only on Saturdays)."""
        clause = self._words[hit.start].clause
        near = self._words[max(self._start, hit.start - 2):min(self._end, hit.end + 2)]
        return any(word.clause == clause and word.folded in _TELL_ME for word in near) and not (
            (self._clause_words.get(clause, set()) - _TELL_ME) & _WHEN_OR_WHOM)  # "laat": let, and late

    def _corrects_to_no(self, hit: _Hit) -> bool:
        """A no or a "not" that ends its clause right after a word that corrects: "Actually, no", "Doch nicht",
        "Toch niet", "Jednak nie". Not "Actually, no need to call" (the no goes on) nor a bare "No" (rule 4)."""
        negation = hit.kind == _Kind.NO or (hit.kind == _Kind.NEGATOR and hit.entry.phrase in _NEGATION_PARTICLES)
        if not negation or not self._alone(hit):
            return False
        before = tuple(word.folded for word in self._words[max(self._start, hit.start - 2):hit.start])
        return any(before[len(before) - len(words):] == words for words in _CORRECTING)

    def declining(self) -> list[_Hit]:
        """The noes that say no and decline by themselves: not "no need to call me first" (rule 3b)."""
        return [hit for hit in self.saying_no() if self._declines(hit)]

    def saying_no(self) -> list[_Hit]:
        """The noes that say no: a bare "no" with more words in its clause is ordinary negation there ("No hurry",
        "No sabía que...", "I have no details"), not an answer; "No." or "No, ..." is."""
        return [hit for hit in self.no if not (hit.entry.phrase in _BARE_NO and not self._alone(hit))]

    def names_a_slot(self, limit: _Hit) -> bool:
        """The rest of the limit's clause names a weekday, a part of the day, a clock time or a channel ("just not
        before 10am", "nur nicht vor 10 Uhr", "bara inte på måndagar", "just not by phone", "except Mondays"): a
        scheduling preference, not a limit on whom or what. Not when it names people too ("just not new clients on
        Mondays")."""
        return self._slot_from(limit.end)

    def _slot_from(self, index: int) -> bool:
        """From `index` to the end of its clause, a slot or a channel is named and no clients are: "not before 10am",
        "except (Mondays)"."""
        if index >= self._end:
            return False
        if not self._clause_rests:  # one pass from the end: a sentence with many "except"s is read once
            slot = clients = False
            for at in range(self._end - 1, self._start - 1, -1):
                word = self._words[at]
                if at + 1 == self._end or self._words[at + 1].clause != word.clause:
                    slot = clients = False
                slot = slot or word.folded in _PREFERENCES or (word.after_digit and word.folded in _CLOCK)
                clients = clients or word.folded in _CLIENTELE
                self._clause_rests[at] = (slot, clients)
        slot, clients = self._clause_rests[index]
        return slot and not clients

    def _leaves_out_a_slot(self, contrast: _Hit) -> bool:
        """ "Except Mondays", "but not before 10am", "aber nicht telefonisch": a contrast that leaves out only a slot or
        a channel is a scheduling preference (rule 11b), not a doubt. Not "except for new clients", "but not now"."""
        clause = self._words[contrast.start].clause
        if _fold(contrast.entry.phrase) in _EXCEPT:
            return self._slot_from(contrast.end)
        index = contrast.end
        while index < self._end and self._words[index].clause == clause and self._words[index].folded in _JUST:
            index += 1
        negated = index < self._end and self._words[index].clause == clause and (
            self._words[index].folded in _NEGATION_PARTICLES)
        return negated and self._slot_from(index + 1)

    def names_clients(self, hit: _Hit) -> bool:
        """The hit's clause names a practitioner's clients or some of them: "Yes, I don't take new clients"."""
        return bool(self._clause_words.get(self._words[hit.start].clause, set()) & _CLIENTS)

    def for_some_clients(self) -> str | None:
        """A "for" that opens its clause, or follows nothing there but answer words, a subject or a "just", with some
        of a practitioner's clients named after it in its clause: "Yes, for existing clients", "Happy to, for
        follow-ups", "I have space for existing clients" (rule 11a). The word that names them, or None."""
        words = self._words
        answering = {index for hit in self._hits if hit.kind in (_Kind.YES, _Kind.FRAME)
                     for index in range(hit.start, hit.end)}
        for index in range(self._start, self._end):
            if words[index].folded not in _FOR:
                continue
            clause = words[index].clause
            before = index - 1  # back over the answer words, a subject or a "just" before it in its clause
            while before >= self._start and words[before].clause == clause and (
                    before in answering or words[before].folded in _JUST):
                before -= 1
            if before >= self._start and words[before].clause == clause:
                continue
            rest = itertools.takewhile(lambda word: word.clause == clause, words[index + 1:self._end])
            named = next((word.folded for word in rest if word.folded in _SOME_CLIENTS), None)
            if named is not None:
                return named
        return None

    def only_what_follows_que(self) -> bool:
        """The French "ne ... que" (only), in one clause: "je n'ai de la place que le samedi", "Je ne prends que des
        patients existants" (rule 11a). Not "ne ... pas que" (not only), nor "je n'attends que ça" (eager) or "vous
        n'avez qu'à" (you need only)."""
        negating: dict[int, bool] = {}  # clause -> a "ne" seen, not yet closed by another negation
        for index in range(self._start, self._end):
            word = self._words[index]
            if word.folded == "ne" or word.folded.startswith("n'"):
                negating[word.clause] = True
            elif word.folded in _NE_PARTNERS:
                negating[word.clause] = False
            elif negating.get(word.clause) and (word.folded == "que" or (
                    word.folded.startswith("qu'") and word.folded != "qu'a")):
                eager = index + 1 < self._end and self._words[index + 1].folded in ("ca", "cela")
                if not eager:
                    return True
        return False

    def answers_something_else(self, after: list[_Sentence]) -> str | None:
        """A bare yes whose own or next clause says what was received, who is known or whose details the writer has,
        and no yes after it: "Yes, I got your email", "Sí, conozco a Maya", "Yes, I have her details". Not "Yes
        please, I know her work" nor "Yes, I know her, go ahead". What says it, quoted, or None."""
        if not self.yes or any(later.yes for later in after):
            return None
        last = max(self.yes, key=lambda hit: hit.start)
        if _fold(last.entry.phrase) not in _BARE_YES:
            return None
        clauses = (self._words[last.start].clause, self._words[last.start].clause + 1)
        acknowledged = next((hit for hit in self.acks if hit.start >= last.end
                             and self._words[hit.start].clause in clauses), None)
        if acknowledged is not None:
            return _quoted(acknowledged)
        for clause in clauses:
            said = {word.folded for word in self._words[last.end:self._end] if word.clause == clause}
            details = sorted(said & _DETAILS)
            if said & _HAVING and details:
                return f"'{details[0]}'"
        return None

    def takes_back_a_yes(self) -> _Hit | None:
        """A later sentence that says no (saying_no), hedges (not about what the colleague can do), or opens with
        "but"/"if"."""
        opening = [hit for hit in self.conditions + self.contrasts if hit.opens_clause]
        return next(iter(self.saying_no() + self.negated + self.doubting_hedges(after_a_yes=True) + opening), None)

    def doubting_hedges(self, after_a_yes: bool) -> list[_Hit]:
        """The hedges that doubt the answer. Beside a yes (in another clause) or after one, a hedge about
        what the colleague may do for the person is not one: "Yes please, she might be able to help"."""
        if not (after_a_yes or self.yes):
            return self.hedges
        return [hit for hit in self.hedges if not self._about_her_help(frozenset(self._clauses(hit)))]

    def declines_after_praise(self) -> bool:
        """Praise of the idea, then after a "but" a decline: "That sounds lovely, but I already have a
        therapist", "Das wäre schön, aber ich habe schon eine Therapeutin". After "no worries"/"no problem"
        the "but" may be left out, unless the no says what the person already has: "No worries, I'm not
        looking for anyone right now". A "yes" is an answer, not praise: "Yes, but not now" stays unclear."""
        if not self.yes or not all(hit.entry.phrase in _APPRAISALS | _MINIMIZERS for hit in self.yes):
            return False
        praised = max(hit.end for hit in self.yes)
        if praised > min(hit.start for hit in self.no) or not all(map(self._declines, self.no)):
            return False
        if any(hit.start >= praised for hit in self.contrasts):
            return True
        return all(hit.entry.phrase in _MINIMIZERS for hit in self.yes) and not any(
            _ALREADY & set(_phrase_words(hit.entry.phrase)) for hit in self.no)

    def _declines(self, hit: _Hit) -> bool:
        """A no that declines by itself: not "no need to ...", "don't want to ...", "not at all ..." nor a bare
        "no" with more words in its clause ("no pressure")."""
        if hit.entry.phrase in _BARE_NO:
            return self._alone(hit)
        return hit.entry.phrase not in _NOT_A_DECLINE

    def only_courtesy(self) -> bool:
        """Thanks or greetings and nothing else: "Thanks so much!"."""
        return set(range(self._start, self._end)) <= self._covered({_Kind.COURTESY, _Kind.CLOSING})

    def _covered(self, kinds: set[_Kind]) -> set[int]:
        return {index for hit in self._hits if hit.kind in kinds for index in range(hit.start, hit.end)}

    def qualifying_contrasts(self) -> list[_Hit]:
        """The "but"s that qualify a yes. One that concedes only what the person has never done, right
        before a yes that ends the sentence, lands on the yes: "Never been to one, but yes please!" (a
        no or hedge before it still doubts, by its own rule). After an answer (not praise), one that leaves
        out only a slot or a channel qualifies nothing: "Yes, except Mondays", "Yes please, but not before 10am"."""
        answered = self._covered({_Kind.YES, _Kind.WHY_NOT, _Kind.COURTESY, _Kind.CLOSING})
        tail = self._end  # from here to the end of the sentence, every word is a yes or thanks
        while tail > self._start and tail - 1 in answered:
            tail -= 1
        yes_starts = {hit.start for hit in self.yes}
        conceding = {hit.start for hit in self.contrasts
                     if hit.end == tail and tail in yes_starts and self._never_done(hit.start)}
        # Praise is no answer (rule 3b): "Sounds good, but not on Mondays" argues for what follows the "but".
        an_answer = any(hit.entry.phrase not in _APPRAISALS | _MINIMIZERS for hit in self.yes)
        return [hit for hit in self.contrasts if hit.start not in conceding
                and not (an_answer and self._leaves_out_a_slot(hit))]

    def _never_done(self, end: int) -> bool:
        """ "Never been to one", "Nunca he probado": a "never", then a verb of experience, before the "but".
        Not "Never on Mondays, but yes" (a limit), "I'd rather wait, but yes" (a wish) or "Not me, but yes"."""
        before = [word.folded for word in self._words[self._start:end]]
        never = next((index for index, word in enumerate(before) if word in _NEVER), None)
        return never is not None and any(word in _EXPERIENCED for word in before[never + 1:])

    def _clauses(self, hit: _Hit) -> set[int]:
        return {self._words[hit.start].clause, self._words[hit.end - 1].clause}  # "peut-être" spans a hyphen

    def _about_her_help(self, clauses: frozenset[int]) -> bool:
        """A "maybe" whose clause says she (a third person, never "you") may help, with nothing else in it
        that answers, doubts, negates, contrasts, conditions or says "instead": "Maybe she can help with my
        shoulder" ("Yes maybe she can help" has its yes in that clause)."""
        if clauses not in self._help_read:
            words = set().union(*(self._clause_words.get(clause, set()) for clause in clauses))
            others = [hit for clause in clauses for hit in self._clause_hits.get(clause, [])
                      if hit.kind in _SIGNALS | {_Kind.NEGATOR, _Kind.CONTRAST, _Kind.CONDITION}]
            third = frozenset().union(*(_THIRD_PERSON[lang] for lang in self._langs))
            second = frozenset().union(*(_SECOND_PERSON[lang] for lang in self._langs))
            self._help_read[clauses] = (
                all(hit.kind == _Kind.HEDGE and hit.entry.phrase in _MODAL_HEDGES for hit in others)
                and bool(words & _HELP_WORDS) and bool(words & third) and not words & (second | _INSTEAD | _WHETHER))
        return self._help_read[clauses]

    def _alone(self, hit: _Hit) -> bool:
        words = self._words
        return hit.end >= len(words) or words[hit.end].clause != words[hit.start].clause


def _quoted(hit: _Hit) -> str:
    return f"'{hit.entry.phrase}'"


def read_answer(new_text: str) -> Reading:
    """Read the new text of a reply to "shall I introduce you? Reply YES or NO" (rules at the top)."""
    text = _read(new_text)
    if not text.words:
        return Reading(Answer.UNCLEAR, None, "empty")
    order = list(text.sentences)
    for position, sentence in enumerate(order):
        hits = text.sentences[sentence]
        if not _says_something(text, sentence, hits):
            continue
        langs = _language(text, hits)
        start = text.sentence_start[sentence]
        if len(text.words) > _LONG_TEXT_WORDS and start > _ANSWER_WITHIN_WORDS:
            return Reading(Answer.UNCLEAR, _single(langs), "long text without an answer at the start")
        later = _read_after(text, order[position + 1:], start)
        signed = _signed(text, later)
        after = [_Sentence(text, sentence, langs, sentence in signed) for sentence in later]
        return _decide(_Sentence(text, sentence, langs), after, _single(langs))
    if _content_as_things_are(text):
        return Reading(Answer.NO, _single(_language(text, [])), "content as things are, with thanks")
    return Reading(Answer.UNCLEAR, _single(_language(text, [])), "no answer word")


# "I'm ok, thanks", "Estoy bien, gracias", Polish "Ja dziękuję": a polite no when it is the whole reply.
_CONTENT = frozenset(tuple(_fold(word) for word in phrase.split()) for phrase in (
    "i'm ok", "i'm okay", "i'm fine", "i'm good", "i'm alright", "i'm all right", "i'm all good", "i am ok",
    "i am okay", "i am fine", "i am good", "i am alright", "im ok", "im okay", "im fine", "im good", "estoy bien",
    "estoy bien así", "sto bene", "sto bene così", "estou bem", "estou bem assim", "ik red me wel", "ja",
    "jag klarar mig", "klarer mig", "klarer meg"))  # Danish and Norwegian "jeg" is skipped as courtesy


def _content_as_things_are(text: _Text) -> bool:
    """Thanks and "I'm ok" and nothing else ("Hi, I'm fine, thanks!"); not "I'm ok with that" nor "I'm good,
    thanks. My back is better", which may say more than a no. (A Polish "Ja" got here only as "I".)"""
    polite = {index: hit.kind for hits in text.sentences.values() for hit in hits
              if hit.kind in (_Kind.COURTESY, _Kind.CLOSING)
              and hit.entry.kind in (_Kind.COURTESY, _Kind.CLOSING, _Kind.YES_OR_THANKS)  # not "ok" in "I'm ok"
              for index in range(hit.start, hit.end)}
    said = tuple(word.folded for index, word in enumerate(text.words) if index not in polite)
    return _Kind.CLOSING in polite.values() and said in _CONTENT


def _read_after(text: _Text, later: list[int], start: int) -> list[int]:
    """The sentences after the deciding one that may take a yes back: up to a sign-off or a quote."""
    first = text.words[start]
    read: list[int] = []
    for sentence in later:
        begins = text.sentence_start[sentence]
        word = text.words[begins]
        if word.block != first.block or begins - start > _AFTER_ANSWER_WORDS:
            break
        if word.line != first.line and _is_sign_off(text, sentence):
            break
        read.append(sentence)
    return read


_NAME_LINE_WORDS = 5  # "Dr Ana María Smith, Physiotherapist"
_POSTSCRIPT = frozenset({"p", "ps", "pps", "nb"})  # "P.S.", "PS:", "NB": written under the name, and still meant


def _signed(text: _Text, later: list[int]) -> set[int]:
    """The sentences after a name line under the answer: a signature that was not found as one ("Yes please! / Ana
    Smith / Sessions by appointment only"), whose "only" describes a practice and limits no yes."""
    lines: dict[int, list[int]] = {}
    for sentence in later:
        lines.setdefault(text.words[text.sentence_start[sentence]].line, []).append(sentence)
    signed: set[int] = set()
    named = False
    for sentences in lines.values():
        if named:
            signed.update(sentences)
        named = named or _is_name_line(text, sentences)
    return signed


def _is_name_line(text: _Text, sentences: list[int]) -> bool:
    """A short line (or the rest of one) of capitalised words that name no slot, channel or clients: a name or a
    title ("Ana Smith", "Dr Jo Park, Physiotherapist"; not "Neue Patienten")."""
    words = text.words[text.sentence_start[sentences[0]]:text.sentence_start[sentences[-1]] + text.sentence_length[
        sentences[-1]]]
    return len(words) <= _NAME_LINE_WORDS and all(
        word.titled and word.folded not in _NOT_A_NAME for word in words)


def _is_sign_off(text: _Text, sentence: int) -> bool:
    """A short line of its own that opens with "Thanks," / "Best," / "Cordialement" and says nothing else."""
    hits = text.sentences[sentence]
    begins = text.sentence_start[sentence]
    opens_with_closing = bool(hits) and hits[0].start == begins and hits[0].kind == _Kind.CLOSING
    length = text.sentence_length[sentence]
    whole_short_line = length == text.line_length[text.words[begins].line] and length <= 6
    return opens_with_closing and whole_short_line and not _says_something(text, sentence, hits)


def _decide(said: _Sentence, after: list[_Sentence], language: str | None) -> Reading:
    taken_back = _taken_back(said, after, language)
    if taken_back is not None:
        return taken_back
    doubt = _doubt(said, after)
    if doubt is not None:
        return Reading(Answer.UNCLEAR, language, doubt)
    if said.no:
        return Reading(Answer.NO, language, f"no-word {_quoted(said.no[0])}")
    if said.yes[0].kind == _Kind.RHETORICAL:
        return Reading(Answer.YES, language, f"a refusal waved away {_quoted(said.yes[0])}")
    return Reading(Answer.YES, language, f"yes-word {_quoted(said.yes[0])}")


def _taken_back(said: _Sentence, after: list[_Sentence], language: str | None) -> Reading | None:
    """An answer taken back after it is said (rule 11): "I can take her on. Just kidding, I'm full" is a no; "Yes
    please. On second thought, let me think", "Yes! Actually no, sorry" and "No. Just kidding!" are unclear. None
    when nothing is taken back."""
    answers = said.yes + said.no + said.negated
    if not answers:
        return None
    first = min(hit.start for hit in answers)
    sentences = [said, *after]
    retractions = [retraction for sentence in sentences for retraction in sentence.retractions
                   if retraction.taken_from > first]
    if not retractions:
        return None
    taken = retractions[0]
    what = _quoted(taken.hit)
    says_yes = any(hit.start >= taken.answer_from for sentence in sentences for hit in sentence.yes)
    if any(hit.start < taken.taken_from for hit in said.no + said.negated):
        # "No, sorry, I've changed my mind", "Nein, doch lieber nicht": how a yes is taken back repeats a no.
        if not says_yes and all(_repeats_a_no(retraction) for retraction in retractions):
            return None
        return Reading(Answer.UNCLEAR, language, f"no, then taken back {what}")
    # The new answer is a no that declines: "Just kidding, I'm full", not "On second thought no need to call me".
    says_no = any(hit.start >= taken.answer_from for sentence in sentences for hit in sentence.declining())
    if says_no and not says_yes:
        return Reading(Answer.NO, language, f"yes, then taken back {what}")
    return Reading(Answer.UNCLEAR, language, f"yes, then taken back {what}")


def _repeats_a_no(retraction: _Retraction) -> bool:
    """After a no, a correction that is a no itself ("No. Actually no") or words of changing one's mind ("No, I've
    changed my mind", "Non merci, j'ai changé d'avis") say the no again; a joke or "scratch that" takes it back."""
    return retraction.hit.kind in (_Kind.NO, _Kind.NEGATOR) or retraction.hit.entry.phrase in _CHANGING_MIND


def _doubt(said: _Sentence, after: list[_Sentence]) -> str | None:
    """Why the deciding sentence is not a plain yes or no (rules 3 and 4 at the top), or None."""
    if said.yes and said.no and not (said.declines_after_praise() and not any(later.yes for later in after)):
        return "both yes and no"
    hedges = said.doubting_hedges(after_a_yes=False)
    if said.no and not said.asks:  # "Not right now, maybe in a few months": the maybe is about later
        # "Sorry, I'm away, so no": being away is the reason for the no, not a doubt about it.
        hedges = [hit for hit in hedges if hit.start < said.no[0].start and hit.entry.kind not in _ALONE_KINDS]
    doubts = [("negated answer word", said.negated), ("hedge", hedges)]
    if said.no:
        doubts.append(("no with condition", said.conditions))
    elif said.yes:
        doubts += [("yes with condition", said.conditions), ("yes with", said.qualifying_contrasts())]
    for rule, hits in doubts:
        if hits:
            return f"{rule} {_quoted(hits[0])}"
    if said.no:
        # "I already have a GP. Yes please to the introduction": a plain yes after the no may be the answer.
        later_yes = next((hit for later in after if not later.no for hit in later.yes
                          if hit.kind == _Kind.YES and hit.entry.kind != _Kind.SOFT_YES), None)
        return f"no, then yes {_quoted(later_yes)}" if later_yes else None
    if not said.yes:
        return "a question without an answer"
    if said.asks:
        return "yes with a question"
    # "I have space on Saturdays only", "Yes please. I'm only free on weekends": a yes only inside what it names.
    only = next(iter(said.only + [hit for later in after for hit in later.only]), None)
    if only is not None:
        return f"yes with a restriction {_quoted(only)}"
    if any(sentence.only_what_follows_que() for sentence in [said, *after]):
        return "yes with a restriction 'ne ... que'"
    # "Yes, for existing clients", "Ja, für Bestandspatienten": a yes for some of a practitioner's clients only.
    some = next(filter(None, (sentence.for_some_clients() for sentence in [said, *after])), None)
    if some is not None:
        return f"yes for some clients only '{some}'"
    # "Yes, just not for new clients", "I have space. Not for her though": a yes, then whom or what it is not for;
    # after room any negation opening a clause limits it, and anywhere one in a clause naming clients ("Yes, I don't
    # take new clients"). "Just not before 10am" is a scheduling preference.
    first = min(hit.start for hit in said.yes)
    room = next((hit.start for hit in said.yes if hit.entry.kind == _Kind.ROOM), None)
    limit = next((hit for sentence in [said, *after] for hit in sentence.limits if hit.start > first and (
        hit.entry.phrase in _NEGATION_PARTICLES or (room is not None and hit.start > room)
        or sentence.names_clients(hit)) and not sentence.names_a_slot(hit)), None)
    if limit is not None:
        return f"yes, then a negation {_quoted(limit)}"
    # "Yes, received", "Yes, I know Maya", "Yes, I have her details": the yes answers something else.
    acknowledged = said.answers_something_else(after)
    if acknowledged is not None:
        return f"yes about something else {acknowledged}"
    for later in after:
        taken_back = later.takes_back_a_yes()
        if taken_back is not None:
            return f"yes, then {taken_back.entry.kind.value} {_quoted(taken_back)}"
    # "Why would I say no? Because I'm moving away." A question only implies its yes: anything said after it
    # but another yes or thanks may be the real answer.
    if all(hit.kind == _Kind.RHETORICAL for hit in said.yes) and any(
            not later.yes and not later.only_courtesy() for later in after):
        return "a refusal waved away, then more"
    return None
