"""The shareable settings of the teaching pages, one field table per page (as ``config.FIELDS``).

Each table declares a setting once: its URL name (also its widget key), kind, limits or
options, default and help. The page draws its widgets from the table (no range is typed a
second time), and ``parse_page_query`` / ``page_query`` read and write the URL with the same
parser as the run settings, so a link such as ``/gradients?grad_rho=1.1&grad_T=100``
reproduces the view and a hostile value falls back to its default with a note. Settings
whose range or default depend on the session's model (the language page's text and unit, the
interventions' gate clamps) stay out of the link.
No streamlit here.
"""
from __future__ import annotations

from typing import Any, Mapping

from models.architectures import ACTIVATIONS, ARCH_NAMES, DEFAULT_ARCH, MATRIX_ARCHS
from playground.lessons.cell_trace import ACTIVATIONS as CELL_ACTIVATIONS, MAX_HIDDEN as CELL_HIDDEN
from playground.lessons.cell_trace import MAX_INPUT, MAX_STEPS
from playground.config import ConfigError, Field, format_value, literal, parse_field, without_value
from playground.lessons.gradient_lab import ACTIVATIONS as GRAD_ACTIVATIONS, MATRICES

MAX_TEXT = 400                 # characters of free text a link may carry (the text box's own limit)

# URL flags outside the field tables (the presenter's ``present`` and ``hide`` are in
# ``playground.presenter``).
AUTOSTART_FLAG = "autostart"   # "1": the Train, Compare and Sweep pages start training once, on load
AUTOSTART = {AUTOSTART_FLAG: "1"}
DECK_PARAM = "deck"            # /talk: the shipped deck played
STEP_PARAM = "step"            # /talk: the step shown, counted from 1
PRESET_PARAM = "preset"        # /sweep: the preset grid


def _table(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


GRADIENTS: dict[str, Field] = _table(
    Field("grad_act", "choice", "activation φ of the vanilla RNN", choices=GRAD_ACTIVATIONS, default="tanh"),
    Field("grad_rho", "float", "spectral radius ρ of W_hh", 0.1, 2.0, default=0.9, step=0.05),
    Field("grad_T", "int", "sequence length T", 2, 200, default=50),
    Field("grad_H", "int", "hidden units H", options=(4, 8, 16, 32, 64, 128), default=32),
    Field("grad_matrix", "choice", "recurrent matrix W_hh", choices=tuple(MATRICES), default=tuple(MATRICES)[0]),
    Field("grad_gate_bias", "float", "extra bias on the LSTM forget / GRU update gate", 0.0, 5.0, default=0.0,
          step=0.5),
    Field("clip_act", "choice", "activation of the clipping run", choices=ACTIVATIONS, default="tanh"),
    Field("clip_rho", "float", "ρ at initialisation of the clipping run", 0.5, 3.0, default=1.5, step=0.1),
    Field("clip_value", "float", "clip at (max norm)", 0.01, 100.0, default=1.0, step=0.5),
    Field("clip_lr", "float", "SGD learning rate of the clipping run",
          options=(0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3), default=0.05),
    Field("clip_steps", "int", "training steps of the clipping run", options=(50, 100, 200, 400), default=200),
    Field("conn_arch", "choice", "small character model", choices=ARCH_NAMES, default=DEFAULT_ARCH),
    Field("conn_text", "text", "text the character model reads", high=MAX_TEXT,
          default="The return value is a new list containing the items of the sequence, "
                  "in the order given by the key function."),
    Field("conn_pos", "int", "output position", 0, MAX_TEXT, default=60),
    Field("conn_log", "bool", "logarithmic colour scale", default=True),
)

CELL: dict[str, Field] = _table(
    Field("cell_arch", "choice", "architecture (a cell with a recurrent matrix W_hh)", choices=MATRIX_ARCHS,
          default=DEFAULT_ARCH),
    Field("cell_act", "choice", "non-linearity φ (vanilla RNN)", choices=CELL_ACTIVATIONS, default="tanh"),
    Field("cell_hidden", "int", "hidden size H", 1, CELL_HIDDEN, default=3),
    Field("cell_input", "int", "input size I", options=tuple(range(1, MAX_INPUT + 1)), default=1),
    Field("cell_seed", "int", "seed of the weights", 0, 2**31 - 1, default=0),
    Field("cell_seq", "text", "input sequence x₁ … x_T", high=MAX_TEXT, default="0.5, -1, 2"),
    Field("cell_target", "text", "targets d₁ … d_T (blank: running sum of x)", high=MAX_TEXT, default=""),
    Field("cell_last", "bool", "score only the last step", default=False),
    Field("cell_t", "int", "timestep t shown", 1, MAX_STEPS, default=1),
    Field("cell_mode", "choice", "forward values or backward gradients", choices=("forward", "backward"),
          default="forward"),
    Field("cell_weight", "choice", "weight whose gradient is shown",
          choices=("W_hh", "W_ih", "b_hh", "b_ih", "W_hy", "b_y"), default="W_hh"),
)

LANGUAGE: dict[str, Field] = _table(
    Field("lang_arch", "choice", "architecture of the small model trained here", choices=ARCH_NAMES,
          default=DEFAULT_ARCH),
    Field("lang_seconds", "int", "seconds of training here", 5, 120, default=30),
    Field("lang_kind", "choice", "state shown: hidden h_t or cell c_t", choices=("h", "c"), default="h"),
    Field("lang_prime", "text", "text a sample starts with", high=200, default="The "),
    Field("lang_temp", "float", "sampling temperature", 0.1, 2.0, default=0.8, step=0.05),
    Field("lang_len", "int", "characters sampled", 20, 600, default=300, step=20),
    Field("lang_seed", "int", "seed of the sample", 0, 2**31 - 1, default=0),
)

INTERVENTIONS: dict[str, Field] = _table(
    Field("iv_seconds", "int", "seconds of training here", 5, 60, default=15),
    Field("iv_units", "text", "hidden units set to 0 (e.g. 3, 5-7)", high=200, default=""),
    Field("iv_scale", "float", "factor on W_hh", 0.0, 2.0, default=1.0, step=0.05),
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
