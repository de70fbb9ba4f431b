"""The Flask app factory: `create_app(config)`; gunicorn runs `api:create_app()`."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from api import config as app_config
from api import errors, openapi, strict
from api.ratelimit import RateLimits
from api.services import Services
from engine import keys
from engine.calendar import WorkingCalendar
from engine.clock import Clock, SystemClock
from engine.notifications import Notifier
from engine.org import HierarchyRouter
from engine.runtime.runtime import Runtime
from engine.store import Store, database_url_from_env
from engine.store.files import FileStore
from engine.store.org_repository import ChartCache


class JiaheApi(Api):
    """flask-smorest's Api with our one error shape, in its HTTP errors and in the document."""

    ERROR_SCHEMA = openapi.ErrorOut

    def handle_http_exception(self, error):
        return errors.http_error(error)


def create_app(config: dict | None = None, *, clock: Clock | None = None, store: Store | None = None) -> Flask:
    """The app. Tests pass their own clock and store; everything else comes from config."""
    app = Flask(__name__)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.config.update(app_config.DEFAULTS)
    app.config.update(app_config.from_env())
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = keys.secret_key()
    if app.config.get("TRUSTED_PROXIES"):
        proxies = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.extensions["jiahe"] = _services(app.config, clock or SystemClock(), store)
    api = JiaheApi(app, spec_kwargs={"extra_plugins": [openapi.ErrorResponsesPlugin(app)]})
    openapi.register_security(api.spec)
    # Imported here: gunicorn's master imports api before api.gunicorn_conf sets PROMETHEUS_MULTIPROC_DIR.
    from api import metrics

    metrics.install(app, api.spec)
    _register_views(app, api)
    errors.register(app)
    strict.install(app)
    if app.config.get("START_TIMER_WORKER"):
        from api.worker import start_worker_thread

        start_worker_thread(app)
    return app


def notify_config(cfg: dict, root: Path) -> Path:
    """JIAHE_NOTIFY_CONFIG, else var/notify.yaml beside the database (absent: in-app only)."""
    return Path(cfg.get("NOTIFY_CONFIG") or root / "var" / "notify.yaml")


def _services(cfg: dict, clock: Clock, store: Store | None) -> Services:
    if store is None:
        store = Store(cfg.get("DATABASE_URL") or database_url_from_env())
        store.upgrade()
    root = Path(cfg["JIAHE_PROJECT_ROOT"])
    charts = ChartCache(store, max_age=cfg.get("ORG_CHART_MAX_AGE"))
    runtime = Runtime(store, clock=clock, router=HierarchyRouter(charts.get),
                      calendar=WorkingCalendar.from_file(root / "processes" / "calendar.yaml"),
                      notifier=Notifier.from_project(root, charts.get, channels_file=notify_config(cfg, root),
                                                     public_url=cfg.get("PUBLIC_URL") or "http://127.0.0.1:5000"))
    return Services(store=store, runtime=runtime, charts=charts, clock=clock, project_root=root,
                    limits=RateLimits.from_config(cfg.get("RATELIMIT_STORAGE_URI"), store),
                    files=FileStore(Path(cfg["FILES_DIR"]) if cfg.get("FILES_DIR") else None))


def _register_views(app: Flask, api: Api) -> None:
    from api.views import session, system, webapp

    system.register_static(app)
    for module in (system, session):
        api.register_blueprint(module.blp)
    for module in _optional_view_modules():
        api.register_blueprint(module.blp)
    webapp.register(app)


def _optional_view_modules():
    """View modules written feature by feature; each exposes `blp`."""
    import importlib

    names = ["org", "processes", "cases", "documents", "tasks", "reports", "notifications", "retention", "evidence"]
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(f"api.views.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"api.views.{name}":
                raise
    return modules
