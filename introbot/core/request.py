"""Understanding a practitioner's request: who should meet whom, from a forward, a CC or a direct line."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from email.message import EmailMessage
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from introbot.config import Person
from introbot.core.addresses import AddressError, addresses_in_text, parse_address_list
from introbot.core.answers import Answer, read_answer
from introbot.core.forwards import Forward, ForwardedMessage, find_forward, strip_subject_prefixes
from introbot.core.holding import asking_verbs, holds_back, refusals, sets_aside_last
from introbot.core.language import guess_language
from introbot.core.mime import raw_header_values
from introbot.core.quotes import name_without_title, split_reply, without_signature_of
from introbot.core.robots import robot_roles
from introbot.core.text import body_text
from introbot.model import Refused

MAX_NOTE_CHARS = 600
_MAX_REQUEST_CHARS = 20_000  # a request is a few lines; beyond this much text, no name is looked for
_MAX_SUBJECT_CHARS = 300  # a subject line a request may be written in; the words of a longer one past it are not read
_MAX_GUESSES = 4  # more people than this fitting a guess is no guess at all
T = TypeVar("T")


@dataclass(frozen=True)
class Candidate:
    """A person named in a request: from the directory, or by address only."""

    email: str
    name: str = ""
    person: Person | None = None

    @property
    def in_directory(self) -> bool:
        return self.person is not None


@dataclass(frozen=True)
class Understood:
    """What introbot made of a request; a missing party means the referrer must be asked."""

    shape: str  # forward | cc | direct
    client: Candidate | None
    colleague: Candidate | None
    note: str
    client_hint: str = ""  # how the referrer called the client, when no address was given
    options: tuple[Candidate, ...] = ()  # several colleagues fit the note
    client_language: str | None = None  # what the client's own words (or the referrer's to them) are in
    # "Introduce Sam to Maya Chen and Lio Park": the colleagues after the first, each an intro of its own.
    further_colleagues: tuple[Candidate, ...] = ()
    held_back: bool = False  # the referrer's words ask not to introduce (yet): "Please don't introduce Sam yet"
    # Written to introbot alone, they set the referrer's previous message to it aside: "Please ignore my last email"
    # (said to the client with intro@ copied, it is about the last email to the client).
    sets_aside_last: bool = False

    @property
    def missing(self) -> str:
        if self.client is None:
            return "client"
        return "colleague" if self.colleague is None else ""


@dataclass(frozen=True)
class Refusal:
    """A request introbot will not act on, and why; the referrer's one line explaining it is in the refused
    template, in their language."""

    why: Refused


class Directory:
    """The people introbot knows by name: practitioners and colleagues."""

    def __init__(self, people: Iterable[Person]):
        self.people = tuple(people)
        self._by_email = {p.email: p for p in self.people}
        self._may_name = tuple(_may_name(p) for p in self.people)

    def by_email(self, email: str) -> Person | None:
        return self._by_email.get(email.lower())

    def candidate(self, email: str, name: str = "") -> Candidate:
        person = self.by_email(email)
        return Candidate(email=email.lower(), name=person.name if person else natural_order(name), person=person)

    def named_in(self, text: str, excluded: frozenset[str] = frozenset()) -> list[Person]:
        """Directory people a text names, leaving out the `excluded` addresses: by full name (in a text
        in Finnish, Croatian or Lithuanian also with a case ending of that language: "Lio Parkille",
        "s Mayom Chen"), and by a first name that is not followed by another surname ("Sam Rivera" is
        not Sam Okafor), several people may share it; only when none of those, by their website's domain
        ("at bodywork.example").

        Every full name is taken out of the text before first names are looked for, so "Maya Chen"
        does not also name Maya Alvarez, and an excluded person's name (the referrer signing the note)
        names nobody else."""
        folded = text.casefold()
        # Only those whose name or domain the text holds at all are looked for one by one: a long text read
        # sentence by sentence costs one search per person and sentence, not a dozen.
        people = [p for p, may_name in zip(self.people, self._may_name) if may_name.search(folded)]
        full = [p for p in people if _mentions(folded, name_without_title(p.name).casefold())]
        declined = _declined_mentions(text, self.people)
        rest = _blanked(text, [match for _, match in declined])
        for person in full:
            rest = _blank_mentions(rest, name_without_title(person.name))
        named = _unique(full + [person for person, _ in declined])
        first = [p for p in people if p not in named and _mentions_first_name(rest, p.first_name)]
        found = [p for p in named + first if p.email not in excluded]
        if found:
            return found
        return [p for p in people if p.email not in excluded and any(_mentions(folded, d) for d in _domains_of(p))]

    def guessed_in(self, text: str, excluded: frozenset[str] = frozenset()) -> list[Person]:
        """People a text names or may mean: by name as named_in finds them, else by a first name in
        lower case ("for lio") or their specialty ("the craniosacral therapist"). Only ever offered to
        the referrer as options: "may" and "will" are words too. More than _MAX_GUESSES is no guess."""
        guesses = self.named_in(text, excluded) or self._unsure_mentions(text, excluded)
        return guesses if len(guesses) <= _MAX_GUESSES else []

    def _unsure_mentions(self, text: str, excluded: frozenset[str]) -> list[Person]:
        words = {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
        people = [p for p in self.people if p.email not in excluded]
        # "for lio", and names with a case ending in a note too short to tell its language ("Lio Parkille?")
        # or in a language whose endings are not known here.
        by_name = [p for p in people if _mentions(text, p.first_name) or _inflected_mention(text, p)]
        said = {p.email: {stem for stem in _specialty_stems(p) if any(w.startswith(stem) for w in words)}
                for p in people}
        # "craniosacral" is one person's word, "therapist" many people's: the rarer word decides.
        holders = Counter(stem for p in self.people for stem in set(_specialty_stems(p)))
        rarest = min((holders[stem] for stems in said.values() for stem in stems), default=0)
        by_specialty = [p for p in people if any(holders[stem] == rarest for stem in said[p.email])]
        return by_name + [p for p in by_specialty if p not in by_name]


def _may_name(person: Person) -> re.Pattern[str]:
    """What a casefolded text holds, case-blind, wherever named_in finds `person` in it by full name, first name
    (as written or in capitals) or domain: each of those, casefolded, with no edges checked. A name with a case
    ending is looked for among everyone."""
    first = person.first_name
    forms = {name_without_title(person.name).casefold(), first.casefold(), first.upper().casefold(), *_domains_of(person)}
    return re.compile("|".join(map(re.escape, sorted(forms))), re.IGNORECASE)


def _inflected_mention(text: str, person: Person) -> bool:
    """The person's full name with up to four letters of a case ending on each word, which may replace a
    final vowel ("Maya" -> "Mayom")."""
    words = name_without_title(person.name).split()
    if len(words) < 2:
        return False
    stems = [word[:-1] if len(word) > 3 and word[-1].lower() in "aeiouy" else word for word in words]
    forms = r"[ \t]+".join(re.escape(stem) + r"\w{0,4}" for stem in stems)
    return next(_mention_matches(text, person.name, regex=forms), None) is not None


# Frequent words of the languages whose case endings introbot reads on a colleague's name; guess_language
# knows none of them. A text in one of them uses at least two, more than of the others' words, and what it
# says besides reads as no language guess_language knows. No word of one or two letters, and none that is
# also an English word: "to", "a", "on", "je", "bet", "jam" would make a short English note Croatian or
# Lithuanian ("Please introduce Sam to Tom Greene - a great fit").
_DECLINING_LANGUAGE_WORDS = {language: frozenset(words.split()) for language, words in {
    "fi": "että hän hänet hänen hänelle häntä voisitko voisitteko voitko voisit kiitos kanssa tai myös olisi "
          "esitellä esittelisitkö asiakas asiakkaani asiakkaan minun sinun hei terveisin onko jos mutta kun vain",
    "hr": "ona nju njega njoj njemu može možeš možete molim hvala upoznati upoznaj klijent klijentica klijenticu "
          "klijenta pozdrav bok ili ali što koji koja joj radi",
    "lt": "tai ją jį jai jos gal galite galėtumėte galėtum kad yra mano prašau ačiū labai klientė klientas "
          "klientę supažindinti sveiki sveika pagarbiai arba kuri kuris jūs",
}.items()}
_MIN_LANGUAGE_WORDS = 2


def _declining_language(text: str) -> str | None:
    """ "fi", "hr" or "lt" when `text` is surely written in Finnish, Croatian or Lithuanian, else None."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", text[:_MAX_REQUEST_CHARS])]
    (best, language), (runner_up, _), _ = sorted(
        ((sum(w in vocabulary for w in words), language)
         for language, vocabulary in _DECLINING_LANGUAGE_WORDS.items()), reverse=True)
    if best < _MIN_LANGUAGE_WORDS or best == runner_up:
        return None
    # Short words ("a", "o", "je") are in too many languages to say which one the rest is in.
    rest = " ".join(w for w in words if w not in _DECLINING_LANGUAGE_WORDS[language] and len(w) > 2)
    return language if guess_language(rest) is None else None


_VOWELS = "aeiouy"


def _declined_word(word: str, language: str) -> str:
    """A pattern for a name's word with one of the case endings `language` gives it, never as it stands:
    Finnish adds to a final vowel and, with an "i", to a consonant ("Maya" -> "Mayalle", "Park" -> "Parkille");
    Croatian replaces a final "a" or "o" ("Mayom", "Marka"; "Mia" -> "Mijom") and adds to a consonant
    ("Parkom"); Lithuanian replaces a final "a" ("Mayai") and adds to a consonant ("Parku"). Only names
    ending in a plain Latin letter are given endings; "(?!)", matching nothing, stands for none."""
    last, stem = word[-1], re.escape(word[:-1])
    if not (last.isascii() and last.isalpha()):
        return "(?!)"
    vowel = last.lower() in _VOWELS
    if language == "fi":
        if vowel:
            return re.escape(word) + rf"(?:n|a|ä|ta|tä|ssa|ssä|sta|stä|lle|lla|llä|lta|ltä|ksi|na|nä|{last}n)"
        return re.escape(word) + "i(?:n|a|ä|in|ssa|ssä|sta|stä|lle|lla|llä|lta|ltä|ksi|na|nä)"
    if language == "hr":
        link = "j" if word[-2:-1].lower() in "aeiou" else ""  # "Mia" -> "Mije", "Lio" -> "Lija"; "Maya": "Mayom"
        if last == "a":
            return stem + link + "(?:e|i|u|om|o)"
        if last == "o":
            return stem + link + "(?:a|u|om|em)"
        return "(?!)" if vowel else re.escape(word) + "(?:a|u|om|em)"  # not "e": "Greene" is no "Green"
    if last == "a":
        return stem + "(?:os|ai|ą|oje)"
    return "(?!)" if vowel else re.escape(word) + "(?:as|o|ui|ą|u|ai)"


def _declined_mentions(text: str, people: Sequence[Person]) -> list[tuple[Person, re.Match[str]]]:
    """Where a text in a language that declines names names someone by their full name with a case ending
    ("Lio Parkille", "Mayom Chen"): capitalised as the directory writes it, each word as it stands or with
    an ending of that language, one at least with one. Whoever else the words there could be ("Lio
    Parkki" for "Lio Parkille", "Lia Park" for "Lijom Park") is named there too, so that it is asked."""
    language = _declining_language(text)
    if language is None:
        return []
    found: list[tuple[Person, re.Match[str]]] = []
    for person in people:
        words = name_without_title(person.name).split()
        if len(words) < 2:
            continue
        # The ending first: the edges of a mention are checked after the pattern matched, without backtracking.
        forms = r"[ \t]+".join(f"(?:{_declined_word(word, language)}|{re.escape(word)})" for word in words)
        for match in _mention_matches(text, person.name, case_blind=False, regex=forms):
            if match.group().split() != words:
                found.append((person, match))
    colliding = [(other, match) for person, match in found for other in people
                 if other != person and _could_be_named_at(text, match.start(), other)]
    return found + colliding


def _could_be_named_at(text: str, start: int, person: Person) -> bool:
    """Whether `person`'s name could be what stands at `start`, with any ending: each word begins as theirs
    does (three letters; two of a three-letter word, whose ending may change its last)."""
    words = name_without_title(person.name).split()
    if len(words) < 2:
        return False
    forms = r"[ \t]+".join(re.escape(word[:2] if len(word) <= 3 else word[:3]) + r"\w*" for word in words)
    return _name_pattern(forms, True).match(text, start) is not None


def _specialty_stems(person: Person) -> list[str]:
    """ "craniosacral therapy" -> ["craniosacr", "thera"]: stems that "craniosacral therapist" also starts with."""
    return [w if len(w) <= 5 else w[:-2] for w in re.findall(r"[^\W\d_]{4,}", person.specialty.casefold())]


def natural_order(name: str) -> str:
    """ "Rivera, Sam" (as corporate address books write it) as "Sam Rivera"; other names as they are."""
    match = re.fullmatch(r"\s*([^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){0,2}),\s*([^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){0,2})\s*",
                         name)
    return f"{match.group(2)} {match.group(1)}" if match else name.strip()


def _domain(address: str | None) -> str:
    return (address or "").rpartition("@")[2]


# Kana, CJK ideographs and Hangul are written without spaces: the name in "Maya Chenさん", "介绍给Maya
# Chen" or "田中先生" stands alone although a letter touches it; a one-character name does not ("明"
# in "明天", tomorrow).
_SPACELESS_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@lru_cache(maxsize=4096)
def _name_pattern(body: str, case_blind: bool) -> re.Pattern[str]:
    """Compiled once: a directory's names are looked for again and again."""
    return re.compile(body, re.IGNORECASE if case_blind else 0)


def _mention_matches(text: str, phrase: str, case_blind: bool = True, regex: str = "") -> Iterator[re.Match[str]]:
    """Where `phrase` (or `regex`, a pattern for its forms) stands as a word of its own. "@Lio Park" (a
    chat-style mention) names Lio; "sam@lio.example" and "Lionel" do not. The edges are checked here, not
    in the pattern: a class of those scripts costs a compile milliseconds, for each name."""
    loose = len(phrase) > 1 or not _SPACELESS_CHAR.match(phrase)

    def joins(char: str) -> bool:
        return (char.isalnum() or char == "_") and not (loose and _SPACELESS_CHAR.match(char))

    for match in _name_pattern(regex or re.escape(phrase), case_blind).finditer(text):
        start, end = match.start(), match.end()
        before = text[start - 1] if start else " "
        if before == "@":
            before = text[start - 2] if start > 1 else " "
        after = text[end] if end < len(text) else " "
        if before != "." and not joins(before) and after != "@" and not joins(after):
            yield match


def _mentions(text: str, phrase: str) -> bool:
    return bool(phrase) and next(_mention_matches(text, phrase), None) is not None


def _blank_mentions(text: str, phrase: str) -> str:
    """`text` with each mention of `phrase` blanked out."""
    for match in reversed(list(_mention_matches(text, phrase))):
        text = text[:match.start()] + " " + text[match.end():]
    return text


def _blanked(text: str, matches: Iterable[re.Match[str]]) -> str:
    """`text` with what the `matches` found in it blanked out, its length kept."""
    for match in sorted(matches, key=lambda match: match.start(), reverse=True):
        text = text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]
    return text


def _mentions_first_name(text: str, first_name: str) -> bool:
    """A capitalised first name (or in capitals: "LIO"), not followed by a capitalised word: "Sam
    Rivera" is someone else. Lower case is not a name: "may", "will" and "hope" are words."""
    return bool(first_name) and any(
        next(_mention_matches(text, form, case_blind=False, regex=re.escape(form) + r"(?![ \t]+[A-Z][\w'’-]*[a-z])"),
             None) is not None
        for form in {first_name, first_name.upper()})


def _domains_of(person: Person) -> set[str]:
    domains = set()
    website = re.sub(r"^[a-z]+://", "", person.website.lower()).split("/")[0]
    if website:
        domains.add(website.removeprefix("www."))
        domains.add("www." + website.removeprefix("www."))  # as people paste it
    return {d for d in domains if "." in d}


# "introduce Sam Rivera <sam@...> to Maya Chen", "connect Sam with Maya", "Sam, meet Maya". Both halves are bounded
# so that a long line is read in linear time: who is introduced fits in _MAX_FIRST characters, and "meet" is looked
# for only from a line's start or a comma (where the longest stretch before it starts anyway), not from every
# character of a 20,000-character line in turn.
_MAX_FIRST = 200
_DIRECT = re.compile(
    rf"(?:introduce|intro|connect|put|refer)\s+(?P<first>.{{1,{_MAX_FIRST}}}?)\s+(?:to|with|and|&|in touch with)\s+"
    r"(?P<second>[^\n]+)"
    r"|(?<![^\n,])(?P<meet_first>[^\n,]+),\s*meet\s+(?P<meet_second>[^\n]+)",
    re.IGNORECASE,
)
# The same, split at "to" or "with" only: "introduce Sam <...> and Kim <...> to Maya Chen" names two clients.
_DIRECT_TO = re.compile(rf"(?:introduce|intro|connect|put|refer)\s+(?P<first>.{{1,{_MAX_FIRST}}}?)\s+"
                        r"(?:to|with|in touch with)\s+(?P<second>[^\n]+)", re.IGNORECASE)
# Words right before a verb of introducing that make its clause a thing told, not asked: "Sam tried to connect with
# Maya Chen last year", "we had tried to connect her with Maya", "Sam doesn't want to connect with Maya", "I couldn't
# connect Sam with Maya", "I already put Sam in touch with Maya"; and "put", its own past, after who did it: "I put
# Sam in touch with Maya last year".
_TOLD_BEFORE = re.compile(r"(?<!\w)(?:(?:tried|wanted|hoped|meant|attempted|managed|failed|planned|used|wished"
                          r"|(?:was|were)[ \t]+(?:going|able)|(?:wasn['’]t|weren['’]t)[ \t]+able"
                          r"|(?:didn['’]t|doesn['’]t|did[ \t]+not|does[ \t]+not)[ \t]+want)[ \t]+to|had|has|have"
                          r"|['’]ve|already|did|didn['’]t|couldn['’]t|could[ \t]+not)[ \t]+$", re.IGNORECASE)
_DOER_BEFORE = re.compile(r"(?<!\w)(?:i|we|she|he|they)[ \t]+$", re.IGNORECASE)
_MAX_TOLD = 4  # told clauses looked past for the one that asks; a request tells of no more


def _asked_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of `pattern` (_DIRECT, _DIRECT_TO) whose verb asks rather than tells ("Sam tried to connect
    with Maya Chen last year. Please introduce her to Ben Okafor." asks for Ben), else the first, as told."""
    first = match = pattern.search(text)
    for _ in range(_MAX_TOLD):
        if match is None or not _told(text, match.start()):
            break
        match = pattern.search(text, match.start() + 1)
    return match if match is not None and not _told(text, match.start()) else first


def _told(text: str, start: int) -> bool:
    before = max(0, start - 40)
    return bool(_TOLD_BEFORE.search(text, before, start)
                or text[start:start + 3].lower() == "put" and _DOER_BEFORE.search(text, before, start))


_NAME_ONLY = re.compile(r"^[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,3}$")


def understand(message: EmailMessage, referrer: Person, directory: Directory, bot_address: str) -> Understood | Refusal:
    """Work out who should meet whom; never guesses between several people."""
    forward = find_forward(message)
    others = _other_recipients(message, referrer, directory, bot_address)
    if forward is not None:
        own_text = forward.note[:_MAX_REQUEST_CHARS]
        result = _from_forward(replace(forward, note=own_text), referrer, directory, bot_address, others)
        own_text = split_reply(own_text).new_text or own_text
    else:
        own_text = split_reply(body_text(message)).new_text[:_MAX_REQUEST_CHARS]
        if others:
            result = _from_cc(others, own_text, referrer, directory, bot_address)
            result = _with_guesses(result, result.note, referrer, directory, bot_address)
        else:
            result, own_text = _from_direct(message, own_text, referrer, directory, bot_address)
    held_back = holds_back(own_text, to_introbot=not others, forwarding=forward is not None)
    setting_aside = not others and sets_aside_last(own_text)
    return _refuse_if_wrong_people(replace(result, held_back=held_back, sets_aside_last=setting_aside), referrer,
                                   bot_address)


def _from_forward(forward: Forward, referrer: Person, directory: Directory, bot_address: str,
                  recipients: list[Candidate]) -> Understood:
    note = without_signature_of(referrer.name, split_reply(forward.note).new_text or forward.note.strip())
    original, client, hint, client_names = _client_of_forward(forward, note, referrer, directory, bot_address)
    colleague, options = _colleague_from_note(note, referrer, directory, bot_address, client, client_names)
    listed = _listed_as_requested(note, referrer, directory, bot_address, client, client_unsaid=True)
    if listed:  # "Could you introduce Sam to Maya Chen and Lio Park?"
        colleague, options = listed[0], ()
    if colleague is None:
        # Forwarded to a colleague with intro@ copied ("Hi Maya, could you see Sam?"): the one colleague
        # written to, when the note names no one else than them and their namesakes.
        written = [c for c in recipients if c.in_directory and (client is None or c.email != client.email)]
        if len(written) == 1 and all(o.person and o.person.first_name == written[0].person.first_name
                                     for o in options):
            colleague, options = written[0], ()
    understood = Understood("forward", client, colleague, _trim(note), client_hint=hint, options=options,
                            client_language=guess_language(original.body), further_colleagues=listed[1:])
    # Nothing written above the forward: a note typed at its end ("Lio - could you see Sam?") reads
    # like the client's own words, so who it names is only offered, never taken.
    return _with_guesses(understood, understood.note or original.body[-_TAIL_CHARS:], referrer, directory, bot_address)


_TAIL_CHARS = 600  # how much of the end of a forward a note typed below it is looked for in


_ClientFound = tuple[ForwardedMessage, Candidate | None, str, str]  # the message, client, hint, their names


def _client_of_forward(forward: Forward, note: str, referrer: Person, directory: Directory,
                       bot_address: str) -> _ClientFound:
    """Whose forwarded message it is: the client, how the question names them if they must be asked
    about, and the names that are theirs (not a colleague's) in the note."""
    original = forward.messages[0]
    own_domain = _domain(referrer.email)
    # Several messages attached, from different people outside the practice (the GP's letter and the
    # client's email): the one the note names is the client's, else who it is is asked.
    senders = _unique([m for m in forward.messages if m.attached and m.sender_address
                       and _domain(m.sender_address) not in _domains_of(referrer)], key=lambda m: m.sender_address)
    if len(senders) > 1:
        named = [m for m in senders if _names_sender(note, m)]
        if len(named) != 1:
            return original, None, "", " ".join(_sender_names(m) for m in senders)
        original = named[0]
    hint = natural_order(original.sender_name or "")
    # A forward of a forward written at the practitioner's own practice (the front desk passing on a
    # client's email): the client is further in, and which message is theirs is asked, not guessed.
    if len(forward.messages) > 1 and _domain(original.sender_address) == own_domain:
        hint = next((natural_order(m.sender_name or "") for m in forward.messages[1:]
                     if _domain(m.sender_address) != own_domain), hint)
        return original, None, hint, hint
    via = _VIA_GROUP.fullmatch(original.sender_name or "")
    if via:  # "'Sam Rivera' via Front Desk": a group wrote over the client's address with its own
        return original, None, natural_order(via.group(1)), via.group(1)
    if original.sender_address == referrer.email:
        # The practitioner forwarded a message they wrote themselves: the client is who they wrote to,
        # and the name on it is the practitioner's own, no hint of the client's.
        written_to = [a for a in original.to if a not in (referrer.email, bot_address)]
        client = directory.candidate(written_to[0]) if len(written_to) == 1 else None
        return original, client, "", " ".join(a.split("@")[0] for a in written_to)  # "sam" of sam@...
    if original.sender_address and _passes_on_a_form(original.sender_address.split("@")[0]):
        # A website form's or helpdesk's notification: the client is the one address in what it says.
        client = _only_outsider_in(original.body, referrer, directory, bot_address,
                                   also_excluded={original.sender_address})
        name = _FORM_NAME.search(original.body)
        hint = " ".join(name.group(1).split()) if name else ""
        if client is not None and hint and not client.name:
            client = replace(client, name=hint)
        return original, client, hint, hint
    client = directory.candidate(original.sender_address, original.sender_name or "") if original.sender_address else None
    return original, client, hint, hint


# "'Sam Rivera' via Front Desk" (Google Groups), "Sam Rivera via Calendly"
_VIA_GROUP = re.compile(r"['\"]?(.+?)['\"]? via .+")
# Local parts of the robots that pass on what a client typed into a website form or a helpdesk.
_FORM_SENDER = re.compile(r"form[-_.]?submissions?|forms?|notifications?|notify|wordpress|webmaster|mailer|support"
                          r"|helpdesk|help", re.IGNORECASE)


def _passes_on_a_form(local_part: str) -> bool:
    return "no-reply" in robot_roles(local_part) or _FORM_SENDER.fullmatch(local_part) is not None
_FORM_NAME = re.compile(r"^[ \t]*(?:full[ \t]+)?name[ \t]*:[ \t]*([^\W\d_][^\n@:]{0,60})$", re.IGNORECASE | re.MULTILINE)


def _sender_names(message: ForwardedMessage) -> str:
    return " ".join(filter(None, [natural_order(message.sender_name or ""), (message.sender_address or "").split("@")[0]]))


def _names_sender(note: str, message: ForwardedMessage) -> bool:
    """The note names the sender of `message`: by address, full name, or a first name that is theirs."""
    name = natural_order(message.sender_name or "")
    forms = [message.sender_address or "", name, name.split()[0] if name.split() else ""]
    return any(form and _mentions(note, form) for form in forms)


def _from_cc(others: list[Candidate], note: str, referrer: Person, directory: Directory,
             bot_address: str) -> Understood:
    outsiders = [c for c in others if not c.in_directory]
    if len(outsiders) > 1:
        # The practice's front desk or the practitioner's own other address, copied in, is not the client.
        outsiders = [c for c in outsiders if not _on_referrer_side(c, referrer)] or outsiders
    insiders = [c for c in others if c.in_directory]
    client = outsiders[0] if len(outsiders) == 1 else None
    if client is None and not outsiders:
        client = _only_outsider_in(note, referrer, directory, bot_address)  # "my client sam@..."
    # The colleagues written to are addressed by name ("Hi Maya,"): that names no one else.
    addressed = " ".join(insider.name for insider in insiders)
    colleague, options = _colleague_from_note(note, referrer, directory, bot_address, client, addressed)
    recipient = insiders[0] if len(insiders) == 1 else None
    if recipient is not None and client is None:
        if colleague is not None and colleague.email != recipient.email and _named_surely(note, colleague):
            client = recipient  # "Sam, meet Lio Park": written to one colleague about another
        else:
            colleague, options = recipient, ()  # "Hi Maya, could you see Sam?": written to the colleague
    elif recipient is not None and colleague is None and not options:
        colleague = recipient
    # "Sam, I'm asking my assistant to introduce you to Maya Chen and Lio Park", written to Sam.
    listed = _listed_as_requested(note, referrer, directory, bot_address, client) if client else ()
    if listed:
        colleague, options = listed[0], ()
    return Understood("cc", client, colleague, _own_note(referrer, note), options=options,
                      client_language=guess_language(note), further_colleagues=listed[1:])


def _on_referrer_side(candidate: Candidate, referrer: Person) -> bool:
    """At the practice's own website domain (never a public one such as gmail.com: the client may use it
    too), or the practitioner's own name."""
    return _domain(candidate.email) in _domains_of(referrer) or (
        bool(candidate.name) and candidate.name.casefold() == name_without_title(referrer.name).casefold())


def _from_direct(message: EmailMessage, own_text: str, referrer: Person, directory: Directory,
                 bot_address: str) -> tuple[Understood, str]:
    """A request written to introbot alone: from its own text, or, when that names no one, from its subject
    line with it ("Intro: Sam Rivera <sam@...> to Maya Chen", typed on a phone with nothing below). Returns
    what was understood, and the words it was read from (for words holding it back). The note is the
    body's own text either way: the subject is the referrer's words to introbot, not to the colleague."""
    told = _tells_only(own_text, referrer, directory, bot_address)
    if told:  # "Sam tried to connect with Maya Chen last year.": as a message asking for nothing, it names no one
        result = Understood("direct", None, None, _own_note(referrer, own_text))
    else:
        result = _from_direct_line(own_text, referrer, directory, bot_address)
        result = _with_guesses(result, result.note, referrer, directory, bot_address)
    subject = strip_subject_prefixes(_words_within(str(message.get("Subject", "")), _MAX_SUBJECT_CHARS)).strip()
    if _names_anyone(result) or not subject:
        return result, own_text
    both = f"{subject}\n{own_text}"
    from_subject = _from_direct_line(subject if told else both, referrer, directory, bot_address)
    from_subject = _with_guesses(from_subject, from_subject.note, referrer, directory, bot_address)
    if not _names_anyone(from_subject):
        # With nothing below it, the subject is all the referrer wrote: "Please ignore my last email".
        return result, own_text if own_text.strip() else both
    return replace(from_subject, note=result.note), both


def _words_within(text: str, limit: int) -> str:
    """The words of `text` that end within its first `limit` characters: a word cut in two at the limit (an
    address: "sam@gmail.co" of "sam@gmail.com") is left out, not read for another."""
    return text if len(text) <= limit else re.sub(r"\S*$", "", text[:limit + 1])


def _tells_only(text: str, referrer: Person, directory: Directory, bot_address: str) -> bool:
    """The referrer's `text` tells what happened and asks for nothing: each sentence naming someone (by address or
    as the directory knows them) or with a verb of introducing tells (see _TELLS: "Sam tried to connect with Maya
    Chen last year."), with no verb of introducing that asks, and no sentence asks ("Please introduce her to Ben
    Okafor.", "Could Lio see her?")."""
    note = _referrers_words(referrer, text)  # all of them: a request below the first lines still asks
    if _ASKS.search(note):
        return False
    excluded = frozenset({referrer.email, bot_address})
    sentences = [s for s in _SENTENCE_END.split(note)
                 if asking_verbs(s) or directory.named_in(s, excluded)
                 or any(a.email not in excluded for a in addresses_in_text(s))]
    return bool(sentences) and all(_TELLS.search(s) and all(_told(s, at) for at in asking_verbs(s))
                                   for s in sentences)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")


def _names_anyone(understood: Understood) -> bool:
    return bool(understood.client or understood.colleague or understood.options or understood.client_hint
                or understood.further_colleagues)


def _from_direct_line(text: str, referrer: Person, directory: Directory, bot_address: str) -> Understood:
    match = _asked_match(_DIRECT, text)
    if match is None:
        # Not worded as we know ("Pls intro ...", another language): an address outside the directory
        # is the client, and the colleague is looked for among the rest.
        client = _only_outsider_in(text, referrer, directory, bot_address)
        colleague, options = _colleague_from_note(text, referrer, directory, bot_address, client)
        return Understood("direct", client, colleague, _own_note(referrer, text), options=options)
    to_match = _asked_match(_DIRECT_TO, text)
    if to_match is not None and len([a for a in addresses_in_text(to_match.group("first"))
                                     if directory.by_email(a.email) is None]) > 1:
        # "introduce Sam <...> and Kim <...> to Maya Chen": two clients, neither of them a colleague. An intro
        # asks one client, so which one is asked of the referrer.
        listed = _listed_as_requested(text, referrer, directory, bot_address, None)
        colleague, options = (listed[0], ()) if listed else _colleague_from_note(
            to_match.group("second"), referrer, directory, bot_address, None)
        return Understood("direct", None, colleague, _own_note(referrer, text), options=options,
                          further_colleagues=listed[1:])
    first = match.group("first") or match.group("meet_first")
    second = match.group("second") or match.group("meet_second")
    first_party, first_hint, first_sure = _resolve_phrase(first, directory)
    if first_party is None and _PRONOUN.fullmatch(first.strip(" .,:;!?\"'")):
        # "Sam Rivera <sam@...> has back pain; please connect her with Maya": "her" is the one outsider named
        first_party, first_sure = _only_outsider_in(text, referrer, directory, bot_address), True
    second_party, _, _ = _resolve_phrase(_first_sentence(second), directory)
    options: tuple[Candidate, ...] = ()
    if second_party is None and first_party is not None and not first_party.in_directory:
        # "to Maya (massage) at bodywork.example", "to a colleague? I think Lio Park would suit."
        second_party, options = _colleague_from_note(second, referrer, directory, bot_address, first_party)
    client, colleague = first_party, second_party
    # The person outside the directory is the client, whichever way round the sentence put them.
    if client is not None and colleague is not None and client.in_directory and not colleague.in_directory:
        client, colleague = colleague, client
    elif client is not None and client.in_directory and not first_sure:
        # "introduce Sam to Lio": a client who shares a colleague's first name is not that colleague.
        client, first_hint = None, first.strip(" .,:;!?\"'")
    if client is None and first_party is None and second_party is not None and second_party.in_directory:
        colleague = second_party
    outsider = client if client is not None and not client.in_directory else None
    listed = _listed_as_requested(text, referrer, directory, bot_address, outsider)
    if listed:  # "introduce Sam to Maya Chen and Lio Park", or "introduce Maya Chen and Lio Park to Sam <...>"
        colleague, options = listed[0], ()
    return Understood("direct", client, colleague, _own_note(referrer, text), client_hint=first_hint,
                      options=options, further_colleagues=listed[1:])


_PRONOUN = re.compile(r"her|him|them", re.IGNORECASE)


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z\]>)])[.!?;](?:\s|$)", text, maxsplit=1)[0]


def _resolve_phrase(phrase: str, directory: Directory) -> tuple[Candidate | None, str, bool]:
    """A phrase of a direct line as a candidate, or as a bare name to ask the referrer about; and
    whether it is sure (an address or a full name, not a first name that someone else may share)."""
    addresses = addresses_in_text(phrase)
    if addresses:
        found = addresses[0]
        name = _without_request_words(found.name) or _name_just_before(phrase, found.email)
        return directory.candidate(found.email, name), "", True
    named = directory.named_in(phrase)
    if len(named) == 1:
        sure = _mentions(phrase.casefold(), name_without_title(named[0].name).casefold())
        return directory.candidate(named[0].email), "", sure
    cleaned = _without_request_words(phrase.strip(" .,:;!?\"'"))
    if all(word.casefold() in _NO_NAME_WORDS for word in cleaned.split()):
        cleaned = ""  # "my new client", "a patient of mine": no name to call them by
    return None, cleaned if _NAME_ONLY.match(cleaned) else "", False


# Words that, all alone, name nobody in particular ("a new patient of mine", "this lady").
_NO_NAME_WORDS = frozenset({"a", "an", "the", "this", "that", "of", "mine", "ours", "someone", "somebody", "person",
                            "lady", "man", "woman", "guy", "gentleman", "friend", "her", "him", "them", "new", "client",
                            "patient", "clients", "patients", "young", "older", "elderly", "one", "here"})


def _name_just_before(text: str, email: str) -> str:
    """ "my client Sam Rivera, sam@..." -> "Sam Rivera": up to three capitalised words before the address."""
    at = text.lower().find(email)
    if at < 0:  # written in another form (an internationalised domain): no name to take
        return ""
    match = re.search(r"((?:[A-Z][\w'’.-]*[ \t]+){0,2}[A-Z][\w'’.-]*)[ \t]*[,:(<\[\"']*[ \t]*$", text[:at])
    return _without_request_words(match.group(1)) if match else ""


# Words of a request that stand before a name without being part of it ("Please introduce Sam Rivera <...>").
_REQUEST_WORDS = frozenset({
    "please", "pls", "kindly", "introduce", "intro", "connect", "refer", "meet", "my", "our", "client",
    "patient", "new", "hi", "hello", "dear", "and", "to", "with", "could", "can", "you", "would",
    "bitte", "mein", "meine", "meinen", "svp", "stp", "mon", "ma", "por", "favor", "per", "favore", "mi",
    "mio", "mia", "cliente", "paciente", "paziente", "klient", "klientin", "patientin",
})


def _without_request_words(name: str) -> str:
    words = name.split()
    while words and words[0].casefold().strip(",.:") in _REQUEST_WORDS:
        words = words[1:]
    return " ".join(words)


def _named_surely(text: str, candidate: Candidate) -> bool:
    """Named by address or full name, not by a first name the unknown client may share."""
    return candidate.email in text.lower() or (candidate.person is not None and _mentions(
        text.casefold(), name_without_title(candidate.person.name).casefold()))


def _only_outsider_in(text: str, referrer: Person, directory: Directory, bot_address: str,
                      also_excluded: frozenset[str] | set[str] = frozenset()) -> Candidate | None:
    """The one address in `text` of someone outside the directory (the client), if there is exactly one."""
    outside = _unique([directory.candidate(a.email, _without_request_words(a.name) or _name_just_before(text, a.email))
                       for a in addresses_in_text(text)
                       if a.email != referrer.email and not _is_bot_alias(a.email, bot_address)
                       and directory.by_email(a.email) is None and a.email not in also_excluded])
    return outside[0] if len(outside) == 1 else None


def _colleague_from_note(note: str, referrer: Person, directory: Directory, bot_address: str,
                         client: Candidate | None, client_hint: str = "") -> tuple[Candidate | None, tuple[Candidate, ...]]:
    """The colleague a note names by address, name or website; several who fit are options to ask about."""
    found = _named_colleagues(note, referrer, directory, bot_address, client, client_hint)
    # "Maya Chen, not Maya Alvarez" leaves Maya Chen; "Not Lio, he's full" leaves no one, so ask; when
    # everyone named is ruled out, they are still the ones to choose among.
    kept = [c for c in found if not _ruled_out(note, c)]
    if kept or len(found) == 1:
        found = kept
    asked = [c for c in found if not _only_told_of(note, c)]
    if any(_asked_for(note, c) for c in asked):  # "She tried to connect with Maya Chen last year. Could Lio see her?"
        found = asked
    if len(found) > 1:
        found = _narrow(found, note)
    if len(found) == 1:
        return found[0], ()
    return None, tuple(found)


def _named_colleagues(text: str, referrer: Person, directory: Directory, bot_address: str,
                      client: Candidate | None, client_hint: str = "", hide_client_names: bool = True) -> list[Candidate]:
    """Everyone but the referrer, the bot and the client that `text` names by address, name or website
    (where the client's names, blanked, name no namesake unless `hide_client_names` is off). An address
    and a name for different people ("Lio could see her; her own address is ...") are two candidates,
    not an address that wins."""
    excluded = frozenset({referrer.email, bot_address} | ({client.email} if client else set()))
    by_address = [directory.candidate(a.email, a.name) for a in addresses_in_text(text)
                  if a.email not in excluded and not _is_bot_alias(a.email, bot_address)]
    named_text = _without_client_names(text, client, client_hint) if hide_client_names else text
    return _unique(by_address + [directory.candidate(p.email) for p in directory.named_in(named_text, excluded)])


# Where a list of colleagues may start in a request: right after "introduce Sam to" (or "meet"), or, the
# other way round, right after "introduce" ("introduce Maya Chen and Lio Park to Sam <...>").
# Above a forward, "introduce to" starts the list only where it is asked for: where a sentence starts or after
# "please", "could you" ("Please introduce to Maya Chen and Lio Park"), not where it is told or refused ("she
# tried to connect with Maya Chen and Lio Park", "I would not refer to ...", "Do not introduce to ...").
_INTRODUCE_TO = re.compile(r"(?:^|(?<=[.!?;:])|(?<!\w)(?:please|pls|kindly|could[ \t]+you|can[ \t]+you|would[ \t]+you)"
                           r"(?:[ \t]+(?:also|now|then|please))*)[ \t]*(?:introduce|intro|connect|refer)[ \t]+"
                           r"(?:to|with)[ \t]+", re.IGNORECASE | re.MULTILINE)
_LIST_LEAD = re.compile(r"[ \t]*(?:(?:both|each of|all of)[ \t]+)?(?:(?:my|our)[ \t]+colleagues[ \t]+)?",
                        re.IGNORECASE)


def _listed_as_requested(text: str, referrer: Person, directory: Directory, bot_address: str,
                         client: Candidate | None, client_unsaid: bool = False) -> tuple[Candidate, ...]:
    """The colleagues a request asks for as one list, when the list is what introducing is asked for:
    "introduce Sam to Maya Chen and Lio Park", "Sam, meet Maya Chen and Lio Park" (with "both" or "my
    colleagues" before it), or "introduce Maya Chen and Lio Park to Sam <...>". A list said for another
    reason ("Sam has seen Maya Chen and Lio Park", "Hi Maya, Lio Park and Jo Berg are full") is not one:
    those people are asked about. Only English words of introducing are read; in other languages the
    referrer's answer to the question which colleague ("1 und 2", "les deux") takes several. The client's
    names are not blanked here: the list stands where the request puts the colleagues, so a client
    called Lio does not hide Lio Park in it. Above a forward (`client_unsaid`), the client goes without saying:
    "Please introduce to Maya Chen and Lio Park"; written to the client, "please connect with" is said to them."""
    matches = [m for m in (_asked_match(_DIRECT, text), _asked_match(_DIRECT_TO, text)) if m is not None]
    # Where the colleagues stand: after "to" or "meet", or (the other way round) right after "introduce",
    # where only people of the directory are colleagues ("introduce sam@... and kim@... to ..." lists clients).
    starts = [(m.start(group), group == "first") for m in matches for group in ("second", "meet_second", "first")
              if group in m.re.groupindex and m.start(group) >= 0]
    if client_unsaid:
        starts += [(m.end(), False) for m in _INTRODUCE_TO.finditer(text)]
    for start, reversed_order in dict.fromkeys(starts):
        pool = _named_colleagues(text[start:], referrer, directory, bot_address, client, hide_client_names=False)
        listed = _list_at(text, _LIST_LEAD.match(text, start).end(), pool)
        if listed and (not reversed_order or all(c.in_directory for c in listed)):
            return listed
    return ()


MAX_COLLEAGUES_PER_REQUEST = 3  # more asks than this at once would crowd the client's inbox: asked about instead
_JOINERS = r"and|&|\+|plus|as well as|und|sowie|et|ainsi que|y|e|en|och|samt|og|i|oraz|ja|és"
# What may stand between the names of a list: a comma or an "and" (a line may end there), after the end of an
# address in brackets or a specialty in brackets ("Maya Chen (massage), Lio Park and ...").
_LIST_GAP = re.compile(rf"[ \t>)\]\"']*(?:\([^()\n]{{0,60}}\)[ \t]*)?(?P<comma>,)?[ \t]*\n?[ \t]*"
                       rf"(?:(?P<joined>{_JOINERS})(?!\w)[ \t]*\n?[ \t]*)?", re.IGNORECASE)
# What, right after a list, makes it something else: a choice ("Maya Chen and Lio Park\nor Jo Berg") or
# someone of the last person's ("Lio Park's colleague").
_LIST_NOT_ENDED = re.compile(r"['’]s(?!\w)|[ \t,]*\n?[ \t]*(?:or|oder|ou|o|of|eller|lub|albo|oppure)(?!\w)",
                             re.IGNORECASE)
# What may join an address to the name it belongs to: "Maya Chen <maya@...>", "Maya Chen (maya@...)".
_SAME_PERSON_GAP = re.compile(r"[ \t<>()\[\],:\"']*")


def _list_at(text: str, start: int, pool: Sequence[Candidate]) -> tuple[Candidate, ...]:
    """The people of `pool` that `text` lists from `start` on ("Maya Chen and Lio Park", "maya@..., lio@...
    and jo@...", a name with its address or a specialty in brackets, wrapped over a line end): two to
    MAX_COLLEAGUES_PER_REQUEST, joined by commas and an "and", each named by a mention that is theirs alone
    (not the "Maya" of two Mayas), the list not going on as a choice or a possessive. Else ()."""
    mentions = sorted(((m.start(), m.end(), c) for c in pool for m in _all_mentions(text, c)), key=lambda m: m[:2])
    listed: list[Candidate] = []
    joined = False
    position, end = start, start
    while True:
        here = [(m_end, c) for m_start, m_end, c in mentions if m_start == position]
        if len({c.email for _, c in here}) != 1:
            if here:
                return ()  # one mention could be two people's
            break
        candidate, end = here[0][1], max(m_end for m_end, _ in here)
        for m_start, m_end, c in mentions:  # the same person's address right after their name
            if c == candidate and m_start >= end and _SAME_PERSON_GAP.fullmatch(text, end, m_start):
                end = max(end, m_end)
        if candidate in listed:
            return ()
        listed.append(candidate)
        gap = _LIST_GAP.match(text, end)
        following = [c for m_start, _, c in mentions if m_start == gap.end()]
        if not (gap.group("comma") or gap.group("joined")) or not following:
            break
        joined = joined or bool(gap.group("joined"))
        position = gap.end()
    if not joined or not 2 <= len(listed) <= MAX_COLLEAGUES_PER_REQUEST or _LIST_NOT_ENDED.match(text, end):
        return ()
    return tuple(listed)


def _listed_alone(text: str, found: Sequence[Candidate]) -> tuple[Candidate, ...]:
    """The people of `found` when the short `text` (an answer to a question) lists them all, and no one else."""
    starts = [m.start() for c in found for m in _all_mentions(text, c)]
    listed = _list_at(text, min(starts), found) if starts else ()
    return listed if len(listed) == len(found) else ()


def _all_mentions(note: str, candidate: Candidate) -> list[re.Match[str]]:
    """Every place the note names the candidate: their address, full name, or capitalised first name not
    followed by another name ("Maya Alvarez" does not name Maya Chen)."""
    found = list(_mention_matches(note, candidate.email))
    if candidate.person is not None:
        first = candidate.person.first_name
        full = list(_mention_matches(note, name_without_title(candidate.person.name)))
        in_full = {position for f in full for position in range(f.start(), f.end())}  # a set: a line of names
        found += full + [m for m in _mention_matches(note, first, case_blind=False,
                                                     regex=re.escape(first) + r"(?![ \t]+[A-Z][\w'’-]*[a-z])")
                         if m.start() not in in_full]
    return found


def _without_client_names(note: str, client: Candidate | None, client_hint: str) -> str:
    """The note with the client's names blanked: their display name, the name in their address
    ("sam@..."), a short form ("Sam" for Samantha) must not make a namesake in the directory look
    like the colleague."""
    forms = set(client_hint.split())
    if client is not None:
        forms |= set(client.name.split()) | set(re.split(r"[._+\-\d]+", client.email.split("@")[0]))
    for word in (w for w in forms if len(w) > 1):
        note = re.sub(rf"(?<![\w@.])(?i:{re.escape(word[:3])}\w*)(?![\w@])",
                      lambda m, w=word: " " if w.lower().startswith(m.group().lower()) else m.group(), note)
    return note


def _with_guesses(result: Understood, text: str, referrer: Person, directory: Directory,
                  bot_address: str) -> Understood:
    """With no colleague named surely, the directory people `text` may mean are offered as options."""
    if result.colleague is not None or result.options:
        return result
    excluded = frozenset({referrer.email, bot_address} | ({result.client.email} if result.client else set()))
    text = _without_client_names(text, result.client, result.client_hint)
    guesses = [directory.candidate(p.email) for p in directory.guessed_in(text, excluded)]
    return replace(result, options=tuple(c for c in guesses if not _ruled_out(text, c)))


# Words that, right before a name, rule that person out ("Maya Chen, not Maya Alvarez", "statt Maya"). Those of
# Finnish, Croatian and Lithuanian ("ne s Mayom Alvarez") only in a note in that language: "Ei Maya" is a
# Portuguese "hey", "ne" an Italian pronoun.
_RULING_OUT_WORDS = (r"not|rather than|instead of|nicht|statt|anstatt|pas|plutôt que|no|en vez de|en lugar de|"
                     r"non|invece di|não|em vez de|niet|in plaats van|inte|istället för|ikke|i stedet for|nie|"
                     r"zamiast")
_RULING_OUT_IN = {"fi": "ei", "hr": r"umjesto|ne(?:[ \t]+(?:s|sa|su))?", "lt": "vietoj|ne"}


@lru_cache(maxsize=None)
def _ruling_out(language: str | None) -> re.Pattern[str]:
    words = _RULING_OUT_WORDS + ("|" + _RULING_OUT_IN[language] if language in _RULING_OUT_IN else "")
    # "not Maya", and with an article between: "não a Maya", "nicht die Maya"
    return re.compile(rf"(?<!\w)(?:{words})(?:[ \t]+(?:a|o|la|le|el|der|die|de|het))?[ \t]+$", re.IGNORECASE)


def _ruled_out(note: str, candidate: Candidate, refused: Sequence[tuple[int, int]] = (),
               choosing: bool = False) -> bool:
    """Every mention of the candidate (address, full name with or without a case ending, else first name)
    stands right after a "not", or within one of the `refused` spans of the note (see holding.refusals). In an
    answer `choosing` among the colleagues offered, also after "anyone but", "never", "not with", or before what
    says she is away ("Lio is on leave", "lio's away"): see _ruled_out_in_choosing."""
    person = candidate.person
    forms = [candidate.email]
    spans: list[tuple[int, int]] = []
    if person is not None:
        full_name = name_without_title(person.name)
        forms.append(full_name if _mentions(note, full_name) else person.first_name)
        spans = [m.span() for _, m in _declined_mentions(note, [person])]
    spans += [m.span() for form in forms if form
              for m in _mention_matches(note, form)]
    if not spans:
        return False
    ruling_out = _ruling_out(_declining_language(note))
    return all(ruling_out.search(note, max(0, start - 40), start) or any(s <= start < e for s, e in refused)
               or (choosing and _ruled_out_in_choosing(note, start, end, refused))
               for start, end in spans)


# Asked which colleague, an answer rules one out in more words than a "not": "Anyone but Lio", "Never Lio", "Not
# with Lio", "Except Lio"; "Don't introduce her to anyone but Maya" refuses all but Maya, and chooses her.
_RULED_OUT_BEFORE = re.compile(
    r"(?<!\w)(?:(?:any|anyone|anybody|someone|everyone|everybody)[ \t]+(?:but|except(?:[ \t]+for)?|other[ \t]+than"
    r"|apart[ \t]+from)|never|except(?:[ \t]+for)?|apart[ \t]+from|(?:not|nicht|pas|no|non|não|niet|inte|ikke|nie)"
    r"[ \t]+(?:with|to|mit|zu|avec|à|con|a|com|met|aan|med|til|till|z|do))[ \t]+$", re.IGNORECASE)
# ... or in what it says of her right after her name: "Lio is on leave", "lio's away", "Lio ist im Urlaub", "Lio
# isn't available", "Lio doesn't do massage".
_AWAY_AFTER = re.compile(
    r"[ \t]+(?:isn['’]t|is[ \t]+not|won['’]t|can['’]t|cannot|doesn['’]t|does[ \t]+not|n['’]est[ \t]+pas|ist[ \t]+nicht"
    r"|kann[ \t]+nicht|no[ \t]+está|no[ \t]+puede)(?!\w)"
    r"|(?:['’]s|[ \t]+(?:is|isn['’]t|is[ \t]+not|has[ \t]+been|ist|est|n['’]est[ \t]+pas|está|è|er|är|jest))?[ \t]+"
    r"(?:(?:currently|still|now|fully|completely|gerade|noch|actuellement|encore)[ \t]+)?"
    r"(?:away|off|out|on[ \t]+(?:leave|holiday|vacation|sabbatical|maternity[ \t]+leave|sick[ \t]+leave)|full"
    r"|busy|booked(?:[ \t]+up)?|unavailable|not[ \t]+available|im[ \t]+urlaub|in[ \t]+elternzeit|ausgebucht|voll"
    r"|abwesend|nicht[ \t]+da|en[ \t]+congé|en[ \t]+vacances|absente?|complète?|indisponible|disponible"
    r"|de[ \t]+vacaciones|de[ \t]+baja|completa|in[ \t]+ferie|op[ \t]+vakantie|met[ \t]+verlof|på[ \t]+semester"
    r"|på[ \t]+ferie|na[ \t]+urlopie)(?!\w)", re.IGNORECASE)

# ... or in a "no" said right after her name, that ends its clause ("Lio - no way", "lio nicht", "Lio? Nope.", "Lio
# lieber nicht", "lio surtout pas", "Lio de ninguna manera", "Lio is a no", "Lio non plus", "Lio tampoco"); a "no"
# before another name is that one's ("Maya, not Lio"), one with more words is about something else ("Maya - no
# doubt"), and a question tag is no "no" ("Maya, no?", "Maya, non ?").
_NO_AFTER = re.compile(
    r"(?:[ \t]+is|['’]s)[ \t]+a[ \t]+no(?:[ \t-]+go)?"
    r"|[ \t]*(?:[,:?\-–—][ \t]*)?(?:no[ \t]+way|not[ \t]+(?:her|him|them|at[ \t]+all|either)"
    r"|(?:absolutely|definitely|certainly|rather|better)[ \t]+not|no|not|nope|nah|never|neither|nein|nicht"
    r"|(?:lieber|bloß|bitte|besser|eher|auch)[ \t]+nicht|keinesfalls|auf[ \t]+keinen[ \t]+fall|non|pas|jamais"
    r"|(?:surtout|certainement|plutôt)[ \t]+pas|pas[ \t]+question|non[ \t]+plus|hors[ \t]+de[ \t]+question|nunca"
    r"|tampoco|mejor[ \t]+no|de[ \t]+ninguna[ \t]+manera|de[ \t]+ningún[ \t]+modo|ni[ \t]+hablar|para[ \t]+nada)"
    r"(?:[ \t,]+(?:thanks|thank[ \t]+you|please|sorry|danke|bitte|merci|gracias|por[ \t]+favor))?"
    r"(?=[ \t]*(?:[.,;:!)\n\-–—]|$))", re.IGNORECASE)


def _ruled_out_in_choosing(note: str, start: int, end: int, refused: Sequence[tuple[int, int]]) -> bool:
    """The mention of a colleague at `start`..`end` of an answer choosing among those offered is ruled out by
    the words before it ("Anyone but Lio") unless they follow a refusal ("Don't introduce her to anyone but
    Maya": refusing all but her), or by the words after it ("Lio is on leave", "Lio - no way")."""
    before = _RULED_OUT_BEFORE.search(note, max(0, start - 40), start)
    if before is not None and not any(s <= before.start() <= e + 2 and not note[e:before.start()].strip(" \t,")
                                      or s <= before.start() < e for s, e in refused):
        return True
    return _AWAY_AFTER.match(note, end) is not None or _NO_AFTER.match(note, end) is not None


# A sentence telling of what happened before ("She tried to connect with Maya Chen last year", "Sam already saw
# Maya Chen", "Sie war letztes Jahr bei Maya Chen", "Elle a déjà vu Maya Chen", "El año pasado vio a Maya Chen"; a
# "before" only where its clause ends: "She saw Maya Chen before", not "Maya Chen, before her surgery") ...
_TELLS = re.compile(r"(?<!\w)(?:tried|wanted|hoped|already|previously|before(?=[ \t]*(?:[.,;:!?)\n\-–—]|$))"
                    r"|last[ \t]+(?:year|month|week|time)"
                    r"|years?[ \t]+ago|used[ \t]+to|saw|seen|visited|was[ \t]+referred|went|letztes[ \t]+jahr"
                    r"|letzten[ \t]+monat|bereits|schon|früher|war[ \t]+bei|l['’]an[ \t]+dernier"
                    r"|l['’]année[ \t]+dernière|déjà|a[ \t]+vu|avait|auparavant|el[ \t]+año[ \t]+pasado|anteriormente"
                    r"|ya[ \t]+(?:vio|estuvo|fue)|vio|intentó)(?!\w)", re.IGNORECASE)
# ... unless it asks or proposes: "Maya Chen saw her before - could she see her again?", "Maya Chen would be great
# too, she saw her before".
_ASKS = re.compile(r"\?|(?<!\w)(?:please|pls|kindly|could|can|would|might|too|also|as[ \t]+well|bitte|könntest|kannst"
                   r"|könnten|würde|wäre|auch|pourrais|pourriez|pouvez|peux|serait|aussi|merci[ \t]+de|por[ \t]+favor"
                   r"|podrías|podría|puedes|sería|también)(?!\w)", re.IGNORECASE)


def _only_told_of(note: str, candidate: Candidate) -> bool:
    """Every sentence naming the candidate tells of what happened before and asks nothing: the colleague the client
    saw or tried before is no colleague asked for."""
    sentences = _sentences_around(note, [m.start() for m in _all_mentions(note, candidate)], with_end=True)
    return bool(sentences) and all(_TELLS.search(s) and not _ASKS.search(s) for s in sentences)


def _asked_for(note: str, candidate: Candidate) -> bool:
    """A sentence naming the candidate asks ("Could Lio Park see her?", "Please introduce her to Lio Park.")."""
    return any(_ASKS.search(sentence) for sentence in
               _sentences_around(note, [m.start() for m in _all_mentions(note, candidate)], with_end=True))


def _narrow(candidates: list[Candidate], note: str) -> list[Candidate]:
    """Among people sharing a first name, those whose specialty or website the note also mentions."""
    folded = note.casefold()
    for clue in (lambda p: [w for w in p.specialty.casefold().split() if len(w) > 3], _domains_of):
        # A word every candidate's clue has ("therapy" in "massage therapy" and "movement therapy")
        # tells them apart from nobody.
        clues = {c.email: set(clue(c.person)) if c.person else set() for c in candidates}
        shared = set.intersection(*clues.values()) if clues else set()
        fitting = [c for c in candidates if any(_mentions(folded, word) for word in clues[c.email] - shared)]
        if len(fitting) == 1:
            return fitting
        if fitting:
            candidates = fitting
    return candidates


def _unique(items: list[T], key: Callable[[T], object] = lambda candidate: candidate.email) -> list[T]:
    """`items` in order, the first of each key only (candidates: by address)."""
    seen: dict[object, T] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _is_bot_alias(email: str, bot_address: str) -> bool:
    local, _, domain = bot_address.partition("@")
    return email.endswith("@" + domain) and email.split("@")[0].split("+")[0] == local


def _other_recipients(message: EmailMessage, referrer: Person, directory: Directory,
                      bot_address: str) -> list[Candidate]:
    """Who else the practitioner wrote to (a CC to intro@): To and Cc minus themselves and the bot."""
    found: list[Candidate] = []
    for header in ("To", "Cc"):
        for value in raw_header_values(message, header):  # as written: the stdlib's reading can be tricked
            try:
                addresses = parse_address_list(value)
            except AddressError:
                continue
            found.extend(directory.candidate(a.email, a.name) for a in addresses
                         if a.email != referrer.email and not _is_bot_alias(a.email, bot_address))
    return _unique(found)


def _refuse_if_wrong_people(understood: Understood, referrer: Person, bot_address: str) -> Understood | Refusal:
    colleagues = [c for c in (understood.colleague, *understood.further_colleagues) if c is not None]
    people = colleagues + ([understood.client] if understood.client else [])
    if any(_is_bot_alias(c.email, bot_address) for c in people):
        return Refusal(Refused.BOT_ADDRESS)
    if any(c.email == referrer.email for c in people):
        return Refusal(Refused.SELF)
    if understood.client and any(understood.client.email == c.email for c in colleagues):
        return Refusal(Refused.SAME_PERSON)
    return understood


# A one-line answer taking every colleague offered ("both", "beide", "les deux", "todos"...), politely.
_BOTH = (r"both|both of them|beide|beiden|les deux|tous les deux|toutes les deux|ambos|ambas|los dos|las dos|"
         r"entrambi|entrambe|tutti e due|tutte e due|os dois|as duas|allebei|alle twee|båda|bägge|begge|begge to|"
         r"obaj|obie|oba|obydwa|obydwie")
_ALL = (r"all|all of them|all three|alle|alle drei|tous|toutes|tous les trois|todos|todas|los tres|tutti|tutte|"
        r"tutti e tre|alle drie|allemaal|alla|alla tre|alle tre|wszyscy|wszystkie|wszystkich")
_POLITE = r"please|pls|thanks|thank you|bitte|danke|svp|merci|por favor|gracias|per favore|grazie|graag|tack|tak|takk|proszę"
_EVERY_OPTION = re.compile(rf"\W*(?:(?P<both>{_BOTH})|(?:{_ALL}))(?:[\s,.!]+(?:{_POLITE}))?\W*", re.IGNORECASE)
# A one-line answer taking none of them ("Neither, sorry", "keiner", "aucun des deux").
_NONE = (r"neither|neither of them|none|none of them|none of those|keiner|keine|keinen|keiner von beiden|aucun|aucune|"
         r"aucun des deux|aucune des deux|ni l'un ni l'autre|ninguno|ninguna|ninguno de los dos|nessuno|nessuna|"
         r"nessuno dei due|nenhum|nenhuma|geen van beide|geen van beiden|geen|ingen|ingen av dem|ingen af dem|żaden|"
         r"żadna|żadne")
# A plain no ("No.", "nope, sorry") to "Did you mean Lio Park?" takes none too; "no, not lio - maya" names one.
_NO_OPTION = re.compile(rf"\W*(?:(?:no[,.!]?\s+)?(?:{_NONE})(?:\W+(?:{_POLITE}|sorry|actually))*(?:\W*$|\s*[,;:\-–—(].*)"
                        rf"|(?:no|nope|nah|nein|non|nee|nej|nie|não)(?:\W+(?:{_POLITE}|sorry))*\W*)", re.IGNORECASE)
# "The other one" where its clause ends ("not Lio, the other one please", "Lio ist im Urlaub, also die andere", "pas
# Lio, l'autre", "Lio está de vacaciones, el otro"), not "the other week" nor "l'autre jour".
_THE_OTHER = re.compile(
    r"(?<!\w)(?:(?:the[ \t]+)?other[ \t]+one|the[ \t]+other(?:[ \t]+(?:colleague|person|therapist|practitioner))?"
    r"|(?:die|der|den)[ \t]+anderen?(?:[ \t]+(?:kollegin|kollege|kollegen|person))?"
    r"|l['’]autre(?:[ \t]+(?:collègue|personne|thérapeute))?"
    r"|(?:el|la|al|a[ \t]+la)[ \t]+otr[oa](?:[ \t]+(?:colega|persona|terapeuta))?)"
    rf"(?:[ \t,]+(?:{_POLITE}|s['’]il[ \t]+(?:vous|te)[ \t]+pla[iî]t|then|dann|alors|entonces))?"
    r"(?=[ \t]*(?:[.,;:!)\n\-–—]|$))", re.IGNORECASE)
_NUMBERS = re.compile(rf"\D{{0,12}}?\d{{1,2}}(?:[ \t]*(?:,|{_JOINERS})[ \t]*\d{{1,2}})*\D{{0,12}}", re.IGNORECASE)


# Words that say a colleague named before was the wrong one ("Sorry, I meant Lio Park", "Lio instead").
_CORRECTING = re.compile(r"(?<!\w)(?:meant|(?:i[ \t]+)?mean(?=[ \t]+(?-i:[A-Z])|[ \t]+\S+@)|instead|rather[ \t]+than|wrong"
                         r"|correction|mistake|typo|mix-?up|meinte|statt|anstatt|verwechselt|plutôt"
                         r"|je[ \t]+voulais[ \t]+dire|erreur|en[ \t]+vez[ \t]+de|en[ \t]+lugar[ \t]+de|quise[ \t]+decir"
                         r"|invece|in[ \t]+plaats[ \t]+van|i[ \t]+stället|queria[ \t]+dizer|quis[ \t]+dizer|em[ \t]+vez[ \t]+de"
                         r"|no[ \t]+lugar[ \t]+de)(?!\w)", re.IGNORECASE)
# Words that make another colleague named beside them a possibility or an addition, not a correction: "If Maya
# can't take her, Lio Park would be a good alternative", "Lio Park knows her too".
_NOT_CORRECTING = re.compile(r"(?<!\w)(?:if|in[ \t]+case|otherwise|alternative\w*|back-?up|too|also|as[ \t]+well|falls"
                             r"|sonst|alternativ|sinon|au[ \t]+cas[ \t]+où|por[ \t]+si|en[ \t]+caso|si[ \t]+no|altrimenti"
                             r"|nel[ \t]+caso|anders|mocht|caso|senão|auch|aussi|también|anche|ook|também)(?!\w)",
                             re.IGNORECASE)


def corrected_colleague(text: str, colleague: Candidate, directory: Directory,
                        excluded: frozenset[str]) -> Candidate | None:
    """The one other colleague `text` puts in the place of `colleague` ("Sorry, I meant Lio Park, not Maya",
    "Lio Park instead of Maya"): named by address or name, in a sentence with words of correcting or with
    `colleague` ruled out by a "not", and no "if", "alternatively" or "too". None when it names no other,
    several, or someone outside the directory beside them (a new client: "Sorry to bother you, could you also
    introduce Kim <...> to Lio Park?" is another request)."""
    others = [a.email for a in addresses_in_text(text) if a.email not in excluded and a.email != colleague.email]
    if any(directory.by_email(email) is None for email in others):
        return None
    named = _unique(others + [p.email for p in directory.named_in(text, excluded | {colleague.email})
                              if not _ruled_out(text, directory.candidate(p.email))], key=str)
    if len(named) != 1:
        return None
    candidate = directory.candidate(named[0])
    sentences = _sentences_around(text, [m.start() for m in _all_mentions(text, candidate)])
    if not any((_CORRECTING.search(sentence) or _ruled_out(sentence, colleague))
               and not _NOT_CORRECTING.search(sentence) for sentence in sentences):
        return None
    return candidate


def _sentences_around(text: str, positions: Iterable[int], with_end: bool = False) -> list[str]:
    """The sentences of `text` around `positions`, each once; `with_end`, with the mark that ends it (a question's
    "?"). The marks are found once: a line of a thousand names is one sentence, not a thousand to search."""
    marks = [match.start() for match in _SENTENCE_MARK.finditer(text)]
    spans: dict[tuple[int, int], None] = {}  # in order, each once
    for position in positions:
        following = bisect_left(marks, position)  # the first mark at or after the position ends its sentence
        start = marks[following - 1] + 1 if following else 0
        end = marks[following] if following < len(marks) else len(text)
        spans[start, end + (1 if with_end else 0)] = None
    return [text[start:end] for start, end in spans]


_SENTENCE_MARK = re.compile(r"[.!?\n]")


def takes_no_option(answer: str) -> bool:
    """The referrer's one-line answer to the question which colleague (or client) takes none of those offered."""
    first_line = answer.strip().splitlines()[0] if answer.strip() else ""
    return _NO_OPTION.fullmatch(first_line) is not None


def resolve_clarification(answer: str, missing: str, options: tuple[Candidate, ...], directory: Directory,
                          excluded: set[str]) -> tuple[Candidate, ...]:
    """The parties named in the referrer's one-line answer: the client, or one or more colleagues (each
    introduced on their own) by their numbers in the list ("2", "1 and 3"), "both" or "all", addresses
    or names, a yes to the one option offered, or "the other one" of two when it rules one out ("Lio's away, so
    the other one"). () when the answer names no one for sure."""
    first_line = answer.strip().splitlines()[0] if answer.strip() else ""
    if _NUMBERS.fullmatch(first_line) and options:
        numbers = _unique([int(n) for n in re.findall(r"\d{1,2}", first_line)], key=lambda n: n)
        if all(1 <= n <= len(options) for n in numbers) and len(numbers) <= (
                MAX_COLLEAGUES_PER_REQUEST if missing == "colleague" else 1):
            return tuple(options[n - 1] for n in numbers)
    every = _EVERY_OPTION.fullmatch(first_line)
    if every and missing == "colleague" and 2 <= len(options) <= MAX_COLLEAGUES_PER_REQUEST and (
            not every.group("both") or len(options) == 2):
        return options
    addresses = [a for a in addresses_in_text(answer) if a.email not in excluded]
    if addresses:
        found = _unique([directory.candidate(a.email, a.name) for a in addresses])
        listed = _listed_alone(answer, found) if missing == "colleague" else ()
        return listed or (found[0],)
    if missing != "colleague":
        return ()
    # "No, not Lio", "Don't connect her with Lio": a name ruled out is no answer.
    refused = refusals(answer)
    named = [directory.candidate(p.email) for p in directory.named_in(answer, frozenset(excluded))]
    named = [c for c in named if not _ruled_out(answer, c, refused, choosing=True)]
    options_named = _options_named(answer, options, directory)
    among_options = [o for o in options_named if not _ruled_out(answer, o, refused, choosing=True)]
    if len(among_options) == 1:
        return (among_options[0],)
    if among_options:  # "Maya Chen and Lio Park" takes both; "Maya or Lio" neither
        return _listed_alone(answer, among_options)
    if named:
        return (named[0],) if len(named) == 1 else _listed_alone(answer, named)
    # "Lio's away, so the other one": of two offered, the one not ruled out. Of three, "the other" is no one.
    if len(options) == 2 and len(options_named) == 1 and _THE_OTHER.search(answer):
        return tuple(o for o in options if o != options_named[0])
    # "Did you mean Lio Park?" - "Yes"
    if len(options) == 1 and read_answer(first_line).answer is Answer.YES:
        return options
    return ()


def _options_named(answer: str, options: tuple[Candidate, ...], directory: Directory) -> list[Candidate]:
    """The `options` offered that `answer` names, in any case ("no, not lio - maya"): by address, full name,
    or first name. Within the closed list offered a first name in lower case is safe to read, unless it is
    the start of a full name of someone else in the directory ("maya alvarez" is not Maya Chen) or of a
    name the directory does not know ("Maya Smith"); a first name two options share names both."""
    full_names = [name for name in (name_without_title(p.name) for p in directory.people) if " " in name]
    rest = answer
    for name in full_names:
        rest = _blank_mentions(rest, name)
    named = []
    for option in options:
        full = name_without_title(option.person.name) if option.person else option.name
        first = option.person.first_name if option.person else ""
        if _mentions(answer, option.email) or (" " in full and _mentions(answer, full)) or (first and next(
                _mention_matches(rest, first, case_blind=False,
                                 regex=rf"(?i:{re.escape(first)})(?![ \t]+[A-Z][\w'’-]*[a-z])"), None)):
            named.append(option)
    return named


def without_options_refused(answer: str, options: tuple[Candidate, ...], directory: Directory) -> str:
    """`answer` without the clauses refusing to introduce to one of the `options` ("Don't connect her with Lio"
    in "Don't connect her with Lio; Maya is the one") or to all but one of them ("Don't introduce her to anyone
    but Maya"): asked which colleague, ruling one out is choosing among them, not holding the request back."""
    for start, end in reversed(refusals(answer)):
        all_but = _ALL_BUT.match(answer, end)
        but_one = answer[all_but.end():all_but.end() + 60] if all_but else ""
        if _options_named(answer[start:end], options, directory) or (
                _options_named(but_one, options, directory) and not _NOT_NOW.search(_CLAUSE.match(but_one).group())):
            answer = answer[:start] + " " * (end - start) + answer[end:]
    return answer


# What follows a refusal of everyone to say whom it does not refuse: "... anyone but Maya", "..., only Maya"; with a
# "yet" there it still holds: "Don't introduce her to anyone but Maya yet".
_ALL_BUT = re.compile(r"[ \t,]*(?:but|except(?:[ \t]+for)?|other[ \t]+than|apart[ \t]+from|only)[ \t]+", re.IGNORECASE)
_CLAUSE = re.compile(r"[^.;:!?\n]*")
_NOT_NOW = re.compile(r"(?<!\w)(?:yet|for[ \t]+now|until|till|before)(?!\w)", re.IGNORECASE)


def corrected_address(answer: str, referrer: Person, excluded: set[str], bot_address: str) -> str | None:
    """The one address the referrer's answer to "I couldn't reach Maya" gives for her, other than the
    `excluded` ones (the address that failed, the other party's) and any of the referrer's own (their
    signature, their practice's domain); None when it gives none or several, since asking the wrong
    person is worse than asking nobody."""
    found = [a.email for a in addresses_in_text(without_signature_of(referrer.name, answer))
             if a.email.lower() not in excluded | {referrer.email} and not _is_bot_alias(a.email, bot_address)
             and _domain(a.email) not in _domains_of(referrer)]
    return found[0] if len(found) == 1 else None


def _own_note(referrer: Person, text: str) -> str:
    """What the referrer wrote, for the colleague's eyes (see _referrers_words), trimmed."""
    return _trim(_referrers_words(referrer, text))


def _referrers_words(referrer: Person, text: str) -> str:
    """What the referrer wrote: above any mail embedded in a form introbot does not know (a forward header in a
    language it lacks: "보낸 사람: 김민지 <minji@...>"), without their signature. The client's own words must never
    pass for the referrer's note."""
    lines = text.split("\n")
    end = next((index for index in range(1, len(lines)) if _starts_embedded_mail(lines, index)), len(lines))
    return without_signature_of(referrer.name, "\n".join(lines[:end]))


def _starts_embedded_mail(lines: list[str], index: int) -> bool:
    """A separator ("-------- Προωθημένο μήνυμα --------", "________"), or a header field holding an address
    with a date beside it ("보낸 사람: 김민지 <minji@...>" / "보낸 날짜: 2025년 3월 3일 ... 9:31"), in any
    language. The referrer's own "Client: Sam <sam@...>" has no date beside it."""
    line = lines[index].strip()
    if _SEPARATOR_LINE.fullmatch(line):
        return True
    return bool(_FIELD_WITH_ADDRESS.fullmatch(line)) and any(
        _DATE_OR_TIME.search(near) for near in lines[max(0, index - 1):index + 5])


_SEPARATOR_LINE = re.compile(r"-{4,}.*-{4,}|_{10,}")
_FIELD_WITH_ADDRESS = re.compile(r"[^\s:@][^:@]{0,40}[:：]\s*\S[^\n]*@[^\n]*")
_DATE_OR_TIME = re.compile(r"\b(?:19|20)\d\d\b|\d{1,2}[:.]\d\d\b|\d{4}\s*年")


def _trim(note: str) -> str:
    note = note.strip()
    return note if len(note) <= MAX_NOTE_CHARS else note[: MAX_NOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def without_people(note: str, people: Iterable[Person], reader: Person) -> str:
    """The note as `reader`, one colleague of a request naming several, reads it: without the others the
    client is offered. Their address, website and full name are replaced by "[…]", and so is their first
    name or surname alone, capitalised, unless the reader's own name has that word (Maya Chen's note
    keeps the "Maya" of "Maya Alvarez")."""
    own = {word.casefold() for word in name_without_title(reader.name).split()}
    for person in people:
        full = name_without_title(person.name)
        words = full.split()
        phrases = [(person.email, True), *((domain, True) for domain in _domains_of(person)), (full, True)]
        phrases += [(word, False) for word in dict.fromkeys(words[:1] + words[-1:])
                    if len(words) > 1 and len(word) > 1 and word.casefold() not in own]
        for phrase, case_blind in phrases:
            for match in reversed(list(_mention_matches(note, phrase, case_blind=case_blind))):
                note = note[:match.start()] + "[…]" + note[match.end():]
    return note


def redact_for_colleague(note: str, client: Candidate | None, client_hint: str = "") -> str:
    """The referrer's note as the colleague may see it before the client agreed: no addresses, no
    phone numbers, and the client's name cut down to their first name."""
    text = re.sub(r"\S+@\S+", "[address]", note)
    text = re.sub(r"(?<!\w)\+?\d[\d ()./-]{6,}\d", "[phone]", text)
    full_name = (client.name if client else "") or client_hint
    words = full_name.split()
    if len(words) > 1:
        first = words[0]  # a function, not a template: a backslash in a name is only text
        text = re.sub(re.escape(full_name), lambda _: first, text, flags=re.IGNORECASE)
        for surname in {part for word in words[1:] for part in (word, *word.split("-"))}:
            if len(surname) > 1:
                text = re.sub(rf"\b{re.escape(surname)}\b", "[…]", text, flags=re.IGNORECASE)
    return text
