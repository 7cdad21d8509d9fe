"""The Ray backend against a real ``ray start --head`` on 127.0.0.1 (started and stopped here).

A live run trains as an actor; Pause holds (a Step after it moves the counter by exactly one);
closing the run kills the actor and gives its CPU share back to the cluster.
"""
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from playground.config import RunConfig
from tools.local_server import free_port
from playground.errors import PlaygroundError
from playground.ray_cluster import check_reachable, disconnect
from playground.run_handle import RunHandle

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 120


def ray_cli() -> str:
    return shutil.which("ray") or str(Path(sys.executable).with_name("ray"))


@pytest.fixture(scope="module")
def head():
    """A Ray head on 127.0.0.1 as a child process group (``--block``): stopping the group stops it."""
    port = free_port()
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}   # the cluster and the app share it
    saved = {key: os.environ.get(key) for key in auth}
    os.environ.update(auth)
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([ray_cli(), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
                             "--port", str(port), "--num-cpus", "1", "--object-store-memory", str(100 * 2**20),
                             "--include-dashboard=false", "--disable-usage-stats"],
                            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    address = f"127.0.0.1:{port}"
    try:
        wait_until(lambda: proc.poll() is None and reachable(address))
        yield address
    finally:
        disconnect()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


def reachable(address: str) -> bool:
    try:
        check_reachable(address)
        return True
    except PlaygroundError:
        return False


def wait_until(condition, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_a_live_run_trains_as_an_actor_pauses_steps_and_is_freed(head):
    from playground.ray_backend import RayBackend

    backend = RayBackend(address=head)
    ray = backend.ray
    cpus = ray.cluster_resources()["CPU"]
    run = RunHandle(backend, RunConfig(arch="gru", task="adding", seq_len=10, hidden=8))
    assert run.wait_ready(WAIT_S) and run.snapshot is not None and run.step_count == 0
    assert ray.available_resources().get("CPU", 0) == pytest.approx(cpus - backend.run_cpus)

    run.set_running(True)
    wait_until(lambda: run.step_count > 20 and run.view.running)
    assert backend.load()["training"] == 1
    run.set_running(False)                                   # returns once the actor acknowledged the Pause
    paused = run.step_count
    assert not run.view.running
    run.step_to(paused + 1)
    assert run.step_count == paused + 1                      # a paused run moves by the Step only
    assert run.history_frame()["step"].iloc[-1] == paused + 1 and run.error is None

    actor = backend.actor_of(run.run_id)
    run.close()
    assert backend.actor_of(run.run_id) is None and backend.load()["runs"] == 0
    wait_until(lambda: ray.available_resources().get("CPU", 0) == pytest.approx(cpus))
    with pytest.raises(ray.exceptions.RayActorError):
        ray.get(actor.drain.remote(), timeout=WAIT_S)
