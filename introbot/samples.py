"""Sample people and intros, so `introbot check` and `introbot preview` can render every template."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from email.message import EmailMessage

from introbot.config import BotSettings, Config, ImapSettings, Person, SmtpSettings
from introbot.core.render import FALLBACK_LANGUAGE, PRACTITIONERS, language_folders, practitioner_folder
from introbot.edges.store import Outgoing
from introbot.model import Consent, Intro, IntroState, Kind, Party, Refused, Role, Send
from introbot.service import Decision, Service

SAMPLE_TIME = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
SAMPLE_PRACTITIONER = Person(name="Dr. Ada Lee", email="ada@clinic.example", website="https://clinic.example",
                             specialty="acupuncture")
SAMPLE_COLLEAGUE = Person(name="Maya Chen", email="maya@bodywork.example", website="https://bodywork.example",
                          specialty="massage therapy")
SAMPLE_NOTE = "Sam has had lower back pain for months and would like to try massage."


def sample_config() -> Config:
    return Config(bot=BotSettings(address="intro@collective.example"), imap=ImapSettings(host="127.0.0.1"),
                  smtp=SmtpSettings(host="127.0.0.1"), practitioners=(SAMPLE_PRACTITIONER,),
                  colleagues=(SAMPLE_COLLEAGUE,))


def sample_configs(config: Config) -> list[Config]:
    """`config` once for every way `introbot check` renders every template introbot may use: in each language it may
    write in (the bot's, each person's, English, which any other falls back to, and each language folder of the
    operator's templates), with everybody written to in it; and then again for each practitioner with wording of
    their own (a folder in the operator's `practitioners/`), who is the sample's referrer."""
    languages = {config.bot.language, FALLBACK_LANGUAGE} | {p.language for p in (*config.practitioners, *config.colleagues)}
    own = []
    if config.bot.templates is not None:
        languages |= language_folders(config.bot.templates)
        folders = config.bot.templates / PRACTITIONERS
        named = {entry.name.lower(): entry for entry in folders.iterdir() if entry.is_dir()} if folders.is_dir() else {}
        for practitioner in config.practitioners:
            folder = named.get(practitioner_folder(practitioner.email) or "")
            if folder is not None:
                own.append(practitioner)
                languages |= language_folders(folder)
    first = config.practitioners[:1]
    referrers = [*first, *(p for p in own if p not in first)] or [None]
    variants = []
    for referrer in referrers:  # the sample's referrer is the first practitioner (sample_intro)
        practitioners = [referrer, *(p for p in config.practitioners if p != referrer)] if referrer else []
        for language in sorted(languages):
            variants.append(replace(config, bot=replace(config.bot, language=language),
                                    practitioners=tuple(replace(p, language=language) for p in practitioners),
                                    colleagues=tuple(replace(p, language=language) for p in config.colleagues)))
    return variants


def sample_intro(config: Config) -> Intro:
    referrer = config.practitioners[0] if config.practitioners else SAMPLE_PRACTITIONER
    colleague = (config.colleagues or (SAMPLE_COLLEAGUE,))[0]
    # Each in the language introbot would write to them in: the client in the bot's, the colleague in theirs.
    client = Party(role=Role.CLIENT, email="sam@client.example", name="Sam Rivera", consent=Consent.YES,
                   token="a" * 26, asked_at=SAMPLE_TIME, language=config.bot.language)
    other = Party(role=Role.COLLEAGUE, email=colleague.email, name=colleague.name, website=colleague.website,
                  specialty=colleague.specialty, in_directory=True, consent=Consent.ASKED, token="b" * 26,
                  asked_at=SAMPLE_TIME, language=colleague.language)
    return Intro(id="sample01", state=IntroState.ASKING, referrer_email=referrer.email,
                 referrer_name=referrer.name, created_at=SAMPLE_TIME, updated_at=SAMPLE_TIME, client=client,
                 colleague=other, note=SAMPLE_NOTE, referrer_token="c" * 26, thread_token="d" * 26,
                 candidates=(colleague.email,))


# The notes either party may get before the introduction: a colleague reads less of the client in them (MailWriter).
TO_EITHER_BEFORE_INTRODUCTION = (Kind.UNCLEAR_ANSWER, Kind.ANSWER_FROM_HERE, Kind.NOT_GOING_AHEAD)


def sample_recipients(kind: Kind) -> tuple[Role | None, ...]:
    """Whom `introbot check` renders `kind` for: the party `preview` shows it to, and then the colleague where the note
    may go to them before the introduction, so that a template naming more of the client than a colleague may read
    fails the check and not when the note is sent."""
    shown = sample_effect(kind).to
    return (shown, Role.COLLEAGUE) if kind in TO_EITHER_BEFORE_INTRODUCTION else (shown,)


def sample_effect(kind: Kind, to: Role | None = None) -> Send:
    """The effect that writes `kind`, addressed as it would be in a real intro (to `to`, when given)."""
    to = to or {Kind.ASK_CLIENT: Role.CLIENT, Kind.REMIND_CLIENT: Role.CLIENT, Kind.UNCLEAR_ANSWER: Role.CLIENT,
                Kind.ANSWER_FROM_HERE: Role.CLIENT,
                Kind.ASK_COLLEAGUE: Role.COLLEAGUE, Kind.REMIND_COLLEAGUE: Role.COLLEAGUE,
                Kind.PASS_ON: Role.COLLEAGUE, Kind.STEPPED_OUT: Role.CLIENT, Kind.NOT_GOING_AHEAD: Role.CLIENT,
                Kind.PARTY_UNREACHABLE: Role.CLIENT}.get(kind)
    detail = {Kind.CLARIFY: "colleague",
              Kind.REFUSED: Refused.SAME_PERSON.code(),
              Kind.REFERRER_FAILED: "colleague", Kind.PARTY_UNREACHABLE: "colleague"}.get(kind, "")
    return Send(kind, to=to, detail=detail)


def sample_state(intro: Intro, kind: Kind) -> Intro:
    """The intro as it stands when `kind` is written (who said what so far)."""
    if kind is Kind.REFERRER_DECLINED:
        return intro.with_party(replace(intro.party(Role.COLLEAGUE), consent=Consent.NO))
    if kind is Kind.NOT_GOING_AHEAD:
        return replace(intro, state=IntroState.EXPIRED)
    if kind in (Kind.INTRODUCTION, Kind.REFERRER_SENT, Kind.PASS_ON, Kind.STEPPED_OUT, Kind.PARTY_UNREACHABLE):
        return replace(intro.with_party(replace(intro.party(Role.COLLEAGUE), consent=Consent.YES)),
                       state=IntroState.INTRODUCED)
    return intro


def render_sample(service: Service, kind: Kind, to: Role | None = None) -> Outgoing:
    """One message of `kind` exactly as introbot would send it in the sample intro (to `to`, when given)."""
    intro = sample_state(sample_intro(service.config), kind)
    reply = EmailMessage()
    reply.set_content("Hi Maya, thank you! Would Thursday afternoon work for a first session?")
    referrer = service.config.practitioners[0] if service.config.practitioners else SAMPLE_PRACTITIONER
    decision = Decision("preview", "", "", None if kind in (Kind.REFUSED, Kind.STATUS) else intro, [], reply,
                        referrer=referrer)
    return service.outgoing(sample_effect(kind, to), decision, SAMPLE_TIME)
