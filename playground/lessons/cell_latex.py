r"""The cell's equations as LaTeX with the real numbers substituted (pure strings, no Streamlit).

Each builder returns a list of (caption, latex) pairs for one timestep t (1-based on
screen, 0-based in ``CellTrace.steps``). Vectors are columns, stacked weights are split
into their gate blocks (PyTorch order), numbers carry 2 decimals (3 for gradients), and a
vector of tiny gradients has its power of ten pulled out: 10^{-3}·[1.20, …].
The symbols are those of the docstrings of ``models/*_cell.py`` and ``playground/lessons/cell_backward.py``.
"""
from __future__ import annotations

import math

import numpy as np

from models import GRUCell, LSTMCell, RNNCell, architecture
from models.architectures import GATES
from playground.lessons.cell_backward import CellGrads, path_names
from playground.lessons.cell_trace import CellTrace

ACT = {"tanh": r"\tanh", "relu": r"\operatorname{relu}", "linear": r"\operatorname{id}"}
DP = r"\odot"


def gate_caption(name: str) -> str:
    """An equation's caption for gate ``name``, its word from the architecture table: "Forget gate f"."""
    word = GATES[name].word
    return f"{word[:1].upper()}{word[1:]} {name}"


def num(v: float, digits: int = 2) -> str:
    """One number, fixed decimals, a true minus sign and no '-0.00'."""
    text = f"{v:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "{-}")


def vec(v, digits: int = 2) -> str:
    """A column vector as a bmatrix."""
    return r"\begin{bmatrix}" + r" \\ ".join(num(x, digits) for x in np.ravel(v)) + r"\end{bmatrix}"


def mat(M, digits: int = 2) -> str:
    """A matrix as a bmatrix (row vectors and 1×1 matrices included)."""
    M = np.atleast_2d(M)
    return r"\begin{bmatrix}" + r" \\ ".join(" & ".join(num(x, digits) for x in row) for row in M) + r"\end{bmatrix}"


def gvec(v, digits: int = 3) -> str:
    """A gradient vector; when every entry is below 0.01 the common power of ten is factored out."""
    v = np.ravel(v)
    top = float(np.max(np.abs(v))) if v.size else 0.0
    if 0 < top < 0.01:
        e = math.floor(math.log10(top))
        return rf"10^{{{e}}}\!\cdot\!" + vec(v / 10.0 ** e, digits)
    return vec(v, digits)


def blocked(M: np.ndarray, arch: str, hidden: int, digits: int = 3) -> str:
    """A stacked weight (or its gradient, or a stacked bias) with a rule between gate blocks."""
    M = M[:, None] if M.ndim == 1 else M
    names = architecture(arch).blocks
    cols = "c" * M.shape[1]
    rows = []
    for k, name in enumerate(names):
        part = M[k * hidden:(k + 1) * hidden]
        body = r" \\ ".join(" & ".join(num(x, digits) for x in row) for row in part)
        rows.append(body)
    return rf"\left[\begin{{array}}{{{cols}}}" + r" \\ \hline ".join(rows) + r"\end{array}\right]"


def _sub(t: int) -> str:
    return f"{{{t}}}"


def _gate_line(trace: CellTrace, t: int, gate: str, fn: str) -> str:
    """σ/tanh(W_i· x_t + W_h· h_{t-1} + b) with numbers, for an RNN/LSTM block or a GRU r/z block."""
    s, T1 = trace.steps[t], t + 1
    W_i, W_h = trace.block("W_ih", gate), trace.block("W_hh", gate)
    b = trace.block("b_ih", gate) + trace.block("b_hh", gate)
    pre = s["a"] if gate == "a" else s[f"a_{gate}"]
    out = s["h"] if gate == "a" else s[gate]
    name = "h" if gate == "a" else gate
    g = "" if gate == "a" else gate
    return (rf"{name}_{_sub(T1)} &= {fn}\big(W_{{i{g}}} x_{_sub(T1)} + W_{{h{g}}} h_{_sub(t)} + b_{{{g or 'h'}}}\big) \\"
            rf"&= {fn}\Big({mat(W_i)}{vec(s['x'])} + {mat(W_h)}{vec(s['h_prev'])} + {vec(b)}\Big) \\"
            rf"&= {fn}\Big({vec(pre)}\Big) = {vec(out, 3)}")


def _aligned(body: str) -> str:
    return r"\begin{aligned}" + body + r"\end{aligned}"


def _rnn_forward(trace: CellTrace, t: int) -> list[tuple[str, str]]:
    return [("Pre-activation and new hidden state (b = b_ih + b_hh)",
             _aligned(_gate_line(trace, t, "a", ACT[trace.spec.activation])))]


def _gru_forward(trace: CellTrace, t: int) -> list[tuple[str, str]]:
    s, T1, out = trace.steps[t], t + 1, []
    for gate in ("r", "z"):
        out.append((gate_caption(gate), _aligned(_gate_line(trace, t, gate, r"\sigma"))))
    W_in, W_hn = trace.block("W_ih", "n"), trace.block("W_hh", "n")
    out.append(("Candidate n (the reset gate multiplies W_hn h + b_hn: PyTorch's form)", _aligned(
        rf"n_{_sub(T1)} &= \tanh\big(W_{{in}} x_{_sub(T1)} + b_{{in}} + r_{_sub(T1)} {DP} (W_{{hn}} h_{_sub(t)} + b_{{hn}})\big)"
        rf" \quad\text{{where}} \\[4pt]"
        rf"W_{{in}} x_{_sub(T1)} + b_{{in}} &= {mat(W_in)}{vec(s['x'])} + {vec(trace.block('b_ih', 'n'))}"
        rf" = {vec(s['i_n'])} \\[4pt]"
        rf"W_{{hn}} h_{_sub(t)} + b_{{hn}} &= {mat(W_hn)}{vec(s['h_prev'])} + {vec(trace.block('b_hh', 'n'))}"
        rf" = {vec(s['h_n'])} \\[4pt]"
        rf"n_{_sub(T1)} &= \tanh\Big({vec(s['i_n'])} + {vec(s['r'])} {DP} {vec(s['h_n'])}\Big)"
        rf" = \tanh\Big({vec(s['a_n'])}\Big) = {vec(s['n'], 3)}")))
    out.append(("New hidden state: a mix of the candidate and the old state", _aligned(
        rf"h_{_sub(T1)} &= (1 - z_{_sub(T1)}) {DP} n_{_sub(T1)} + z_{_sub(T1)} {DP} h_{_sub(t)} \\"
        rf"&= \Big(1 - {vec(s['z'])}\Big) {DP} {vec(s['n'])} + {vec(s['z'])} {DP} {vec(s['h_prev'])} = {vec(s['h'], 3)}")))
    return out


def _lstm_forward(trace: CellTrace, t: int) -> list[tuple[str, str]]:
    s, T1, out = trace.steps[t], t + 1, []
    for gate in ("i", "f", "g", "o"):
        fn = r"\tanh" if gate == "g" else r"\sigma"
        out.append((gate_caption(gate), _aligned(_gate_line(trace, t, gate, fn))))
    out.append(("Cell state and hidden state", _aligned(
        rf"c_{_sub(T1)} &= f_{_sub(T1)} {DP} c_{_sub(t)} + i_{_sub(T1)} {DP} g_{_sub(T1)}"
        rf" = {vec(s['f'])} {DP} {vec(s['c_prev'])} + {vec(s['i'])} {DP} {vec(s['g'])} = {vec(s['c'], 3)} \\"
        rf"h_{_sub(T1)} &= o_{_sub(T1)} {DP} \tanh(c_{_sub(T1)}) = {vec(s['o'])} {DP} {vec(s['tanh_c'])}"
        rf" = {vec(s['h'], 3)}")))
    return out


FORWARD_EQUATIONS = {RNNCell: _rnn_forward, GRUCell: _gru_forward, LSTMCell: _lstm_forward}


def forward_equations(trace: CellTrace, t: int) -> list[tuple[str, str]]:
    """The cell's equations at step t (0-based) with every number filled in."""
    out = FORWARD_EQUATIONS[architecture(trace.spec.arch).cell](trace, t)
    out.append(("Readout and this step's error", readout_equation(trace, t)))
    return out


def readout_equation(trace: CellTrace, t: int) -> str:
    """y_t = W_hy h_t + b_y with numbers, the target and the squared error (if scored)."""
    s, T1 = trace.steps[t], t + 1
    y, d = s["y"][0], trace.d[t]
    err = rf"(y_{_sub(T1)} - d_{_sub(T1)})^2 = ({num(y, 3)} - {num(d)})^2 = {num((y - d) ** 2, 3)}" \
        if trace.scored[t] else r"\text{(not scored: the loss looks at the last step only)}"
    return _aligned(rf"y_{_sub(T1)} &= W_{{hy}} h_{_sub(T1)} + b_y = {mat(trace.weights['W_hy'])}{vec(s['h'])}"
                    rf" + {num(trace.weights['b_y'][0])} = {num(y, 3)} \\[4pt] & {err}")


def loss_equation(trace: CellTrace) -> str:
    """The whole loss, L = (1/|S|) Σ (y_t − d_t)², with its value."""
    S = int(trace.scored.sum())
    where = r"\text{all } t" if S == trace.T else f"t={trace.T}"
    return rf"L = \frac{{1}}{{{S}}} \sum_{{{where}}} (y_t - d_t)^2 = {num(trace.loss, 4)}"


def _d(name: str, t: int) -> str:
    return rf"\frac{{\partial L}}{{\partial {name}_{_sub(t)}}}"


PATH_SYMBOLS = {
    "W_hh": r"W_{hh}^\top \delta a_{%s}",
    "carry": r"z_{%s} \odot \delta h_{%s}",
    "r": r"W_{hr}^\top \delta a^r_{%s}", "z": r"W_{hz}^\top \delta a^z_{%s}", "n": r"W_{hn}^\top (r \odot \delta a^n)_{%s}",
    "i": r"W_{hi}^\top \delta a^i_{%s}", "f": r"W_{hf}^\top \delta a^f_{%s}", "g": r"W_{hg}^\top \delta a^g_{%s}",
    "o": r"W_{ho}^\top \delta a^o_{%s}",
}


def path_symbol(path: str, t_next: int) -> str:
    """The symbol of one path of δh_t through step t+1 (1-based ``t_next``)."""
    template = PATH_SYMBOLS[path]
    return template % ((t_next,) * template.count("%s"))


def backward_equations(trace: CellTrace, grads: CellGrads, t: int) -> list[tuple[str, str]]:
    """dL/dy_t, dL/dh_t split into its direct and through-time terms (and dL/dc_t), and the gate gradients."""
    spec, s, g, T1, T = trace.spec, trace.steps[t], grads.steps[t], t + 1, trace.T
    y, d, S = s["y"][0], trace.d[t], int(trace.scored.sum())
    dy = (rf"{_d('y', T1)} = \frac{{2 m_{_sub(T1)} (y_{_sub(T1)} - d_{_sub(T1)})}}{{{S}}}"
          rf" = \frac{{2 \cdot {int(trace.scored[t])} \cdot ({num(y, 3)} - {num(d)})}}{{{S}}} = {num(g['dy'][0], 4)}")
    out = [("Gradient at the readout (m_t = 1 on scored steps)", dy)]
    if t == T - 1:
        nxt, nxt_sym = "0", r"0 \;(\text{no step after } T)"
    else:
        terms = grads.paths[t]
        nxt_sym = " + ".join(path_symbol(p, T1 + 1) for p in path_names(spec.arch))
        nxt = " + ".join(gvec(terms[p]) for p in path_names(spec.arch))
    dh = (rf"\delta h_{_sub(T1)} = {_d('h', T1)} &= \underbrace{{W_{{hy}}^\top {_d('y', T1)}}}_{{\text{{direct}}}}"
          rf" + \underbrace{{{nxt_sym}}}_{{\text{{through }} h_{_sub(T1 + 1)}}} \\"
          rf"&= {gvec(g['dh_direct'])} + {nxt if t < T - 1 else '0'} \\ &= {gvec(g['dh'])}")
    out.append(("Total gradient at h_t: direct term + each path back from step t+1", _aligned(dh)))
    if architecture(spec.arch).has_cell_state:
        carry = rf"f_{_sub(T1 + 1)} {DP} \delta c_{_sub(T1 + 1)}" if t < T - 1 else r"0"
        dc = (rf"\delta c_{_sub(T1)} &= \delta h_{_sub(T1)} {DP} o_{_sub(T1)} {DP} (1 - \tanh^2 c_{_sub(T1)}) + {carry} \\"
              rf"&= {gvec(g['dc_from_h'])} + {gvec(g['dc_next'])} = {gvec(g['dc'])}")
        out.append(("Cell-state gradient: from h_t, plus what the forget gate lets through from c_{t+1}", _aligned(dc)))
    out.append(("Gradients at this step's gates", _aligned(gate_gradients(spec.arch, spec.activation, g, T1))))
    return out


def _rnn_gate_gradients(activation: str, g: dict, T1: int) -> list[str]:
    tt = _sub(T1)
    deriv = {"tanh": rf"(1 - h_{tt}^2)", "relu": rf"[a_{tt} > 0]", "linear": "1"}[activation]
    return [rf"\delta a_{tt} &= \delta h_{tt} {DP} {deriv} = {gvec(g['d_a'])}"]


def _gru_gate_gradients(activation: str, g: dict, T1: int) -> list[str]:
    tt = _sub(T1)
    return [rf"{_d('n', T1)} &= \delta h_{tt} {DP} (1 - z_{tt}) = {gvec(g['d_n'])}",
            rf"{_d('z', T1)} &= \delta h_{tt} {DP} (h_{_sub(T1 - 1)} - n_{tt}) = {gvec(g['d_z'])}",
            rf"{_d('r', T1)} &= \delta a^n_{tt} {DP} (W_{{hn}} h_{_sub(T1 - 1)} + b_{{hn}}) = {gvec(g['d_r'])}",
            rf"\delta a^n_{tt},\ \delta a^r_{tt},\ \delta a^z_{tt} &= {gvec(g['da_n'])},\ {gvec(g['da_r'])},\ {gvec(g['da_z'])}"]


def _lstm_gate_gradients(activation: str, g: dict, T1: int) -> list[str]:
    tt = _sub(T1)
    return [rf"{_d('i', T1)} &= \delta c_{tt} {DP} g_{tt} = {gvec(g['d_i'])} \qquad "
            rf"{_d('f', T1)} = \delta c_{tt} {DP} c_{_sub(T1 - 1)} = {gvec(g['d_f'])}",
            rf"{_d('g', T1)} &= \delta c_{tt} {DP} i_{tt} = {gvec(g['d_g'])} \qquad "
            rf"{_d('o', T1)} = \delta h_{tt} {DP} \tanh c_{tt} = {gvec(g['d_o'])}"]


GATE_GRADIENTS = {RNNCell: _rnn_gate_gradients, GRUCell: _gru_gate_gradients, LSTMCell: _lstm_gate_gradients}


def gate_gradients(arch: str, activation: str, g: dict, T1: int) -> str:
    """The aligned rows of dL/d(gate) and dL/d(pre-activation) at one step."""
    return r" \\[4pt] ".join(GATE_GRADIENTS[architecture(arch).cell](activation, g, T1))


WEIGHT_SYMBOLS = {"W_ih": "W_{ih}", "W_hh": "W_{hh}", "b_ih": "b_{ih}", "b_hh": "b_{hh}", "W_hy": "W_{hy}", "b_y": "b_y"}


def weight_gradient_parts(trace: CellTrace, grads: CellGrads, t: int, name: str) -> tuple[str, str]:
    """(this step's contribution to ∂L/∂W, the sum over steps t..T) as two LaTeX strings.

    Both share one power of ten, so their entries can be compared by eye.
    """
    spec, T1, T = trace.spec, t + 1, trace.T
    sym = WEIGHT_SYMBOLS[name]
    stacked = name in ("W_ih", "W_hh", "b_ih", "b_hh")
    step, total = grads.weight_steps[t][name], grads.weight_sums[t][name]
    top = max(float(np.max(np.abs(step))), float(np.max(np.abs(total))))
    e = math.floor(math.log10(top)) if 0 < top < 0.1 else 0
    pre = rf"10^{{{e}}} \cdot " if e else ""

    def show(M):
        M = np.asarray(M) / 10.0 ** e
        return blocked(M, spec.arch, spec.hidden, 2 if e else 3) if stacked else mat(M, 2 if e else 3)

    return (rf"\frac{{\partial L}}{{\partial {sym}}}\Big|_{{s={T1}}} = {pre}{show(step)}",
            rf"\sum_{{s={T1}}}^{{{T}}} \frac{{\partial L}}{{\partial {sym}}}\Big|_s = {pre}{show(total)}")
