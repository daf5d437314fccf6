"""The rate limits' one-trip Redis storage: a hit and its headers' figures in one call, the same window as limits'."""
import time

import pytest
from limits import parse
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from redis import Redis

from app.rate_limits import OneTripRedisStorage, storage_uri
from tests.conftest import calls_to_redis

pytestmark = pytest.mark.redis
THREE_A_MINUTE = parse("3 per minute")


@pytest.fixture
def storage(redis_url):
    return storage_from_string(storage_uri(redis_url))


def test_the_apps_redis_url_gets_this_storage_and_other_urls_keep_theirs():
    assert storage_uri("redis://127.0.0.1:6379/0") == "roost+redis://127.0.0.1:6379/0"
    assert storage_uri("rediss://cache.example:6380/0") == "roost+rediss://cache.example:6380/0"
    assert storage_uri("redis+unix:///run/redis.sock") == "redis+unix:///run/redis.sock"
    assert storage_uri(None) == "memory://"
    assert type(storage_from_string("roost+redis://127.0.0.1:6379/15")) is OneTripRedisStorage


def test_a_hit_and_the_window_for_its_headers_take_one_call(storage, monkeypatch):
    limiter = SlidingWindowCounterRateLimiter(storage)
    sent = calls_to_redis(storage, monkeypatch)
    assert limiter.hit(THREE_A_MINUTE, "token:a")
    reset_at, remaining = limiter.get_window_stats(THREE_A_MINUTE, "token:a")
    assert sent == ["EVALSHA"]
    assert remaining == 2
    # The window began just now: its first hit leaves the limit in a minute, not at once.
    assert 59 < reset_at - time.time() <= 60


def test_a_full_window_refuses_and_says_when_a_hit_frees_up(storage):
    limiter = SlidingWindowCounterRateLimiter(storage)
    assert [limiter.hit(THREE_A_MINUTE, "token:a") for _ in range(4)] == [True, True, True, False]
    reset_at, remaining = limiter.get_window_stats(THREE_A_MINUTE, "token:a")
    assert remaining == 0
    assert 0 < reset_at - time.time() <= 60
    assert limiter.hit(THREE_A_MINUTE, "token:b")  # another token counts apart


def test_the_window_is_limits_own_and_a_read_without_a_hit_asks_redis(storage, redis_url, monkeypatch):
    """limits' own storage reads what this one counted and counts on from it, and the window a hit remembers
    answers one read of that key only: the next read, or a read of another key, asks Redis."""
    limiter, theirs = SlidingWindowCounterRateLimiter(storage), SlidingWindowCounterRateLimiter(
        RedisStorage(redis_url))
    limiter.hit(THREE_A_MINUTE, "token:a")
    theirs.hit(THREE_A_MINUTE, "token:a")
    assert theirs.get_window_stats(THREE_A_MINUTE, "token:a").remaining == 1
    limiter.hit(THREE_A_MINUTE, "token:a")
    sent = calls_to_redis(storage, monkeypatch)
    assert limiter.get_window_stats(THREE_A_MINUTE, "token:b").remaining == 3
    assert limiter.get_window_stats(THREE_A_MINUTE, "token:a").remaining == 0
    assert sent == ["EVALSHA", "EVALSHA"]
    assert not limiter.hit(THREE_A_MINUTE, "token:a")


def test_a_window_older_than_a_minute_counts_as_the_previous_one_weighted_by_what_is_left_of_it(storage,
                                                                                               redis_url):
    limiter = SlidingWindowCounterRateLimiter(storage)
    for _ in range(3):
        limiter.hit(THREE_A_MINUTE, "token:a")
    current = next(key for key in Redis.from_url(redis_url).keys("*token:a*") if not key.endswith(b"/-1"))
    Redis.from_url(redis_url).pexpire(current, 30_000)  # as if the window began 90 s ago: half of it still counts
    assert limiter.hit(THREE_A_MINUTE, "token:a")
    previous_count, previous_ttl, current_count, _ = RedisStorage(redis_url).get_sliding_window(
        THREE_A_MINUTE.key_for("token:a"), 60)
    assert (previous_count, current_count) == (3, 1)
    assert 29 < previous_ttl <= 30
    # 3 x (at most) 1/2 + 1, rounded down, is 2 used of 3 (until 40 s of the half have passed)
    assert limiter.get_window_stats(THREE_A_MINUTE, "token:a").remaining == 1
