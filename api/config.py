"""Configuration from environment variables, with defaults that run one office on SQLite."""
from __future__ import annotations

import os
from pathlib import Path


def from_env() -> dict:
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL"),
        "JIAHE_PROJECT_ROOT": os.environ.get("JIAHE_PROJECT_ROOT", str(Path.cwd())),
        "TOKEN_TTL_HOURS": float(os.environ.get("JIAHE_TOKEN_TTL_HOURS", "12")),
        # Limits in the `limits` library's notation ("10 per 15 minutes"); api.login says which is which.
        "LOGIN_LIMIT_PER_SOURCE": os.environ.get("JIAHE_LOGIN_LIMIT_PER_SOURCE", "60 per minute"),
        "LOGIN_FAILURES_PER_SOURCE": os.environ.get("JIAHE_LOGIN_FAILURES_PER_SOURCE", "30 per 15 minutes"),
        "LOGIN_FAILURES_PER_USER": os.environ.get("JIAHE_LOGIN_FAILURES_PER_USER", "10 per 15 minutes"),
        "LOGIN_FAILURES_PER_DEVICE": os.environ.get("JIAHE_LOGIN_FAILURES_PER_DEVICE", "10 per 15 minutes"),
        "RATELIMIT_STORAGE_URI": os.environ.get("JIAHE_RATELIMIT_STORAGE_URI", "database"),
        # How many reverse proxies in front set X-Forwarded-For (and -Proto, -Host): 0 trusts none.
        "TRUSTED_PROXIES": int(os.environ.get("JIAHE_TRUSTED_PROXIES", "0")),
        "PUBLIC_INTAKES_PER_HOUR": int(os.environ.get("JIAHE_PUBLIC_INTAKES_PER_HOUR", "20")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("JIAHE_MAX_REQUEST_BYTES", str(256 * 1024))),
        "MAX_PROJECT_UPLOAD_BYTES": int(os.environ.get("JIAHE_MAX_PROJECT_UPLOAD_BYTES", str(4 * 1024 * 1024))),
        # A file attached to a case (a signed scan): its own limit, above MAX_CONTENT_LENGTH.
        "MAX_ATTACHMENT_BYTES": int(os.environ.get("JIAHE_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024))),
        "ORG_CHART_MAX_AGE": float(os.environ.get("JIAHE_ORG_CHART_MAX_AGE", "60")),
        "START_TIMER_WORKER": os.environ.get("JIAHE_TIMER_WORKER", "") == "thread",
        "TIMER_WORKER_INTERVAL": float(os.environ.get("JIAHE_TIMER_WORKER_INTERVAL", "5")),
        "PUBLIC_LOOKUPS_PER_HOUR": int(os.environ.get("JIAHE_PUBLIC_LOOKUPS_PER_HOUR", "600")),
        # Outside channels for notifications (robots, email, SMS): a file, because it holds secrets.
        "NOTIFY_CONFIG": os.environ.get("JIAHE_NOTIFY_CONFIG"),
        # The address people open Jiahe at: the links in outside notifications start with it.
        "PUBLIC_URL": os.environ.get("JIAHE_PUBLIC_URL", "http://127.0.0.1:5000"),
        # How long one live notification stream stays open before the browser reconnects.
        "NOTIFICATION_STREAM_SECONDS": float(os.environ.get("JIAHE_NOTIFICATION_STREAM_SECONDS", "300")),
        # Where case documents and uploaded scans are kept (engine.store.files); default var/files.
        "FILES_DIR": os.environ.get("JIAHE_FILES_DIR"),
        # Where audit checkpoints are written and evidence packages find the latest; default var/audit-checkpoints.
        "CHECKPOINT_DIR": os.environ.get("JIAHE_CHECKPOINT_DIR"),
        # The bearer token GET /metrics asks for (api.metrics); unset: /metrics is off (404).
        "METRICS_TOKEN": os.environ.get("JIAHE_METRICS_TOKEN"),
    }


DEFAULTS = {
    "API_TITLE": "家和 Jiahe API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/swagger-ui/",
}
