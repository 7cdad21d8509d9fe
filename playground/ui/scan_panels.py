"""The "Inside the cell" panels of a scan cell (a row without W_hh): its equations and one step's numbers.

The numbers come from ``playground.lessons.scan_step`` (the cell stepped by its row's own ``step``);
the tiny network shows every unit at the chosen timestep, the trained model the picked unit.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from models.architectures import architecture
from playground.errors import PlaygroundError
from playground.lessons.scan_step import ScanSpec, ScanTrace, cell_equations, model_trace, shown, tiny_trace
from playground.ui.cell_panels import timestep_ui
from playground.ui.text import page_text

TEX_LETTERS = {"\\lambda": "λ", "\\Delta": "Δ", "{": "", "}": ""}


def plain_symbol(symbol: str) -> str:
    """A LaTeX symbol as a table cell writes it: "\\Delta_t" -> "Δ_t", "h_{t-1}" -> "h_t-1"."""
    for tex, text in TEX_LETTERS.items():
        symbol = symbol.replace(tex, text)
    return symbol


def equations_ui(arch: str) -> None:
    """The cell's equations, as its module's docstring writes them (from its paper)."""
    row = architecture(arch)
    st.markdown(f"**The {row.label}'s step**")
    st.latex(cell_equations(row))


def step_table_ui(trace: ScanTrace, t: int, units: list[int]) -> None:
    """Every quantity of step t (0-based) for the given units (a vector shared by all units once)."""
    rows = []
    for q in trace.steps[t]:
        cells = {"quantity": q.word, "symbol": plain_symbol(q.symbol)}
        for k in units:
            cells[f"unit {k}"] = shown(q.at(k)) if q.per_unit or k == units[0] else "(same)"
        rows.append(cells)
    st.dataframe(rows, width="stretch", hide_index=True)


def tiny_scan_ui(spec: ScanSpec, x: np.ndarray) -> None:
    """The tiny network's scan cell: the timestep controls, its equations, and step t for every unit."""
    trace = tiny_trace(spec, x)
    t = timestep_ui(trace.T)
    equations_ui(spec.arch)
    st.subheader(f"Step t = {t + 1}: every quantity, every unit")
    step_table_ui(trace, t, list(range(spec.hidden)))
    st.caption(page_text("cell_scan").strip())


def model_scan_ui(run, ref, input_words: str) -> None:
    """One unit of the session's trained scan-cell model at one timestep: the equations and its step's numbers."""
    try:
        with run.lock:
            trace = model_trace(run.net, run.probe_batch.x, ref.seq, ref.layer)
    except PlaygroundError as err:
        st.error(f"Cannot show this unit: {err}.", icon=":material/error:")
        return
    cfg = run.config
    st.markdown(f"**{architecture(cfg.arch).label}**, H = {cfg.hidden}, {cfg.layers} layer(s), {run.task.title}, "
                f"weights of training step {run.step_count:,}. " + input_words)
    equations_ui(cfg.arch)
    st.subheader(f"Unit {ref.unit} of layer {ref.layer} at t = {ref.t + 1}: its step with the model's numbers")
    step_table_ui(trace, ref.t, [ref.unit])
    st.caption("The layer's own step replayed over the probe sequence in float64, from the layer's input "
               "(the model's replay of the layers below). A scan cell's gradients come from autograd: "
               "see ‖∂L/∂h_t‖ on the Train page.")
