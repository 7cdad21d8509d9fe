"""LiveRun: bounded ticks under the lock, probes and records, live settings, divergence."""
import math
import threading

import pytest

from playground.engine import live
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.live_settings import needs_reset

SMALL = dict(arch="gru", task="adding", seq_len=8, hidden=6, batch=8)


def test_tick_trains_at_least_one_step_within_its_limits_then_probes():
    run = LiveRun(RunConfig(**SMALL))
    assert run.step_count == 0 and run.snapshot.step == 0 and len(run.records) == 1
    assert run.tick(budget_s=0.0, max_steps=5) == 1                   # budget spent: still one step
    assert run.tick(budget_s=60.0, max_steps=4) == 4                   # max_steps bounds a long budget
    assert run.step_count == 5 and run.snapshot.step == 5
    assert [r.step for r in run.records] == [0, 1, 5]
    assert run.steps_per_second > 0


def test_step_once_is_one_update_and_always_validates(monkeypatch):
    run = LiveRun(RunConfig(**SMALL))
    calls = []
    monkeypatch.setattr(run.trainer, "validate", lambda: calls.append(run.step_count))
    run.step_once()
    run.step_once()
    assert run.step_count == 2 and calls == [1, 2]


def test_ticks_validate_at_most_once_a_second(monkeypatch):
    run = LiveRun(RunConfig(**SMALL))
    calls = []
    monkeypatch.setattr(run.trainer, "validate", lambda: calls.append(run.step_count))
    for _ in range(3):
        run.tick(budget_s=0.0, max_steps=1)
    assert calls == [1]                                                # ticks in quick succession
    monkeypatch.setattr(live, "VALIDATE_EVERY_S", 0.0)
    run.tick(budget_s=60.0, max_steps=2)
    assert calls == [1, 5]


def test_records_are_thinned_but_keep_the_first_and_the_latest(monkeypatch):
    monkeypatch.setattr(live, "MAX_RECORDS", 6)
    run = LiveRun(RunConfig(**SMALL))
    for _ in range(20):
        run.tick(budget_s=0.0, max_steps=1)
    steps = [r.step for r in run.records]
    assert len(steps) <= 6 and steps[0] == 0 and steps[-1] == 20 and steps == sorted(steps)


def test_learning_rate_and_clipping_change_live_and_structure_needs_a_reset():
    config = RunConfig(**SMALL)
    run = LiveRun(config)
    run.tick(budget_s=60.0, max_steps=2)
    run.apply_live_settings(RunConfig(**{**SMALL, "lr": 0.002, "clip": 1.0}))
    assert run.config.lr == 0.002 and run.config.clip == 1.0 and run.step_count == 2
    assert run.trainer.optimizer.param_groups[0]["lr"] == 0.002
    assert not needs_reset(run.config, RunConfig(**{**SMALL, "lr": 0.5}))
    assert needs_reset(run.config, RunConfig(**{**SMALL, "hidden": 7}))
    assert needs_reset(run.config, RunConfig(**{**SMALL, "seed": 1}))


def test_a_diverging_tick_stops_the_run_with_a_message_and_keeps_finite_weights():
    run = LiveRun(RunConfig(**{**SMALL, "arch": "rnn", "activation": "relu", "init": "spectral",
                              "radius": 3.0, "lr": 10.0, "optimizer": "sgd"}))
    run.running = True
    for _ in range(50):
        run.tick(budget_s=60.0, max_steps=5)
        if not run.running:
            break
    assert not run.running and "kept the last finite weights" in run.error
    assert all(math.isfinite(float(p.detach().abs().max())) for p in run.trainer.net.parameters())
    assert len(run.history) == run.step_count


def test_a_tick_waits_for_the_lock_so_two_threads_never_step_at_once():
    run = LiveRun(RunConfig(**SMALL))
    inside, overlaps = [0], []
    step = run.trainer.step

    def guarded_step():
        inside[0] += 1
        overlaps.append(inside[0])
        row = step()
        inside[0] -= 1
        return row

    run.trainer.step = guarded_step
    threads = [threading.Thread(target=run.tick, kwargs=dict(budget_s=0.05, max_steps=20)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(overlaps) == 1 and run.step_count == len(overlaps)


@pytest.mark.parametrize("bad", [dict(hidden=0), dict(seq_len=10**6)])
def test_an_impossible_config_is_refused_before_any_run_exists(bad):
    from playground.errors import PlaygroundError

    with pytest.raises((PlaygroundError, ValueError)):
        LiveRun(RunConfig(**{**SMALL, **bad}))


def test_validation_is_due_once_a_second_and_sooner_only_when_the_loss_moved():
    assert live.validation_due(live.VALIDATE_EVERY_S, 0.5, 0.5)                  # a second: always
    assert not live.validation_due(live.VALIDATE_SOON_S / 2, 0.01, 0.5)          # never twice at once
    soon = (live.VALIDATE_SOON_S + live.VALIDATE_EVERY_S) / 2
    assert not live.validation_due(soon, 0.5 * (1 + live.LOSS_MOVED / 2), 0.5)   # a flat loss: wait
    assert live.validation_due(soon, 0.5 * (1 - 2 * live.LOSS_MOVED), 0.5)       # a falling loss: now
    assert live.validation_due(soon, 0.5 * (1 + 2 * live.LOSS_MOVED), 0.5)       # a rising one too
    assert not live.validation_due(soon, None, 0.5) and not live.validation_due(soon, float("nan"), 0.5)
    dear = soon * live.SOON_SHARE * 2                                             # twice the share it may take
    assert not live.validation_due(soon, 0.5 * (1 - 2 * live.LOSS_MOVED), 0.5, cost_s=dear)
    assert live.validation_due(live.VALIDATE_EVERY_S, 0.5, 0.5, cost_s=dear)    # once a second still


def test_a_tick_validates_sooner_while_the_training_loss_moves(monkeypatch):
    monkeypatch.setattr(live, "VALIDATE_EVERY_S", 1e9)      # the once-a-second rule out of the way
    monkeypatch.setattr(live, "VALIDATE_SOON_S", 0.0)
    monkeypatch.setattr(live, "SOON_SHARE", float("inf"))   # and the validation's own cost
    run = LiveRun(RunConfig(**SMALL))
    run.tick(budget_s=0.0, max_steps=1)
    assert run.trainer.validations == 1                     # never validated: the first tick does
    monkeypatch.setattr(live, "LOSS_MOVED", 1e9)            # a loss that does not move
    run.tick(budget_s=0.0, max_steps=1)
    assert run.trainer.validations == 1
    monkeypatch.setattr(live, "LOSS_MOVED", 0.0)            # any move counts
    run.tick(budget_s=0.0, max_steps=1)
    assert run.trainer.validations == 2 and run.smoothed_loss is not None


def test_a_tick_does_not_validate_again_right_after_the_trainers_own_validation(monkeypatch):
    monkeypatch.setattr(live, "VALIDATE_EVERY_S", 60.0)
    monkeypatch.setattr(live, "VALIDATE_SOON_S", 60.0)
    run = LiveRun(RunConfig(**SMALL))
    run.trainer.val_every = 1                               # the trainer validates after every step
    for _ in range(3):
        run.tick(budget_s=0.0, max_steps=1)
    assert run.trainer.validations == 3                     # one per step, none twice
    assert all(math.isfinite(v) for v in run.history.arrays()["val_metric"])
