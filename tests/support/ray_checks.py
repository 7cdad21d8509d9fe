"""Ray, for real, on the loopback: the live-run backend against a `ray start --head`, then sweeps on a local Ray.

The order matters and is kept by this one file: a process that has run a local Ray and shut it
down cannot then drive actors on another cluster (Ray keeps per-process state), so the cluster
tests run first, on one head, and the local Ray's tests after them.

1. A `ray start --head` on 127.0.0.1 (started and stopped here): a live run trains as an actor;
   Pause holds (a Step after it moves the counter by exactly one); closing the run kills the
   actor and gives its CPU share back to the cluster.
   On a head whose one CPU a run holds, a second run's actor cannot be placed: it reads as
   queued while the first keeps training, and starts once the first is closed.
2. A local Ray: a sweep of twelve trials gives the same metrics as the CLI run one by one, and
   Cancel stops the running and queued trials.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from playground import cli
from playground.config import RunConfig
from playground.errors import PlaygroundError
from playground.backends.ray_cluster import check_reachable, connect, disconnect
from playground.backends.run_handle import RunHandle
from playground.sweeps.grid import spec_from_strings
from playground.sweeps.runner import start_sweep
from tools.local_server import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 240


def ray_cli() -> str:
    return shutil.which("ray") or str(Path(sys.executable).with_name("ray"))


@pytest.fixture(scope="module")
def head():
    """A Ray head on 127.0.0.1 as a child process group (``--block``): stopping the group stops it.

    One head for the module: a driver that left a head which then stopped is ended by Ray a
    minute later (its GCS client gives up), so no head may stop while later tests still run.
    """
    port = free_port()
    # Loopback only and for this test's lifetime, so without token authentication; a real cluster
    # runs with RAY_AUTH_MODE=token, and the app's environment gets the cluster's RAY_AUTH_TOKEN.
    auth = {"RAY_AUTH_MODE": "disabled"}
    saved = {key: os.environ.get(key) for key in auth}
    os.environ.update(auth)
    # Ray's memory monitor kills workers when the whole machine is nearly full; on a shared test
    # machine that is other processes' memory, not this test's: it is off on this head.
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_memory_monitor_refresh_ms="0",
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
    from playground.backends.ray_backend import RayBackend

    backend = RayBackend(address=head)
    ray = backend.ray
    cpus = ray.cluster_resources()["CPU"]
    run = RunHandle(backend, RunConfig(arch="gru", task="adding", seq_len=10, hidden=8))
    assert run.wait_ready(WAIT_S) and run.snapshot is not None and run.step_count == 0, run.error
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
    backend.shutdown()                                       # its reader makes no call to Ray after this


def test_a_run_the_full_cluster_cannot_place_reads_as_queued_and_blocks_no_other(head):
    from playground.backends.ray_backend import RayBackend

    backend = RayBackend(address=head, run_cpus=1.0)          # the head has one CPU: room for one run
    first = RunHandle(backend, RunConfig(arch="rnn", task="adding", seq_len=10, hidden=8))
    assert first.wait_ready(WAIT_S), first.error
    first.set_running(True)
    second = RunHandle(backend, RunConfig(arch="gru", task="adding", seq_len=10, hidden=8))
    wait_until(lambda: second.queue_position == 0)
    moving = first.step_count
    wait_until(lambda: first.step_count > moving + 20)      # the pending actor holds up nobody
    assert second.error is None and second.queue_position == 0 and backend.load()["waiting"] == 1
    first.close()
    assert second.wait_ready(WAIT_S) and second.error is None and second.snapshot is not None
    wait_until(lambda: second.queue_position is None)
    second.close()
    backend.shutdown()


@pytest.fixture(scope="module")
def local_ray():         # used after the head's tests: see the module docstring
    disconnect()                  # leave the head (it stays up until the module ends)
    module = connect()            # a local Ray on this machine's usable CPUs
    yield module
    disconnect()


def test_a_sweep_of_twelve_trials_matches_the_cli_run_one_by_one(local_ray, capsys):
    grid = {"arch": "rnn,gru,lstm", "task": "adding", "seq_len": "5,8", "hidden": "6", "seed": "0,1"}
    spec = spec_from_strings(grid, steps=40, val_every=20)
    run = start_sweep(spec)
    assert run.join(WAIT_S)
    progress = run.progress()
    assert (progress.total, progress.done, progress.failed, progress.cancelled) == (12, 12, 0, 0)
    assert progress.finished and progress.eta_seconds is None and progress.running == progress.queued == 0
    capsys.readouterr()
    for result in sorted(progress.results, key=lambda r: r.index):
        c = result.config
        assert cli.main(["train", "--arch", c["arch"], "--task", "adding", "--seq-len", str(c["seq_len"]),
                         "--hidden", "6", "--seed", str(c["seed"]), "--steps", "40", "--quiet"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert result.metric == printed["val_metric"], c
        assert result.steps == printed["steps"] == 40


def test_cancel_stops_the_running_and_queued_trials(local_ray):
    spec = spec_from_strings({"arch": "lstm", "task": "adding", "seq_len": "100", "seed": ",".join(map(str, range(12)))},
                             steps=16_000)    # 12 x 16,000: within the sweep cap, minutes each
    run = start_sweep(spec)
    wait_until(lambda: run.progress().running > 0)
    run.cancel()
    assert run.join(WAIT_S)
    progress = run.progress()
    assert progress.finished and progress.cancelled >= 11 and progress.done + progress.cancelled == 12
    assert progress.note == "Cancelled."
    cpus = local_ray.cluster_resources()["CPU"]
    wait_until(lambda: local_ray.available_resources().get("CPU", 0) == cpus)    # the running trials gave their CPUs back
