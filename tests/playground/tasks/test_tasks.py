"""Every registered task: shapes, determinism, scoring, baselines, and make_task."""
import json
from dataclasses import fields

import pytest
import torch
import torch.nn.functional as F

from playground.config import RunConfig, validate
from playground.errors import ConfigError
from playground.tasks import TASKS, make_task
from playground.tasks.base import TOPOLOGIES, Batch

NAMES = list(TASKS)
ORDER = ["adding", "copy", "parity", "counting", "sine", "sinegen", "temperature", "charlm", "sentiment", "reverse",
         "sort", "lookahead"]
KNOWN_BASELINES = {"adding": (1 / 6, 0.01), "copy": (1 / 8, 0.02), "reverse": (1 / 8, 0.02), "sort": (1 / 8, 0.03),
                   "parity": (0.5, 0.03), "sinegen": (0.5, 0.05),
                   "lookahead": (10 / 12, 0.02)}     # RunConfig's lag of 10


@pytest.fixture(scope="module", params=NAMES)
def task(request):
    return make_task(RunConfig(task=request.param))


def perfect_output(task, batch: Batch) -> torch.Tensor:
    """An output (B, T, O) that reads the answer off the targets."""
    B, T, O = batch.x.shape[0], task.steps, task.output_size
    target = F.one_hot(batch.y, O).float() * 30 if task.loss_kind == "ce" else batch.y
    if task.many_to_one:
        out = torch.zeros(B, T, O)
        out[:, -1] = target
        return out
    return target.clone()


def test_registry_order_and_metadata():
    assert NAMES == ORDER
    config_fields = {f.name for f in fields(RunConfig)}
    for name, cls in TASKS.items():
        task = cls()
        assert task.name == name and task.title and cls.__doc__ and cls.explain
        assert task.topology in TOPOLOGIES
        assert task.loss_kind in ("mse", "ce")
        assert set(cls.defaults) <= config_fields, name


def test_shapes_and_dtypes(task):
    batch = task.sample(5, torch.Generator().manual_seed(0))
    T = task.steps
    if task.vocab_size:
        assert batch.x.shape == (5, T) and batch.x.dtype == torch.long
        assert 0 <= batch.x.min() and batch.x.max() < task.vocab_size
    else:
        assert batch.x.shape == (5, T, task.input_size) and batch.x.dtype == torch.float32
    if task.many_to_one:
        assert batch.y.shape == ((5,) if task.loss_kind == "ce" else (5, task.output_size))
    else:
        assert batch.y.shape == ((5, T) if task.loss_kind == "ce" else (5, T, task.output_size))
    if task.loss_kind == "ce":
        assert batch.y.dtype == torch.long and batch.y.max() < task.output_size
    if batch.mask is not None:
        assert batch.mask.shape == (5, T) and batch.mask.dtype == torch.bool and batch.mask.any()
    if batch.labels is not None:
        assert batch.labels.shape == (5,) and batch.labels.dtype == torch.long


@pytest.mark.parametrize("split", ["train", "val"])
def test_sampling_is_deterministic(task, split):
    a = task.sample(8, torch.Generator().manual_seed(3), split)
    b = task.sample(8, torch.Generator().manual_seed(3), split)
    c = task.sample(8, torch.Generator().manual_seed(4), split)
    for name in ("x", "y", "mask", "labels"):
        u, v = getattr(a, name), getattr(b, name)
        assert (u is None and v is None) or torch.equal(u, v), name
    assert not (torch.equal(a.x, c.x) and torch.equal(a.y, c.y))


def test_loss_metric_and_example_on_random_outputs(task):
    batch = task.sample(6, torch.Generator().manual_seed(1), "val")
    out = torch.randn(6, task.steps, task.output_size, requires_grad=True)
    loss = task.loss(out, batch)
    loss.backward()
    assert torch.isfinite(loss) and out.grad.abs().sum() > 0
    metric = task.metric(out, batch)
    assert isinstance(metric, float) and metric == metric
    example = task.describe_example(batch, out.detach(), 2)
    assert example["kind"] in ("series", "sequence", "label", "text")
    json.dumps(example)


def test_baseline_is_computed_cached_and_beaten_by_a_perfect_predictor(task):
    base = task.baseline()
    assert isinstance(base, float) and torch.isfinite(torch.tensor(base))
    assert task.baseline() is base or task.baseline() == base
    if task.name in KNOWN_BASELINES:
        value, tol = KNOWN_BASELINES[task.name]
        assert abs(base - value) < tol, (task.name, base)
    batch = task.sample(64, torch.Generator().manual_seed(2), "val")
    best = task.metric(perfect_output(task, batch), batch)
    assert (best > base) if task.higher_is_better else (best < base)
    assert task.baseline_name()


@pytest.mark.parametrize("name", NAMES)
def test_make_task_with_the_task_defaults(name):
    config = validate(RunConfig(task=name, **TASKS[name].defaults))
    task = make_task(config)
    assert task.seq_len == config.seq_len
    task.sample(4, torch.Generator().manual_seed(0))


@pytest.mark.parametrize("changes, message", [
    (dict(task="copy", seq_len=10, lag=10), "lag"),
    (dict(task="copy", seq_len=5, lag=10), "lag"),
    (dict(task="reverse", seq_len=101), "between 1 and 100"),
    (dict(task="lookahead", seq_len=5, lag=5), "lag"),
    (dict(task="nope"), "unknown task"),
])
def test_make_task_rejects_bad_combinations(changes, message):
    with pytest.raises(ConfigError, match=message):
        make_task(RunConfig(**changes))


def test_copy_and_reverse_targets():
    copy = make_task(RunConfig(task="copy", seq_len=12, lag=3))
    b = copy.sample(4, torch.Generator().manual_seed(0))
    assert torch.equal(b.y[:, 3:], b.x[:, :-3]) and not b.mask[:, :3].any() and b.mask[:, 3:].all()
    rev = make_task(RunConfig(task="reverse", seq_len=5))
    b = rev.sample(4, torch.Generator().manual_seed(0))
    assert rev.steps == 11 and (b.x[:, 5] == 8).all()
    assert torch.equal(b.y[:, 6:], b.x[:, :5].flip(1)) and b.mask.sum(1).eq(5).all()


def test_sort_writes_the_source_in_ascending_order_on_reverses_timeline():
    task = make_task(RunConfig(task="sort", seq_len=6))
    b = task.sample(16, torch.Generator().manual_seed(0))
    assert task.steps == 13 and (b.x[:, 6] == 8).all() and (b.x[:, 7:] == 9).all()
    assert torch.equal(b.y[:, 7:], b.x[:, :6].sort(1).values) and b.mask.sum(1).eq(6).all()
    assert (task.source_steps, task.first_output) == (6, 7) and task.source_target
    with pytest.raises(ConfigError, match="sort runs 2\\*seq_len\\+1 steps"):
        make_task(RunConfig(task="sort", seq_len=101))


def test_adding_and_counting_targets():
    add = make_task(RunConfig(task="adding", seq_len=9))
    b = add.sample(64, torch.Generator().manual_seed(0))
    marker = b.x[..., 1]
    assert marker.sum(1).eq(2).all() and marker[:, :4].sum(1).eq(1).all()
    assert torch.allclose(b.y[:, 0], (b.x[..., 0] * marker).sum(1))
    one = make_task(RunConfig(task="adding", seq_len=1)).sample(4, torch.Generator().manual_seed(0))
    assert torch.equal(one.y[:, 0], one.x[:, 0, 0])
    count = make_task(RunConfig(task="counting", seq_len=20))
    b = count.sample(8, torch.Generator().manual_seed(0))
    assert torch.allclose(b.y * count.scale, b.x.cumsum(1)) and torch.equal(b.labels, b.x.sum((1, 2)).long())


def test_lookahead_targets_are_sums_of_the_next_inputs_only():
    task = make_task(RunConfig(task="lookahead", seq_len=9, lag=3))
    b = task.sample(16, torch.Generator().manual_seed(0))
    x = b.x[..., 0]
    for t in range(9 - 3):
        assert torch.allclose(b.y[:, t, 0], x[:, t + 1:t + 4].sum(1), atol=1e-6)
    assert b.mask[:, :6].all() and not b.mask[:, 6:].any()
    assert len(task.describe_example(b, b.y)["target"]) == 6


def test_lookahead_baseline_is_the_best_any_causal_predictor_reaches():
    """A predictor that sees every past input (here: the exact sum of x_0..x_t, a best guess
    built from the past) does no better than the mean: the past says nothing about the future."""
    task = make_task(RunConfig(task="lookahead", seq_len=12, lag=4))
    assert abs(task.baseline() - 4 / 12) < 0.01
    b = task.sample(4096, torch.Generator().manual_seed(5), "val")
    past = b.x.cumsum(1)                                                  # (B, T, 1): a function of x_0..x_t
    slope = ((past - past.mean()) * (b.y - b.y.mean()))[b.mask].mean() / past[b.mask].var()
    fitted = b.y.mean() + slope * (past - past.mean())                   # the best linear fit on the past
    assert task.metric(fitted, b) > 0.98 * task.baseline()
    peek = task.metric(b.y + 0.05, b)                                    # reading ahead solves it
    assert peek < 0.01 * task.baseline()
