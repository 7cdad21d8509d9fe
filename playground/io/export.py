"""Export and import of a live run: history, probe snapshot, weights, figures, a reproducing link.

Every ``*_bytes``/``*_html`` function returns what a download button serves; nothing here
imports streamlit. Import is the reverse of the weights export: an untrusted file is read
with ``torch.load(weights_only=True)`` (no code runs), shape-checked against the network its
config describes, and only then installed as a fresh run, so a bad file changes nothing.
"""
from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from models.architectures import architecture
from models.network import embedding_width
from models.networks import network_shape
from playground.io.checkpoint import checkpoint_bytes, load_network
from playground.io.checkpoint_format import checkpoint_config, read_checkpoint
from playground.io.checkpoint_resume import load_resume
from playground.config import CUSTOM_TASK, RunConfig
from playground.figures.eigenvalues import make_eigenvalue_figure
from playground.figures.gates import make_saturation_figure
from playground.figures.gradients import make_grad_heatmap_figure, make_grad_norm_figure
from playground.figures.states import make_trajectory_figure, make_unit_heatmap
from playground.figures.style import GATE_TITLES
from playground.figures.training import make_loss_figure
from playground.engine.live import LiveRun
from playground.engine.probe import Snapshot

MAX_CSV_ROWS = 400_000   # rows of the long probe table; whole probe sequences are dropped past it


def history_csv(run) -> bytes:
    """The run's per-step history as CSV bytes."""
    return run.history_frame().to_csv(index=False).encode()


def snapshot_npz(snapshot: Snapshot) -> bytes:
    """The probe snapshot as an .npz archive: the arrays of Snapshot.to_npz_dict(), and ``eigenvalues``
    (complex, the last layer's recurrence: W_hh's candidate block, or a diagonal such as the LRU's λ)
    where the recurrence has any."""
    arrays = snapshot.to_npz_dict()
    last = snapshot.eigenvalues[-1] if snapshot.eigenvalues else None
    if last is not None:
        arrays["eigenvalues"] = np.asarray(last, dtype=complex)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def snapshot_frame(snapshot: Snapshot, max_rows: int = MAX_CSV_ROWS) -> tuple[pd.DataFrame, str | None]:
    """Long table of the probe: one row per (layer, t, sequence, unit) with h, c and every gate.

    layer and t count from 1 (as the charts do), sequence and unit from 0. When the table
    would pass ``max_rows`` only the first probe sequences are kept; the note says so.
    """
    L, T, B, H = snapshot.hidden.shape
    keep = max(1, min(B, max_rows // max(1, L * T * H)))
    note = None if keep == B else f"only probe sequences 0–{keep - 1} of {B} (the table is limited to {max_rows:,} rows)"
    layer, t, seq, unit = np.meshgrid(np.arange(1, L + 1), np.arange(1, T + 1), np.arange(keep),
                                      np.arange(H), indexing="ij")
    columns = {"layer": layer.ravel(), "t": t.ravel(), "sequence": seq.ravel(), "unit": unit.ravel(),
               "h": snapshot.hidden[:, :, :keep].ravel()}
    if snapshot.cell is not None:
        columns["c"] = snapshot.cell[:, :, :keep].ravel()
    for name, values in snapshot.gates.items():
        if name not in columns:
            columns[name] = values[:, :, :keep].ravel()
    return pd.DataFrame(columns), note


def snapshot_csv(snapshot: Snapshot, max_rows: int = MAX_CSV_ROWS) -> bytes:
    """The long probe table as CSV bytes (see snapshot_frame)."""
    frame, _ = snapshot_frame(snapshot, max_rows)
    return frame.to_csv(index=False, float_format="%.6g").encode()


def weights_bytes(run) -> bytes:
    """The trained weights with the run config and what resuming needs, as a tensor-only checkpoint (.pt).

    Weights, optimizer state, data stream and history are taken at one step (``resume_state``),
    so loading the file and training on continues the run as if it had never stopped.
    """
    state = dict(run.resume_state())
    weights = state.pop("weights")
    return checkpoint_bytes(run.config, run.task.name, weights, state)


def _eigenvalue_view(snapshot: Snapshot):
    """The last layer's eigenvalues where /train draws them (a diagonal recurrence, the LRU's), else None."""
    last = snapshot.eigenvalues[-1] if snapshot.eigenvalues else None
    return last if last is not None and architecture(snapshot.arch).diagonal_recurrence else None


def figure_names(snapshot: Snapshot) -> list[str]:
    """The file stems ``run_figures`` returns, in order, without building any figure."""
    return (["loss", "gradient_norm", "gradient_history", "trajectory", "hidden"]
            + [f"gate_{name}" for name in snapshot.gates] + ["saturation"]
            + (["eigenvalues"] if _eigenvalue_view(snapshot) is not None else []))


def run_figures(run) -> dict[str, go.Figure]:
    """The run's figures by file stem: loss, gradient norms (now and over training),
    trajectory, hidden-state heatmap, each gate's heatmap, the saturation scatter, and the
    eigenvalues in the complex plane for a diagonal recurrence."""
    task, snap, records = run.task, run.snapshot, run.records
    figures = {
        "loss": make_loss_figure(run.history_frame(), task.metric_name, task.baseline(),
                                 task.baseline_name(), title="Loss and validation metric"),
        "gradient_norm": make_grad_norm_figure(snap.grad_norm, snap.jacobian_norm,
                                               title=f"Gradient norm across timesteps (step {snap.step})"),
        "gradient_history": make_grad_heatmap_figure([r.step for r in records], [r.grad_norm for r in records],
                                                     [r.spectral_radius for r in records],
                                                     title="‖dL/dh_t‖ over the whole run"),
        "trajectory": make_trajectory_figure(snap.pca, snap.pca_explained, labels=snap.labels,
                                             title="Hidden-state trajectories (PCA of h_t)"),
        "hidden": make_unit_heatmap(snap.top(snap.hidden)[:, 0], "h", title="Hidden state h_t of probe sequence 0"),
    }
    for name, values in snap.gates.items():       # the rows the head reads: both directions of a bidirectional net
        figures[f"gate_{name}"] = make_unit_heatmap(snap.top(values)[:, 0], name, title=GATE_TITLES.get(name, name))
    figures["saturation"] = make_saturation_figure(snap.saturation, title="Gate saturation")
    if (values := _eigenvalue_view(snap)) is not None:
        figures["eigenvalues"] = make_eigenvalue_figure(values, title=f"Eigenvalues λ at step {snap.step:,}",
                                                        colour=architecture(snap.arch).colour)
    return figures


def figure_html(fig: go.Figure, title: str = "RNN Playground figure") -> bytes:
    """One figure as a self-contained HTML page (plotly.js inlined: opens with no network)."""
    return fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False}).replace(
        "<head>", f"<head><title>{title}</title>", 1).encode()


def report_html(figures: dict[str, go.Figure], config: RunConfig, steps: int) -> bytes:
    """All figures in one self-contained HTML page, plotly.js inlined once, with the config."""
    settings = ", ".join(f"{k}={v}" for k, v in config.to_dict().items())
    parts = [f"<h1>RNN Playground run</h1><p>{steps} training steps. Settings: {settings}</p>"]
    for k, fig in enumerate(figures.values()):
        parts.append(fig.to_html(include_plotlyjs=k == 0, full_html=False, config={"displaylogo": False}))
    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>RNN Playground run</title></head>"
            f"<body style='font-family:sans-serif;max-width:1100px;margin:auto'>{body}</body></html>").encode()


def reproduce_link(config: RunConfig, page_url: str | None, page: str = "train") -> str:
    """The URL of ``page`` with ``config`` in its query string: it reproduces the run, seed included.

    ``page_url`` is the current page's address (e.g. st.context.url, ending in /model);
    without one, the link is relative (``train?...``).
    """
    query = urlencode(config.to_query())
    if not page_url:
        return page + (f"?{query}" if query else "")
    parts = urlsplit(page_url)
    base = parts.path.rsplit("/", 1)[0] if "/" in parts.path else ""
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/{page}", query, ""))


def load_snippet(config: RunConfig, input_size: int, output_size: int, vocab_size: int = 0) -> str:
    """Python that loads the exported weights into plain PyTorch modules (no app needed); for a cell
    without a ``torch.nn`` module (a scan cell), into this repository's network (its ``models`` package)."""
    row, shape = architecture(config.arch), network_shape(config.network)
    if not shape.fused_stack:
        return repository_snippet(config)
    if row.fused is None:
        return scan_cell_snippet(config, input_size, output_size, vocab_size)
    module = row.fused.__name__
    options = row.fused_options(config.activation) | (dict(bidirectional=True) if shape.top_rows > 1 else {})
    extra = "".join(f", {name}={value!r}" for name, value in options.items())
    embed_dim = embedding_width(vocab_size)
    rnn_in = embed_dim if vocab_size else input_size
    lines = ["import torch", "from torch import nn", "",
             'ckpt = torch.load("weights.pt", weights_only=True)   # tensors only: no code runs',
             'sd = ckpt["state_dict"]',
             f"rnn = nn.{module}({rnn_in}, {config.hidden}, {config.layers}, batch_first=True{extra})",
             'rnn.load_state_dict({k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})',
             f"head = nn.Linear({shape.top_rows * config.hidden}, {output_size})",
             'head.load_state_dict({k[5:]: v for k, v in sd.items() if k.startswith("head.")})']
    if vocab_size:
        lines += [f"embed = nn.Embedding({vocab_size}, {embed_dim})",
                  'embed.load_state_dict({"weight": sd["embed.weight"]})',
                  "", "x = torch.randint(0, %d, (1, %d))            # (B, T) character ids" % (vocab_size, config.seq_len),
                  "out = head(rnn(embed(x))[0])                   # (B, T, %d)" % output_size]
    else:
        lines += ["", "x = torch.randn(1, %d, %d)                  # (B, T, I)" % (config.seq_len, input_size),
                  "out = head(rnn(x)[0])                          # (B, T, %d)" % output_size]
    return "\n".join(lines)


def repository_snippet(config: RunConfig) -> str:
    """Python that rebuilds a network torch.nn has no one module for (an encoder–decoder) with this
    repository's ``build_network`` from the checkpoint's own config, and loads the exported weights."""
    return "\n".join([
        "import torch", "from models.network import build_network   # the repository's own network",
        "from playground.config import from_mapping", "from playground.tasks import make_task", "",
        'ckpt = torch.load("weights.pt", weights_only=True)   # tensors only: no code runs',
        'config = from_mapping(ckpt["config"])', "task = make_task(config)",
        "net = build_network(config, task)", 'net.load_state_dict(ckpt["state_dict"])', "",
        "x = task.sample(1, torch.Generator().manual_seed(0)).x",
        f"out, _ = net(x)                                # (B, T, O) on the task's timeline ({config.task})"])


def scan_cell_snippet(config: RunConfig, input_size: int, output_size: int, vocab_size: int = 0) -> str:
    """Python that loads the exported weights of a scan cell into ``models.network.SequenceNet``."""
    x = (f"x = torch.randint(0, {vocab_size}, (1, {config.seq_len}))            # (B, T) character ids" if vocab_size
         else f"x = torch.randn(1, {config.seq_len}, {input_size})                  # (B, T, I)")
    return "\n".join([
        "import torch", "from models.network import SequenceNet   # torch.nn has no such cell: the repository's own", "",
        'ckpt = torch.load("weights.pt", weights_only=True)   # tensors only: no code runs',
        f"net = SequenceNet({config.arch!r}, {input_size}, {config.hidden}, {config.layers}, {output_size}, "
        f"vocab_size={vocab_size})",
        'net.load_state_dict(ckpt["state_dict"])', "", x,
        f"out, _ = net(x)                                # (B, T, {output_size}), by the parallel scan"])


def import_run(data: bytes, task_for, make_run=LiveRun):
    """A fresh run holding the weights of an uploaded checkpoint; DataError when unusable.

    ``task_for(task_name, config)`` returns the task object to build the network for (it
    may raise ConfigError/DataError, e.g. for an uploaded data set this session lacks).
    ``make_run(config, task, weights, resume)`` makes the run (an in-process ``LiveRun`` by
    default; the app passes one that submits it to the training backend); it is called only
    once every check passed, so a failure leaves the session's run as it was. A file saved
    from a run resumes it: its step count, optimizer state, data stream and history.
    """
    ckpt = read_checkpoint(bytes(data))
    name, config = checkpoint_config(ckpt)   # every field checked before any task is built
    task = task_for(name, config)
    config, net = load_network(ckpt, task)
    resume = load_resume(ckpt, net, config)
    weights = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
    return make_run(config, task if name == CUSTOM_TASK else None, weights, resume)
