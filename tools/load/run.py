"""One load run: start the target, warm it, let Locust hold N sessions for D seconds, summarise.

``start_target`` starts what is measured on 127.0.0.1 (one server, or a room of replicas behind
nginx), or names a running one. ``run_phase`` runs the learners (and the prankster, if asked)
through Locust's local runner with the target's CPU and memory sampled, and returns the
phase's summary with every session's record.
"""
from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field

import gevent
from locust.env import Environment

from deploy.nginx import ClientLimits
from deploy.replica import healthy, start_server, stop_server
from deploy.room import Room
from tools.load.learner import LATE_S, PAGE_TIMEOUT_S, PAUSE, START, SessionStats, tab_step
from tools.load.server_use import ServerUse, tree_rss
from tools.load.stream import Tab
from tools.load.users import LearnerUser, PranksterUser

HELD_RATE = 2.0          # updates per second a session must keep to count as held
UP_TRIES = 5             # health checks (2 s timeout each, 1 s apart) before a server counts as down
MB = 2**20


@dataclass
class Target:
    """What the load runs against: its URL, its server processes (for CPU and memory) and how to stop it."""

    kind: str
    url: str
    server_pids: list[int] = field(default_factory=list)
    stop: object = None
    replica_urls: list[str] = field(default_factory=list)     # each server's own address (warmed one by one)


def start_target(kind: str, replicas: int = 2, url: str = "", sessions: int = 60) -> Target:
    """Start one server (``server``) or a room (``room``), or name a running one (``url``)."""
    if kind == "server":
        proc, address = start_server()
        return Target(kind, address, [proc.pid], lambda: stop_server(proc), [address])
    if kind == "room":
        room = Room(replicas, limits=ClientLimits(people=max(ClientLimits.people, sessions))).start()
        return Target(kind, room.url, [proc.pid for proc, _ in room.replicas], room.stop,
                      [address for _, address in room.replicas])
    return Target(kind, url.rstrip("/"), [], lambda: None, [url.rstrip("/")])


def answers(url: str, tries: int = UP_TRIES) -> bool:
    """True when the server answers its health check within ``tries`` attempts (a busy server is slow, not down)."""
    for attempt in range(tries):
        if healthy(url):
            return True
        if attempt + 1 < tries:
            gevent.sleep(1.0)
    return False


def warm(target: Target, query: str) -> None:
    """Open /train once on each server and wait for its Start button, so first imports are not measured."""
    for url in target.replica_urls:
        warm_one(url, query)


def warm_one(url: str, query: str) -> None:
    """On ``url``: open /train, train until the counter moves (the trainers start), pause, close."""
    tab = Tab(url).open("train", query)
    try:
        _wait(tab, lambda: tab.find("button", START), f"{url}/train showed no Start")
        tab.press(tab.find("button", START))
        _wait(tab, lambda: (tab_step(tab) or 0) > 0, f"{url}/train did not train")
        _wait(tab, lambda: tab.find("button", PAUSE), f"{url}/train showed no Pause")
        tab.press(tab.find("button", PAUSE))
        _wait(tab, lambda: tab.find("button", START), f"{url}/train did not pause")
    finally:
        tab.close()


def _wait(tab: Tab, condition, failure: str) -> None:
    deadline = time.monotonic() + PAGE_TIMEOUT_S
    while not condition():
        if tab.closed or time.monotonic() > deadline:
            raise RuntimeError(f"{failure} within {PAGE_TIMEOUT_S} s ({tab.close_reason or 'stream open'})")
        gevent.sleep(0.1)


def run_phase(target: Target, sessions: int, duration_s: float, query: str, prankster: bool = False,
              spawn_rate: float = 2.0) -> dict:
    """Hold ``sessions`` learners (plus the prankster) on ``target`` for ``duration_s``; the phase's summary."""
    users = [LearnerUser, PranksterUser] if prankster else [LearnerUser]
    env = Environment(user_classes=users, host=target.url)
    env.query, env.sessions, env.pranks = query, [], []
    env.server_up = lambda: answers(target.url)
    env.server_rss = (lambda: tree_rss(target.server_pids)) if target.server_pids else None
    recorder = ServerUse(target.server_pids).start() if target.server_pids else None
    gevent.sleep(1.0)                                   # idle samples before the class arrives
    began, own_cpu = time.monotonic(), _own_cpu_s()
    env.load_until = began + duration_s
    runner = env.create_local_runner()
    runner.start(sessions + (1 if prankster else 0), spawn_rate=spawn_rate)
    gevent.sleep(duration_s)
    runner.quit()
    ended = time.monotonic()
    generator_cpus = (_own_cpu_s() - own_cpu) / (ended - began)
    down = not answers(target.url)
    if recorder is not None:
        recorder.stop()
    summary = summarise(env.sessions, began, ended, recorder, sessions)
    summary.update(target=target.kind, prankster=prankster, duration_s=duration_s, query=query,
                   server_down_at_end=down, pranks=env.pranks, generator_cpus=round(generator_cpus, 2),
                   locust={name: {"requests": s.num_requests, "failures": s.num_failures,
                                  "median_ms": s.median_response_time, "p95_ms": s.get_response_time_percentile(0.95)}
                           for (name, _), s in env.stats.entries.items()})
    return summary


def steady_window(stats: list[SessionStats], began: float, ended: float) -> tuple[float, float]:
    """From when the last session saw its first update (or half the run, if one never did) to the end."""
    firsts = [s.update_times[0] for s in stats if s.update_times]
    start = max(firsts) if stats and len(firsts) == len(stats) else began + (ended - began) / 2
    return min(start, ended - min(3.0, (ended - began) / 4)), ended


def summarise(stats: list[SessionStats], began: float, ended: float, recorder: ServerUse | None,
              asked: int) -> dict:
    """The phase's numbers: per session and for the server, over the steady window."""
    start, end = steady_window(stats, began, ended)
    rows = [{"session": s.name, "replica": s.replica,
             "page_load_s": _round(s.page_load_s), "start_to_first_update_s": _round(s.first_update_s),
             "updates": len(s.update_times), "updates_per_s": round(s.update_rate(start, end), 2),
             "redraws_per_s": round(s.redraw_rate(start, end), 2), "queued_redraws": s.queued,
             "steps_per_s": round(s.training_rate(start, end), 1),
             "commands": len(s.commands), "lost": sum(c.lost for c in s.commands),
             "late": sum(1 for c in s.commands if c.effect_s is not None and c.effect_s > LATE_S),
             "errors": s.errors} for s in stats]
    rates = [r["updates_per_s"] for r in rows]
    firsts = [r["start_to_first_update_s"] for r in rows if r["start_to_first_update_s"] is not None]
    out = {"sessions_asked": asked, "sessions": len(rows), "window_s": round(end - start, 1),
           "sessions_updated": sum(1 for r in rows if r["updates"] > 0),
           "sessions_held": sum(1 for r in rates if r >= HELD_RATE),
           "updates_per_s_median": _median(rates), "updates_per_s_min": min(rates, default=0.0),
           "redraws_per_s_median": _median([r["redraws_per_s"] for r in rows]),
           "sessions_queued": sum(1 for r in rows if r["queued_redraws"]),
           "steps_per_s_median": _median([r["steps_per_s"] for r in rows]),
           "steps_per_s_total": round(sum(r["steps_per_s"] for r in rows), 1),
           "start_to_first_update_s_median": _median(firsts),
           "commands": sum(r["commands"] for r in rows), "lost": sum(r["lost"] for r in rows),
           "late": sum(r["late"] for r in rows), "rows": rows}
    if recorder is not None:
        idle_rss, _ = recorder.rss(end=began)
        rss, peak = recorder.rss(start, end)
        cpus = recorder.cpus(start, end)
        live = max(1, len(rows))
        updates_per_s = sum(rates)
        out["server"] = {"cpus": {k: round(v, 2) for k, v in cpus.items()},
                         # the cost of one redraw for one session, whatever else shares the cores
                         "server_ms_per_update": round(1000 * cpus["server"] / updates_per_s, 1) if updates_per_s else None,
                         "cpu_per_session": round((cpus["server"] + cpus["trainers"]) / live, 3),
                         "server_cpu_per_session": round(cpus["server"] / live, 3),
                         "rss_idle_mb": round(idle_rss / MB), "rss_mb": round(rss / MB), "rss_peak_mb": round(peak / MB),
                         "rss_per_session_mb": round((rss - idle_rss) / MB / live, 1)}
    return out


def _own_cpu_s() -> float:
    """CPU seconds this process (the load generator itself) has used."""
    times = os.times()
    return times.user + times.system


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else 0.0
