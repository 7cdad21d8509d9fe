r"""One unit's equations as LaTeX with the model's numbers (pure strings, no Streamlit).

Companion of ``playground.lessons.unit_trace``: each builder returns (caption, latex) pairs for
unit k at step t (1-based on screen). A row of a large weight matrix is shown by its first
entries and its last one (``MAX_SHOWN``), with its dot product computed over every entry;
the page lists the largest terms beside it.
"""
from __future__ import annotations

import numpy as np

from models import GRUCell, LSTMCell, RNNCell
from models.architectures import SIGMOID_GATES
from playground.lessons.cell_latex import gate_caption, num
from playground.lessons.unit_trace import UnitStep

MAX_SHOWN = 5              # entries of a row or vector shown before "⋯"
ACT = {"tanh": r"\tanh", "relu": r"\operatorname{relu}"}


def short(v, digits: int = 2, row: bool = False) -> str:
    """A vector as a bmatrix (a row with ``row``), eliding the middle when it is long."""
    v = np.ravel(v)
    parts = [num(x, digits) for x in v]
    if len(parts) > MAX_SHOWN + 1:
        dots = r"\cdots" if row else r"\vdots"
        parts = parts[:MAX_SHOWN] + [dots] + parts[-1:]
    sep = " & " if row else r" \\ "
    return r"\begin{bmatrix}" + sep.join(parts) + r"\end{bmatrix}"


def _sub(text) -> str:
    return f"{{{text}}}"


def par(v: float, digits: int = 3) -> str:
    """A number as a factor: negative ones in parentheses."""
    return f"({num(v, digits)})" if num(v, digits).startswith("{-}") else num(v, digits)


def gnum(v: float) -> str:
    """A gradient: 4 decimals, or mantissa × 10^e when it is small."""
    if v == 0 or abs(v) >= 0.01:
        return num(v, 4)
    e = int(np.floor(np.log10(abs(v))))
    return rf"{num(v / 10.0 ** e, 2)} \times 10^{{{e}}}"


def gate_equation(u: UnitStep, gate: str) -> str:
    """The gate's pre-activation from the unit's rows, then its value."""
    k, T1 = u.ref.unit, u.ref.t + 1
    g = "" if gate == "a" else gate
    fn = ACT[u.activation] if gate == "a" else r"\sigma" if gate in SIGMOID_GATES else r"\tanh"
    name = "h" if gate == "a" else gate
    pre = rf"a^{{{g}}}" if g else "a"
    r_term = rf"r_{_sub(T1)}[{k}] \cdot " if gate == "n" else ""
    bracket = rf"\big(W_{{h{g}}}[{k}] \cdot h_{_sub(T1 - 1)} + b_{{h{g}}}[{k}]\big)" if gate == "n" else \
        rf"W_{{h{g}}}[{k}] \cdot h_{_sub(T1 - 1)} + b_{{h{g}}}[{k}]"
    r_num = rf"{num(u.out['r'], 3)} \cdot " if gate == "n" else ""
    return (rf"{pre}_{_sub(T1)}[{k}] &= W_{{i{g}}}[{k}] \cdot x_{_sub(T1)} + b_{{i{g}}}[{k}] + {r_term}{bracket} \\"
            rf"&= {short(u.W_i[gate], row=True)} {short(u.x)} + {num(u.b_i[gate])}"
            rf" + {r_num}\Big({short(u.W_h[gate], row=True)} {short(u.h_prev)} + {num(u.b_h[gate])}\Big) \\"
            rf"&= {num(u.x_term[gate], 3)} + {r_num}{par(u.h_term[gate])} = {num(u.pre[gate], 3)} \\"
            rf"{name}_{_sub(T1)}[{k}] &= {fn}({num(u.pre[gate], 3)}) = {num(u.out[gate], 4)}")


def forward_equations(u: UnitStep) -> list[tuple[str, str]]:
    """Every gate of the unit, then its new state, with the model's numbers."""
    out = []
    for gate in u.gates:
        word = "Pre-activation and new hidden state" if gate == "a" else gate_caption(gate)
        out.append((word, r"\begin{aligned}" + gate_equation(u, gate) + r"\end{aligned}"))
    out.extend(STATE_EQUATIONS[u.architecture.cell](u))
    return out


def _rnn_state(u: UnitStep) -> list[tuple[str, str]]:
    return []                                  # the gate line above is already h_t


def _gru_state(u: UnitStep) -> list[tuple[str, str]]:
    k, t, p = u.ref.unit, f"{{{u.ref.t + 1}}}", f"{{{u.ref.t}}}"
    z, n, hp = u.out["z"], u.out["n"], float(u.h_prev[k])
    return [("New hidden state of this unit: a mix of the candidate and the old state",
             rf"h_{t}[{k}] = (1 - z_{t}[{k}])\, n_{t}[{k}] + z_{t}[{k}]\, h_{p}[{k}] = "
             rf"(1 - {num(z, 3)}) \cdot {par(n)} + {par(z)} \cdot {par(hp)} = {num(u.h, 4)}")]


def _lstm_state(u: UnitStep) -> list[tuple[str, str]]:
    k, t, p = u.ref.unit, f"{{{u.ref.t + 1}}}", f"{{{u.ref.t}}}"
    f, i, g, o = (u.out[x] for x in "figo")
    return [("Cell state and hidden state of this unit", r"\begin{aligned}"
             rf"c_{t}[{k}] &= f_{t}[{k}]\, c_{p}[{k}] + i_{t}[{k}]\, g_{t}[{k}] = "
             rf"{par(f)} \cdot {par(u.c_prev)} + {par(i)} \cdot {par(g)} = {num(u.c, 4)} \\"
             rf"h_{t}[{k}] &= o_{t}[{k}] \tanh(c_{t}[{k}]) = {par(o)} \cdot \tanh({num(u.c, 3)})"
             rf" = {num(u.h, 4)}" r"\end{aligned}")]


# Each cell's new state of the unit, after its gates.
STATE_EQUATIONS = {RNNCell: _rnn_state, GRUCell: _gru_state, LSTMCell: _lstm_state}


def backward_equations(u: UnitStep) -> list[tuple[str, str]]:
    """dL/dh_t[k] split into its readout and later parts, dL/dc_t[k], and each gate's gradients."""
    k, T1, gr = u.ref.unit, u.ref.t + 1, u.grads
    d = lambda x: rf"\frac{{\partial L}}{{\partial {x}}}"       # noqa: E731
    out = [("Gradient of the loss at this unit's hidden state (all paths)",
            rf"{d(f'h_{_sub(T1)}[{k}]')} = \underbrace{{{gnum(gr['dh_direct'])}}}_{{\text{{readout at }}t}}"
            rf" + \underbrace{{{gnum(gr['dh_rest'])}}}_{{\text{{later steps, layer above}}}} = {gnum(gr['dh'])}")]
    if u.architecture.has_cell_state:
        out.append(("Gradient at its cell state", rf"{d(f'c_{_sub(T1)}[{k}]')} = {gnum(gr['dc'])}"))
    rows = []
    for gate in u.gates:
        if gate == "a":
            rows.append(rf"{d(f'a_{_sub(T1)}[{k}]')} &= {gnum(gr['da_a'])}")
            continue
        rows.append(rf"{d(f'{gate}_{_sub(T1)}[{k}]')} &= {gnum(gr[f'd_{gate}'])}, \quad "
                    rf"{d(f'a^{gate}_{_sub(T1)}[{k}]')} = {gnum(gr[f'd_{gate}'])} \cdot "
                    rf"{gate + '(1 - ' + gate + ')' if gate in SIGMOID_GATES else '(1 - ' + gate + '^2)'}"
                    rf" = {gnum(gr[f'da_{gate}'])}")
    out.append(("Gradients at its gates and their pre-activations",
                r"\begin{aligned}" + r" \\[4pt] ".join(rows) + r"\end{aligned}"))
    return out
