"""Locust's view of the class: ``LearnerUser`` (one session of /train) and ``PranksterUser``.

Each user reports through Locust's request events (``environment.events.request``), so Locust's
statistics (and its distributed mode) work: requests named "update" (the time between step
counter redraws), "Start → first update", "/train until Start shows", and one per command
("start", "pause", "slider"; a lost command is a failure). What each session saw in full is
kept in ``environment.sessions`` (learners) and ``environment.pranks`` (the prankster) for
the report. ``environment.load_until`` (monotonic) is when the sessions stop by themselves.
"""
from __future__ import annotations

import itertools

from locust import User, constant, task

from tools.load.learner import Learner

_names = itertools.count()


class LearnerUser(User):
    """One member of the class on /train (``environment.query`` sets the model)."""

    wait_time = constant(3600)         # one visit per user: the task holds until the load ends

    @task
    def attend(self) -> None:
        """Open /train, press Start and watch until the load ends."""
        env = self.environment
        learner = Learner(self.host, f"s{next(_names):03d}", getattr(env, "query", ""),
                          fire=env.events.request.fire, seed=hash(self) & 0xFFFF)
        env.sessions.append(learner.stats)
        learner.run(env.load_until)


class PranksterUser(User):
    """One hostile visitor running every attack class of ``prankster.py`` while the class trains."""

    fixed_count = 1
    wait_time = constant(3600)

    @task
    def prank(self) -> None:
        """Run each attack class once, in order, until the load ends."""
        from tools.load.prankster import Prankster      # only a run with a prankster needs it
        env = self.environment
        Prankster(self.host, fire=env.events.request.fire, results=env.pranks, check=env.server_up,
                  rss=env.server_rss).run(env.load_until)
