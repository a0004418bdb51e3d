"""A receiver of trueup's notifications, as a team's webhook endpoint would be: an HTTP server on
loopback that keeps every POST it gets and checks its signature (X-Trueup-Signature-256, HMAC-SHA256
of the body with the shared secret, in the form GitHub uses)."""
import hashlib
import hmac
import http.server
import json
import secrets
import threading

from . import wait


class Receiver:
    def __init__(self):
        self.secret = secrets.token_hex(16)
        self._received = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
                body = self.rfile.read(length)
                receiver._keep(self.headers.get("X-Trueup-Signature-256"), body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="notify-receiver", daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d/hooks/trueup" % self._server.server_address[1]

    def start(self):
        self._thread.start()

    def stop(self):
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def _keep(self, signature, body):
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        try:
            event = json.loads(body.decode())
        except ValueError:
            event = {"unparsed": body.decode(errors="replace")}
        event["_signed"] = signature is not None and hmac.compare_digest(signature, expected)
        with self._lock:
            self._received.append(event)

    def events(self):
        with self._lock:
            return list(self._received)

    def wait_for(self, what, match, timeout=60):
        """The first notification for which match(event) holds, waiting up to timeout seconds;
        fails if it is not signed with the shared secret."""
        def found():
            return next((e for e in self.events() if match(e)), None)
        event = wait.until("a notification: %s (received: %s)" % (what, self._summary()), found, timeout=timeout,
                           interval=0.2)
        if not event["_signed"]:
            raise AssertionError("the notification %s has no valid X-Trueup-Signature-256" % event)
        return event

    def _summary(self):
        return ", ".join("%s %s/%s %s" % (e.get("event"), e.get("app"), e.get("env"), (e.get("sha") or "")[:12])
                         for e in self.events()[-10:]) or "none"
