"""A worker trains at once on Start and publishes a new validation at once, whatever its publishing cadence."""
from playground.backends import worker as worker_module
from playground.backends.worker import Worker
from playground.config import RunConfig
from playground.engine import live

SMALL = RunConfig(arch="gru", task="adding", seq_len=8, hidden=6, batch=8)


class Pipe:
    """The worker's results pipe, kept in a list."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def started(worker: Worker):
    """Run 1 submitted (paused) and then asked to train, as a page's Start does."""
    worker.submit(1, SMALL, None, None)
    worker.handle(("command", 1, 1, "run", {"wanted": True}))
    return worker.runs[1]


def test_the_slice_after_start_trains_and_the_start_is_acknowledged_first():
    worker = Worker(0, Pipe())
    wrun = started(worker)
    ack = worker.results.sent[-1]
    assert ack["acked"] == 1 and ack["running"] and ack["step"] == 0
    worker.train_slice()
    assert wrun.run.step_count > 0


def test_a_new_validation_is_published_at_once(monkeypatch):
    monkeypatch.setattr(worker_module, "PUBLISH_EVERY_S", 1e9)    # only what must go out at once goes
    monkeypatch.setattr(live, "VALIDATE_EVERY_S", 0.0)             # every tick validates
    worker = Worker(0, Pipe())
    wrun = started(worker)
    sent = len(worker.results.sent)
    worker.train_slice()
    assert len(worker.results.sent) == sent + 1
    message = worker.results.sent[-1]
    assert message["step"] == wrun.run.step_count > 0
    assert message["last_val"] == wrun.run.trainer.last_val is not None


def test_no_publication_between_validations_when_nothing_is_due(monkeypatch):
    monkeypatch.setattr(worker_module, "PUBLISH_EVERY_S", 1e9)
    monkeypatch.setattr(live, "VALIDATE_EVERY_S", 1e9)             # the first tick validates, no later one
    monkeypatch.setattr(live, "VALIDATE_SOON_S", 1e9)
    worker = Worker(0, Pipe())
    started(worker)
    worker.train_slice()                                           # validates (never did): published
    sent = len(worker.results.sent)
    worker.train_slice()
    assert len(worker.results.sent) == sent
