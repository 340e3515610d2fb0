"""``Simulation.serve``: one simulation reachable over HTTP, while in-process clients keep being
answered directly (their ``before-call`` answer comes before anything is sent).

A ``Server`` starts with ``with`` or ``start()`` and stops with the block, ``stop()``, or the
simulation's own stop. While it runs, ``AWS_ENDPOINT_URL_ORGANIZATIONS`` and ``AWS_ENDPOINT_URL_STS``
point at it, so child processes (the AWS CLI, a script, Terraform) reach it with no flag.
"""

from __future__ import annotations

import ipaddress
import threading
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from .adapters.http import environment
from .adapters.http.app import Application, Exchange
from .adapters.http.server import REQUEST_TIMEOUT, ThreadedServer
from .exceptions import NoActiveSimulation, OrgsimError

if TYPE_CHECKING:
    from .simulation import Simulation


class ExposedServerWarning(UserWarning):
    """A server was asked to listen on an address other machines can reach."""


class Server:
    """A simulation served over HTTP. ``endpoint_url`` is where AWS clients send their requests."""

    def __init__(
        self,
        simulation: Simulation,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> None:
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be a number from 0 (any free port) to 65535, not {port!r}")
        self.simulation = simulation
        self.host = host
        self._port = port
        self._request_timeout = request_timeout
        #: Called with every request and its answer (``Exchange``), from the server's threads; set before ``start``.
        self.on_exchange = on_exchange
        self._httpd: ThreadedServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.application: Application | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Server:
        """Listen and answer, in a thread of its own. OSError when the port cannot be had."""
        with self._lock:
            if self._httpd is not None:
                raise RuntimeError("this server is already running")
            if not self.simulation.active:
                raise NoActiveSimulation(_NEEDS_ACTIVE)
            if not _is_loopback(self.host):
                warnings.warn(
                    f"orgsim is serving on {self.host}, which other machines may reach: anyone who can connect "
                    "can act as the simulation's default account. Serve on 127.0.0.1 unless you need otherwise.",
                    ExposedServerWarning,
                    stacklevel=3,
                )
            application = Application(self.simulation._require(), on_exchange=self.on_exchange)
            httpd = ThreadedServer(self.host, self._port, application, request_timeout=self._request_timeout)
            thread = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, name=f"orgsim-server-{httpd.server_port}", daemon=True
            )
            thread.start()
            self.application, self._httpd, self._thread = application, httpd, thread
            self.simulation._servers.append(self)
            environment.point_at(self, self.endpoint_url)
        return self

    def stop(self) -> None:
        """Stop answering and free the port (requests being answered finish first). Stopping twice,
        or a server that never started, does nothing."""
        with self._lock:
            httpd, thread = self._httpd, self._thread
            if httpd is None:
                return
            self._httpd = self._thread = None
            environment.release(self)
            if self in self.simulation._servers:
                self.simulation._servers.remove(self)
        httpd.stop()
        if thread is not None:
            thread.join()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- where ------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port listened on (the one picked, when asked for 0)."""
        httpd = self._require()
        return httpd.server_port

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``: what to give a client as its endpoint (a wildcard host such
        as ``0.0.0.0`` is reached through the loopback address)."""
        httpd = self._require()
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{httpd.server_port}"

    @property
    def failures(self) -> list[str]:
        """Tracebacks of requests orgsim failed to answer (each got ``500 InternalFailure``); a bug to report."""
        return [] if self.application is None else list(self.application.failures)

    def _require(self) -> ThreadedServer:
        if self._httpd is None:
            raise OrgsimError("this server is not running: use `with sim.serve() as server:` or server.start()")
        return self._httpd

    def __repr__(self) -> str:
        where = self.endpoint_url if self._httpd is not None else "not running"
        return f"<orgsim Server {where}>"


_NEEDS_ACTIVE = (
    "serving needs an active simulation: start it first, e.g. `with orgsim.simulate() as sim, sim.serve() as server:` "
    "(or use the orgsim_server fixture)"
)


def needs_active() -> NoActiveSimulation:
    return NoActiveSimulation(_NEEDS_ACTIVE)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
