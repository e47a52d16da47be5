"""A TCP proxy on 127.0.0.1 between a client and a real server, whose fault switches at runtime."""

from __future__ import annotations

import socket
import threading
import time
from enum import Enum

from tests.mailhost import free_port, wait_until

CHUNK = 65536


class Mode(Enum):
    PASS = "pass"                    # forward everything
    DELAY = "delay"                  # forward every chunk after a pause
    CUT_ON_DATA = "cut on next data"  # close both sides when the next chunk arrives (it is dropped)
    BLACK_HOLE = "black hole"        # keep every socket open, forward nothing, never send a FIN
    REFUSE = "refuse"                # nothing listens: new connections get ECONNREFUSED


class _Link:
    """One client connection and its upstream connection to the real server (None when black-holed)."""

    def __init__(self, client: socket.socket, upstream: socket.socket | None) -> None:
        self.client = client
        self.upstream = upstream

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the pump thread blocked in recv()
            except OSError:
                pass
            sock.close()


class FaultProxy:
    """Listens on 127.0.0.1:`port` and forwards to `target_host`:`target_port` in the current mode.

    Switch modes at any time with pass_through(), delay(), cut(), cut_on_next_data(), black_hole()
    and refuse(); a mode applies to open connections and to new ones.
    """

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.host = "127.0.0.1"
        self.port = 0
        self._mode = Mode.PASS
        self._delay_seconds = 0.0
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._connections_made = 0
        self._listener: socket.socket | None = None
        self._listener_changed = threading.Condition(self._lock)
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._hook: tuple[bytes, object] | None = None

    # ------------------------------------------------------------------ life cycle
    def start(self) -> FaultProxy:
        # Not an ephemeral port: in REFUSE mode the listener closes and later binds the same port again,
        # which an outgoing connection could have taken as its source port in between.
        self._listener = self._listen(free_port())
        self.port = self._listener.getsockname()[1]
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._close_listener()
            links = list(self._links)
            self._listener_changed.notify_all()
        for link in links:
            link.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ modes
    @property
    def mode(self) -> Mode:
        return self._mode

    def pass_through(self) -> None:
        self._set_mode(Mode.PASS)

    def delay(self, milliseconds: int) -> None:
        """Pause `milliseconds` before forwarding each chunk, in both directions."""
        self._delay_seconds = milliseconds / 1000
        self._set_mode(Mode.DELAY)

    def cut_on_next_data(self) -> None:
        self._set_mode(Mode.CUT_ON_DATA)

    def black_hole(self) -> None:
        self._set_mode(Mode.BLACK_HOLE)

    def refuse(self) -> None:
        """Stop listening now: connects are refused until another mode is chosen. Accepted connections
        stay; ones still in the listen backlog are reset."""
        self._set_mode(Mode.REFUSE)

    def cut(self) -> None:
        """Close every open connection now, both sides (a FIN each way); the mode is unchanged."""
        with self._lock:
            links = list(self._links)
        for link in links:
            link.close()

    # ------------------------------------------------------------------ counters
    @property
    def connections_made(self) -> int:
        """Connections accepted since start (refused ones are not counted)."""
        with self._lock:
            return self._connections_made

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._links)

    def before_client_sends(self, marker: bytes, action) -> None:
        """Once, when a client's data holds `marker` (an IMAP command, say), run `action` before passing the
        data on: a peer whose state changes at the worst moment (mail landing as IDLE begins)."""
        with self._lock:
            self._hook = (marker, action)

    def wait_for_connections(self, count: int, timeout: float = 20.0) -> None:
        """Wait until at least `count` connections were made since start."""
        wait_until(lambda: self.connections_made >= count or None, timeout,
                   lambda: f"the proxy saw {self.connections_made} connections, expected {count}")

    # ------------------------------------------------------------------ internals
    def _set_mode(self, mode: Mode) -> None:
        with self._lock:
            self._mode = mode
            if mode is Mode.REFUSE:
                self._close_listener()
            elif self._listener is None and not self._stopping:
                self._listener = self._listen(self.port)
                self._listener_changed.notify_all()

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, port))
        listener.listen(64)
        return listener

    def _close_listener(self) -> None:
        """Stop listening at once (shutdown unhashes the socket and wakes accept()); caller holds the lock."""
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None

    def _accept_loop(self) -> None:
        while True:
            with self._lock:
                while self._listener is None and not self._stopping:
                    self._listener_changed.wait()
                if self._stopping:
                    return
                listener = self._listener
            try:
                client, _address = listener.accept()
            except OSError:  # the listener was shut down by refuse() or stop()
                continue
            self._open_link(client)

    def _open_link(self, client: socket.socket) -> None:
        with self._lock:
            self._connections_made += 1
            mode = self._mode
        upstream = None
        if mode is not Mode.BLACK_HOLE:
            try:
                upstream = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()  # the real server is down: the client sees the connection close
                return
        link = _Link(client, upstream)
        with self._lock:
            if self._stopping:
                link.close()
                return
            self._links.add(link)
        self._spawn(self._pump, link, client, upstream)
        if upstream is not None:
            self._spawn(self._pump, link, upstream, client)

    def _pump(self, link: _Link, source: socket.socket, destination: socket.socket | None) -> None:
        from_server = source is link.upstream
        while True:
            try:
                chunk = source.recv(CHUNK)
            except OSError:
                break
            if not chunk:
                if from_server and self._mode is Mode.BLACK_HOLE:
                    return  # the server left; a black hole does not tell the client
                break
            mode = self._mode
            if mode is Mode.CUT_ON_DATA:
                break
            if mode is Mode.BLACK_HOLE or destination is None:
                continue
            if mode is Mode.DELAY:
                time.sleep(self._delay_seconds)
            if not from_server and self._hook is not None and self._hook[0] in chunk:
                with self._lock:
                    hook, self._hook = self._hook, None
                if hook is not None:
                    hook[1]()
            try:
                destination.sendall(chunk)
            except OSError:
                break
        self._drop(link)

    def _drop(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)
        link.close()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name=f"faultproxy-{self.port}")
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
