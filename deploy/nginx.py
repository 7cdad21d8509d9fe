"""The nginx configuration for N replicas, rendered from ``nginx.conf.in``.

``render(ports, listen, prefix)`` fills the template: one upstream with every replica (round
robin for browsers new to the room), one per replica (the others as its backups) that the
``rnn_replica`` cookie selects, the upload limit read from the app's own Streamlit setting
``server.maxUploadSize`` (so nginx never refuses an upload the app would take), and the
per-address limits of ``ClientLimits``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.in")
STREAMLIT_CONFIG = ROOT / ".streamlit" / "config.toml"
DEFAULT_UPLOAD_MB = 200        # Streamlit's own default for server.maxUploadSize


def upload_limit_mb(config: Path = STREAMLIT_CONFIG) -> int:
    """The app's ``server.maxUploadSize`` in MB (Streamlit's default where it is not set)."""
    try:
        return int(tomllib.loads(config.read_text())["server"]["maxUploadSize"])
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError):
        return DEFAULT_UPLOAD_MB


@dataclass(frozen=True)
class ClientLimits:
    """What one client address may hold and ask of the room, sized for ``people`` behind it.

    A class behind one NAT reaches the room from one address, so every limit scales with the
    people one address may stand for (``people``; ``python -m deploy.room --people-per-address``):

    - ``connections``: open at once. A browser loading a page opens up to six HTTP/1.1
      connections, and each live page keeps its WebSocket open: 8 per person, plus 16 spare.
    - page loads and their assets: 5 requests/s per person, and a burst of 50 per person served
      at once, so a whole class can open the link in the same second.
    - WebSocket upgrades (each a new live session): 6 a minute per person, bursts of 2 per person
      (everyone opens a second tab at once).
    - uploads: 6 a minute per person, bursts of 1 per person.

    Beyond a limit nginx answers 503 (connections) or 429 (rates) at once, before a replica sees
    the request. Bodies larger than ``body_buffer_kb`` go to a temp file, not to RAM.
    """

    people: int = 60
    body_buffer_kb: int = 16

    def fills(self) -> dict[str, str]:
        """The template's limit fields."""
        n = self.people
        return {"PEOPLE": str(n), "CONNECTIONS": str(8 * n + 16), "PAGE_RATE": str(5 * n), "PAGE_BURST": str(50 * n),
                "STREAM_RATE": str(6 * n), "STREAM_BURST": str(2 * n), "UPLOAD_RATE": str(6 * n),
                "UPLOAD_BURST": str(n), "BODY_BUFFER_KB": str(self.body_buffer_kb)}


def replica_name(index: int) -> str:
    """The name of replica ``index``: its cookie value, its upstream and what its health view shows."""
    return f"r{index}"


def render(ports: list[int], listen: str, prefix: Path, host: str = "127.0.0.1",
           upload_mb: int | None = None, limits: ClientLimits = ClientLimits()) -> str:
    """The nginx.conf text for replicas on ``host:ports`` behind ``listen`` (e.g. '127.0.0.1:8080')."""
    if not ports:
        raise ValueError("at least one replica")
    servers = [f"{host}:{port}" for port in ports]
    names = [replica_name(k) for k in range(len(ports))]
    one_each = []
    for name, server in zip(names, servers):
        backups = "".join(f"        server {other} backup;\n" for other in servers if other != server)
        one_each.append(f"    upstream {name} {{\n        server {server};\n{backups}    }}")
    fills = {
        "PREFIX": str(prefix),
        "UPLOAD_MB": str(upload_mb or upload_limit_mb()),
        "LISTEN": listen,
        "COOKIE_MAP": "\n".join(f"        {name} {name};" for name in names),
        "ADDR_MAP": "\n".join(f"        ~{re.escape(server)}$ {name};" for name, server in zip(names, servers)),
        "ALL": "\n".join(f"        server {server};" for server in servers),
        "ONE_EACH": "\n".join(one_each),
        **limits.fills(),
    }
    return re.sub(r"@([A-Z_]+)@", lambda m: fills[m.group(1)], TEMPLATE.read_text())
