"""The rate limits' Redis storage: a request's hit and its headers' figures in one round trip.

flask-limiter counts a request (limits' sliding window hit), then reads the window again for the
X-RateLimit headers: two calls to Redis for every API request. This storage answers the hit with the
window as it stands after it, and hands that to the header read of the same thread. It is limits'
Redis storage otherwise, registered for `roost+redis://` and `roost+rediss://` URIs.
"""
import threading

from limits.storage import RedisStorage

SCHEMES = ("redis", "rediss")

# The sliding window counter (limits' algorithm and keys): KEYS[1] holds the previous window's count and KEYS[2]
# the current one's, which lives two windows. A current window older than one window becomes the previous one.
# The hit is taken when the previous count, weighted by the share of it the sliding window still covers, plus
# the current count and ARGV[3] (the cost) stays within ARGV[1] (the limit). ARGV[2] is the window in seconds.
# Answers {taken (1 or 0), previous count, its TTL in ms, current count, its TTL in ms} as they are afterwards.
HIT_AND_WINDOW = """
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]) * 1000, tonumber(ARGV[3])
local current_ttl = redis.call('pttl', KEYS[2])
if current_ttl > 0 and current_ttl < window then
    redis.call('rename', KEYS[2], KEYS[1])
    redis.call('set', KEYS[2], 0, 'PX', current_ttl + window)
end
local function count(key) return tonumber(redis.call('get', key)) or 0 end
local function ttl(key) return math.max(redis.call('pttl', key), 0) end
local previous, previous_ttl = count(KEYS[1]), ttl(KEYS[1])
local current = count(KEYS[2])
local taken = cost <= limit and math.floor(previous * previous_ttl / window) + current + cost <= limit
if taken then
    if redis.call('exists', KEYS[2]) == 1 then
        current = redis.call('incrby', KEYS[2], cost)
    else
        redis.call('set', KEYS[2], cost, 'PX', window * 2)
        current = cost
    end
end
return {taken and 1 or 0, previous, previous_ttl, current, ttl(KEYS[2])}
"""


class OneTripRedisStorage(RedisStorage):
    """limits' RedisStorage whose sliding window hit also answers the next read of that window in the thread."""

    STORAGE_SCHEME = [f"roost+{scheme}" for scheme in SCHEMES]

    def __init__(self, uri: str, **options):
        super().__init__(uri.removeprefix("roost+"), **options)
        self._after_hit = threading.local()

    def initialize_storage(self, uri: str) -> None:
        super().initialize_storage(uri)
        self.lua_hit_and_window = self.get_connection().register_script(HIT_AND_WINDOW)

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        keys = [self.prefixed_key(self._previous_window_key(key)), self.prefixed_key(self._current_window_key(key))]
        taken, previous, previous_ttl, current, current_ttl = self.lua_hit_and_window(keys, [limit, expiry, amount])
        # A window read the instant it began has a TTL of exactly two windows, and limits takes the reset as the
        # TTL modulo the window: "now" where it is one window away. A millisecond later it reads right.
        current_ttl = min(current_ttl, expiry * 2000 - 1)
        self._after_hit.window = (key, (previous, previous_ttl / 1000, current, current_ttl / 1000))
        return bool(taken)

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        """The window as the thread's last hit left it, once; else as Redis has it now."""
        remembered = getattr(self._after_hit, "window", None)
        self._after_hit.window = None
        if remembered is not None and remembered[0] == key:
            return remembered[1]
        return super().get_sliding_window(key, expiry)


def storage_uri(redis_url: str | None) -> str:
    """The limiter's storage for the app's Redis URL: this one-trip storage for redis(s)://, else memory."""
    if not redis_url:
        return "memory://"
    scheme = redis_url.partition("://")[0]
    return f"roost+{redis_url}" if scheme in SCHEMES else redis_url
