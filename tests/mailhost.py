"""A real Dovecot + Postfix pair on 127.0.0.1 for tests: SMTP in, LMTP into Maildir, IMAP out."""

from __future__ import annotations

import atexit
import email
import email.policy
import grp
import os
import pwd
import random
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Callable, TypeVar

from imapclient import IMAPClient

# Every address in these domains has a mailbox without being registered. Add a domain here (or pass
# `domains=` to MailHost) when a test needs another one.
TEST_DOMAINS = ("collective.example", "clinic.example", "bodywork.example", "client.example",
                "example.org", "mail.example")
# Mail to this domain is accepted, then fails at delivery: Postfix sends a real DSN to the envelope sender.
UNDELIVERABLE_DOMAIN = "nowhere.example"
# `refused@<any domain>` is rejected at RCPT TO with 550 5.1.1, on every port.
REFUSED_LOCAL_PART = "refused"
TEST_PASSWORD = "mailhost-test-password"
# Created (and subscribed) in every mailbox, each with the special-use flag of the same name.
SPECIAL_FOLDERS = ("Sent", "Drafts", "Trash", "Junk", "Archive")
MAIL_USER = "vmail"
HOSTNAME = "mx.mail.example"

DOVECOT = "/usr/sbin/dovecot"
POSTFIX_MASTER = "/usr/lib/postfix/sbin/master"
POSTSUPER = "/usr/sbin/postsuper"
POSTQUEUE = "/usr/sbin/postqueue"
DOVEADM = "/usr/bin/doveadm"
REQUIRED_PROGRAMS = (DOVECOT, DOVEADM, "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp", POSTFIX_MASTER,
                     POSTSUPER, POSTQUEUE, "openssl")
# (directory under the queue, owner, group, mode), as /etc/postfix/postfix-files lays them out.
POSTFIX_QUEUE_LAYOUT = (("", "root", "root", 0o755), ("pid", "root", "root", 0o755),
                        ("maildrop", "postfix", "postdrop", 0o730), ("public", "postfix", "postdrop", 0o710),
                        *((name, "postfix", "root", 0o700)
                          for name in ("active", "bounce", "corrupt", "defer", "deferred", "flush", "hold",
                                       "incoming", "private", "saved", "trace")))
QUEUE_DIRS = ("maildrop", "incoming", "active", "deferred", "hold")
START_TIMEOUT = 30.0

T = TypeVar("T")


class MailHostError(RuntimeError):
    """The test mail servers could not be set up, started or queried."""


@dataclass(frozen=True)
class Certificate:
    """A throwaway CA and a server certificate it signed, valid for 127.0.0.1 and localhost."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.cert_file), str(self.key_file))
        return context


def make_certificate(directory: Path) -> Certificate:
    """Create a CA and a server certificate (SAN IP:127.0.0.1, DNS:localhost) in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_file = directory / "ca.key", directory / "ca.pem"
    key_file, csr_file, cert_file = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ec_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _run(["openssl", "req", "-x509", *ec_key, "-keyout", ca_key, "-out", ca_file, "-days", "7",
          "-subj", "/CN=introbot test CA", "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    _run(["openssl", "req", "-new", *ec_key, "-keyout", key_file, "-out", csr_file, "-subj", "/CN=localhost"])
    extensions = directory / "server.ext"
    extensions.write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                          "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _run(["openssl", "x509", "-req", "-in", csr_file, "-CA", ca_file, "-CAkey", ca_key, "-CAcreateserial",
          "-out", cert_file, "-days", "7", "-extfile", extensions])
    return Certificate(ca_file=ca_file, cert_file=cert_file, key_file=key_file)


_PORT_CHOOSER = random.SystemRandom()  # independent of tests that seed `random`
_LOWEST_PORT = 10_000


def _ephemeral_ports() -> range:
    """The ports the kernel hands out as source ports of outgoing connections."""
    try:
        low, high = (int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    return range(low, high + 1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, outside the kernel's ephemeral range.

    A port the kernel picked (bind to port 0) is an ephemeral one: before the server we configure
    binds it, any outgoing connection on the machine may take it as its source port, and the server
    fails with "Address already in use" (seen in CI while the benchmark test opened many connections).
    """
    ephemeral = _ephemeral_ports()
    below, above = range(_LOWEST_PORT, ephemeral.start), range(ephemeral.stop, 65536)
    candidates = below if len(below) >= len(above) else above
    for _ in range(200):
        port = _PORT_CHOOSER.choice(candidates)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise MailHostError(f"no free TCP port on 127.0.0.1 between {candidates[0]} and {candidates[-1]}")


def check_prerequisites(programs: tuple[str, ...] = REQUIRED_PROGRAMS) -> None:
    """Fail (not skip) with the fix when the mail servers are not installed or we are not root."""
    missing = [program for program in programs if shutil.which(program) is None]
    if missing:
        raise MailHostError(f"the test mail servers are not installed (missing: {', '.join(missing)}); "
                            "run scripts/test as root once, it installs Dovecot, Postfix and OpenSSL")
    if os.geteuid() != 0:
        raise MailHostError("the test mail servers must be started as root (Postfix's master and Dovecot "
                            "drop privileges themselves); run the tests as root, e.g. through scripts/test")


def ensure_mail_user() -> pwd.struct_passwd:
    """The system user that owns the Maildirs (Dovecot refuses to run mail processes as root)."""
    try:
        return pwd.getpwnam(MAIL_USER)
    except KeyError:  # exit code 9: a parallel test session created it first
        _run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
              "--shell", "/usr/sbin/nologin", MAIL_USER], allowed_codes=(0, 9))
        return pwd.getpwnam(MAIL_USER)


class Daemon:
    """One server process started in its own session; stopped by its pid, never by name."""

    def __init__(self, name: str, argv: list[str], log_dir: Path) -> None:
        self.name = name
        self.output = log_dir / f"{name}.out"
        with open(self.output, "wb") as output:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.process.pid

    def exited(self) -> bool:
        return self.process.poll() is not None

    def stop(self) -> None:
        if not self.exited():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:  # children left behind in the session we created (its id is our pid)
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class MailHost:
    """Dovecot (IMAP, IMAPS, LMTP) and Postfix (internet SMTP, submission, SMTPS) in a temp directory.

    Any address in `domains` has a mailbox and logs in with `password`; mail to
    `UNDELIVERABLE_DOMAIN` bounces back to its envelope sender; `refused@…` is refused at RCPT.
    """

    def __init__(self, domains: tuple[str, ...] = TEST_DOMAINS, password: str = TEST_PASSWORD) -> None:
        self.domains = domains
        self.password = password
        self.host = "127.0.0.1"
        self.imap_port = self.imaps_port = self.lmtp_port = 0
        self.smtp_port = self.submission_port = self.smtps_port = 0
        self.directory = Path()
        self.certificate: Certificate | None = None
        self._daemons: list[Daemon] = []

    # ------------------------------------------------------------------ life cycle
    def start(self) -> MailHost:
        check_prerequisites()
        mail_user = ensure_mail_user()
        # A short path: Dovecot's unix sockets live under it and socket paths are limited to ~100 bytes.
        self.directory = Path(tempfile.mkdtemp(prefix="mh-", dir="/tmp"))
        atexit.register(self.stop)
        try:
            self._configure(mail_user)
            self._daemons.append(Daemon("dovecot", [DOVECOT, "-F", "-c", str(self.dovecot_conf)],
                                        self.directory))
            self._daemons.append(Daemon("postfix", [POSTFIX_MASTER, "-c", str(self.postfix_dir), "-s"],
                                        self.directory))
            for port, greeting in ((self.imap_port, b"* OK"), (self.lmtp_port, b"220"),
                                   (self.smtp_port, b"220"), (self.submission_port, b"220")):
                self._wait_for_greeting(port, greeting)
        except BaseException:
            self.stop()
            raise
        return self

    def _configure(self, mail_user: pwd.struct_passwd) -> None:
        self.directory.chmod(0o755)  # the servers' unprivileged users walk through it
        (self.imap_port, self.imaps_port, self.lmtp_port,
         self.smtp_port, self.submission_port, self.smtps_port) = (free_port() for _ in range(6))
        self.certificate = make_certificate(self.directory / "tls")
        self.mail_dir.mkdir()
        os.chown(self.mail_dir, mail_user.pw_uid, mail_user.pw_gid)
        self._write_dovecot_config(mail_user)
        self._write_postfix_config()
        self._make_postfix_queue()

    def stop(self) -> None:
        for daemon in reversed(self._daemons):
            daemon.stop()
        self._daemons.clear()
        if self.directory != Path() and self.directory.is_dir():
            shutil.rmtree(self.directory, ignore_errors=True)
        atexit.unregister(self.stop)

    def __enter__(self) -> MailHost:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ paths
    @property
    def ca_file(self) -> Path:
        """The CA that signed the servers' certificate: verify TLS with `ssl.create_default_context(cafile=…)`."""
        assert self.certificate is not None, "MailHost.start() has not run"
        return self.certificate.ca_file

    @property
    def mail_dir(self) -> Path:
        return self.directory / "mail"

    @property
    def dovecot_conf(self) -> Path:
        return self.directory / "dovecot" / "dovecot.conf"

    @property
    def dovecot_run(self) -> Path:
        return self.directory / "run"

    @property
    def dovecot_log(self) -> Path:
        return self.directory / "dovecot.log"

    @property
    def postfix_dir(self) -> Path:
        return self.directory / "postfix"

    @property
    def postfix_log(self) -> Path:
        return self.directory / "postfix.log"

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the test servers' certificate (and checks the hostname)."""
        assert self.certificate is not None, "MailHost.start() has not run"
        return self.certificate.client_context()

    # ------------------------------------------------------------------ mail in
    def deliver(self, raw: bytes, mail_from: str, rcpt_to: list[str]) -> None:
        """Hand a message to the 'internet' SMTP port, as any sender, like a remote server would."""
        with smtplib.SMTP(self.host, self.smtp_port, local_hostname="sender.example", timeout=30) as smtp:
            refused = smtp.sendmail(mail_from, rcpt_to, raw)
        if refused:
            raise MailHostError(f"Postfix refused {len(refused)} of {len(rcpt_to)} recipients: {refused}")

    def append(self, address: str, raw: bytes, folder: str = "INBOX", flags: tuple[str, ...] = ()) -> int:
        """Put a message straight into a mailbox over IMAP (no SMTP, no Received header); returns its UID."""
        with self.imap(address) as imap:
            if not imap.folder_exists(folder):
                imap.create_folder(folder)
            response = imap.append(folder, raw, flags=flags)
        return int(response.split(b"]")[0].split()[-1])

    # ------------------------------------------------------------------ mail out
    def imap(self, address: str) -> IMAPClient:
        """A logged-in IMAP client (plain port on loopback) for `address`; use it as a context manager."""
        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=30)
        client.login(address, self.password)
        return client

    def folders(self, address: str) -> list[str]:
        with self.imap(address) as imap:
            return sorted(name for _flags, _delimiter, name in imap.list_folders())

    def messages(self, address: str, folder: str = "INBOX") -> list[EmailMessage]:
        """Every message in the folder, oldest UID first, read with BODY.PEEK[] (no \\Seen is set)."""
        with self.imap(address) as imap:
            return self._read_folder(imap, folder)

    def wait_for_messages(self, address: str, count: int, folder: str = "INBOX",
                          timeout: float = 20.0) -> list[EmailMessage]:
        """Poll until the folder holds at least `count` messages (a missing folder counts as empty)."""
        def enough() -> list[EmailMessage] | None:
            with self.imap(address) as imap:
                found = self._read_folder(imap, folder) if imap.folder_exists(folder) else []
            return found if len(found) >= count else None

        return wait_until(enough, timeout, lambda: f"{folder!r} of {address!r} did not reach {count} "
                                                     f"messages; Postfix queue holds {self.queue_size()}")

    @staticmethod
    def _read_folder(imap: IMAPClient, folder: str) -> list[EmailMessage]:
        imap.select_folder(folder, readonly=True)
        uids = sorted(imap.search("ALL"))
        fetched = imap.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
        return [email.message_from_bytes(fetched[uid][b"BODY[]"], policy=email.policy.default)
                for uid in uids]

    # ------------------------------------------------------------------ queue and reset
    def queue_size(self) -> int:
        """Messages Postfix still holds (including bounces it has yet to deliver)."""
        spool = self.postfix_dir / "spool"
        return sum(1 for name in QUEUE_DIRS for path in (spool / name).rglob("*") if path.is_file())

    def wait_for_queue_empty(self, timeout: float = 30.0) -> None:
        wait_until(lambda: self.queue_size() == 0 or None, timeout,
                    lambda: f"the Postfix queue still holds {self.queue_size()} messages; see {self.postfix_log}")

    def flush_queue(self) -> None:
        """Retry deferred mail now instead of at the next queue run."""
        _run([POSTQUEUE, "-c", self.postfix_dir, "-f"])

    def reset(self) -> None:
        """Give the next test empty mailboxes and an empty queue: drop queued mail, end IMAP sessions,
        delete every Maildir."""
        _run([POSTSUPER, "-c", self.postfix_dir, "-d", "ALL"])
        self.wait_for_queue_empty(timeout=10)
        _run([DOVEADM, "-c", self.dovecot_conf, "kick", "*"], allowed_codes=(0, 68))  # 68: nobody logged in
        for home in self.mail_dir.iterdir():
            shutil.rmtree(home)
        for daemon in self._daemons:
            if daemon.exited():
                raise MailHostError(f"{daemon.name} died; see {daemon.output} and {self.directory}")

    # ------------------------------------------------------------------ internals
    def _wait_for_greeting(self, port: int, greeting: bytes) -> None:
        def greeted() -> bool | None:
            for daemon in self._daemons:
                if daemon.exited():
                    raise MailHostError(f"{daemon.name} exited during start-up:\n{_tail(daemon.output)}\n"
                                        f"{_tail(self.dovecot_log)}\n{_tail(self.postfix_log)}")
            try:
                with socket.create_connection((self.host, port), timeout=5) as connection:
                    return connection.recv(200).startswith(greeting) or None
            except OSError:
                return None

        wait_until(greeted, START_TIMEOUT, lambda: f"no greeting on port {port} within {START_TIMEOUT} s:\n"
                                                    f"{_tail(self.dovecot_log)}\n{_tail(self.postfix_log)}")

    def _make_postfix_queue(self) -> None:
        """The queue directories with the owners and modes `postfix check` would give them (it takes 2 s)."""
        for name, owner, group, mode in POSTFIX_QUEUE_LAYOUT:
            path = self.postfix_dir / "spool" / name
            path.mkdir(parents=True, exist_ok=True)
            os.chown(path, pwd.getpwnam(owner).pw_uid, grp.getgrnam(group).gr_gid)
            path.chmod(mode)
        data = self.postfix_dir / "data"
        data.mkdir(mode=0o700)
        postfix = pwd.getpwnam("postfix")
        os.chown(data, postfix.pw_uid, postfix.pw_gid)

    def _write_dovecot_config(self, mail_user: pwd.struct_passwd) -> None:
        self.dovecot_conf.parent.mkdir()
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
        self.dovecot_conf.write_text(DOVECOT_CONF.format(
            run=self.dovecot_run, state=self.directory / "dovecot-state", log=self.dovecot_log,
            cert=self.certificate.cert_file, key=self.certificate.key_file, uid=uid, gid=gid,
            mail=self.mail_dir, password=self.password, imap=self.imap_port, imaps=self.imaps_port,
            lmtp=self.lmtp_port, name=self.directory.name, hostname=HOSTNAME,
            special_folders="\n".join(f"  mailbox {name} {{\n    special_use = \\{name}\n    auto = subscribe\n  }}"
                                      for name in SPECIAL_FOLDERS)))

    def _write_postfix_config(self) -> None:
        self.postfix_dir.mkdir()
        (self.postfix_dir / "main.cf").write_text(POSTFIX_MAIN_CF.format(
            spool=self.postfix_dir / "spool", data=self.postfix_dir / "data", log=self.postfix_log,
            hostname=HOSTNAME, domains=" ".join(self.domains), lmtp=self.lmtp_port,
            undeliverable=UNDELIVERABLE_DOMAIN, refused=REFUSED_LOCAL_PART,
            cert=self.certificate.cert_file, key=self.certificate.key_file,
            auth_socket=self.dovecot_run / "auth-postfix"))
        (self.postfix_dir / "master.cf").write_text(POSTFIX_MASTER_CF.format(
            smtp=self.smtp_port, submission=self.submission_port, smtps=self.smtps_port))
        # Postfix re-reads a main.cf younger than about 2 s, 300 ms at a time, until it is "stable":
        # backdating it saves that wait on every start.
        an_hour_ago = time.time() - 3600
        for name in ("main.cf", "master.cf"):
            os.utime(self.postfix_dir / name, (an_hour_ago, an_hour_ago))


def wait_until(condition: Callable[[], T | None], timeout: float, describe: Callable[[], str]) -> T:
    """Poll `condition` until it returns something other than None, or raise TimeoutError(describe()).
    Tests wait on conditions with generous deadlines, never on fixed sleeps."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(describe())
        time.sleep(0.05)


def _run(argv: list[object], allowed_codes: tuple[int, ...] = (0,)) -> None:
    completed = subprocess.run([str(arg) for arg in argv], capture_output=True, text=True)
    if completed.returncode not in allowed_codes:
        raise MailHostError(f"{' '.join(map(str, argv))} failed ({completed.returncode}):\n"
                            f"{completed.stdout}{completed.stderr}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return f"--- {path.name}:\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"--- {path.name}: (none)"


DOVECOT_CONF = """\
# Written by tests/mailhost.py for one test session.
instance_name = {name}
protocols = imap lmtp
listen = 127.0.0.1
base_dir = {run}
state_dir = {state}
log_path = {log}
hostname = {hostname}
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_location = maildir:~/Maildir
mail_fsync = never
auth_mechanisms = plain login
# One password for every address; any other password fails.
passdb {{
  driver = static
  args = password={password}
}}
# Every address has a home without being registered: intro+x@collective.example -> .../collective.example/intro
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail}/%Ld/%Ln
}}
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
lmtp_hdr_delivery_address = final
# No penalty after a failed login: tests log in with wrong passwords on purpose.
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  prefix =
{special_folders}
}}
protocol imap {{
  mail_max_userip_connections = 1000
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp}
  }}
}}
"""

POSTFIX_MAIN_CF = """\
# Written by tests/mailhost.py for one test session. It never talks to anything but loopback.
compatibility_level = 3.6
queue_directory = {spool}
data_directory = {data}
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = {log}
maillog_file_prefixes = {log}
myhostname = {hostname}
mydomain = mail.example
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
virtual_mailbox_domains = {domains}
virtual_transport = lmtp:inet:127.0.0.1:{lmtp}
transport_maps = inline:{{ {undeliverable}=nowhere: }}
local_transport = error:5.1.1 no local delivery on the test mail host
default_transport = error:5.4.4 the test mail host never talks to the outside world
relay_transport = error:5.4.4 the test mail host never talks to the outside world
recipient_delimiter = +
message_size_limit = 52428800
smtpd_error_sleep_time = 0s
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
in_flow_delay = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access inline:{{ {{ {refused}@ = 550 5.1.1 no such user (test address that is always refused) }} }}
smtpd_tls_security_level = may
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
smtpd_tls_loglevel = 0
smtpd_sasl_type = dovecot
smtpd_sasl_path = {auth_socket}
smtpd_sasl_auth_enable = no
smtpd_tls_auth_only = yes
"""

POSTFIX_MASTER_CF = """\
# service type private unpriv chroot wakeup maxproc command
{smtp}       inet n - n - - smtpd
{submission} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
{smtps}      inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
# Accepts at RCPT, fails at delivery with EX_NOUSER: Postfix then bounces a DSN to the envelope sender.
nowhere   unix - n n - - pipe
  user=nobody argv=/bin/sh -c {{exit 67}}
"""
