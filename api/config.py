"""Configuration from environment variables, with defaults that run one office on SQLite."""
from __future__ import annotations

import os
from pathlib import Path


def from_env() -> dict:
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL"),
        "JIAHE_PROJECT_ROOT": os.environ.get("JIAHE_PROJECT_ROOT", str(Path.cwd())),
        "TOKEN_TTL_HOURS": float(os.environ.get("JIAHE_TOKEN_TTL_HOURS", "12")),
        "LOGIN_ATTEMPTS_PER_MINUTE": int(os.environ.get("JIAHE_LOGIN_ATTEMPTS_PER_MINUTE", "10")),
        "PUBLIC_INTAKES_PER_HOUR": int(os.environ.get("JIAHE_PUBLIC_INTAKES_PER_HOUR", "20")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("JIAHE_MAX_REQUEST_BYTES", str(256 * 1024))),
        "MAX_PROJECT_UPLOAD_BYTES": int(os.environ.get("JIAHE_MAX_PROJECT_UPLOAD_BYTES", str(4 * 1024 * 1024))),
        "ORG_CHART_MAX_AGE": float(os.environ.get("JIAHE_ORG_CHART_MAX_AGE", "60")),
        "START_TIMER_WORKER": os.environ.get("JIAHE_TIMER_WORKER", "") == "thread",
        "TIMER_WORKER_INTERVAL": float(os.environ.get("JIAHE_TIMER_WORKER_INTERVAL", "5")),
        "PUBLIC_LOOKUPS_PER_HOUR": int(os.environ.get("JIAHE_PUBLIC_LOOKUPS_PER_HOUR", "600")),
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
