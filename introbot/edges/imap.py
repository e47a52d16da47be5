"""The mailbox watcher: imapclient in one dedicated thread, with IDLE, renewal, reconnect and UID catch-up."""

from __future__ import annotations

import logging
import random
import re
import select
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from introbot.config import ImapSettings
from introbot.edges.oauth import OAuth2Error, explain_refusal, token_provider, xoauth2_string
from introbot.edges.tls import Endpoint, client_context, is_loopback, keep_alive, scrub

log = logging.getLogger("introbot.imap")
# imapclient logs the whole conversation at DEBUG, LOGIN's password included: never let it through.
logging.getLogger("imapclient").setLevel(logging.INFO)

# Logical names of the folders handled mail is moved to; on the server, "/" becomes the hierarchy
# separator and the personal namespace prefix is put in front.
PROCESSED, IGNORED, QUARANTINE = "introbot/processed", "introbot/ignored", "introbot/quarantine"
DESTINATIONS = (PROCESSED, IGNORED, QUARANTINE)
SENT = "\\Sent"

# Bytes of header fetched for a message over the size limit: enough to identify it for quarantine.
HEADER_LIMIT = 64 * 1024
MOVE_EVERY = 5000  # handled messages moved together
BACKOFF_FIRST, BACKOFF_CEILING = 1.0, 300.0
_MESSAGE_ID = re.compile(r"<[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+>")
_NEW_MAIL = (b"EXISTS", b"RECENT")


class ImapError(ConnectionError):
    """The mailbox cannot be reached or used; the message says why and how to fix it."""


@dataclass(frozen=True)
class Fetched:
    """One message as the server holds it: where it is (UIDVALIDITY, UID), its bytes and its size.

    `raw` is only the first HEADER_LIMIT bytes of the header when `size` is over the watcher's
    max_message_bytes, so that the handler can quarantine it without holding it all; and, when the
    watcher hands mail over header first, only the first `header_first` bytes of a message longer
    than that. `whole` says whether `raw` is all of the message.
    """

    uidvalidity: int
    uid: int
    raw: bytes
    size: int
    whole: bool = True


# Per message, the logical destination folder, None to leave it in place and try again later, or WHOLE: a
# message handed over as its first bytes only is handed over again whole; one handed over whole already (it
# waits for one before it) is handed over again after the messages fetched whole, or else left in place.
BatchHandler = Callable[[list[Fetched]], list[str | None]]
WHOLE = "whole"


@dataclass(frozen=True)
class _Mailbox:
    """The watched folder once selected, and what the server can do with it."""

    uidvalidity: int
    folders: dict[str, str]  # logical destination -> the server's folder name
    can_move: bool
    can_uidplus: bool
    can_idle: bool


class _HandlerFailed(Exception):
    """The batch handler raised: not a connection problem, but handled like one (back off, retry)."""


def backoff_delay(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(5 min, 1 s * 2**attempt)]."""
    return rng.uniform(0.0, min(BACKOFF_CEILING, BACKOFF_FIRST * 2 ** min(attempt, 20)))


def server_folder(logical: str, prefix: str, separator: str) -> str:
    """The server's name for a logical folder like "introbot/processed" (flat servers get "-")."""
    return prefix + (separator or "-").join(logical.split("/"))


def plan_batches(sizes: Sequence[tuple[int, int]], *, batch_size: int, batch_bytes: int,
                 max_message_bytes: int) -> list[list[int]]:
    """Cut (uid, size) pairs, in order, into batches of at most `batch_size` messages and, unless a
    single message is larger, at most `batch_bytes` bytes (an oversized message counts as its header)."""
    batches: list[list[int]] = []
    current: list[int] = []
    current_bytes = 0
    for uid, size in sizes:
        cost = size if size <= max_message_bytes else HEADER_LIMIT
        if current and (len(current) >= batch_size or current_bytes + cost > batch_bytes):
            batches.append(current)
            current, current_bytes = [], 0
        current.append(uid)
        current_bytes += cost
    if current:
        batches.append(current)
    return batches


def uid_set(uids: Iterable[int]) -> str:
    """The UIDs as an IMAP sequence set of exactly them: runs of consecutive UIDs as "first:last"."""
    runs: list[list[int]] = []
    for uid in sorted(set(uids)):
        if runs and uid == runs[-1][1] + 1:
            runs[-1][1] = uid
        else:
            runs.append([uid, uid])
    return ",".join(str(first) if first == last else f"{first}:{last}" for first, last in runs)


def group_by_destination(uids: Sequence[int], destinations: Sequence[str | None]) -> dict[str, list[int]]:
    """UIDs per destination folder, in order; a None destination leaves the message where it is."""
    if len(uids) != len(destinations):
        raise ValueError(f"the batch handler returned {len(destinations)} destinations for {len(uids)} messages")
    grouped: dict[str, list[int]] = {}
    for uid, destination in zip(uids, destinations):
        if destination is None:
            continue
        if destination not in DESTINATIONS:
            raise ValueError(f"the batch handler chose {destination!r}; expected one of "
                             f"{', '.join(DESTINATIONS)} or None")
        grouped.setdefault(destination, []).append(uid)
    return grouped


def _endpoint(settings: ImapSettings) -> Endpoint:
    return Endpoint("imap", settings.host, settings.port, settings.security,
                    settings.timeout.total_seconds(), tls_port=993, starttls_port=143)


def connect(settings: ImapSettings) -> IMAPClient:
    """Connect and secure the connection (TLS or STARTTLS), not logged in yet: `log_in` comes next.

    Every failure becomes an ImapError that names the fix.
    """
    endpoint = _endpoint(settings)
    if settings.security not in ("tls", "starttls", "none"):
        raise ImapError(f"imap.security must be tls, starttls or none, got {settings.security!r}")
    if settings.security == "none" and not is_loopback(settings.host):
        raise ImapError(f"imap.security = \"none\" is allowed only for a loopback host, not "
                        f"{settings.host!r}: use \"tls\" (port 993) or \"starttls\" (port 143)")
    try:
        context = None if settings.security == "none" else client_context(settings.ca_file, "imap.ca_file")
    except ValueError as error:
        raise ImapError(str(error)) from None
    seconds = settings.timeout.total_seconds()
    try:
        client = IMAPClient(settings.host, settings.port, ssl=settings.security == "tls",
                            ssl_context=context, timeout=seconds)
    except (OSError, IMAPClientError) as error:
        raise ImapError(_describe(endpoint, error, first_contact=True)) from None
    step = "before login"
    try:
        keep_alive(client.socket())
        if settings.security == "starttls":
            if not client.has_capability("STARTTLS"):
                raise ImapError(endpoint.no_starttls())
            step = "during STARTTLS"
            client.starttls(context)
        return client
    except ImapError:
        _drop(client)
        raise
    except (OSError, IMAPClientError) as error:
        _drop(client)
        raise ImapError(_describe(endpoint, error, step)) from None


def log_in(client: IMAPClient, settings: ImapSettings) -> None:
    """Log in with the password, or with an OAuth2 token asked for now (imap.auth).

    `connect` made sure credentials only travel over TLS, or in clear to a loopback host. On failure
    the connection is dropped and ImapError names the fix.
    """
    endpoint = _endpoint(settings)
    try:
        if settings.auth == "oauth2":
            _log_in_with_token(client, settings, endpoint)
        else:
            client.login(settings.username, settings.password.reveal())
    except LoginError as error:
        _drop(client)
        if isinstance(error.__context__, OSError | IMAPClientAbortError):
            raise ImapError(_describe(endpoint, error.__context__, "during login")) from None
        raise ImapError(explain_refusal(endpoint, _reply_text(error), "", settings)) from None
    except ImapError:
        _drop(client)
        raise
    except (ValueError, OAuth2Error) as error:  # the password or the token could not be had
        _drop(client)
        raise ImapError(str(error)) from None
    except (OSError, IMAPClientError) as error:
        _drop(client)
        raise ImapError(_describe(endpoint, error, "during login")) from None


class _XOAuth2:
    """The XOAUTH2 exchange for imaplib: the token first; an error challenge (JSON) is kept and
    answered with an empty line, after which the server gives its final refusal."""

    def __init__(self, user: str, token: str):
        self._response = xoauth2_string(user, token).encode()
        self.challenge = ""

    def __call__(self, challenge: bytes) -> bytes:
        response, self._response = self._response, b""
        if not response:
            self.challenge = challenge.decode("utf-8", "replace")
        return response


def _log_in_with_token(client: IMAPClient, settings: ImapSettings, endpoint: Endpoint) -> None:
    if not client.has_capability("AUTH=XOAUTH2"):
        raise ImapError(f"{endpoint.where} does not offer OAuth2 sign-in (AUTH=XOAUTH2): check imap.host, "
                        f"or set imap.auth = \"password\"")
    provider = token_provider(settings.oauth2, "imap", settings.timeout.total_seconds())
    for _ in range(2):  # a refused token may have been revoked since it was cached: one try with a new one
        exchange = _XOAuth2(settings.username, provider.token())
        try:
            client.sasl_login("XOAUTH2", exchange)
            return
        except LoginError as error:
            if isinstance(error.__context__, OSError | IMAPClientAbortError):
                raise  # the connection failed, not the token
            provider.forget()
            reply = _reply_text(error)
    raise ImapError(explain_refusal(endpoint, reply, exchange.challenge, settings))


def _open(settings: ImapSettings) -> IMAPClient:
    client = connect(settings)
    log_in(client, settings)
    return client


def _describe(endpoint: Endpoint, error: BaseException, step: str = "", first_contact: bool = False) -> str:
    """Endpoint.describe, plus imaplib's aborts: their text may quote a raw server line, so it is left out."""
    if isinstance(error, IMAPClientAbortError) and not isinstance(error.__context__, OSError):
        if "EOF" in str(error):
            return endpoint.closed(step)
        return " ".join(part for part in (f"{endpoint.where} sent a response that could not be read", step) if part)
    return endpoint.describe(error, step, first_contact)


def _reply_text(error: LoginError) -> str:
    """The server's words from imapclient's "login failed: b'[AUTHENTICATIONFAILED] ...'"."""
    text = str(error).removeprefix("login failed: ")
    if text[:2] in ("b'", 'b"') and text[-1:] == text[1]:
        text = text[2:-1]
    return text


def _drop(client: IMAPClient) -> None:
    """Close the socket without a goodbye: after a failure the server may not answer one."""
    try:
        client.shutdown()
    except OSError:
        pass


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError):
        _drop(client)


@contextmanager
def _connected(settings: ImapSettings) -> Iterator[IMAPClient]:
    """A logged-in client for the length of a block; IMAP and socket failures become ImapError.

    Anything else (a handler's own exception) passes through unchanged.
    """
    client = _open(settings)
    try:
        yield client
    except ImapError:
        _drop(client)
        raise
    except (OSError, IMAPClientError) as error:
        _drop(client)
        raise ImapError(_describe(_endpoint(settings), error)) from None
    except BaseException:
        _drop(client)
        raise
    _logout(client)


def _hierarchy(client: IMAPClient) -> tuple[str, str]:
    """(prefix, separator) of the personal namespace (RFC 2342), else of LIST "" "" (RFC 3501 6.3.8)."""
    if client.has_capability("NAMESPACE"):
        personal = client.namespace().personal
        if personal:
            prefix, separator = personal[0]
            return prefix, separator or ""
    listing = client.list_folders("", "")
    separator = listing[0][1] if listing else None
    if isinstance(separator, bytes):
        separator = separator.decode("ascii")
    return "", separator or ""


def ensure_folders(client: IMAPClient) -> dict[str, str]:
    """Create (and subscribe) the destination folders that do not exist yet; return their server names.

    Raises ImapError naming the fix when the server refuses to create one.
    """
    prefix, separator = _hierarchy(client)
    names = {logical: server_folder(logical, prefix, separator) for logical in DESTINATIONS}
    for name in names.values():
        if client.folder_exists(name):
            continue
        try:
            client.create_folder(name)
        except IMAPClientError as error:
            if not client.folder_exists(name):  # else another client created it meanwhile
                raise ImapError(f"the server refused to create the folder {name!r} "
                                f"({scrub(str(error))}), where introbot files handled mail: let this mailbox "
                                f"create folders (the IMAP ACL right 'k'), or have "
                                f"{', '.join(map(repr, names.values()))} created for it") from None
        try:
            client.subscribe_folder(name)  # so that people see it in their mail client
        except IMAPClientError:
            pass
    return names


def _open_mailbox(client: IMAPClient, folder: str) -> _Mailbox:
    folders = ensure_folders(client)
    selected = client.select_folder(folder)
    return _Mailbox(uidvalidity=int(selected[b"UIDVALIDITY"]), folders=folders,
                    can_move=client.has_capability("MOVE"), can_uidplus=client.has_capability("UIDPLUS"),
                    can_idle=client.has_capability("IDLE"))


def _readable(client: IMAPClient, timeout: float) -> bool:
    """Whether the server sent something (or the socket failed) within `timeout` seconds."""
    sock = client.socket()
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(max(0.0, timeout) * 1000))


_IDLE_PROBE_SECONDS = 2.0


def _announced_meanwhile(client: IMAPClient) -> bool:
    """Whether the server announced new mail (EXISTS) in the responses to the watcher's own commands.

    imaplib files such untagged responses aside and imapclient never returns them, so this reads
    imaplib's store directly; popping them means each announcement is acted on once.
    """
    untagged = client._imap.untagged_responses
    return bool(untagged.pop("EXISTS", None)) | bool(untagged.pop("RECENT", None))


def _announces_mail(responses: Sequence[tuple]) -> bool:
    return any(len(response) >= 2 and response[1] in _NEW_MAIL for response in responses)


def _where_raised(error: BaseException) -> str:
    """file:line of the innermost frame: enough to find a bug, without the exception's (possibly personal) text."""
    traceback = error.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    if traceback is None:
        return "unknown place"
    return f"{traceback.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{traceback.tb_lineno}"


class MailboxWatcher:
    """Watches one folder and hands every message in it to `handle_batch`, then moves it out.

    Run it in one dedicated thread (imapclient is synchronous). Reading never sets \\Seen (BODY.PEEK),
    and only UIDs and configured folder names ever go into an IMAP command.

    A connection that dies silently (no FIN, e.g. a NAT or proxy dropping it) is noticed within
    idle_renew + timeout while idling (4 min 30 s with the defaults: each renewal's DONE and NOOP wait
    at most `timeout` for an answer), and within poll_interval + timeout when polling. TCP keepalive
    also notices a peer whose host vanished in about 90 s. Either way the watcher reconnects with
    backoff and catches up by UID.
    """

    def __init__(self, settings: ImapSettings, handle_batch: BatchHandler, *, stop: threading.Event,
                 batch_size: int = 200, max_message_bytes: int = 10 * 1024 * 1024,
                 batch_bytes: int = 64 * 1024 * 1024, rng: random.Random | None = None,
                 on_new_mail: Callable[[], None] | None = None, move_every: int = MOVE_EVERY,
                 header_first: int | None = None):
        """`header_first`: hand messages longer than this many bytes over as their first bytes, and
        fetch whole only those the handler answers WHOLE for (most mail is decided by its header)."""
        if min(batch_size, max_message_bytes, batch_bytes, move_every, header_first or 1) < 1:
            raise ValueError("batch_size, max_message_bytes, batch_bytes, move_every and header_first must be "
                             "positive")
        self._settings = settings
        self._handle_batch = handle_batch
        self._stop = stop
        self._batch_size = batch_size
        self._max_message_bytes = max_message_bytes
        self._batch_bytes = batch_bytes
        self._rng = rng or random.Random()
        self._on_new_mail = on_new_mail
        self._move_every = move_every
        self._header_first = header_first or 0  # 0: every message is fetched whole

    def run_once(self) -> int:
        """Connect, handle everything waiting, move it, disconnect; return how many messages were handled.

        Raises ImapError when the mailbox cannot be used; the handler's own exceptions pass through.
        """
        with _connected(self._settings) as client:
            mailbox = _open_mailbox(client, self._settings.folder)
            handled, _ = self._catch_up(client, mailbox)
            return handled

    def run(self) -> None:
        """Watch until `stop` is set: never raises; one log line per change of state (a failure that
        repeats itself is logged once as a warning, then at debug level until something changes)."""
        attempt = 0
        last_state: tuple[str, str] | None = None  # a repeat of the same failure is logged at debug level only
        while not self._stop.is_set():
            connected = False
            try:
                with _connected(self._settings) as client:
                    mailbox = _open_mailbox(client, self._settings.folder)
                    handled, highest = self._catch_up(client, mailbox)
                    connected, attempt = True, 0
                    log.info("connected to %s:%d; %d waiting message(s) handled; %s", self._settings.host,
                             self._settings.port, handled, self._watching(mailbox))
                    self._watch(client, mailbox, highest)
                log.info("stopped watching")
                return
            except ImapError as error:
                reason = str(error)
            except _HandlerFailed as error:
                cause = error.__cause__ or error
                reason = f"the batch handler failed ({type(cause).__name__} at {_where_raised(cause)})"
            except Exception as error:  # a bug here must not end the watcher; say where it is
                reason = f"unexpected {type(error).__name__} at {_where_raised(error)}"
            delay = backoff_delay(attempt, self._rng)
            attempt += 1
            state = ("disconnected" if connected else "cannot connect", reason)
            log.log(logging.WARNING if state != last_state else logging.DEBUG, "%s: %s; %s in %.1f s", *state,
                    "reconnecting" if connected else "retrying", delay)
            last_state = state
            self._stop.wait(delay)

    def _watching(self, mailbox: _Mailbox) -> str:
        if mailbox.can_idle:
            return f"watching with IDLE, renewed every {self._settings.idle_renew.total_seconds():g} s"
        return f"the server has no IDLE: polling every {self._settings.poll_interval.total_seconds():g} s"

    def _watch(self, client: IMAPClient, mailbox: _Mailbox, highest: int) -> None:
        if mailbox.can_idle:
            self._idle(client, mailbox, highest)
        else:
            self._poll(client, mailbox)

    def _idle(self, client: IMAPClient, mailbox: _Mailbox, highest: int) -> None:
        """IDLE (RFC 2177) until news or renewal time; then fetch what is new, or probe and catch up.

        The full catch-up at each renewal also retries messages the handler left in place.
        """
        renew = self._settings.idle_renew.total_seconds()
        # Mail that lands between the last search and IDLE's start is announced by some servers only
        # when IDLE ends (Dovecot: at DONE, or at its next check up to 30 s later). Such mail is most
        # likely right after the watcher's own work (an answer to the mail just sent), so the first
        # IDLE after it is a short one, whose DONE tells.
        probing = True
        while not self._stop.is_set():
            highest = self._until_nothing_new(client, mailbox, highest)
            client.idle()
            news = self._wait_for_news(client, time.monotonic() + (_IDLE_PROBE_SECONDS if probing else renew))
            _, responses = client.idle_done()  # times out on a dead connection
            if self._stop.is_set():
                return
            if news or _announces_mail(responses):
                _, latest = self._catch_up(client, mailbox, after_uid=highest)
                probing = True
            elif probing:
                latest, probing = highest, False
            else:
                client.noop()
                _, latest = self._catch_up(client, mailbox)
            highest = max(highest, latest)

    def _until_nothing_new(self, client: IMAPClient, mailbox: _Mailbox, highest: int) -> int:
        """Handle mail that arrived while the watcher was busy, until a search finds none; the highest UID.

        A server announces new mail in the responses to whatever command is running (the catch-up's
        FETCH or MOVE), not again to the next IDLE, and some servers announce nothing that arrived
        before IDLE began: without this look, such mail would wait for the next renewal.
        """
        previous = -1
        while (highest != previous or _announced_meanwhile(client)) and not self._stop.is_set():
            previous = highest
            highest = max(highest, self._catch_up(client, mailbox, after_uid=highest)[1])
        return highest

    def _wait_for_news(self, client: IMAPClient, deadline: float) -> bool:
        """Wait in IDLE, checking `stop` every second; True when the server announces new mail."""
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if not _readable(client, min(1.0, remaining)):
                continue
            responses = client.idle_check(timeout=0)
            if not responses:
                # Readable yet nothing to parse: end of stream (imapclient hides it) or TLS housekeeping.
                # Leaving IDLE now tells which: DONE fails on a closed connection.
                return False
            if any(response[:1] == (b"BYE",) for response in responses):
                raise ImapError(f"{self._settings.host}:{self._settings.port} ended the session (BYE)")
            if _announces_mail(responses):
                return True
        return False

    def _poll(self, client: IMAPClient, mailbox: _Mailbox) -> None:
        """Without IDLE: every poll_interval, NOOP (which also proves the connection) and catch up."""
        while not self._stop.wait(self._settings.poll_interval.total_seconds()):
            client.noop()
            self._catch_up(client, mailbox)

    def _catch_up(self, client: IMAPClient, mailbox: _Mailbox, after_uid: int = 0) -> tuple[int, int]:
        """Handle every message in the folder (or only those above `after_uid`), in UID order.

        Returns (messages handled, highest UID seen). Messages marked \\Deleted are left alone. When
        `stop` is set, the batch in hand is finished and the rest waits for the next catch-up.

        Handled messages are moved `move_every` at a time and at the end (a MOVE costs the server an
        fsync however many messages it moves), always after their handler returned, so after their
        effects are committed.
        """
        criteria: list[str] = ["UNDELETED"] if not after_uid else ["UID", f"{after_uid + 1}:*", "UNDELETED"]
        uids = sorted(uid for uid in client.search(criteria) if uid > after_uid)
        planned = self._planned(client, uids)
        upcoming = self._fetch_next(client, mailbox, planned)
        handled = 0
        to_move: dict[str, list[int]] = {}  # handled, not moved yet, per destination
        while upcoming and not self._stop.is_set():
            for logical, moving in self._destinations(client, mailbox, upcoming).items():
                to_move.setdefault(logical, []).extend(moving)
            if self._on_new_mail is not None:
                self._on_new_mail()
            handled += len(upcoming)
            if sum(map(len, to_move.values())) >= self._move_every:
                self._move_all(client, mailbox, to_move)
                to_move = {}
            upcoming = self._fetch_next(client, mailbox, planned)
        self._move_all(client, mailbox, to_move)
        return handled, max(uids, default=after_uid)

    def _planned(self, client: IMAPClient, uids: list[int]) -> Iterator[tuple[list[int], dict[int, int] | None]]:
        """The batches to fetch, in UID order, with the sizes of their messages (asked for per chunk);
        header first, no sizes: they come with the first bytes, which no batch limit needs to know."""
        for start in range(0, len(uids), self._batch_size):
            if self._stop.is_set():
                return
            chunk = uids[start:start + self._batch_size]
            if self._header_first:
                yield chunk, None
                continue
            sizes = {uid: int(data[b"RFC822.SIZE"]) for uid, data in client.fetch(chunk, ["RFC822.SIZE"]).items()
                     if b"RFC822.SIZE" in data}
            present = [(uid, sizes[uid]) for uid in chunk if uid in sizes]  # others vanished meanwhile
            for batch in plan_batches(present, batch_size=self._batch_size, batch_bytes=self._batch_bytes,
                                      max_message_bytes=self._max_message_bytes):
                yield batch, sizes

    def _fetch_next(self, client: IMAPClient, mailbox: _Mailbox,
                    planned: Iterator[tuple[list[int], dict[int, int] | None]]) -> list[Fetched]:
        """The next batch that still has messages; [] when there is none, or when `stop` is set."""
        for uids, sizes in planned:
            if self._stop.is_set():
                break
            if sizes is not None:
                fetched = self._fetch(client, mailbox.uidvalidity, uids, sizes)
            else:  # header first: the sizes come with the first bytes
                fetched = self._fetch_first_bytes(client, mailbox.uidvalidity, uids, self._header_first)
            if fetched:
                return fetched
        return []

    def _destinations(self, client: IMAPClient, mailbox: _Mailbox, fetched: list[Fetched]) -> dict[str, list[int]]:
        """The handler's folder for each message, as UIDs per destination; messages it wants whole are
        fetched whole and handed over again, and those waiting for them with the last of them, in UID order."""
        grouped, wanted, waiting = self._handled(fetched)
        sizes = {message.uid: message.size for message in fetched}
        batches = plan_batches([(uid, sizes[uid]) for uid in wanted], batch_size=self._batch_size,
                               batch_bytes=self._batch_bytes, max_message_bytes=self._max_message_bytes)
        for index, batch in enumerate(batches):
            whole = self._fetch(client, mailbox.uidvalidity, batch, sizes)
            if index == len(batches) - 1:
                whole = sorted(whole + waiting, key=lambda message: message.uid)
            self._add_handled(grouped, whole)
        if waiting and not batches:
            self._add_handled(grouped, waiting)
        return grouped

    def _add_handled(self, grouped: dict[str, list[int]], whole: list[Fetched]) -> None:
        """Hand whole messages over again; a message that waits a second time is left for another try."""
        for logical, moving in self._handled(whole)[0].items():
            grouped.setdefault(logical, []).extend(moving)

    def _handled(self, fetched: list[Fetched]) -> tuple[dict[str, list[int]], list[int], list[Fetched]]:
        """What the handler chose: UIDs per destination, the UIDs it wants handed over whole, and the (whole)
        messages it wants handed over again after those."""
        try:
            destinations = self._handle_batch(fetched)
            again = [destination == WHOLE for destination in destinations]
            grouped = group_by_destination([message.uid for message in fetched],
                                           [None if wants else destination
                                            for wants, destination in zip(again, destinations)])
        except Exception as error:
            raise _HandlerFailed() from error
        return (grouped, [message.uid for message, wants in zip(fetched, again) if wants and not message.whole],
                [message for message, wants in zip(fetched, again) if wants and message.whole])

    def _move_all(self, client: IMAPClient, mailbox: _Mailbox, grouped: dict[str, list[int]]) -> None:
        for logical, moving in grouped.items():
            self._move(client, mailbox, uid_set(moving), mailbox.folders[logical])

    def _fetch(self, client: IMAPClient, uidvalidity: int, uids: list[int], sizes: dict[int, int]) -> list[Fetched]:
        """Fetch with BODY.PEEK so nothing becomes \\Seen; oversized messages by their header only."""
        whole = [uid for uid in uids if sizes[uid] <= self._max_message_bytes]
        oversized = [uid for uid in uids if sizes[uid] > self._max_message_bytes]
        raw: dict[int, bytes] = {}
        if whole:
            for uid, data in client.fetch(whole, ["BODY.PEEK[]"]).items():
                if data.get(b"BODY[]") is not None:
                    raw[uid] = bytes(data[b"BODY[]"])
        if oversized:
            for uid, data in client.fetch(oversized, [f"BODY.PEEK[HEADER]<0.{HEADER_LIMIT}>"]).items():
                header = data.get(b"BODY[HEADER]<0>")
                if header is not None:
                    raw[uid] = bytes(header)
        return [Fetched(uidvalidity, uid, raw[uid], sizes[uid], whole=uid not in oversized) for uid in uids
                if uid in raw]

    def _fetch_first_bytes(self, client: IMAPClient, uidvalidity: int, uids: list[int], first: int) -> list[Fetched]:
        """Header first: the size and the `first` bytes of each message, in one command (an oversized
        message is then fetched as its header only, as `_fetch` does)."""
        fetched: dict[int, Fetched] = {}
        sizes: dict[int, int] = {}
        for uid, data in client.fetch(uids, ["RFC822.SIZE", f"BODY.PEEK[]<0.{first}>"]).items():
            if b"RFC822.SIZE" in data and data.get(b"BODY[]<0>") is not None:
                sizes[uid], raw = int(data[b"RFC822.SIZE"]), bytes(data[b"BODY[]<0>"])
                fetched[uid] = Fetched(uidvalidity, uid, raw, sizes[uid], whole=len(raw) < first)
        oversized = [uid for uid, size in sizes.items() if size > self._max_message_bytes]
        fetched.update((message.uid, message) for message in self._fetch(client, uidvalidity, oversized, sizes))
        return [fetched[uid] for uid in uids if uid in fetched]

    @staticmethod
    def _move(client: IMAPClient, mailbox: _Mailbox, uids: str, folder: str) -> None:
        """UID MOVE (RFC 6851), else UID COPY + \\Deleted + UID EXPUNGE (RFC 4315) of exactly these UIDs."""
        if mailbox.can_move:
            client.move(uids, folder)
            return
        client.copy(uids, folder)
        client.add_flags(uids, [b"\\Deleted"], silent=True)
        if mailbox.can_uidplus:
            client.uid_expunge(uids)
        else:  # a plain EXPUNGE also removes what a person marked \Deleted in this dedicated mailbox
            client.expunge()


def _special_folder(client: IMAPClient, special_use: str) -> str:
    """The folder marked `special_use` (RFC 6154), else one with a usual name (Sent, Sent Items, ...)."""
    folder = client.find_special_folder(special_use.encode("ascii"))
    if folder is None:
        raise ImapError(f"the mailbox has no folder marked {special_use} and none with a usual name for it: "
                        f"create one (e.g. 'Sent') in a mail client")
    return folder


class SentFolder:
    """The mailbox's Sent folder over one connection, opened on first use and kept for many calls.

    introbot keeps a copy of each message it sent there (where the provider does not), and after a
    crash looks there for messages it may already have sent. Use it from one thread at a time;
    every method raises ImapError when the mailbox cannot be used, and the next call reconnects.
    """

    def __init__(self, settings: ImapSettings, special_use: str = SENT):
        self._settings = settings
        self._special_use = special_use
        self._client: IMAPClient | None = None
        self._folder = ""

    def open(self) -> None:
        """Connect and find the folder now, so that a later append is one command."""
        with self._using():
            pass

    def append(self, *raws: bytes) -> None:
        """Keep copies of sent messages, marked \\Seen: all in one command where the server can
        (MULTIAPPEND, RFC 3502, which imapclient also sends without waiting between literals when
        the server offers LITERAL+; its plain APPEND waits for the server's go-ahead)."""
        with self._using() as client:
            if client.has_capability("MULTIAPPEND"):
                client.multiappend(self._folder, [{"msg": raw, "flags": [b"\\Seen"]} for raw in raws])
                return
            for raw in raws:
                client.append(self._folder, raw, flags=[b"\\Seen"])

    def find(self, message_ids: Sequence[str]) -> set[str]:
        """Those of `message_ids` (ones introbot generated) that a message in the folder carries.

        ValueError, before connecting, for a Message-ID of a shape introbot never generates.
        """
        for message_id in message_ids:
            if not _MESSAGE_ID.fullmatch(message_id):
                raise ValueError("message_id must look like <local@domain> with letters, digits and ._+- only")
        if not message_ids:
            return set()
        with self._using() as client:
            client.select_folder(self._folder, readonly=True)  # EXAMINE: looking changes nothing
            return {message_id for message_id in message_ids if client.search(["HEADER", "Message-ID", message_id])}

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _logout(client)

    def __enter__(self) -> SentFolder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _using(self) -> Iterator[IMAPClient]:
        if self._client is None:
            self._client, self._folder = _open(self._settings), ""
        try:
            self._folder = self._folder or _special_folder(self._client, self._special_use)
            yield self._client
        except (ImapError, OSError, IMAPClientError) as error:
            client, self._client = self._client, None
            _drop(client)
            if isinstance(error, ImapError):
                raise
            raise ImapError(_describe(_endpoint(self._settings), error)) from None


def message_id_in_folder(settings: ImapSettings, message_id: str, folder_special_use: str = SENT) -> bool:
    """Whether a message with this Message-ID (one introbot generated) is in the Sent folder.

    Uses a short-lived connection and EXAMINE (read-only). Raises ImapError when the mailbox cannot be
    used, ValueError for a Message-ID of a shape introbot never generates.
    """
    with SentFolder(settings, folder_special_use) as folder:
        return bool(folder.find([message_id]))


def append_to_sent(settings: ImapSettings, raw: bytes) -> None:
    """Keep a copy of a sent message in the Sent folder, marked \\Seen, over a short-lived connection."""
    with SentFolder(settings) as folder:
        folder.append(raw)


def delete_matching(settings: ImapSettings, matches: Callable[[bytes], bool], batch: int = 50) -> int:
    """Delete every message for which `matches(raw)` is true from the watched folder, introbot's own
    folders and the Sent folder, over a short-lived connection; returns how many were deleted.

    For `introbot forget --mailbox`. The caller's test runs here, on fetched bytes: only UIDs and
    folder names go into IMAP commands. On Gmail, deleting from a label folder only removes the
    label; the message stays in "All Mail" until deleted there.
    """
    deleted = 0
    with _connected(settings) as client:
        prefix, separator = _hierarchy(client)
        folders = [settings.folder, *(server_folder(logical, prefix, separator) for logical in DESTINATIONS)]
        sent = client.find_special_folder(SENT.encode("ascii"))
        for folder in dict.fromkeys(folders + ([sent] if sent else [])):
            if not client.folder_exists(folder):
                continue
            selected = client.select_folder(folder)
            uids = client.search("ALL") if int(selected.get(b"EXISTS", 0)) else []
            doomed = []
            for start in range(0, len(uids), batch):
                for uid, data in client.fetch(uids[start:start + batch], ["BODY.PEEK[]"]).items():
                    raw = data.get(b"BODY[]")
                    if raw is not None and matches(bytes(raw)):
                        doomed.append(uid)
            if doomed:
                client.add_flags(doomed, [b"\\Deleted"], silent=True)
                if client.has_capability("UIDPLUS"):
                    client.uid_expunge(doomed)
                else:  # a plain EXPUNGE also removes what a person marked \Deleted in this dedicated mailbox
                    client.expunge()
                deleted += len(doomed)
            client.close_folder()
    return deleted
