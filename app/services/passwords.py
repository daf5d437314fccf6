"""Password and secret-token hashing."""
import hashlib
import secrets
from functools import cache

import bcrypt
from flask import current_app


def hash_password(password: str) -> str:
    """A bcrypt hash of the password (bcrypt reads at most 72 bytes; longer inputs are pre-hashed)."""
    return bcrypt.hashpw(_prepare(password), bcrypt.gensalt(current_app.config["BCRYPT_ROUNDS"])).decode()


def check_password(password: str, password_hash: str | None) -> bool:
    """Whether `password` matches; always spends one bcrypt round, even with no hash."""
    compared = password_hash or _dummy_hash(current_app.config["BCRYPT_ROUNDS"])
    return bcrypt.checkpw(_prepare(password), compared.encode()) and password_hash is not None


@cache
def _dummy_hash(rounds: int) -> str:
    """Compared against when the email is unknown, so a wrong email costs as long as a wrong password: at the
    cost passwords are hashed at. Made when first needed, not at import (0.2 s of every process's start)."""
    return bcrypt.hashpw(b"not a password", bcrypt.gensalt(rounds)).decode()


def _prepare(password: str) -> bytes:
    raw = password.encode()
    return raw if len(raw) <= 72 else hashlib.sha256(raw).hexdigest().encode()


def new_token() -> tuple[str, str]:
    """A random URL-safe token and the hash to store (tokens are high-entropy: SHA-256 suffices)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
