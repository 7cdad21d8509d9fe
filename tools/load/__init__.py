"""A load generator that speaks the app's own protocol: simulated sessions over Streamlit's WebSocket.

``python -m tools.load --help`` (or ``make load``). Each session (``learner.py``) is a browser
tab (``stream.py``) that opens /train, presses Start and watches the live updates, sometimes
pausing or moving a slider; Locust (``users.py``) runs them, and can run them distributed
(``locustfile.py``). ``prankster.py`` is a hostile visitor running the attack classes while the
class trains. ``run.py`` starts the target and sums up, ``report.py`` writes the JSON and the
Markdown tables.
"""

# First, before any module of this package opens a socket or a thread: Locust patches them for
# gevent when imported. Importing this package therefore patches the importing process (tests
# run ``python -m tools.load`` in a process of its own).
import locust  # noqa: F401,E402
