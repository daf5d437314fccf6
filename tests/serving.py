"""Servers that tests run on loopback (the app, a webhook receiver, the fake Bot API), each in a thread."""
import threading

# How often a serving loop looks whether shutdown() was called: at socketserver's 0.5 s, stopping each
# test's server took ~0.4 s.
SHUTDOWN_POLL_S = 0.05


def serve_in_thread(server) -> threading.Thread:
    """Serve `server` from a daemon thread that stops within SHUTDOWN_POLL_S of `server.shutdown()`."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_S}, daemon=True)
    thread.start()
    return thread
