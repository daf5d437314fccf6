"""Each token has its own request budget (API_RATE_LIMIT); past it, 429 with Retry-After."""


def test_a_token_past_its_limit_waits(app, api_as, acme):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    admin, rep = api_as(acme), api_as(acme, "rep")
    assert [admin.get("/users/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = admin.get("/users/me")
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 60
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert rep.get("/users/me").status_code == 200  # another token has its own budget
