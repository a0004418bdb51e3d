"""A small web app for trueup's demo and end-to-end tests.

It serves /healthz and reports the release it runs (the name of its release directory:
releases/<sha>, or releases/<sha>-<config hash> when trueup renders config into it) and the
greeting of its one dependency, so a test can tell from outside the host which release and
which env each host really serves. When trueup rendered hello.ini into the release, its
greeting is reported too (never its secret_key).
"""
import configparser
import json
import os
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import greeting

RELEASE = os.path.dirname(os.path.realpath(__file__))
SHA = os.path.basename(RELEASE).split("-")[0]
SETTINGS = configparser.ConfigParser()
SETTINGS.read(os.path.join(RELEASE, "hello.ini"))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            body = {"status": "ok", "sha": SHA, "release": os.path.basename(RELEASE), "greeting": greeting.hello(),
                    "python": sys.prefix}
            if SETTINGS.has_option("hello", "greeting"):
                body["configured_greeting"] = SETTINGS.get("hello", "greeting")
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


class DualStackServer(ThreadingHTTPServer):
    """Listens on :: for IPv6 and IPv4 both, so a host named by its IPv6 address is checked too."""
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def main():
    port = int(os.environ.get("APP_PORT", "8000"))
    if os.environ.get("APP_LOCAL"):
        ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
    else:
        try:
            server = DualStackServer(("::", port), Handler)
        except OSError:  # no IPv6 on this host
            server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
        server.serve_forever()


if __name__ == "__main__":
    main()
