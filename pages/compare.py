"""Compare page: up to three architectures (vanilla RNN, GRU and LSTM unless others are picked) trained live side
by side on one task, seed and budget."""
import streamlit as st

from models.networks import network_shape
from playground.config import CUSTOM_TASK, FIELDS
from playground.figures.compare import compare_chart_spec, compare_summary
from playground.figures.loss_series import joined
from playground.figures.gradients import grad_norm_parts, grad_summary
from playground.figures.states import trajectory_parts, trajectory_summary
from playground.figures.style import ARCH_COLOURS, ARCH_LABELS
from playground.figures.tiles import compare_tiles, even, tiles_payload
from playground.markup import title_markdown
from playground.ui.compare_session import (compare_controls_ui, compared_archs_ui, compared_title, get_compare_runs,
                                          keep_level, run_key, set_running)
from playground.ui.settings_panels import config_sidebar_ui, sync_from_url, write_url
from playground.ui.text import page_text
from playground.ui.live_points_chart import live_points_chart
from playground.ui.live_tiles import live_tiles
from playground.ui.train_panels import live_view_ui, run_points
from playground.ui.widgets import explain
from playground.ui.url_state import take_autostart

TICK_SECONDS = 0.5        # redraw interval while running
ROWS_SECONDS = 1.0        # the per-architecture rows redraw less often: they cost more than they change
ROW_SEQUENCES = 4         # trajectories drawn per architecture

for note in sync_from_url():
    st.warning(note, icon=":material/link_off:")
archs = compared_archs_ui()
config = config_sidebar_ui(tuple(name for name in FIELDS if name != "arch"))
write_url(config)
shape = network_shape(config.network)
if not shape.takes_cell:            # every cell would build the same network: nothing to compare
    st.title("Compare")
    st.info(f"Nothing to compare: {shape.no_cell}. Pick a network of recurrent cells in the sidebar.",
            icon=":material/info:")
    st.stop()
runs = get_compare_runs(config, archs) if archs else None

st.title(f"Compare: {compared_title(archs)}" if archs else "Compare")
if not archs:
    st.info("Pick at least one architecture to compare in the sidebar.", icon=":material/info:")
if runs is None:
    st.stop()
if take_autostart():
    set_running(runs, True)

task = next(iter(runs.values())).task
st.markdown(f"{title_markdown(task.title, config.task == CUSTOM_TASK)} · *{task.topology}* · T = {config.seq_len} · "
            f"metric: {task.metric_name} · seed {config.seed}")
st.markdown(page_text("compare_intro"))
compare_controls_ui(runs)
for arch, run in runs.items():
    if run.error:
        st.error(f"{ARCH_LABELS[arch]} stopped: {run.error}", icon=":material/warning:")


RUNNING = any(r.running for r in runs.values())


@st.fragment(run_every=TICK_SECONDS if RUNNING else None)
def live_fragment():
    """Keep the runs level (when running), then redraw metrics and losses as last published."""
    keep_level(runs)
    if RUNNING and not any(r.running for r in runs.values()):
        st.rerun()
    numbers = {arch: run_points(run, run_key(arch)) for arch, run in runs.items()}
    summaries = {arch: summary for arch, (_, summary) in numbers.items()}
    tiles = compare_tiles(summaries, {arch: run.step_count for arch, run in runs.items()}, task.baseline_name())
    live_tiles("compare_tiles", tiles_payload(tiles, widths=even(tiles)))   # text changed in place
    spec_key = (tuple(runs), task.metric_name, task.baseline(), task.baseline_name(),
                st.session_state.get("compare_logy", False), "Training loss, same steps for every architecture")
    live_points_chart("compare_loss", lambda: compare_chart_spec(*spec_key), spec_key,   # new points only
                      joined([points for points, _ in numbers.values()]), alt=compare_summary(summaries))
    st.caption(compare_summary(summaries))

@st.fragment(run_every=ROWS_SECONDS if RUNNING else None)
def rows_fragment():
    """One row per architecture: gradient norm across timesteps and hidden-state trajectories."""
    for arch, run in runs.items():
        snap = run.snapshot
        st.markdown(f"#### <span style='color:{ARCH_COLOURS[arch]}'>■</span> {ARCH_LABELS[arch]} "
                    f"(step {snap.step})", unsafe_allow_html=True)
        left, right = st.columns(2)
        with left:
            live_view_ui(f"compare_grad_{arch}", snap, snap.step,
                      lambda: grad_norm_parts(snap.grad_norm[-1], snap.jacobian_norm, colours=[ARCH_COLOURS[arch]],
                                              title="Gradient norm across timesteps"),
                      grad_summary(snap.grad_norm))
        with right:
            live_view_ui(f"compare_traj_{arch}", snap, snap.step,
                      lambda: trajectory_parts(snap.pca[:, :ROW_SEQUENCES], snap.pca_explained,
                                               labels=None if snap.labels is None else snap.labels[:ROW_SEQUENCES],
                                               title="Hidden-state trajectories (PCA of h_t)"),
                      trajectory_summary(snap.pca[:, :ROW_SEQUENCES], snap.pca_explained))


st.toggle("Log scale for the loss", key="compare_logy")
live_fragment()
explain("compare_loss")
rows_fragment()
explain("compare_rows")
