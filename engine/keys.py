"""Key material kept outside the database: the audit trail's HMAC key, the key that signs
audit checkpoints, and the web app's secret (device cookies).

Someone who can write the database but has none of these cannot forge an audit event that
`jiahe audit verify` accepts. Each key comes from an environment variable or from a file in
the key directory (JIAHE_KEY_DIR, default var/keys). A missing file is created on first use,
readable by its owner only, and atomically, so that processes starting together on one host
end up with the same key. Hosts that share one database must share the key directory (or
the environment variables): README, "Keys".
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

AUDIT_KEY_ENV, SECRET_KEY_ENV, KEY_DIR_ENV = "JIAHE_AUDIT_KEY", "JIAHE_SECRET_KEY", "JIAHE_KEY_DIR"
DEFAULT_KEY_DIR = Path("var") / "keys"
AUDIT_KEY_FILE, SECRET_KEY_FILE = "audit.key", "secret.key"
CHECKPOINT_KEY_FILE, CHECKPOINT_PUBLIC_FILE = "checkpoint-ed25519.pem", "checkpoint-ed25519.pub.pem"


def key_dir() -> Path:
    return Path(os.environ.get(KEY_DIR_ENV) or DEFAULT_KEY_DIR)


def audit_key() -> bytes:
    """The HMAC key of audit events."""
    from_env = os.environ.get(AUDIT_KEY_ENV)
    if from_env:
        return from_env.encode("utf-8")
    return read_or_create(key_dir() / AUDIT_KEY_FILE, lambda: secrets.token_hex(32).encode()).strip()


def secret_key() -> str:
    """The web app's signing secret (Flask SECRET_KEY)."""
    from_env = os.environ.get(SECRET_KEY_ENV)
    if from_env:
        return from_env
    return read_or_create(key_dir() / SECRET_KEY_FILE, lambda: secrets.token_hex(32).encode()).decode().strip()


def checkpoint_signing_key(directory: Path | None = None):
    """The Ed25519 private key that signs audit checkpoints (created with its public half)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    directory = directory or key_dir()

    def generate() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    private = serialization.load_pem_private_key(read_or_create(directory / CHECKPOINT_KEY_FILE, generate), None)
    public_path = directory / CHECKPOINT_PUBLIC_FILE
    if not public_path.exists():
        read_or_create(public_path, lambda: public_pem(private.public_key()))
    return private


def checkpoint_public_key(path: Path | None = None):
    """The public half, for verifying; by default the one beside the signing key."""
    from cryptography.hazmat.primitives import serialization

    path = path or key_dir() / CHECKPOINT_PUBLIC_FILE
    if not path.exists() and path.parent == key_dir():
        checkpoint_signing_key(path.parent)
    return serialization.load_pem_public_key(path.read_bytes())


def public_pem(public_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def read_or_create(path: Path, generate) -> bytes:
    """The file's bytes; when it does not exist, `generate()` is written there first. Two
    processes racing here both read the one file that won: it is linked into place whole."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(generate())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_bytes()
