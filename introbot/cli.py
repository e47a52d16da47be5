"""The `introbot` command: main(argv) -> exit status (0 ok, 1 runtime failure, 2 bad configuration or usage)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path
from typing import Sequence

from introbot import __version__
from introbot.config import Config, ConfigError, default_config_path, format_duration, load_config, parse_duration
from introbot.core.render import TemplateError
from introbot.core.workflow import Rules, readdress_until
from introbot.daemon import BEAT_EVERY, Daemon, build_service, database_lock, status
from introbot.doctor import connect_checks
from introbot.edges.imap import delete_matching
from introbot.edges.store import Store
from introbot.logs import setup_logging
from introbot.model import IntroState, Kind
from introbot.privacy import forget, mail_mentions, spellings
from introbot.samples import render_sample, sample_configs, sample_recipients

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
# The systemd unit's watchdog waits six beats before calling the daemon stuck; so does `status --check`.
STALE_AFTER = 6 * BEAT_EVERY


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="introbot", description="Double opt-in introductions on an intro@ mailbox.")
    parser.add_argument("--version", action="version", version=f"introbot {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="the TOML config (default: $INTROBOT_CONFIG, else ./config.toml)")
    common.add_argument("--verbose", "-v", action="store_true", help="log every decision at debug level")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser("run", parents=[common], help="the daemon: watch the mailbox, ask, introduce, sweep")
    commands.add_parser("once", parents=[common], help="one full pass (catch up, sweep, send), then exit")
    check = commands.add_parser("check", parents=[common], help="validate the config and render every template")
    check.add_argument("--connect", action="store_true", help="also log in to IMAP and SMTP and check folders")
    check.add_argument("--send-test-to", metavar="ADDRESS",
                       help="with --connect: also send a short test message to ADDRESS")
    preview = commands.add_parser("preview", parents=[common], help="print one message rendered with sample data")
    preview.add_argument("name", choices=[k.value for k in Kind], metavar="NAME",
                         help="one of: " + ", ".join(k.value for k in Kind))
    intros = commands.add_parser("intros", parents=[common], help="list introductions")
    intros.add_argument("--state", choices=[s.value for s in IntroState])
    intros.add_argument("--json", action="store_true", help="JSON instead of a table")
    show = commands.add_parser("show", parents=[common], help="the story of one introduction")
    show.add_argument("id")
    cancel = commands.add_parser("cancel", parents=[common], help="withdraw an open introduction quietly")
    cancel.add_argument("id")
    demo = commands.add_parser("demo", parents=[common], help="watch the whole flow on an embedded local mail "
                                                              "system (no account, no config file)")
    demo.add_argument("--serve", action="store_true", help="then keep the mail system and introbot running, and "
                                                           "print how to connect Thunderbird or Apple Mail as each person")
    forget = commands.add_parser("forget", parents=[common], help="erase every trace of a person from the database")
    forget.add_argument("address", help="their email address (a client, a colleague or a practitioner)")
    forget.add_argument("--mailbox", action="store_true",
                        help="also delete every message from, to or mentioning the address from intro@'s watched "
                             "folder, its introbot/* folders and its Sent folder")
    health = commands.add_parser("status", parents=[common], help="counters, outbox and heartbeat, for operators "
                                                                   "and health checks")
    health.add_argument("--json", action="store_true", help="JSON instead of lines of text")
    health.add_argument("--check", action="store_true",
                        help="exit 1 unless the daemon beat within --max-age (for a container HEALTHCHECK or cron)")
    health.add_argument("--max-age", type=_duration_argument, default=STALE_AFTER, metavar="DURATION",
                        help=f"with --check: the oldest acceptable heartbeat, such as 90s or 5m (default "
                             f"{format_duration(STALE_AFTER)}, six beats)")
    return parser


def _duration_argument(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, os.environ)
    if args.command == "demo":  # needs no config file: it builds its own
        # Imported here: its embedded mail system (pymap, aiosmtpd) added about 80 ms to every other command's start.
        from introbot.demo import demo_main
        return demo_main(serve=args.serve, out=sys.stdout)
    try:
        config = load_config(default_config_path(args.config, os.environ))
        return COMMANDS[args.command](config, args)
    except ConfigError as error:
        print("introbot: the configuration has problems:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_USAGE
    except TemplateError as error:
        print(f"introbot: template problem: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, RuntimeError) as error:
        print(f"introbot: {error}", file=sys.stderr)
        return EXIT_FAILURE


def _run(config: Config, args: argparse.Namespace) -> int:
    return Daemon(config).run()


def _once(config: Config, args: argparse.Namespace) -> int:
    return Daemon(config).once()


def _preview_store() -> tuple[Store, tempfile.TemporaryDirectory]:
    """A throw-away database for the services that render samples: rendering needs no state, and must not touch the
    real one."""
    folder = tempfile.TemporaryDirectory(prefix="introbot-preview-")
    return Store(Path(folder.name) / "preview.sqlite3"), folder


def _check(config: Config, args: argparse.Namespace) -> int:
    variants = sample_configs(config)
    problems: list[str] = []
    store, folder = _preview_store()
    with folder:
        try:
            for variant in variants:
                service = build_service(variant, store)
                for kind in Kind:
                    for to in sample_recipients(kind):
                        try:
                            render_sample(service, kind, to)
                        except TemplateError as error:  # a file that fails in several languages is listed once
                            problems += [str(error)] if str(error) not in problems else []
        finally:
            store.close()
    if problems:
        print("introbot: template problems:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_USAGE
    languages = ", ".join(sorted({variant.bot.language for variant in variants}))
    print(f"config OK: {config.path}; all {len(Kind)} templates render in {languages}")
    if args.connect:
        return connect_checks(config, sys.stdout, send_test_to=args.send_test_to)
    if args.send_test_to:
        print("introbot: --send-test-to needs --connect", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _preview(config: Config, args: argparse.Namespace) -> int:
    store, folder = _preview_store()
    with folder:
        try:
            mail = render_sample(build_service(config, store), Kind(args.name))
        finally:
            store.close()
    message = message_from_bytes(mail.raw, policy=policy.default)
    for name, value in message.items():
        print(f"{name}: {value}")
    print()
    text = message.get_body(("plain",))
    print(text.get_content() if text else "")
    return EXIT_OK


def _existing_database(config: Config) -> Path:
    """The database the daemon keeps, for the commands that read or steer it. They never create it: an empty one
    where a mistaken bot.database points would hide the mistake behind "no introductions yet" or "forgot 0"."""
    database = config.bot.database
    if not database.exists():
        raise RuntimeError(f"no database at {database}: is bot.database in {config.path} right? introbot creates it "
                           f"on its first run (`introbot run` or `introbot once`)")
    return database


def _age(since: datetime) -> str:
    return _seconds((datetime.now(timezone.utc) - since).total_seconds())


def _seconds(seconds: float) -> str:
    """A short age in its largest whole unit: 3d, 5h, 12m, 40s."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def _intros(config: Config, args: argparse.Namespace) -> int:
    store = Store(_existing_database(config))
    try:
        intros = store.intros(IntroState(args.state) if args.state else None)
    finally:
        store.close()
    rows = [{"id": i.id, "state": i.state.value, "referrer": i.referrer_email,
             "client": i.client.email if i.client else "", "colleague": i.colleague.email if i.colleague else "",
             "created": i.created_at.isoformat(), "age": _age(i.created_at)} for i in intros]
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    columns = ("id", "state", "age", "referrer", "client", "colleague")
    widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(row[c].ljust(widths[c]) for c in columns))
    if not rows:
        print("(no introductions yet)")
    return EXIT_OK


def _show(config: Config, args: argparse.Namespace) -> int:
    store = Store(_existing_database(config))
    try:
        intro = store.intro(args.id)
        if intro is None:
            print(f"introbot: no introduction {args.id!r}; `introbot intros` lists them", file=sys.stderr)
            return EXIT_FAILURE
        print(f"intro {intro.id}: {intro.state.value}, requested by {intro.referrer_name} <{intro.referrer_email}>")
        for party in (intro.client, intro.colleague):
            if party is not None:
                answered = f", answered {party.answered_at:%Y-%m-%d %H:%M}" if party.answered_at else ""
                asked = f", asked {party.asked_at:%Y-%m-%d %H:%M}" if party.asked_at else ""
                print(f"  {party.role.value}: {party.name} <{party.email}>: {party.consent.value}{asked}{answered}")
        for party in intro.further_colleagues:
            print(f"  also {party.role.value}: {party.name} <{party.email}>: an introduction of its own once this "
                  f"one starts asking")
        until = readdress_until(intro, Rules(expire_after=config.consent.expire_after))
        if until is not None and datetime.now(timezone.utc) < until:
            print(f"  the {intro.unreachable}'s ask could not be delivered; the referrer may reply with another "
                  f"address until {until:%Y-%m-%d %H:%M}")
        for at, what in store.events(intro.id):
            print(f"  {at:%Y-%m-%d %H:%M:%S}  {what}")
        for kind, role, outcome in store.sent_mail(intro.id):
            print(f"  mail: {kind} to {role}: {outcome}")
    finally:
        store.close()
    return EXIT_OK


def _cancel(config: Config, args: argparse.Namespace) -> int:
    store = Store(_existing_database(config))
    try:
        intro = build_service(config, store).cancel(args.id)
    finally:
        store.close()
    if intro is None:
        print(f"introbot: no introduction {args.id!r}; `introbot intros` lists them", file=sys.stderr)
        return EXIT_FAILURE
    print(f"intro {intro.id} is {intro.state.value}")
    return EXIT_OK


def _forget(config: Config, args: argparse.Namespace) -> int:
    try:
        forms = spellings(args.address)
    except ValueError as error:
        print(f"introbot: forget needs one plain email address: {error}", file=sys.stderr)
        return EXIT_USAGE
    database = _existing_database(config)
    # With the daemon stopped, no message being handled at this moment can write the person back.
    with database_lock(config):
        store = Store(database)
        try:
            result = forget(store, args.address)
        finally:
            store.close()
        print(f"forgot {result.intros} introduction(s) and {result.mails} message(s) in the outbox; "
              f"the database was compacted")
        if args.mailbox:
            deleted = delete_matching(config.imap, lambda raw: mail_mentions(raw, forms))
            print(f"deleted {deleted} message(s) from the mailbox")
        else:
            print("the mailbox was not touched: add --mailbox to delete the messages from, to or mentioning "
                  "the address from intro@'s folders")
    for section, people in (("practitioners", config.practitioners), ("colleagues", config.colleagues)):
        if any(person.email in forms for person in people):
            print(f"note: the address is still listed in [[{section}]] in {config.path}; remove it there, "
                  f"or introbot will know it again")
    return EXIT_OK


def _status(config: Config, args: argparse.Namespace) -> int:
    _existing_database(config)
    shown = status(config)
    if args.json:
        print(json.dumps(shown, indent=2, sort_keys=True))
    else:
        beat, age = shown["heartbeat"], shown["heartbeat_age_seconds"]
        print(f"heartbeat: {beat['state']} (pid {beat['pid']}), {_seconds(age)} ago" if beat and age is not None
              else f"heartbeat: none yet in {config.bot.heartbeat_file}")
        for title, numbers in (("counters", shown["counters"]), ("outbox", shown["outbox"])):
            print(f"{title}: " + (", ".join(f"{name} {count}" for name, count in sorted(numbers.items()))
                                  or "nothing yet"))
    if args.check:
        problem = _unhealthy(shown, args.max_age)
        if problem:
            print(f"introbot: unhealthy: {problem}", file=sys.stderr)
            return EXIT_FAILURE
    return EXIT_OK


def _unhealthy(shown: dict, max_age: timedelta) -> str:
    """Why a supervisor should worry, or "": no beat, a stopped daemon, or a beat older than max_age."""
    beat, age = shown["heartbeat"], shown["heartbeat_age_seconds"]
    if beat is None or age is None:
        return "no heartbeat yet; is `introbot run` started, and is bot.heartbeat_file the file it writes?"
    if beat.get("state") == "stopped":
        return f"the daemon (pid {beat.get('pid')}) stopped {_seconds(age)} ago"
    if age > max_age.total_seconds():
        return (f"the last beat is {_seconds(age)} old (more than {format_duration(max_age)}): the daemon is "
                f"stuck or gone; its log says why")
    return ""


COMMANDS = {"run": _run, "once": _once, "check": _check, "preview": _preview, "intros": _intros,
            "show": _show, "cancel": _cancel, "forget": _forget, "status": _status}
