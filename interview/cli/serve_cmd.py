"""`interview serve ROOT [--host 127.0.0.1] [--port 8700] [--token T] [--groups FILE]`: the hiring team's workspace.

A local web app over every session folder under ROOT. On a loopback address it needs no token (and accepts
only loopback Host names); on any other address a token is required, given or generated, printed once.
"""
from __future__ import annotations

import argparse
import secrets
import socket
from pathlib import Path

from voice.errors import MissingDependency, VivavoceError

NAME = "serve"
HELP = "open the hiring team's workspace in the browser: candidates, recordings, decisions, cohort and audit"
DEFAULT_PORT = 8700


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", metavar="ROOT", help="folder holding the session folders (replay and live outputs)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--token", metavar="T", help="access token; required (and generated if absent) off loopback")
    parser.add_argument("--groups", metavar="CSV", help="self-reported categories for the cohort's bias audit")


def run(args: argparse.Namespace) -> int:
    from interview.web.guard import is_loopback

    root = Path(args.root)
    if not root.is_dir():
        raise VivavoceError(f"{root}: no such folder", "give the folder your session folders are in, e.g. out")
    if not 0 <= args.port <= 65535:
        raise VivavoceError(f"--port {args.port}: must be between 0 and 65535")
    token = args.token
    if token is not None and len(token) < 16:
        raise VivavoceError("--token is shorter than 16 characters", "use a long random token, or let one be generated")
    generated = token is None and not is_loopback(args.host)
    if generated:
        token = secrets.token_urlsafe(24)
    try:
        import uvicorn

        from interview.web.app import create_app, open_workspace
    except ImportError as e:
        raise MissingDependency(e.name or "starlette", extra="web") from e
    workspace = open_workspace(root, groups_file=args.groups)
    sessions = len(workspace.index.refresh())
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"workspace for {root.resolve()} ({sessions} sessions) at {url}" + (f"?token={token}" if token else ""),
          flush=True)
    if generated:
        print("a token was generated for this address; it is shown only once", flush=True)
    config = uvicorn.Config(create_app(workspace, token=token), log_level="warning", access_log=False, server_header=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise VivavoceError(f"cannot listen on {host}:{port} ({e.strerror})",
                            "choose another --port, or 0 for a free one") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
