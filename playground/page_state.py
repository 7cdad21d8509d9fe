"""The shareable settings of the teaching pages, one field table per page (as ``config.FIELDS``).

Each table declares a setting once: its URL name (also its widget key), kind, limits or
options, default and help, and its label, widget and tooltip. The page draws each widget from
its row through ``playground.ui.widgets.field_widget`` (no label or range is typed a second
time), and ``parse_page_query`` / ``page_query`` read and write the URL with the same
parser as the run settings, so a link such as ``/gradients?grad_rho=1.1&grad_T=100``
reproduces the view and a hostile value falls back to its default with a note. Settings
whose range or default depend on the session's model (the language page's text and unit, the
interventions' gate clamps) stay out of the link. URL flags outside the tables (autostart, the
presenter's, the talk's deck and step) and named links are in ``playground.links``.
No streamlit here.
"""
from __future__ import annotations

from typing import Any, Mapping

from models.architectures import ACTIVATIONS, ARCH_NAMES, DEFAULT_ARCH
from playground.lessons.cell_trace import ACTIVATIONS as CELL_ACTIVATIONS, MAX_HIDDEN as CELL_HIDDEN
from playground.lessons.cell_trace import MAX_INPUT, MAX_STEPS
from playground.config import ConfigError, Field, format_value, literal, parse_field, without_value
from playground.lessons.gradient_lab import ACTIVATIONS as GRAD_ACTIVATIONS, MATRICES

MAX_TEXT = 400                 # characters of free text a link may carry (the text box's own limit)


def _table(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


GRADIENTS: dict[str, Field] = _table(
    Field("grad_act", "choice", "activation φ of the vanilla RNN", choices=GRAD_ACTIVATIONS, default="tanh",
          label="Activation φ", widget="radio", tooltip="linear: φ(a) = a, where the theory is exact"),
    Field("grad_rho", "float", "spectral radius ρ of W_hh", 0.1, 2.0, default=0.9, step=0.05,
          label="Spectral radius ρ of W_hh", widget="slider"),
    Field("grad_T", "int", "sequence length T", 2, 200, default=50, label="Sequence length T", widget="slider"),
    Field("grad_H", "int", "hidden units H", options=(4, 8, 16, 32, 64, 128), default=32, label="Hidden units H",
          widget="select_slider"),
    Field("grad_matrix", "choice", "recurrent matrix W_hh", choices=tuple(MATRICES), default=tuple(MATRICES)[0],
          label="Recurrent matrix W_hh", widget="select",
          tooltip="ρ·Q makes the linear theory exact; a rescaled Gaussian follows it only in the long run"),
    Field("grad_gate_bias", "float", "extra bias on the LSTM forget / GRU update gate", 0.0, 5.0, default=0.0,
          step=0.5, label="Extra bias on the LSTM forget gate f / GRU update gate z", widget="slider",
          tooltip="0 is PyTorch's initialisation; 1 is the forget-gate bias of Gers et al. (2000) and "
                  "Jozefowicz et al. (2015). On the Train page it is the run setting gate_bias."),
    Field("clip_act", "choice", "activation of the clipping run", choices=ACTIVATIONS, default="tanh",
          label="Activation", widget="radio"),
    Field("clip_rho", "float", "ρ at initialisation of the clipping run", 0.5, 3.0, default=1.5, step=0.1,
          label="ρ at initialisation", widget="slider"),
    Field("clip_value", "float", "clip at (max norm)", 0.01, 100.0, default=1.0, step=0.5,
          label="Clip at (max norm)", widget="number"),
    Field("clip_lr", "float", "SGD learning rate of the clipping run",
          options=(0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3), default=0.05, label="SGD learning rate",
          widget="select_slider"),
    Field("clip_steps", "int", "training steps of the clipping run", options=(50, 100, 200, 400), default=200,
          label="Steps", widget="select_slider"),
    Field("conn_arch", "choice", "small character model", choices=ARCH_NAMES, default=DEFAULT_ARCH,
          label="Small model", widget="segmented"),
    Field("conn_text", "text", "text the character model reads", high=MAX_TEXT,
          default="The return value is a new list containing the items of the sequence, "
                  "in the order given by the key function.", label="Text", widget="text_area"),
    Field("conn_pos", "int", "output position", 0, MAX_TEXT, default=60,
          label="Output position (predicts the character after it)", widget="slider"),
    Field("conn_log", "bool", "logarithmic colour scale", default=True, label="Logarithmic colour scale (3 decades)",
          widget="toggle",
          tooltip="The gradient falls off fast; on a log scale the faint reach further back stays visible."),
)

CELL: dict[str, Field] = _table(
    Field("cell_arch", "choice", "architecture", choices=ARCH_NAMES,
          default=DEFAULT_ARCH, label="Architecture", widget="select"),
    Field("cell_act", "choice", "non-linearity φ (vanilla RNN)", choices=CELL_ACTIVATIONS, default="tanh",
          label="Non-linearity φ", widget="select"),
    Field("cell_hidden", "int", "hidden size H", 1, CELL_HIDDEN, default=3, label="Hidden size H", widget="slider"),
    Field("cell_input", "int", "input size I", options=tuple(range(1, MAX_INPUT + 1)), default=1,
          label="Input size I", widget="radio"),
    Field("cell_seed", "int", "seed of the weights", 0, 2**31 - 1, default=0, step=1, label="Seed (weights)",
          widget="number"),
    Field("cell_seq", "text", "input sequence x₁ … x_T", high=MAX_TEXT, default="0.5, -1, 2", label="Input x₁ … x_T",
          widget="text", tooltip=f"Up to {MAX_STEPS} numbers separated by commas. With 2 inputs per step, "
                                 "separate steps with ';', e.g. 1, 0; 0, 1"),
    Field("cell_target", "text", "targets d₁ … d_T (blank: running sum of x)", high=MAX_TEXT, default="",
          label="Target d₁ … d_T (blank: running sum of x)", widget="text"),
    Field("cell_last", "bool", "score only the last step", default=False,
          label="Score only the last step (many-to-one)", widget="checkbox"),
    Field("cell_t", "int", "timestep t shown", 1, MAX_STEPS, default=1, label="Timestep t", widget="select_slider"),
    Field("cell_mode", "choice", "forward values or backward gradients", choices=("forward", "backward"),
          default="forward", label="Show", widget="radio"),
    Field("cell_weight", "choice", "weight whose gradient is shown",
          choices=("W_hh", "W_ih", "b_hh", "b_ih", "W_hy", "b_y"), default="W_hh", label="Weight", widget="radio"),
)

LANGUAGE: dict[str, Field] = _table(
    Field("lang_arch", "choice", "architecture of the small model trained here", choices=ARCH_NAMES,
          default=DEFAULT_ARCH, label="Architecture", widget="segmented"),
    Field("lang_seconds", "int", "seconds of training here", 5, 120, default=30, label="Seconds of training",
          widget="slider"),
    Field("lang_kind", "choice", "state shown: hidden h_t or cell c_t", choices=("h", "c"), default="h",
          label="State", widget="segmented"),
    Field("lang_prime", "text", "text a sample starts with", high=200, default="The ", label="Start with",
          widget="text"),
    Field("lang_temp", "float", "sampling temperature", 0.1, 2.0, default=0.8, step=0.05, label="Temperature",
          widget="slider",
          tooltip="Low: safe, repetitive; 1: the model's own distribution; high: adventurous, misspelt"),
    Field("lang_len", "int", "characters sampled", 20, 600, default=300, step=20, label="Characters",
          widget="slider"),
    Field("lang_seed", "int", "seed of the sample", 0, 2**31 - 1, default=0, label="Seed", widget="number"),
)

INTERVENTIONS: dict[str, Field] = _table(
    Field("iv_seconds", "int", "seconds of training here", 5, 60, default=15, label="Seconds of training",
          widget="slider"),
    Field("iv_units", "text", "hidden units set to 0 (e.g. 3, 5-7)", high=200, default="",
          label="Units to set to 0 (0–{last}, e.g. 3, 5-7)", widget="text",
          tooltip="h_t (and c_t) of these units of the last layer are 0 at every step"),
    Field("iv_scale", "float", "factor on W_hh", 0.0, 2.0, default=1.0, step=0.05, label="W_hh × factor (every layer)",
          widget="slider"),
)

PAGE_TABLES: dict[str, dict[str, Field]] = {"gradients": GRADIENTS, "cell": CELL, "language": LANGUAGE,
                                            "interventions": INTERVENTIONS}


def defaults(table: Mapping[str, Field]) -> dict[str, Any]:
    """Every setting of ``table`` at its default."""
    return {name: spec.default for name, spec in table.items()}


def parse_page_query(table: Mapping[str, Field], params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The settings a URL names (each checked against ``table``) and one note per value ignored.

    Parameters that are not in the table belong to someone else (presenter flags) and are skipped.
    """
    values, notes = {}, []
    for key, raw in params.items():
        if key not in table:
            continue
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        try:
            values[key] = parse_field(table[key], raw)
        except ConfigError as err:
            notes.append(f"Ignored URL parameter {key}: {without_value(err)} (got {literal(raw)}); "
                         f"using {literal(format_value(table[key].default))}.")
    return values, notes


def page_query(table: Mapping[str, Field], values: Mapping[str, Any]) -> dict[str, str]:
    """The URL form of ``values``: only settings of ``table`` that differ from their default."""
    query = {}
    for name, spec in table.items():
        if name in values and values[name] != spec.default:
            query[name] = format_value(values[name])
    return query
