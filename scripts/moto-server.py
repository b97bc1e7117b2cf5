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


def serialize_dynamodb_writes() -> None:
    """AWS applies each conditional write atomically; moto's threaded server checks the condition
    and writes in two steps, so concurrent writers (the lock, the failover record's first writer)
    could both pass. One lock around moto's DynamoDB writes gives AWS's semantics."""
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        def locked(*args, __original=original, **kwargs):
            with lock:
                return __original(*args, **kwargs)

        setattr(DynamoDBBackend, name, functools.wraps(original)(locked))


def main() -> None:
    serialize_dynamodb_writes()
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
