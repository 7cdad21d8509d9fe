"""Gradients through time: vanishing and exploding, the linear theory, clipping, connectivity."""

import streamlit as st

from models.architectures import VANILLA_ARCH
from playground.errors import PlaygroundError
from playground.figures.gradient_lab import clipping_summary, make_arch_overlay_figure, make_clipping_figure
from playground.figures.gradients import make_grad_norm_figure
from playground.figures.style import ARCH_LABELS
from playground.figures.text import make_scale_html, make_text_html
from playground.lessons.gradient_lab import MATRICES, MATRIX_LABELS, describe_curve, describe_gate_bias
from playground.lessons.language import connectivity, log_relative, shown_chars, text_ids
from playground.markup import literal
from playground.page_state import AUTOSTART, GRADIENTS
from playground.ui.teaching import (cached_clipping, cached_gradient_curves, session_char_model,
                                    shared_small_char_model)
from playground.ui.text import page_text
from playground.ui.widgets import chart, explain
from playground.ui.url_state import page_settings_ui
from playground.ui.page_files import page_file

F = GRADIENTS                         # every setting's limits, options and default, typed once

for note in page_settings_ui("gradients", F):
    st.warning(note, icon=":material/link_off:")
st.title("Gradients through time")
st.markdown(page_text("gradients_intro"))

st.header("1 · One vanilla RNN and the linear theory", divider="gray")
c = st.columns([1.1, 1.4, 1.4, 1.2, 1.8])
activation = c[0].radio("Activation φ", F["grad_act"].choices, key="grad_act",
                        help="linear: φ(a) = a, where the theory is exact")
rho = c[1].slider("Spectral radius ρ of W_hh", F["grad_rho"].low, F["grad_rho"].high, step=F["grad_rho"].step,
                  key="grad_rho")
T = c[2].slider("Sequence length T", F["grad_T"].low, F["grad_T"].high, key="grad_T")
hidden = c[3].select_slider("Hidden units H", F["grad_H"].options, key="grad_H")
matrix = c[4].selectbox("Recurrent matrix W_hh", F["grad_matrix"].choices, format_func=MATRIX_LABELS.get,
                        key="grad_matrix",
                        help="ρ·Q makes the linear theory exact; a rescaled Gaussian follows it only in the long run")
gate_bias = st.session_state["grad_gate_bias"]
curves = cached_gradient_curves(hidden=hidden, seq_len=T, rho=rho, activation=activation, matrix=matrix,
                                gate_bias=gate_bias)
rnn = curves[VANILLA_ARCH]
st.markdown(f"W_hh is **{MATRICES[matrix]}**; measured spectral radius {rnn.spectral_radius:.3f}. "
            + describe_curve(rnn, T))
left, right = st.columns(2)
with left:
    fig = make_grad_norm_figure(rnn.grad_norm, theory=rnn.theory_grad, title="Loss gradient ‖dL/dh_t‖")
    chart(fig, "grad_loss", f"‖dL/dh_t‖ of a {activation} RNN against t with ρ^(T−t) scaled to meet it at t=T. "
          f"At t=T: {rnn.grad_norm[-1]:.3g}; at t=1: {rnn.grad_norm[0]:.3g} measured, "
          f"{rnn.theory_grad[0]:.3g} by the linear theory.")
with right:
    fig = make_grad_norm_figure(rnn.jacobian_norm, theory=rnn.theory_jacobian, names=["‖dh_T/dh_t‖_F"],
                                title="Jacobian product ‖dh_T/dh_t‖")
    chart(fig, "grad_jac", f"‖dh_T/dh_t‖_F of sequence 0 against t with √H·ρ^(T−t). At t=1: "
          f"{rnn.jacobian_norm[0]:.3g} measured, {rnn.theory_jacobian[0]:.3g} by the linear theory.")
explain("gradients_theory")

st.header("2 · Vanilla RNN, GRU and LSTM at the same size", divider="gray")
st.markdown(page_text("gradients_archs"))
st.slider("Extra bias on the LSTM forget gate f / GRU update gate z", F["grad_gate_bias"].low, F["grad_gate_bias"].high,
          step=F["grad_gate_bias"].step, key="grad_gate_bias",
          help="0 is PyTorch's initialisation; 1 is the forget-gate bias of Gers et al. (2000) and "
               "Jozefowicz et al. (2015). On the Train page it is the run setting gate_bias.")
left, right = st.columns(2)
with left:
    fig = make_arch_overlay_figure(curves, "grad", title="‖dL/dh_t‖ of each architecture")
    chart(fig, "grad_archs_loss", " ".join(f"{ARCH_LABELS[a]}: {describe_curve(cv, T)}" for a, cv in curves.items())
          + " " + describe_gate_bias(gate_bias, T))
with right:
    fig = make_arch_overlay_figure(curves, "jacobian", title="‖dh_T/dh_t‖ of each architecture")
    chart(fig, "grad_archs_jac", "; ".join(f"{ARCH_LABELS[a]}: ‖dh_T/dh_1‖ = {cv.jacobian_norm[0]:.3g}"
                                          for a, cv in curves.items()) + ".")

st.header("3 · Clipping a run that explodes", divider="gray")
st.markdown(page_text("gradients_clipping"))
c = st.columns(5)
clip_act = c[0].radio("Activation", F["clip_act"].choices, key="clip_act", horizontal=True)
clip_rho = c[1].slider("ρ at initialisation", F["clip_rho"].low, F["clip_rho"].high, step=F["clip_rho"].step,
                       key="clip_rho")
clip = c[2].number_input("Clip at (max norm)", F["clip_value"].low, F["clip_value"].high, step=F["clip_value"].step,
                         key="clip_value")
clip_lr = c[3].select_slider("SGD learning rate", F["clip_lr"].options, key="clip_lr")
clip_steps = c[4].select_slider("Steps", F["clip_steps"].options, key="clip_steps")
try:
    runs = cached_clipping(steps=clip_steps, radius=clip_rho, activation=clip_act, clip=float(clip), lr=clip_lr)
except PlaygroundError as err:
    st.error(f"Cannot run the experiment: {err}")
else:
    chart(make_clipping_figure(runs, title="Adding problem, T=50, H=32, plain SGD"), "grad_clip",
          clipping_summary(runs))

st.header("4 · Connectivity in a character model", divider="gray")
st.markdown(page_text("gradients_connectivity"))
model = session_char_model()
if model is None:
    arch = st.segmented_control("Small model", F["conn_arch"].choices, key="conn_arch",
                                format_func=ARCH_LABELS.get, required=True)
    model = shared_small_char_model(arch)
    st.page_link(page_file("train"), label="Or train a bigger one live on the Train page",
                 icon=":material/play_arrow:",
                 query_params={"task": "charlm", "arch": "lstm", "hidden": "128", **AUTOSTART})
st.info(f"Model: {model.label}.", icon=":material/model_training:")
text = st.text_area("Text", key="conn_text", height=80, max_chars=int(F["conn_text"].high))
try:
    ids = text_ids(model.task, text)
except PlaygroundError as err:
    st.warning(f"Cannot read this text: {err}.")
    st.stop()
chars = shown_chars(model.task, ids)
if len(chars) < 2:
    st.warning("Type at least two characters the model knows.")
    st.stop()
st.session_state["conn_pos"] = min(st.session_state["conn_pos"], len(chars) - 2)    # the text may be shorter
position = st.slider("Output position (predicts the character after it)", 0, len(chars) - 2, key="conn_pos")
with model.lock:
    magnitude, target = connectivity(model.net, ids, position)
scored = model.task.decode([target])
log_scale = st.toggle("Logarithmic colour scale (3 decades)", key="conn_log",
                      help="The gradient falls off fast; on a log scale the faint reach further back stays visible.")
shown = log_relative(magnitude) if log_scale else magnitude
top = float(magnitude.max())
st.markdown(make_scale_html(False, top, "‖∂ log p / ∂ eₜ‖:",
                            (f"≤ {top / 1000:.2g}", f"{top:.2g}") if log_scale else None), unsafe_allow_html=True)
st.markdown(make_text_html(chars, shown, signed=False, vmax=1.0 if log_scale else None, highlight=position,
                           titles=[f"t={k} '{ch}': {m:.3g}" for k, (ch, m) in enumerate(zip(chars, magnitude))]),
            unsafe_allow_html=True)
near = magnitude[max(0, position - 5):position + 1].sum() / max(magnitude[:position + 1].sum(), 1e-30)
st.caption(f"Output at position {position} (after {literal(chars[position])}) scoring the next character "
           f"{literal(scored)}. {near:.0%} of the gradient magnitude falls on the last six characters; "
           f"characters after the output get none (the model reads left to right).")
