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
from playground.links import CHAR_MODEL
from playground.page_state import GRADIENTS
from playground.ui.teaching_session import (cached_clipping, cached_gradient_curves, session_char_model,
                                    shared_small_char_model)
from playground.ui.text import page_text
from playground.ui.widgets import chart, explain, field_widget
from playground.ui.url_state import page_settings_ui
from playground.ui.page_files import page_file

F = GRADIENTS                         # every setting's limits, options and default, typed once

for note in page_settings_ui("gradients", F):
    st.warning(note, icon=":material/link_off:")
st.title("Gradients through time")
st.markdown(page_text("gradients_intro"))

st.header("1 · One vanilla RNN and the linear theory", divider="gray")
c = st.columns([1.1, 1.4, 1.4, 1.2, 1.8])
activation = field_widget(F["grad_act"], c[0], horizontal=False)
rho = field_widget(F["grad_rho"], c[1])
T = field_widget(F["grad_T"], c[2])
hidden = field_widget(F["grad_H"], c[3])
matrix = field_widget(F["grad_matrix"], c[4], format_func=MATRIX_LABELS.get)
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
field_widget(F["grad_gate_bias"])
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
clip_act, clip_rho, clip, clip_lr, clip_steps = (field_widget(F[name], column) for name, column in zip(
    ("clip_act", "clip_rho", "clip_value", "clip_lr", "clip_steps"), c))
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
    arch = field_widget(F["conn_arch"], format_func=ARCH_LABELS.get)
    model = shared_small_char_model(arch)
    st.page_link(page_file(CHAR_MODEL.page), label="Or train a bigger one live on the Train page",
                 icon=":material/play_arrow:", query_params=CHAR_MODEL.query(autostart=True))
st.info(f"Model: {model.label}.", icon=":material/model_training:")
text = field_widget(F["conn_text"], height=80)
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
position = field_widget(F["conn_pos"], limits=(0, len(chars) - 2))
with model.lock:
    magnitude, target = connectivity(model.net, ids, position)
scored = model.task.decode([target])
log_scale = field_widget(F["conn_log"])
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
