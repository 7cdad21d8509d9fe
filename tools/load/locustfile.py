"""For Locust's own command line, e.g. distributed over machines (``python -m tools.load`` needs none of this).

    locust -f tools/load/locustfile.py --host http://127.0.0.1:8501 --master          # then, on each worker:
    locust -f tools/load/locustfile.py --worker --master-host MASTER

Each user is one learner on /train with the default model; the sessions' records stay on the
workers, Locust's statistics (updates, Start → first update, commands) come to the master.
"""
import math

from locust import events

from tools.load.__main__ import DEFAULT_QUERY
from tools.load.users import LearnerUser  # noqa: F401  the user class Locust runs


@events.init.add_listener
def _defaults(environment, **_kwargs):
    """What ``run.py`` sets for a phase: the model, the records, no end of its own (Locust's --run-time ends it)."""
    environment.query, environment.sessions, environment.pranks = DEFAULT_QUERY, [], []
    environment.load_until = math.inf
