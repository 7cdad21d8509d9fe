"""UI benchmark (not a test): how the Train page feels in headless Chromium, alone and under load.

    python -m tools.ui_bench                          # every scenario, 10 s windows
    python -m tools.ui_bench --scenarios single navigation --seconds 3
    python -m tools.ui_bench --url http://127.0.0.1:8501   # the one-server scenarios on a running app

First a bare PyTorch loop (``playground.bench.bare_step``: LSTM, H = 64, T = 50, B = 32, the
adding problem, one torch thread) is timed for ``--bare-seconds`` in this process; every
training rate below is given side by side with it. Then the chosen scenarios run, each in
its own headless Chromium, and one markdown table with all their rows is printed:

- ``single``: one session of ``/train?arch=lstm&task=adding&seq_len=50&hidden=64``. It is
  loaded cold, ``tools/blank_frames.js`` is loaded into it, Start is pressed, and from the
  first Step update on it is recorded for ``--seconds``: training steps/s (the slope of the
  Step metric from the first update to the first one past the window) ÷ the bare loop; loss/counter redraws per second (distinct
  Step values); the loss chart's blank frames (``countBlankFrames`` on the first
  ``.live-chart``: blank / frames, and its remounts). The insides are below the fold, where a
  live chart's updates wait until it is scrolled into view, so a second session, scrolled to
  "Gradients across timesteps" before Start, gives the insides redraws per second (changes of
  the gradient-now chart's title, "Gradient norm across timesteps (step N)").
- ``pinned``: the same session with the server pinned to CPU 0 (``taskset -c 0``) and Chromium
  to CPU 1, so that the trainer shares its CPU with the server only, as on a server whose
  readers' browsers run elsewhere: steps/s ÷ bare and redraws/s.
- ``navigation``: on a warm server (one untimed visit first), navigation start -> every chart
  holds a drawn plot (``.main-svg`` with one ``.trace``, or ``.hm`` for a heatmap, per trace)
  while the script is idle, for ``/train`` and for a one-``st.plotly_chart`` reference app run
  on another port; median of a few visits, each in a fresh browser context, and the ratio,
  with milestones on the way (page scripts loaded, app idle, ``plotly.min.js`` in).
- ``converge``: Start -> the "Validation MSE" metric first reading < 0.01 (bounded wait).
- ``single`` also gives the main-thread cost per counters-and-loss update: Chromium's
  ``TaskDuration`` (``Performance.getMetrics``) over the window ÷ the Step updates in it, and the
  share of it spent in the loss chart's plotly.js calls (timed in the page, call to return).
- ``four``: as ``eight`` below, with four sessions (training together ÷ the bare loop on CPU 0).
- ``eight``: eight sessions at once with the server pinned to CPU 0 (``taskset -c 0``, so its
  worker pool sees one usable CPU) and Chromium pinned to CPU 1: per-session redraws/s and
  steps/s, aggregate steps/s, and aggregate ÷ (usable CPUs of the server × bare steps/s).
  A pool of one worker trains ``playground.backends.pool.RUNS_PER_WORKER`` runs at once; the other
  sessions wait in its queue, and the notes say how many did.
- ``big``: seven sessions at the defaults, alone and then beside one session at the largest
  settings this server admits (H = 256, T = 200, batch 64, halved until
  ``playground.backends.cost.check_cost`` admits it): the seven's redraws/s and steps/s with the big
  neighbour ÷ without.

The single, pinned and eight scenarios also record the CPU time of the server, its trainer
processes and Chromium (``tools/cpu_use.py``) over their measuring window: the group at a full
CPU is what bounds the rates.

Timestamps are taken inside the page (``performance.now()``, whose origin is the navigation
start), so the Python side's polling does not blur them. Every wait is bounded; the servers
and browsers this script starts are stopped on exit.

Its parts: ``page`` (the in-page recorder, the headless Chromium), ``sessions`` (measuring one
session, several at once, a navigation), ``bench`` (what the scenarios share: the servers, the
bare loop, CPU use, the rows), ``scenarios`` (the scenarios above), ``cli`` (the options and the
printed table).
"""
