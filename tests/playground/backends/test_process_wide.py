"""A process-wide object is made once, by whichever thread asks first, from that caller's arguments."""
import threading
import time

from playground.backends.process_wide import ProcessWide


def test_many_threads_asking_at_once_get_one_object_made_once():
    made = []

    def make(name):
        time.sleep(0.01)                # a slow start widens the window a second maker would need
        made.append(name)
        return object()

    wide = ProcessWide(make)
    assert wide.peek() is None
    got = []
    threads = [threading.Thread(target=lambda k=k: got.append(wide.get(f"caller {k}"))) for k in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len({id(value) for value in got}) == 1
    assert wide.peek() is got[0] and wide.get("later") is got[0]
