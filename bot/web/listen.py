"""The web server's listening socket, opened before anything else starts.

uvicorn opening it itself logs a bare ``[Errno 98]`` and exits its task, while the bot goes on
claiming a console that is not served. Opened here first, a port that is taken (or an address
that is not this machine's) stops the command with one line saying what to change.
"""

from __future__ import annotations

import errno
import socket

from bot.config import ConfigError


class PortUnavailable(ConfigError):
    """The console's address cannot be listened on; the message says what to set."""


def open_socket(host: str, port: int, option: str) -> socket.socket:
    """A bound socket for uvicorn's ``Server.serve(sockets=[…])``, bound as uvicorn binds
    (``SO_REUSEADDR``, IPv6 for an address with a colon). ``option``: where the user picks
    another port, ``"TPBOT_PORT"`` or the demo's ``"--port"``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            why = (
                f"port {port} is already in use on {host} (another program, or the bot "
                f"already running?): choose another with {option}, or stop that program"
            )
        elif exc.errno == errno.EACCES:
            why = f"this user may not listen on port {port}: choose one above 1023 with {option}"
        else:
            reason = exc.strerror or str(exc)
            why = f"{reason}: is {host} an address of this machine? (TPBOT_LISTEN)"
        raise PortUnavailable(
            f"the operators' console and /healthz cannot listen on {where}: {why}"
        ) from None
    sock.set_inheritable(True)
    return sock
