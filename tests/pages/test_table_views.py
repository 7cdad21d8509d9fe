"""Every row of the architecture table × every view: a view that raises on a row or ignores it fails here.

Parametrised over ``ARCHITECTURES`` and over the ``VIEWS`` below, so a new row is walked through
every view without new test code, and a new view is one more function. Each row trains one tiny
run (two steps) that every view reads. "Ignores" means: the view shows nothing of the row's own
(its gates, its eigenvalues where it has them, its step's numbers, its exported arrays).
"""
import io

import numpy as np
import pytest

from models.architectures import ARCH_NAMES, ARCHITECTURES, DEFAULT_ARCH
from page_runner import open_page
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.figures.gates import make_gate_grid
from playground.figures.gradients import make_grad_norm_figure
from playground.io import export
from playground.lessons.comparison import compare_configs
from playground.page_state import CELL
from playground.tasks import make_task
from playground.ui.keys import LIVE_RUN

VIEWS = {}


def view(name):
    """Register ``check(row, run)`` as the view ``name``."""
    def register(check):
        VIEWS[name] = check
        return check
    return register


@pytest.fixture(scope="module")
def runs():
    """One tiny two-layer run per row, two steps trained, made on first use."""
    made = {}

    def run_of(arch: str) -> LiveRun:
        if arch not in made:
            made[arch] = LiveRun(RunConfig(arch=arch, task="adding", seq_len=6, hidden=4, layers=2, batch=4))
            made[arch].step_to(2)
        return made[arch]
    return run_of


@view("train insides")
def _train(row, run):
    snap = run.snapshot
    assert snap.arch == row.name and set(snap.gates) == set(row.gates)
    assert snap.hidden.shape == (2, 6, snap.hidden.shape[2], 4) and np.isfinite(snap.hidden).all()
    assert make_gate_grid({g: v[-1][:, 0] for g, v in snap.gates.items()}).data
    assert (snap.eigenvalues[-1] is not None) == row.has_spectral_radius
    assert np.isfinite(snap.spectral_radius[-1]) == row.has_spectral_radius


@view("gradient view")
def _gradients(row, run):
    norms = run.snapshot.grad_norm
    assert norms.shape == (2, 6) and np.isfinite(norms).all() and (norms[:, -1] > 0).all()
    assert make_grad_norm_figure(norms, run.snapshot.jacobian_norm).data


@view("compare")
def _compare(row, run):
    other = next(name for name in ARCH_NAMES if name != row.name)
    configs = compare_configs(run.config, (row.name, other), 3)
    assert configs[row.name] == run.config.replace(arch=row.name)


@view("cell page")
def _cell(row, run):
    at = open_page("cell", {"cell_arch": row.name, "cell_hidden": "2"})
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert at.session_state["cell_arch"] == row.name and row.name in CELL["cell_arch"].choices
    assert at.latex and (at.dataframe or at.get("plotly_chart"))


@view("unit view")
def _unit(row, run):
    at = open_page("cell", {"source": "model", "layer": "1", "t": "4", "unit": "2"}, {LIVE_RUN: run})
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert at.subheader[0].value.startswith("Unit 2 of layer 1 at t = 4") and at.latex


@view("export")
def _export(row, run):
    arrays = np.load(io.BytesIO(export.snapshot_npz(run.snapshot)))
    assert {f"gate_{g}" for g in row.gates} <= set(arrays.files)
    assert ("eigenvalues" in arrays.files) == row.has_spectral_radius
    assert list(export.run_figures(run)) == export.figure_names(run.snapshot)
    assert ("eigenvalues" in export.figure_names(run.snapshot)) == row.diagonal_recurrence
    back = export.import_run(export.weights_bytes(run), lambda name, config: make_task(config),
                             make_run=lambda config, task, weights, resume: config)
    assert back.arch == row.name


@pytest.mark.parametrize("view_name", list(VIEWS))
@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_every_view_shows_every_row(arch, view_name, runs):
    VIEWS[view_name](ARCHITECTURES[arch], runs(arch))


def test_the_walk_covers_the_table_and_the_views():
    assert DEFAULT_ARCH in ARCH_NAMES and len(VIEWS) == 6
