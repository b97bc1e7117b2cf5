"""Runs a moto server for the contract tests (`npm run test:contract`).

Binds 127.0.0.1 on a free port chosen by the OS (no race between picking a port and binding it),
prints one JSON line `{"endpoint": "http://127.0.0.1:<port>", "moto": "<version>"}` once the
socket listens, then serves until its standard input closes or it is sent SIGTERM. Standard
input is a pipe from the test run, so the server also stops when the run dies without its
teardown (a killed vitest leaves no moto behind).

Exit code 3: moto (with its server extras) is not installed.
"""

import json
import logging
import sys

try:
    import moto
    from moto.server import ThreadedMotoServer
except ImportError as error:
    print(
        f"moto server is not installed ({error}). Install it with: pip install 'moto[server]'",
        file=sys.stderr,
    )
    sys.exit(3)


def main() -> None:
    # Werkzeug logs one line per request to stderr; the test run only needs errors.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print(json.dumps({"endpoint": f"http://{host}:{port}", "moto": moto.__version__}), flush=True)
    sys.stdin.read()  # blocks until the test run closes the pipe (or dies)
    server.stop()


if __name__ == "__main__":
    main()
