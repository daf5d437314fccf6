"""What 100 people do in Roost, for Locust (bench/load.py runs it; it is not run on its own).

RoostUser signs in as one of the data set's users and repeats a realistic mix of pages and writes;
CeilingUser asks the minimal app of bench/ceiling.py for the same list and search. BENCH_DATASET names
the data set's JSON (bench/generate.py), BENCH_MODE is `users` (1–3 s pauses, as people work) or
`saturation` (no pauses: the most each operation serves). BENCH_COUNT_S is how many seconds are counted,
from when the last user has signed in and loaded its first pages.
"""
import itertools
import json
import os
import random

import gevent
from locust import between, constant, tag, task
from locust.contrib.fasthttp import FastHttpUser
from pages import CSRF, DEAL_CARD, NEXT_PAGE, PERSON_LINK, first, stage_ids

DATASET = json.loads(open(os.environ["BENCH_DATASET"]).read())
WAIT = between(1, 3) if os.environ.get("BENCH_MODE", "users") == "users" else constant(0)
FRAGMENTS = ["an", "ann", "mar", "smi", "son", "lee", "ber", "gar", "mue", "wil"]
SORTS = ["name", "email", "created_at", "updated_at"]
MOVED_BY_SOMEONE_ELSE = "Someone else moved this deal at the same moment."
COUNT_S = float(os.environ.get("BENCH_COUNT_S", "60"))
_accounts = itertools.cycle(DATASET["users"])
TENANT_IDS = {tenant["slug"]: tenant["id"] for tenant in DATASET["tenants"]}
_started = 0


def keystrokes() -> list[str]:
    """What the search box sends while one of FRAGMENTS is typed: a request per keystroke past the second."""
    word = random.choice(FRAGMENTS)
    return [word[:end] for end in range(2, len(word) + 1)]


def started(environment) -> None:
    """Call at the end of every on_start. Once the last user has started, the statistics restart and the run
    ends COUNT_S seconds later: signing in (a bcrypt check each) and the first pages are a burst of their own,
    not the mix, and at saturation 100 sign-ins take seconds of both cores."""
    global _started
    _started += 1
    if _started == environment.runner.target_user_count:
        environment.runner.stats.reset_all()
        gevent.spawn_later(COUNT_S, environment.runner.quit)


class RoostUser(FastHttpUser):
    """One signed-in person: browses, searches, opens records, logs notes, moves deals, uses the API."""

    wait_time = WAIT

    def on_start(self):
        try:
            self._sign_in()
        finally:
            started(self.environment)

    def _sign_in(self):
        self.account = next(_accounts)
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        page = self.client.get("/login", name="login form").text
        self.client.post("/login", name="login", data={
            "email": self.account["email"], "password": DATASET["password"], "csrf_token": first(CSRF, page)})
        people_page = self.client.get("/people", name="people list").text
        self.csrf = first(CSRF, people_page)
        self.people = PERSON_LINK.findall(people_page) or [None]
        self.cursor = first(NEXT_PAGE, people_page)
        # Notes go to the people of the next page, not to those whose pages "person detail" reads: each run's
        # notes (some ten per person a run) would otherwise make every later run read longer timelines.
        self.noted = self.people
        if self.cursor:
            self.noted = PERSON_LINK.findall(self._later_page().text) or self.people
        self.sells = self.account["role"] in ("admin", "head", "rep")
        self.deals, self.stages = [], []
        if self.sells:
            board = self.client.get("/deals/board", name="pipeline board").text
            self.deals = DEAL_CARD.findall(board)
            self.stages = stage_ids(board)

    def _htmx(self, target=None):
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf}
        if target:
            headers["HX-Target"] = target
        return headers

    @task(2)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @tag("people-list")
    @task(3)
    def people_list(self):
        self.client.get(f"/people?sort={random.choice(SORTS)}&dir={random.choice(['asc', 'desc'])}",
                        name="people list")

    @task(1)
    def people_filtered(self):
        self.client.get(f"/people?tag={random.choice(['vip', 'wholesale', 'retail'])}&sort=updated_at&dir=desc",
                        name="people list filtered")

    @task(1)
    def people_later_page(self):
        if self.cursor:
            self._later_page()

    def _later_page(self):
        return self.client.get(f"/people?sort=name&dir=asc&after={self.cursor}", name="people list later page",
                               headers=self._htmx("people-more"))

    @tag("search")
    @task(3)
    def search_as_you_type(self):
        # As htmx sends a keystroke of the search box: its target, and the box (HX-Trigger names it by its id).
        headers = {**self._htmx("people-rows"), "HX-Trigger": "people-q"}
        for typed in keystrokes():
            self.client.get(f"/people?q={typed}", name="search as you type", headers=headers)

    @tag("person-detail")
    @task(3)
    def person_detail(self):
        person = random.choice(self.people)
        if person:
            self.client.get(f"/people/{person}?tab=timeline", name="person detail")  # with its timeline

    @task(1)
    def pipeline_board(self):
        if self.sells:
            self.client.get("/deals/board", name="pipeline board")

    @task(1)
    def log_a_note(self):
        person = random.choice(self.noted)
        if person:
            self.client.post("/activities", name="log a note", headers=self._htmx(), data={
                "subject_type": "person", "subject_id": person, "kind": "note", "subject": "Called about the order"})

    @task(1)
    def move_a_deal(self):
        if self.deals and self.stages:
            with self.client.post(f"/deals/{random.choice(self.deals)}/move", name="move a deal",
                                  headers=self._htmx(), data={"stage_id": random.choice(self.stages)},
                                  catch_response=True) as answer:
                # The users pick from the same board's cards: two of them moving one card at the same moment get
                # the board with "Someone else moved this deal" (422), as people would. That is an answer.
                if answer.status_code == 422 and MOVED_BY_SOMEONE_ELSE in answer.text:
                    answer.success()

    @tag("api-list")
    @task(2)
    def api_list(self):
        self.client.get("/api/v1/contacts?limit=50", name="API people list", headers=self.api)

    @task(1)
    def api_create(self):
        n = random.randrange(10**9)
        self.client.post("/api/v1/contacts", name="API create person", headers=self.api,
                         json={"first_name": "Load", "last_name": f"Test {n}", "email": f"load{n}@bench.example"})


class CeilingUser(FastHttpUser):
    """The ceiling: the same list and search from a minimal app with one query and no templates."""

    wait_time = WAIT

    def on_start(self):
        # The tenant of the account a RoostUser starting here signs in as: both sides search the same tenants (at
        # `large` mostly ones of about 900 people, not only the first one's 100,000).
        self.tenant = TENANT_IDS[next(_accounts)["tenant"]]
        started(self.environment)

    @tag("ceiling-list")
    @task(1)
    def ceiling_list(self):
        self.client.get(f"/people?tenant={self.tenant}", name="ceiling list")

    @tag("ceiling-search")
    @task(1)
    def ceiling_search(self):
        for typed in keystrokes():  # as search as you type sends them: two-letter words find no trigram
            self.client.get(f"/search?tenant={self.tenant}&q={typed}", name="ceiling search")
