"""A local HTTP server that speaks the Bot API methods Roost's bot uses, for tests and the benchmark.

It serves updates the test queues (getUpdates with a real long-poll wait and Telegram's offset
rule), records what the bot sends, and can misbehave on purpose: drop connections, answer 502 or
429 with `parameters.retry_after`, or deliver updates again as if the offset were lost.
Telebot sends parameters in the query string even on POST, so both it and the body are read.
"""
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from tests.serving import serve_in_thread

BOT_ID = 777000111
TOKEN = f"{BOT_ID}:TEST-TOKEN"
USERNAME = "RoostTestBot"
SHOWN = ("sendMessage", "editMessageText")  # the calls that put text in front of the user


@dataclass
class Sent:
    """One call the bot made that shows something to the user."""

    method: str
    params: dict
    at: float
    message_id: int | None = None

    @property
    def chat_id(self) -> int | None:
        chat = self.params.get("chat_id")
        return int(chat) if chat is not None else None

    @property
    def text(self) -> str:
        return self.params.get("text") or ""

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        markup = self.params.get("reply_markup")
        if not markup:
            return []
        markup = json.loads(markup) if isinstance(markup, str) else markup
        return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]

    def button(self, label_part: str) -> str:
        """The callback data of the button whose label contains `label_part`."""
        for label, data in self.buttons:
            if label_part.lower() in label.lower():
                return data
        raise AssertionError(f"no button {label_part!r} in {self.buttons}")


@dataclass
class FakeState:
    updates: list[dict] = field(default_factory=list)
    next_update_id: int = 1000
    next_message_id: int = 1
    sent: list[Sent] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    # (method or None for any, "drop" | "502" | "429:<seconds>"): each spoils the next request it matches
    faults: list[tuple[str | None, str]] = field(default_factory=list)
    replay: int = 0  # how many getUpdates calls ignore the offset (as if Telegram lost it)
    served_at: dict[int, float] = field(default_factory=dict)  # update_id -> first time served
    commands: list = field(default_factory=list)


class FakeBotApi:
    """Start with `with FakeBotApi() as api:`; `api.url` is the TELEGRAM_API_URL."""

    def __init__(self, *, max_wait: float = 2.0):
        self.state = FakeState()
        self.lock = threading.Condition()
        self.max_wait = max_wait
        handler = type("Handler", (_Handler,), {"api": self})
        self.server = _Server(("127.0.0.1", 0), handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread = serve_in_thread(self.server)
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- what tests do ---

    def _queue(self, body: dict) -> int:
        with self.lock:
            update_id = self.state.next_update_id
            self.state.next_update_id += 1
            self.state.updates.append({"update_id": update_id, **body})
            self.lock.notify_all()
            return update_id

    def say(self, chat_id: int, text: str, *, username: str = "rep") -> int:
        """The user types `text` in their chat; the update's id."""
        with self.lock:
            message_id = self.state.next_message_id
            self.state.next_message_id += 1
        return self._queue({"message": {
            "message_id": message_id, "date": int(time.time()), "text": text,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test", "username": username}}})

    def press(self, sent: Sent, data: str) -> int:
        """The user presses the button with callback `data` under the message `sent`."""
        return self._queue({"callback_query": {
            "id": f"cb{time.monotonic_ns()}", "data": data, "chat_instance": "x",
            "from": {"id": sent.chat_id, "is_bot": False, "first_name": "Test"},
            "message": {"message_id": sent.message_id, "date": int(time.time()), "text": sent.text,
                        "chat": {"id": sent.chat_id, "type": "private"}}}})

    def fail(self, *faults: str, method: str | None = None) -> None:
        """Spoil the next requests (of `method`, or any): "drop", "502" or "429:<retry_after>", in order."""
        with self.lock:
            self.state.faults.extend((method, fault) for fault in faults)

    def _next_fault(self, method: str) -> str | None:
        for index, (wanted, fault) in enumerate(self.state.faults):
            if wanted in (None, method):
                del self.state.faults[index]
                return fault
        return None

    def replay_next(self, times: int = 1) -> None:
        with self.lock:
            self.state.replay += times

    def replies(self, chat_id: int) -> list[Sent]:
        """Messages sent or edited in a chat so far."""
        with self.lock:
            return self._shown(chat_id)

    def _shown(self, chat_id: int) -> list[Sent]:
        return [s for s in self.state.sent if s.chat_id == chat_id and s.method in SHOWN]

    def wait_reply(self, chat_id: int, count_before: int, *, timeout: float = 15) -> Sent:
        """The first message sent or edited in the chat after the first `count_before` ones."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                sent = self._shown(chat_id)
                if len(sent) > count_before:
                    return sent[count_before]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no reply in chat {chat_id} within {timeout} s; "
                                         f"last calls: {self.state.calls[-10:]}")
                self.lock.wait(remaining)

    def ask(self, chat_id: int, text: str, *, timeout: float = 15) -> Sent:
        """Say `text` and wait for the bot's reply."""
        before = len(self.replies(chat_id))
        self.say(chat_id, text)
        return self.wait_reply(chat_id, before, timeout=timeout)

    def click(self, sent: Sent, label_part: str, *, timeout: float = 15) -> Sent:
        """Press a button of `sent` and wait for the bot's answer in that chat."""
        before = len(self.replies(sent.chat_id))
        self.press(sent, sent.button(label_part))
        return self.wait_reply(sent.chat_id, before, timeout=timeout)

    # --- what the bot's requests do ---

    def _answer(self, method: str, params: dict):
        """(status, JSON body) for one Bot API call, or None to drop the connection."""
        with self.lock:
            self.state.calls.append(method)
            fault = self._next_fault(method)
            if fault is not None:
                if fault == "drop":
                    return None
                if fault == "502":
                    return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                if fault.startswith("429"):
                    seconds = int(fault.partition(":")[2] or 1)
                    return 429, {"ok": False, "error_code": 429, "parameters": {"retry_after": seconds},
                                 "description": f"Too Many Requests: retry after {seconds}"}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._updates(params)}
        with self.lock:
            return 200, {"ok": True, "result": self._result(method, params)}

    def _updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), self.max_wait)
        deadline = time.monotonic() + wait
        with self.lock:
            if self.state.replay:
                self.state.replay -= 1
                offset = 0
            # Updates below the offset count as confirmed; they stay stored so a replay can resend them.
            while True:
                ready = [u for u in self.state.updates if u["update_id"] >= offset][:100]
                if ready or time.monotonic() >= deadline:
                    now = time.monotonic()
                    for update in ready:
                        self.state.served_at.setdefault(update["update_id"], now)
                    return ready
                self.lock.wait(max(0.0, deadline - time.monotonic()))

    def _result(self, method: str, params: dict):
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Roost", "username": USERNAME}
        if method == "setMyCommands":
            self.state.commands = json.loads(params.get("commands") or "[]")
            return True
        if method in ("deleteWebhook", "answerCallbackQuery"):
            if method == "answerCallbackQuery":
                self.state.sent.append(Sent(method, params, time.monotonic()))
            return True
        if method in ("sendMessage", "editMessageText"):
            message_id = int(params["message_id"]) if method == "editMessageText" else self.state.next_message_id
            if method == "sendMessage":
                self.state.next_message_id += 1
            self.state.sent.append(Sent(method, params, time.monotonic(), message_id))
            self.lock.notify_all()
            return {"message_id": message_id, "date": int(time.time()), "text": params.get("text", ""),
                    "chat": {"id": int(params["chat_id"]), "type": "private"}}
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Connections dropped on purpose (or by a client that stopped waiting) are not errors here."""


class _Handler(BaseHTTPRequestHandler):
    api: FakeBotApi

    def log_message(self, *args):  # quiet: pytest shows failures, not every request
        pass

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def _serve(self):
        parts = urlsplit(self.path)
        prefix, _slash, method = parts.path.rpartition("/")
        if prefix != f"/bot{TOKEN}":
            self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        params = dict(parse_qsl(parts.query))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if body:
            if "json" in (self.headers.get("Content-Type") or ""):
                params.update(json.loads(body))
            else:
                params.update(parse_qsl(body.decode()))
        answer = self.api._answer(method, params)
        if answer is None:
            self.close_connection = True
            self.connection.close()  # the client sees the connection dropped without an answer
            return
        self._send(*answer)

    def _send(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


ROOT = Path(__file__).resolve().parent.parent


def start_bot(database_url: str, api_url: str, log_path, *, poll_timeout: int = 1, redis_url: str | None = None):
    """The real `python bot.py` against the fake API and a database; its output goes to `log_path`."""
    env = {**os.environ, "DATABASE_URL": database_url, "TELEGRAM_API_URL": api_url, "TELEGRAM_BOT_TOKEN": TOKEN,
           "TELEGRAM_POLL_TIMEOUT": str(poll_timeout), "SECRET_KEY": "test-secret-key",
           "ROOST_INSTANCE_PATH": str(log_path.parent / "instance")}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, str(ROOT / "bot.py")], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def wait_started(api: FakeBotApi, process, *, calls_before: int = 0, timeout: float = 20) -> None:
    """Wait until the bot registered its commands (it then polls)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"bot.py exited with {process.returncode}")
        with api.lock:
            if "setMyCommands" in api.state.calls[calls_before:]:
                return
        time.sleep(0.05)
    raise AssertionError("bot.py did not start")
