"""The health view names the replica and its load, never the host, the process id or a path."""
import json
import os
import socket

import pytest

from playground.backends import health
from playground.backends.health import REPLICA_ENV, health_report, replica_name
from tests.support.page_runner import open_page


class FakeBackend:
    """The two load calls the report reads."""

    def load(self):
        return {"workers": 2, "runs": 3, "training": 1, "waiting": 0}

    def load_factor(self):
        return 0.5


def revealing_strings() -> list[str]:
    """What must never show: this host's names, this process id, this checkout's path."""
    names = {socket.gethostname(), socket.getfqdn()} - {"", "localhost"}
    return [*names, str(os.getpid()), os.getcwd()]


def assert_reveals_nothing(text: str) -> None:
    for secret in revealing_strings():
        assert secret not in text, f"{secret!r} shown in {text!r}"


def test_an_unnamed_server_shows_a_random_name_and_its_load(monkeypatch):
    monkeypatch.delenv(REPLICA_ENV, raising=False)
    report = health_report(4, FakeBackend())
    assert report["replica"] == health.UNNAMED == replica_name()   # the same name for the process's life
    assert report["sessions"] == 4 and report["runs"] == 3 and report["load_factor"] == 0.5
    assert_reveals_nothing(json.dumps(report))


@pytest.mark.parametrize("given, shown", [("r1", "r1"), ("  r2 ", "r2"), ("/srv/app:123", "srvapp123"),
                                          ("x" * 100, "x" * health.MAX_NAME), ("<b>", "b"), ("/", health.UNNAMED)])
def test_an_operator_name_is_cut_to_safe_characters(monkeypatch, given, shown):
    monkeypatch.setenv(REPLICA_ENV, given)
    assert replica_name() == shown


def test_the_health_page_shows_no_host_pid_or_path(monkeypatch):
    monkeypatch.delenv(REPLICA_ENV, raising=False)
    at = open_page("health")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Replica"] == health.UNNAMED
    assert_reveals_nothing(json.dumps([m.value for m in at.metric]) + json.dumps([j.value for j in at.json]))
