"""A real HTTP server on 127.0.0.1 (in a thread) that receives webhooks and answers with chosen statuses."""
import hashlib
import hmac
import ssl
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.serving import serve_in_thread


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def signed_with(self, secret: str) -> bool:
        """Whether X-Roost-Signature is the HMAC-SHA256 of the raw body with `secret` (as a receiver checks it)."""
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("X-Roost-Signature", ""))


class Receiver:
    """Answers each POST with the next of `statuses` (the last one repeats) and keeps what it got.

    `delay` seconds pass before each answer; `tls` = (certificate file, key file) serves HTTPS.
    """

    def __init__(self, statuses=(200,), *, delay: float = 0, tls: tuple[str, str] | None = None):
        self.statuses = list(statuses)
        self.scheme = "https" if tls else "http"
        self.received: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers), body))
                time.sleep(delay)
                status = receiver.statuses[min(len(receiver.received), len(receiver.statuses)) - 1]
                answer = b'{"ok": true}' if status < 300 else b"receiver is down"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.handle_error = lambda request, address: None  # a client that gave up is not news here
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)

    def url(self, path: str = "/hooks/roost", *, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.server.server_port}{path}"

    def __enter__(self):
        self.thread = serve_in_thread(self.server)
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
