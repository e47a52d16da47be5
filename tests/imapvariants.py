"""A Dovecot alone on 127.0.0.1, configured like MailHost's but for a change: OAuth2 tokens checked with
an introspection endpoint (XOAUTH2 only), or an ACL that forbids creating folders."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from pathlib import Path

from tests.mailhost import (DOVECOT, DOVECOT_CONF, HOSTNAME, TEST_PASSWORD, Certificate, Daemon,
                            check_prerequisites, ensure_mail_user, free_port, make_certificate, wait_until)

START_TIMEOUT = 30.0


class DovecotImap:
    """Dovecot without Postfix: `imap_port` (plain or STARTTLS) and `imaps_port` (TLS), any address a mailbox.

    introspection_url: logins are XOAUTH2 only, each token checked by POSTing it there (RFC 7662; the
    answer must be active and name the user); else any address logs in with `password`.
    forbid_folder_creation: an ACL grants the owner every right but k (create) and x (delete).
    """

    def __init__(self, *, introspection_url: str | None = None, password: str = TEST_PASSWORD,
                 forbid_folder_creation: bool = False) -> None:
        self.host = "127.0.0.1"
        self.password = password
        self.introspection_url = introspection_url
        self.forbid_folder_creation = forbid_folder_creation
        self.imap_port = self.imaps_port = 0
        self.directory = Path()
        self.certificate: Certificate | None = None
        self._daemon: Daemon | None = None

    def start(self) -> DovecotImap:
        check_prerequisites((DOVECOT, "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp", "openssl"))
        mail_user = ensure_mail_user()
        self.directory = Path(tempfile.mkdtemp(prefix="dv-", dir="/tmp"))  # short: socket paths are limited
        atexit.register(self.stop)
        try:
            self.directory.chmod(0o755)
            self.imap_port, self.imaps_port = free_port(), free_port()
            self.certificate = make_certificate(self.directory / "tls")
            mail = self.directory / "mail"
            mail.mkdir()
            os.chown(mail, mail_user.pw_uid, mail_user.pw_gid)
            config = self.directory / "dovecot.conf"
            config.write_text(self._config(mail_user.pw_uid, mail_user.pw_gid, mail))
            self._daemon = Daemon("dovecot", [DOVECOT, "-F", "-c", str(config)], self.directory)
            wait_until(self._greeted, START_TIMEOUT, lambda: f"Dovecot did not greet on port {self.imap_port}; "
                                                              f"see {self.directory}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._daemon is not None:
            self._daemon.stop()
            self._daemon = None
        if self.directory != Path():
            shutil.rmtree(self.directory, ignore_errors=True)
        atexit.unregister(self.stop)

    def __enter__(self) -> DovecotImap:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def ca_file(self) -> Path:
        assert self.certificate is not None, "DovecotImap.start() has not run"
        return self.certificate.ca_file

    def _greeted(self) -> bool | None:
        if self._daemon is not None and self._daemon.exited():
            raise RuntimeError(f"Dovecot exited during start-up; see {self._daemon.output}")
        try:
            with socket.create_connection((self.host, self.imap_port), timeout=5) as connection:
                return connection.recv(200).startswith(b"* OK") or None
        except OSError:
            return None

    def _config(self, uid: int, gid: int, mail: Path) -> str:
        """MailHost's Dovecot configuration, with another passdb and/or an ACL."""
        assert self.certificate is not None
        config = DOVECOT_CONF.format(
            name=self.directory.name, run=self.directory / "run", state=self.directory / "state",
            log=self.directory / "dovecot.log", hostname=HOSTNAME, cert=self.certificate.cert_file,
            key=self.certificate.key_file, uid=uid, gid=gid, mail=mail, password=self.password,
            imap=self.imap_port, imaps=self.imaps_port, lmtp=free_port(), special_folders="")
        if self.introspection_url:
            oauth2 = self.directory / "oauth2.conf.ext"
            oauth2.write_text(f"introspection_mode = post\nintrospection_url = {self.introspection_url}\n"
                              f"force_introspection = yes\nusername_attribute = username\n"
                              f"active_attribute = active\nactive_value = true\n")
            config = _replaced(config, "auth_mechanisms = plain login\n", "auth_mechanisms = xoauth2 oauthbearer\n")
            config = _replaced(config, f"  driver = static\n  args = password={self.password}\n",
                               f"  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {oauth2}\n")
        if self.forbid_folder_creation:
            rules = self.directory / "acl"
            rules.write_text("* owner lrwstipe\n")  # every right but k (create), x (delete) and a (admin)
            config += (f"mail_plugins = $mail_plugins acl\nplugin {{\n  acl = vfile:{rules}\n}}\n"
                       f"protocol imap {{\n  mail_plugins = $mail_plugins imap_acl\n}}\n")
        return config


def _replaced(text: str, old: str, new: str) -> str:
    if old not in text:
        raise RuntimeError(f"tests/mailhost.py's Dovecot configuration no longer contains {old!r}; "
                           f"update tests/imapvariants.py to match")
    return text.replace(old, new, 1)
