"""A run's task is built once where the run starts and handed down: once in the page's process, once in the
worker process (which cannot share it), and never just to validate a config."""
import pytest

from playground.backends.worker import Worker
from playground.config import MAX_SEQ_LEN, RunConfig
from playground.errors import PlaygroundError
from playground.tasks import TASKS, AddingTask, check_task, make_task
from page_runner import open_page

SMALL = {"task": "adding", "seq_len": "6", "hidden": "4", "batch": "4"}


@pytest.fixture
def builds(monkeypatch):
    """The adding tasks built in this process from now on (a list that grows as they are built)."""
    built, real = [], AddingTask.__post_init__

    def counted(self):
        built.append(self)
        real(self)

    monkeypatch.setattr(AddingTask, "__post_init__", counted)
    return built


class Pipe:
    """A worker's results pipe, kept in a list."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def test_the_train_page_builds_its_runs_task_once_in_the_pages_process(builds):
    at = open_page("train", SMALL)
    assert len(builds) == 1, f"{len(builds)} builds"
    assert not at.error


def test_a_worker_builds_the_task_of_a_submitted_run_once(builds):
    worker = Worker(0, Pipe())
    worker.handle(("submit", 1, RunConfig(task="adding", seq_len=6, hidden=4, batch=4), None, None, None))
    assert len(builds) == 1 and worker.runs[1].run.task is builds[0]


@pytest.mark.parametrize("name", list(TASKS))
@pytest.mark.parametrize("seq_len, lag", [(1, 1), (2, 1), (12, 12), (101, 10), (MAX_SEQ_LEN, MAX_SEQ_LEN - 1)])
def test_checking_a_config_says_what_building_its_task_says(name, seq_len, lag):
    config = RunConfig(task=name, seq_len=seq_len, lag=lag)
    try:
        make_task(config)
        built = None
    except PlaygroundError as err:
        built = str(err)
    try:
        check_task(config)
        checked = None
    except PlaygroundError as err:
        checked = str(err)
    assert checked == built
