"""Password and secret-token hashing."""
import hashlib
import secrets

import bcrypt
from flask import current_app

# Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt()).decode()


def hash_password(password: str) -> str:
    """A bcrypt hash of the password (bcrypt reads at most 72 bytes; longer inputs are pre-hashed)."""
    return bcrypt.hashpw(_prepare(password), bcrypt.gensalt(current_app.config["BCRYPT_ROUNDS"])).decode()


def check_password(password: str, password_hash: str | None) -> bool:
    """Whether `password` matches; always spends one bcrypt round, even with no hash."""
    return bcrypt.checkpw(_prepare(password), (password_hash or _DUMMY_HASH).encode()) and password_hash is not None


def _prepare(password: str) -> bytes:
    raw = password.encode()
    return raw if len(raw) <= 72 else hashlib.sha256(raw).hexdigest().encode()


def new_token() -> tuple[str, str]:
    """A random URL-safe token and the hash to store (tokens are high-entropy: SHA-256 suffices)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
