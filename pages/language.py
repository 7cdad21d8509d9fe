"""Language model: a unit's activation under every character, top-k guesses, and samples."""

import pandas as pd
import streamlit as st

from playground.errors import PlaygroundError
from playground.markup import literal
from playground.figures.style import ARCH_LABELS
from playground.figures.text import make_scale_html, make_text_html
from playground.engine.run_summary import shown
from playground.lessons.language import (forced_and_free, read_text, sample_seeded, small_charlm_config, top_k,
                                         unit_ranking, validation_excerpt)
from playground.links import CHAR_MODEL
from playground.page_state import LANGUAGE
from playground.ui.teaching_session import session_char_model, train_here_ui
from playground.ui.text import page_text
from playground.ui.widgets import explain, field_widget
from playground.ui.url_state import page_settings_ui
from playground.ui.keys import LANGUAGE_RUN
from playground.ui.page_files import page_file

TOP_K = 5
F = LANGUAGE                          # the shareable settings' limits and defaults, typed once

for note in page_settings_ui("language", F):
    st.warning(note, icon=":material/link_off:")
st.title("Language model")
st.markdown(page_text("language_intro"))
model = session_char_model()
if model is None:
    st.info("No character-level model in this session yet: train a small one here, or a bigger one live "
            "on the Train page (then come back).", icon=":material/info:")
    c = st.columns([1, 2, 2])
    arch = field_widget(F["lang_arch"], c[0], format_func=ARCH_LABELS.get)
    seconds = field_widget(F["lang_seconds"], c[1])
    if c[2].button("Train a small model here", icon=":material/model_training:", key="lang_train", type="primary"):
        if train_here_ui(small_charlm_config(arch), seconds, LANGUAGE_RUN) is not None:
            st.rerun()                                   # a refusal's line stays on the page
    st.page_link(page_file(CHAR_MODEL.page), label=f"Train {CHAR_MODEL.title} live on the Train page",
                 icon=":material/play_arrow:", query_params=CHAR_MODEL.query(autostart=True))
    st.stop()

net, task = model.net, model.task
st.success(f"Model: {model.label}.", icon=":material/model_training:")
if model.run is not None and model.run.running:
    st.caption("It is still training: each rerun reads the latest weights.")
text = st.text_area("Text the model reads", validation_excerpt(task), key="lang_text", height=110, max_chars=600,
                    help="Characters the model has never seen are skipped.")
try:
    with model.lock:
        reading = read_text(net, task, text)
except PlaygroundError as err:
    st.warning(f"Cannot read this text: {err}.")
    st.stop()
guesses = top_k(task, reading.probs, TOP_K)

st.header("One unit's activation under every character", divider="gray")
c = st.columns([1.2, 1, 3])
kinds = ["h", "c"] if reading.cell is not None else ["h"]
if st.session_state["lang_kind"] not in kinds:             # a link's c_t, and a model without a cell state
    st.session_state["lang_kind"] = "h"
kind = field_widget(F["lang_kind"], c[0], options=kinds, format_func={"h": "hidden h_t", "c": "cell c_t"}.get)
states = reading.cell if kind == "c" else reading.hidden
ranked = unit_ranking(states)
unit = c[1].number_input(f"Unit (0–{states.shape[1] - 1})", 0, states.shape[1] - 1, int(ranked[0]), key="lang_unit")
c[2].caption("Units whose activation varies most over this text: " + ", ".join(map(str, ranked[:8])) +
             ". Hover a character for the value and the model's top guesses for the next one.")
values = states[:, int(unit)]
vmax = float(abs(states).max()) if kind == "c" else 1.0
titles = [f"{kind}[{unit}] = {v:+.3f} | next: " + "  ".join(f"{ch!r} {p:.0%}" for ch, p in g)
          for v, g in zip(values, guesses)]
st.markdown(make_scale_html(True, vmax, f"{kind}[{unit}]"), unsafe_allow_html=True)
st.markdown(make_text_html(reading.chars, values, signed=True, vmax=vmax, titles=titles), unsafe_allow_html=True)
st.caption(f"Text alternative: unit {unit} of {kind} ranges from {values.min():+.2f} to {values.max():+.2f} over "
           f"{len(values)} characters; highest after '{reading.chars[int(values.argmax())]}' "
           f"(position {int(values.argmax())}), lowest after '{reading.chars[int(values.argmin())]}'.")
explain("language_units")

st.header(f"Top-{TOP_K} guesses for the next character", divider="gray")
start, last = 0, len(reading.chars) - 1
if last > 0:                                       # a slider needs two values; a shorter text keeps it in range
    st.session_state["lang_start"] = min(st.session_state.get("lang_start", 0), last)
    start = st.slider("From position", 0, last, key="lang_start")
rows = []
for k in range(start, min(len(reading.chars), start + 20)):
    actual = reading.chars[k + 1] if k + 1 < len(reading.chars) else ""
    row = {"position": k, "read": repr(reading.chars[k]), "next (actual)": repr(actual)}
    for rank, (ch, p) in enumerate(guesses[k], 1):
        row[f"guess {rank}"] = f"{ch!r} {p:.0%}"
    rows.append(row)
st.dataframe(pd.DataFrame(rows).set_index("position"), width="stretch")
st.caption("Each row: the character just read, the character that actually follows, and the model's five "
           "likeliest next characters with their probabilities.")

st.header("Teacher forcing and free-running", divider="gray")
longest = len(reading.chars) - 1                  # the prompt leaves at least one character to guess
prompt = 1
if longest > 1:                                    # a slider needs two values to choose from
    st.session_state["lang_prompt_len"] = min(st.session_state.get("lang_prompt_len", 20), longest)
    prompt = st.slider("Prompt: characters both readings start from", 1, longest, key="lang_prompt_len")
try:
    with model.lock:
        both = forced_and_free(net, task, text, prompt)
except PlaygroundError as err:
    st.warning(f"Cannot read this text both ways: {err}.")
else:
    c = st.columns(4)
    c[0].metric("Bits/char", shown(both.bits_per_char), help="Of this text, read with teacher forcing.")
    c[1].metric("Perplexity", shown(both.perplexity), help="2^(bits/char): as unsure as a fair choice among "
                                                           "this many characters.")
    c[2].metric("Forced: right", f"{both.forced_hits:.0%}",
                help="Teacher forcing: next characters guessed right, given the true text.")
    c[3].metric("Free: as text", f"{both.free_hits:.0%}",
                help="Free-running: positions where the model's own text equals the true text.")
    st.code(f"prompt  {both.prompt}\n\n{both.rows()}", language=None)
    left = both.free_leaves_at
    st.caption(f"After the prompt {literal(both.prompt, 24)}: text = the true text, forced = the likeliest next "
               f"character given the true text so far, free = the model's own text from the same prompt, "
               f"reading its own guesses. " +
               ("Free-running never leaves the text here." if left is None else
                f"Free-running leaves the text at character {left + 1} after the prompt."))
explain("language_forcing")

st.header("Samples", divider="gray")
c = st.columns([2, 1, 1, 1])
prime, temperature, length, seed = (field_widget(F[name], column) for name, column in zip(
    ("lang_prime", "lang_temp", "lang_len", "lang_seed"), c))
try:
    with model.lock:
        sample = sample_seeded(net, task, prime, length, temperature, int(seed))
except PlaygroundError as err:
    st.warning(f"Cannot sample: {err}.")
else:
    st.code(sample, language=None, wrap_lines=True)
    snap = model.run.snapshot if model.run is not None else None        # a live run's weights come with its probe
    step = snap.step if snap is not None else "its last"
    st.caption(f"{length} characters sampled at temperature {temperature:g}, seed {seed}, from the weights at "
               f"step {step}. Change the seed for another sample.")
explain("language_samples")
