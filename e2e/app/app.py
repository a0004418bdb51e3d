"""A small web app for trueup's demo and end-to-end tests.

It serves /healthz and reports the release it runs (the SHA is the name of its release
directory, releases/<sha>) and the greeting of its one dependency, so a test can tell from
outside the host which release and which env each host really serves.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import greeting

RELEASE = os.path.dirname(os.path.realpath(__file__))
SHA = os.path.basename(RELEASE)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            body = {"status": "ok", "sha": SHA, "greeting": greeting.hello(), "python": sys.prefix}
            self._send(200, body)
        elif self.path == "/":
            self._send(200, {"app": "hello", "sha": SHA, "greeting": greeting.hello()})
        else:
            self._send(404, {"error": "not found"})

    def _send(self, status, body):
        data = (json.dumps(body) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        pass


def main():
    port = int(os.environ.get("APP_PORT", "8000"))
    ThreadingHTTPServer(("127.0.0.1" if os.environ.get("APP_LOCAL") else "0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
