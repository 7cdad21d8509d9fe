"""Suite-wide test settings.

The app's `.streamlit/config.toml` hides error details from users
(``client.showErrorDetails = "none"``); AppTest reads the same file, so without this
a failing page test would only say "This app has encountered an error".
"""
import pytest
from hypothesis import settings
from streamlit import config as st_config


@pytest.fixture(autouse=True, scope="session")
def show_error_details_in_apptest():
    """Let AppTest report the real exception message and traceback."""
    st_config.set_option("client.showErrorDetails", "full")
    yield


@pytest.fixture(autouse=True)
def end_the_runs_a_test_made():
    """Close the runs a test left in the server's training backend, as the end of its sessions would.

    AppTest sessions never end, so their release hooks never close their runs; without this,
    every page test would leave its runs held, and a long suite would fill the backend's budget
    (each run costs at least ``RUN_OVERHEAD_MB``).
    """
    from playground.backends import pool

    before = _newest_run(pool.POOL.peek())
    yield
    backend = pool.POOL.peek()
    if backend is None:
        return
    with backend._lock:
        made = [run_id for run_id in backend._placement if run_id > before]
    for run_id in made:
        backend.close(run_id)


def _newest_run(backend) -> int:
    if backend is None:
        return 0
    with backend._lock:
        return max(backend._views, default=0)


# Property tests draw the same examples on every run (no example database either): a suite that
# fails now and then is a bug, and a failure found once must be found again by the next run.
settings.register_profile("suite", derandomize=True, database=None)
settings.load_profile("suite")
