"""Without Ray: every connection to Ray is made by the process's one ``ray-owner`` thread, which outlives its callers.

A local Ray's GCS and raylet die with the thread that started them (Linux's parent-death signal
follows the thread), so the thread that calls ``ray.init`` must live as long as the server.
The slow proof runs real sweeps from the page (``tests/browser/test_sweep_lifetime.py``).
"""
import threading

from playground.backends import ray_cluster


def test_ray_is_started_by_one_thread_that_outlives_the_threads_that_asked(monkeypatch):
    starters = []
    monkeypatch.setattr(ray_cluster, "_init", lambda address: starters.append(threading.current_thread()) or "ray")

    def short_lived():                    # as a sweep's thread or a page's script thread would
        assert ray_cluster.connect() == "ray"

    for _ in range(2):
        caller = threading.Thread(target=short_lived)
        caller.start()
        caller.join()
    assert len(starters) == 2 and starters[0] is starters[1]
    assert starters[0].name == "ray-owner" and starters[0].daemon and starters[0].is_alive()
    assert starters[0] is not threading.main_thread()


def test_the_main_thread_which_lasts_as_long_as_the_process_starts_ray_itself(monkeypatch):
    starters = []
    monkeypatch.setattr(ray_cluster, "_init", lambda address: starters.append(threading.current_thread()) or "ray")
    assert ray_cluster.connect() == "ray"            # the CLI's case: Ray then also handles its SIGTERM
    assert starters == [threading.main_thread()]
