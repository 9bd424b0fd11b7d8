"""A small TCP proxy on loopback that can pass, delay, drop or cut traffic (issue 24's fault suite).

The app connects to the proxy's port instead of the server's. Faults are switched on while
connections are open:

* ``delay(seconds)``: every chunk is held this long before it is passed on (a slow link);
* ``drop(to_server=..., to_client=...)``: bytes in that direction are read and thrown away, as on
  a link that loses every packet while the far end still acknowledges (a half-dead router or VPN).
  ``drop(to_client=True)`` right before a COMMIT is "the commit reached the server but its reply was
  lost";
* ``silent()``: new connections are accepted and then never answered (a server that hangs);
* ``cut()``: every open connection is reset at once (a cable pulled, a firewall restarted);
* ``heal()``: back to passing everything.

Real sockets and threads only: nothing in the app is mocked.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = int(self.listener.getsockname()[1])
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._closed = False
        self.delay_s = 0.0
        self.drop_up = False  # client -> server
        self.drop_down = False  # server -> client
        self.silent_new = False
        self.accepted = 0
        self.dropped_bytes = 0
        threading.Thread(target=self._accept_loop, name="fault-proxy-accept", daemon=True).start()

    # ---- switching faults
    def delay(self, seconds: float) -> None:
        self.delay_s = seconds

    def drop(self, to_server: bool = True, to_client: bool = True) -> None:
        self.drop_up, self.drop_down = to_server, to_client

    def silent(self, on: bool = True) -> None:
        self.silent_new = on

    def heal(self) -> None:
        self.delay_s = 0.0
        self.drop_up = self.drop_down = False
        self.silent_new = False

    def cut(self) -> None:
        """Reset every open connection (RST to both ends)."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.close()
                except OSError:
                    pass

    def close(self) -> None:
        self._closed = True
        try:
            self.listener.close()
        except OSError:
            pass
        self.cut()

    # ---- plumbing
    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self._closed:  # accepted while closing: nobody will cut it later
                client.close()
                return
            if self.silent_new:
                with self._lock:  # held open, never answered, never forwarded
                    self._pairs.append((client, client))
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, upward: bool) -> None:
        try:
            while not self._closed:
                ready, _, _ = select.select([src], [], [], 0.2)
                if not ready:
                    continue
                data = src.recv(65536)
                if not data:
                    break
                if self.delay_s:
                    time.sleep(self.delay_s)
                if (self.drop_up if upward else self.drop_down):
                    self.dropped_bytes += len(data)
                    continue
                dst.sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


__all__ = ["FaultProxy"]
