"""Your data: upload a CSV series, a text or labelled texts, check it, then train on it on /train."""

import streamlit as st

from playground.config import CUSTOM_TASK
from playground.ui.settings_panels import current_config
from playground.ui.data_panels import PANELS, forget_upload
from playground.ui.text import page_text
from playground.io.upload_limits import LIMITS_MD, MAX_BYTES
from playground.markup import literal
from playground.ui.keys import UPLOADED_TASK
from playground.ui.page_files import page_file

KINDS = {"series": "A time series (CSV)", "text": "A plain text (character model)",
         "labelled": "Labelled texts (CSV)"}
TYPES = {"series": ["csv", "tsv", "txt"], "text": ["txt", "md", "csv", "py", "text"], "labelled": ["csv", "tsv"]}

st.title("Your data")
st.markdown(page_text("data"))
with st.expander("Limits", icon=":material/rule:"):
    st.markdown(LIMITS_MD)

current = st.session_state.get(UPLOADED_TASK)
if current is not None:
    st.success(f"This session's uploaded data: {literal(current.title, 120)} ({current.topology}). "
               "Upload another file to replace it.", icon=":material/check_circle:")

kind = st.radio("What do you have?", list(KINDS), format_func=KINDS.get, horizontal=True, key="data_kind")
upload = st.file_uploader("Upload a file", type=TYPES[kind], key=f"data_upload_{kind}",
                          max_upload_size=MAX_BYTES // 2**20, help=f"UTF-8 text; at most {MAX_BYTES // 2**20} MB.")
if upload is None:
    forget_upload()                      # a cleared uploader leaves no parsed copy in the session
    st.info("Choose a file to see a preview. Nothing changes until you press **Train on this data**.",
            icon=":material/upload_file:")
    st.stop()

task = PANELS[kind](upload)
if task is None:
    st.stop()
st.markdown(f"**Task:** {literal(task.title, 120)} · *{task.topology}* · metric {task.metric_name} · "
            f"baseline {task.baseline():.4g} ({task.baseline_name()})")
if st.button("Train on this data", type="primary", icon=":material/play_arrow:", key="data_train"):
    st.session_state[UPLOADED_TASK] = task
    config = current_config().replace(task=CUSTOM_TASK, seq_len=task.seq_len)
    st.switch_page(page_file("train"), query_params=config.to_query())
