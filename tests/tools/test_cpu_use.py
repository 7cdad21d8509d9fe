"""The benchmark's CPU accounting puts each process's time in its group."""
import subprocess
import sys
import time

from tools.cpu_use import CpuRecorder, describe, grouped_ticks

SPIN = "import time\nend = time.time() + {s}\nwhile time.time() < end: pass"
# a "server" that spins, with a child (its "trainer") that spins too
SERVER = ("import subprocess, sys, time\n"
          "child = subprocess.Popen([sys.executable, '-c', {child!r}])\n"
          + SPIN + "\nchild.wait()")


def spinning_server(seconds: float) -> subprocess.Popen:
    child = SPIN.format(s=seconds)
    return subprocess.Popen([sys.executable, "-c", SERVER.format(child=child, s=seconds)])


def test_a_server_and_its_children_are_counted_apart_from_the_rest():
    server = spinning_server(3.0)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])   # the "browser": idle
    try:
        recorder = CpuRecorder([server.pid]).start()
        time.sleep(2.0)
        recorder.stop()
        use = recorder.use()
    finally:
        server.wait(timeout=30)
        other.wait(timeout=30)
    # two spinning processes on a 2-core machine shared with others: each gets some CPU,
    # and the idle one next to them almost none
    assert use["server"] > 0.2 and use["trainers"] > 0.2, describe(use)
    assert use["browser"] < 0.2, describe(use)
    assert len(recorder.series(0.5)) >= 2


def test_a_window_is_read_between_two_instants():
    recorder = CpuRecorder([]).start()
    start = time.monotonic()
    time.sleep(1.2)
    recorder.stop()
    use = recorder.use(start, start + 1.0)
    assert set(use) == {"server", "trainers", "browser"}
    assert all(value >= 0 for value in use.values())
    assert all(group in use for group, _ in grouped_ticks([], 1).values())


def test_a_process_that_exits_inside_the_window_keeps_its_time():
    recorder = CpuRecorder([]).start()
    subprocess.run([sys.executable, "-c", SPIN.format(s=1.5)], check=True)   # a "browser" tab that closes
    time.sleep(0.6)
    recorder.stop()
    assert recorder.use()["browser"] > 0.2, describe(recorder.use())
