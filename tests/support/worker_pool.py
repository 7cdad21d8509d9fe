"""Real worker pools for the backend tests: one started per test module, and how long a wait on one may take."""
from playground.backends.pool import ProcessPool

BOUND_S = 60.0      # seconds a wait on a real worker process may take before the test fails (a hang, not a slow machine)


def started_pool(workers: int):
    """Yield a ProcessPool of ``workers`` real worker processes; shut it down after.

    A module fixture serves it with ``yield from started_pool(workers)``.
    """
    pool = ProcessPool(workers=workers)
    yield pool
    pool.shutdown()
