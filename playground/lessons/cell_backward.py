r"""Backpropagation through time by hand for the tiny cell of ``playground.lessons.cell_trace``.

No autograd here: every derivative is an explicit formula in float64 numpy, so the
page can show each term. The tests check every number against ``torch.autograd``.

Notation (t = T … 1, walking backwards; ⊙ is the Hadamard product):

    dy_t  = ∂L/∂y_t = 2 m_t (y_t − d_t) / |S|
    δh_t  = dL/dh_t = W_hyᵀ dy_t  +  Σ_paths (term through step t+1)       (0 after T)
            └ direct (readout) ┘     └ recurrent, listed per path below ┘

Vanilla RNN, a_t the pre-activation:
    da_t = δh_t ⊙ φ'(a_t)           (tanh: 1 − h_t², relu: [a_t > 0], linear: 1)
    path into δh_{t−1}:  "W_hh": W_hhᵀ da_t

GRU (PyTorch form, h_n = W_hn h_{t−1} + b_hn):
    dn = δh_t ⊙ (1 − z_t),   dz = δh_t ⊙ (h_{t−1} − n_t)
    da_n = dn ⊙ (1 − n_t²),  dr = da_n ⊙ h_n,  da_r = dr ⊙ r_t(1 − r_t),  da_z = dz ⊙ z_t(1 − z_t)
    paths into δh_{t−1}: "carry": z_t ⊙ δh_t,  "r": W_hrᵀ da_r,  "z": W_hzᵀ da_z,  "n": W_hnᵀ (r_t ⊙ da_n)

LSTM (the cell state carries its own gradient δc):
    δc_t = δh_t ⊙ o_t ⊙ (1 − tanh² c_t)  +  f_{t+1} ⊙ δc_{t+1}
    do = δh_t ⊙ tanh c_t,  di = δc_t ⊙ g_t,  dg = δc_t ⊙ i_t,  df = δc_t ⊙ c_{t−1}
    da_i = di ⊙ i(1 − i),  da_f = df ⊙ f(1 − f),  da_g = dg ⊙ (1 − g²),  da_o = do ⊙ o(1 − o)
    paths into δh_{t−1}: "i": W_hiᵀ da_i, "f": W_hfᵀ da_f, "g": W_hgᵀ da_g, "o": W_hoᵀ da_o

Weights, one contribution per step, summed over t (BPTT shares the weights):
    ∂L/∂W_ih += da^{ih}_t x_tᵀ,  ∂L/∂W_hh += da^{hh}_t h_{t−1}ᵀ,  ∂L/∂b_ih += da^{ih}_t,  ∂L/∂b_hh += da^{hh}_t
    ∂L/∂W_hy += dy_t h_tᵀ,  ∂L/∂b_y += dy_t
where da^{ih} = da^{hh} = the stacked pre-activation gradients, except the GRU's n-block:
da_n for W_in and r_t ⊙ da_n for W_hn.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import GRUCell, LSTMCell, RNNCell, architecture
from playground.lessons.cell_trace import CellTrace

WEIGHT_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")


@dataclass
class CellGrads:
    """The backward pass, indexed by step t (0-based, like ``CellTrace.steps``).

    steps[t]: "dy" (1,), "dh_direct", "dh_next" (sum of the paths from t+1), "dh" (total),
    for the LSTM "dc_from_h", "dc_next", "dc" (total); "d_<gate>" (dL/d gate output)
    and "da_<gate>" (dL/d its pre-activation). paths[t]: path name -> its term of δh_t
    coming back from step t+1 (zeros at the last step). weight_steps[t]: name -> this
    step's contribution to ∂L/∂name; weight_sums[t]: the sum of contributions of steps
    t … T (what BPTT has accumulated when it reaches t). total = weight_sums[0].
    """

    steps: list[dict[str, np.ndarray]] = field(default_factory=list)
    paths: list[dict[str, np.ndarray]] = field(default_factory=list)
    weight_steps: list[dict[str, np.ndarray]] = field(default_factory=list)
    weight_sums: list[dict[str, np.ndarray]] = field(default_factory=list)

    @property
    def total(self) -> dict[str, np.ndarray]:
        """∂L/∂W for every weight, summed over all steps."""
        return self.weight_sums[0]

    def dh_norms(self) -> np.ndarray:
        """||dL/dh_t|| for every t, shape (T,)."""
        return np.array([np.linalg.norm(s["dh"]) for s in self.steps])


def _activation_grad(activation: str, a: np.ndarray, h: np.ndarray) -> np.ndarray:
    if activation == "tanh":
        return 1.0 - h ** 2
    if activation == "relu":
        return (a > 0).astype(np.float64)
    return np.ones_like(a)


def _rnn_back(trace: CellTrace, s: dict, dh: np.ndarray, dc_next: np.ndarray, rec: dict):
    da = dh * _activation_grad(trace.spec.activation, s["a"], s["h"])
    rec.update(d_a=da)
    return da, da, {"W_hh": trace.weights["W_hh"].T @ da}, dc_next


def _gru_back(trace: CellTrace, s: dict, dh: np.ndarray, dc_next: np.ndarray, rec: dict):
    r, z, n = s["r"], s["z"], s["n"]
    dn, dz = dh * (1 - z), dh * (s["h_prev"] - n)
    da_n = dn * (1 - n ** 2)
    dr = da_n * s["h_n"]
    da_r, da_z = dr * r * (1 - r), dz * z * (1 - z)
    rec.update(d_r=dr, d_z=dz, d_n=dn, da_r=da_r, da_z=da_z, da_n=da_n)
    paths = {"carry": z * dh, "r": trace.block("W_hh", "r").T @ da_r,
             "z": trace.block("W_hh", "z").T @ da_z, "n": trace.block("W_hh", "n").T @ (r * da_n)}
    return np.concatenate([da_r, da_z, da_n]), np.concatenate([da_r, da_z, r * da_n]), paths, dc_next


def _lstm_back(trace: CellTrace, s: dict, dh: np.ndarray, dc_next: np.ndarray, rec: dict):
    i, f, g, o, tc = s["i"], s["f"], s["g"], s["o"], s["tanh_c"]
    dc_from_h = dh * o * (1 - tc ** 2)
    dc = dc_from_h + dc_next
    d = {"i": dc * g, "f": dc * s["c_prev"], "g": dc * i, "o": dh * tc}
    da = {"i": d["i"] * i * (1 - i), "f": d["f"] * f * (1 - f), "g": d["g"] * (1 - g ** 2), "o": d["o"] * o * (1 - o)}
    rec.update(dc_from_h=dc_from_h, dc_next=dc_next, dc=dc)
    rec.update({f"d_{k}": v for k, v in d.items()})
    rec.update({f"da_{k}": v for k, v in da.items()})
    paths = {k: trace.block("W_hh", k).T @ da[k] for k in "ifgo"}
    stacked = np.concatenate([da[k] for k in "ifgo"])
    return stacked, stacked, paths, f * dc


# Each cell's backward step at one t: (trace, steps[t], δh_t, what c_{t+1} sends back, the
# record to fill) -> (da^{ih}_t, da^{hh}_t, the paths into δh_{t−1}, what c_t sends back).
BACKWARD_STEPS = {RNNCell: _rnn_back, GRUCell: _gru_back, LSTMCell: _lstm_back}
# The paths of δh_t through step t+1, named as in the module docstring.
PATHS = {RNNCell: ("W_hh",), GRUCell: ("carry", "r", "z", "n"), LSTMCell: ("i", "f", "g", "o")}


def path_names(arch: str) -> tuple[str, ...]:
    """The names of the paths by which δh_t comes back from step t+1 in ``arch``."""
    return PATHS[architecture(arch).cell]


def backward_trace(trace: CellTrace) -> CellGrads:
    """BPTT by hand over ``trace``: δh_t, its split into paths, and ∂L/∂W per step and summed."""
    arch, T, H = trace.spec.arch, trace.T, trace.spec.hidden
    W = trace.weights
    m = trace.scored
    dys = 2.0 * m * (trace.y - trace.d) / m.sum()                      # (T,)
    grads = CellGrads([{} for _ in range(T)], [{} for _ in range(T)], [{} for _ in range(T)], [{} for _ in range(T)])
    back = BACKWARD_STEPS[architecture(arch).cell]
    from_next = {p: np.zeros(H) for p in path_names(arch)}                   # nothing after the last step
    dc_next = np.zeros(H)
    running = {name: np.zeros_like(W[name]) for name in WEIGHT_NAMES}
    for t in reversed(range(T)):
        s = trace.steps[t]
        dy = np.array([dys[t]])
        direct = W["W_hy"][0] * dys[t]                                    # (H,)
        dh_next = sum(from_next.values())
        dh = direct + dh_next
        rec = {"dy": dy, "dh_direct": direct, "dh_next": dh_next, "dh": dh}
        da_ih, da_hh, to_previous, dc_next = back(trace, s, dh, dc_next, rec)
        contrib = {
            "W_ih": np.outer(da_ih, s["x"]), "W_hh": np.outer(da_hh, s["h_prev"]),
            "b_ih": da_ih, "b_hh": da_hh,
            "W_hy": dys[t] * s["h"][None, :], "b_y": dy,
        }
        for name in WEIGHT_NAMES:
            running[name] = running[name] + contrib[name]
        grads.steps[t] = rec
        grads.paths[t] = from_next
        grads.weight_steps[t] = contrib
        grads.weight_sums[t] = dict(running)
        from_next = to_previous
    return grads
