"""A threaded HTTP server for the WSGI application: the standard library's ``wsgiref``, one thread per
connection.

Why the standard library: the server only ever carries a test's traffic (loopback by default), and
the few things that make it robust here fit in this module: a time limit on every connection (a
client that stops sending cannot hold a thread), a size limit on bodies (in the application), no
DNS look-up when binding, no tracebacks on the console for clients that hang up, and a stop that
frees the port at once. It needs no dependency, and the application stays plain WSGI, so any other
WSGI server can run it.

Each connection carries one request (the response is HTTP/1.0 style, closing the connection), which
every AWS SDK handles.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable
from typing import Any, Final
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

#: Seconds a connection may take to send its request (line, headers, body) before it is answered
#: ``400 RequestTimeout`` or dropped.
REQUEST_TIMEOUT: Final = 30.0


class _Handler(WSGIRequestHandler):
    server: ThreadedServer

    # What http.server answers for a request it cannot parse (a garbled request line, a line or
    # headers too long): an AWS-style error body instead of an HTML page.
    error_content_type = "text/xml"
    error_message_format = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>BadRequest</Code>"
        "<Message>%(message)s: %(explain)s</Message></Error></ErrorResponse>"
    )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if self.request_version == "HTTP/0.9" or not self.request_version:
            # A request line too garbled to name a version is still answered with a status line.
            self.request_version = "HTTP/1.0"
        super().send_error(code, message, explain)

    def setup(self) -> None:
        super().setup()
        # Every read of the request (line, headers, body) gives up after the server's time limit.
        self.connection.settimeout(self.server.request_timeout)
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError):
            # The client went away, or sent nothing in time: nobody is left to answer.
            self.close_connection = True

    def get_stderr(self) -> Any:
        return _Discard()  # wsgiref writes tracebacks there; the application never raises

    def log_message(self, format: str, *args: Any) -> None:
        return None  # the application reports every exchange itself (``on_exchange``)


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None


class ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    """``wsgiref``'s server with a thread per connection and a clean, prompt stop."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        host: str,
        port: int,
        application: Callable[..., Any],
        *,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.request_timeout = request_timeout
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._requests: set[threading.Thread] = set()
        super().__init__((host, port), _Handler)
        self.set_app(application)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up (socket.getfqdn), which can stall for
        # seconds where DNS is slow or absent; the name is only a WSGI environ entry.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)
        self.setup_environ()

    def opened(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)
            self._requests.add(threading.current_thread())

    def closed(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)
            self._requests.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a connection that failed has nobody to tell; the server keeps serving

    def stop(self, wait: float = 5.0) -> None:
        """Stop accepting, let the requests being answered finish (up to ``wait`` seconds; a
        connection still sending its request is cut short), and free the port."""
        self.shutdown()
        with self._connections_lock:
            connections = list(self._connections)
            requests = list(self._requests)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RD)  # a read in progress ends; the answer can still go out
            except OSError:
                pass
        for thread in requests:
            if thread is not threading.current_thread():  # stopped from a request's own thread
                thread.join(wait)
        self.server_close()
