"""Real peers the mail host does not provide: pymap without some capabilities, and a TLS server for another name."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.mailhost import free_port

PYMAP_USER, PYMAP_PASSWORD = "intro", "pymap-test-password"

# pymap's in-memory server, started with some capabilities removed from what it announces after login.
# (pymap's own `disable_idle` option is accepted but not implemented in the installed version.)
_PYMAP_WITHOUT = """
import sys
from pymap import main
from pymap.backend.dict import Config

dropped = {name.encode() for name in sys.argv[1].split(",") if name}
announced = Config.login_capability
Config.login_capability = property(lambda self: [c for c in announced.fget(self) if c not in dropped])
sys.argv = ["pymap", "--debug", "--host", "127.0.0.1", "--port", sys.argv[2], "--no-tls", "dict",
            "--demo-user", sys.argv[3], "--demo-password", sys.argv[4]]
main.main()
"""


@contextmanager
def pymap_without(*capabilities: str, log: Path) -> Iterator[int]:
    """Run pymap (plain IMAP, no STARTTLS) on loopback without `capabilities`; yields its port.

    Its --debug output (every line on the wire) goes to `log`, so a test can check what a client sent.
    """
    port = free_port()
    environment = {**os.environ, "FQDN": "pymap.example"}  # else its greeting asks DNS for our name
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-c", _PYMAP_WITHOUT, ",".join(capabilities), str(port),
                                    PYMAP_USER, PYMAP_PASSWORD], stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=environment)
    try:
        _wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pymap exited with {process.returncode} during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"pymap did not listen on port {port} within {timeout} s")


def certificate_for(name: str, directory: Path) -> tuple[Path, Path, Path]:
    """(CA file, certificate, key): a fresh CA and a server certificate valid only for DNS:`name`."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_file = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    extensions = directory / "server.ext"
    extensions.write_text(f"basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
                          f"subjectAltName=DNS:{name}\n")
    for argv in (["req", "-x509", *ec, "-keyout", ca_key, "-out", ca_file, "-days", "2", "-subj", "/CN=other CA",
                  "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
                 ["req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", f"/CN={name}"],
                 ["x509", "-req", "-in", csr, "-CA", ca_file, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
                  "-days", "2", "-extfile", extensions]):
        subprocess.run(["openssl", *map(str, argv)], check=True, capture_output=True)
    return ca_file, cert, key


@contextmanager
def tls_server(cert: Path, key: Path, greeting: bytes) -> Iterator[tuple[int, list[bytes]]]:
    """A TLS server on loopback that sends `greeting` after the handshake and records what clients send.

    Yields (port, received): `received` collects every byte a client sent after a completed handshake.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    received: list[bytes] = []
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                try:
                    with context.wrap_socket(connection, server_side=True) as secure:
                        secure.sendall(greeting)
                        while chunk := secure.recv(4096):
                            received.append(chunk)
                except (OSError, ssl.SSLError):
                    pass  # the client gave up on our certificate, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], received
    finally:
        stopping.set()
        thread.join(timeout=5)
        listener.close()
