"""A load generator that speaks the app's own protocol: simulated sessions over Streamlit's WebSocket.

``python -m tools.load --help`` (or ``make load``). Each session (``learner.py``) is a browser
tab (``stream.py``) that opens /train, presses Start and watches the live updates, sometimes
pausing or moving a slider; Locust (``users.py``) runs them, and can run them distributed
(``locustfile.py``). ``prankster.py`` is a hostile visitor running the attack classes while the
class trains. ``run.py`` starts the target and sums up, ``report.py`` writes the JSON and the
Markdown tables.
"""

import locust  # noqa: F401  first: Locust patches sockets and threads for gevent before anything opens one
