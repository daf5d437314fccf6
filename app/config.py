"""Configuration from the environment, with defaults that work on one laptop."""
import os
import secrets
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """The SECRET_KEY from the environment, or one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_url(instance_path: Path) -> str:
    """DATABASE_URL, normalised to the psycopg 3 driver; SQLite under instance/ by default."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'roost.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: Path) -> dict:
    """The application's settings, read once at start-up."""
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "TELEGRAM_BOT_TOKEN": os.environ.get("TELEGRAM_BOT_TOKEN") or None,
        "TELEGRAM_API_URL": os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org"),
        # Plain-HTTP development (`make run`) turns this off; behind HTTPS keep it on.
        "SESSION_COOKIE_SECURE": _flag("SECURE_COOKIES", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SECURE_COOKIES", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent.parent / "translations"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per minute"),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600 per minute"),  # per token
        # Counts of this window and the last, weighted by how much of the last the sliding minute still covers:
        # no burst of twice the limit across a window's edge. app.rate_limits counts a request and reads the
        # headers' figures in one call to Redis.
        "RATELIMIT_STRATEGY": "sliding-window-counter",
        "BCRYPT_ROUNDS": 12,
        "MFA_GRACE_DAYS": 7,
        "INVITE_VALID_DAYS": 7,
        # Webhooks: https only, and never to private or loopback addresses, unless development asks.
        "WEBHOOK_ALLOW_HTTP": _flag("WEBHOOK_ALLOW_HTTP", False),
        "WEBHOOK_ALLOW_PRIVATE": _flag("WEBHOOK_ALLOW_PRIVATE", False),
        "WEBHOOK_TIMEOUT_SECONDS": float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5")),
        "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6")),
        # Retry n waits base * 4**(n-1): 30 s, 2 min, 8 min, 32 min, ~2 h with the default.
        "WEBHOOK_RETRY_BASE_SECONDS": float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30")),
    }
