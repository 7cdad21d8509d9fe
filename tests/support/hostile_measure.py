"""What a hostile-input case may cost, and how it is measured (shared by the hostile-input tests).

``within_bounds(call, accepted, error_type)`` runs ``call`` under ``measured`` and checks what every
hostile case owes: an outcome of an accepted type, a refusal on one short line, and a cost under the bounds.

``measured(call)`` runs ``call`` once while sampling the process RSS, timing it by the calling
thread's CPU time (a neighbour's load on a shared machine does not count against it, a parser
that spins does), then once under tracemalloc, and reports the larger memory peak.
"""
import threading
import time
import tracemalloc

MAX_SECONDS, MAX_EXTRA_BYTES = 2.0, 100 * 2**20     # per case: CPU seconds, extra peak bytes


def rss() -> int:
    """Resident set size of this process in bytes (Linux /proc)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


def outcome_of(call):
    """``call()``'s result, or the exception it raised."""
    try:
        return call()
    except Exception as err:  # noqa: BLE001 — the outcome is inspected by the test
        return err


def _sampled(call, clock):
    """(outcome, seconds by ``clock``, peak extra RSS bytes sampled every 2 ms, RSS before) of ``call()``."""
    start_rss, peak, stop = rss(), [0], threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss() - start_rss)
            stop.wait(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = clock()
    outcome = outcome_of(call)
    seconds = clock() - began
    stop.set()
    sampler.join()
    return outcome, seconds, peak[0], start_rss


def measured(call, count_retained: bool = False):
    """(outcome, CPU seconds of this thread, peak extra bytes) of ``call()``.

    ``count_retained`` also counts the RSS still held after both runs (memory allocated outside
    tracemalloc's view, such as torch's, that a 2 ms RSS sample could miss at its peak).
    """
    outcome, seconds, peak, start_rss = _sampled(call, time.thread_time)
    tracemalloc.start()
    outcome_of(call)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, seconds, max(traced, peak, rss() - start_rss if count_retained else 0)


def measured_process(call):
    """(outcome, CPU seconds of this whole process, peak extra RSS bytes) of one ``call()``.

    For a call whose work runs in other threads of this process (a page under AppTest runs its
    script in a thread of its own): the process's CPU time counts them, the RSS is sampled.
    """
    outcome, seconds, peak, start_rss = _sampled(call, time.process_time)
    return outcome, seconds, max(peak, rss() - start_rss)


def within_bounds(call, accepted: tuple, error_type: type):
    """``call()``'s outcome, checked: one of ``accepted``; an ``error_type`` is one short line; under the bounds.

    What a case that is not refused must hold is left to the caller, which checks the returned outcome.
    """
    outcome, seconds, extra = measured(call)
    assert isinstance(outcome, accepted), repr(outcome)
    if isinstance(outcome, error_type):
        message = str(outcome)
        assert message and "\n" not in message and len(message) < 400, message
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES, (seconds, extra / 2**20)
    return outcome
