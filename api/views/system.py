"""Operations: health, metrics, and the interactive docs' static files."""
from __future__ import annotations

from flask import Flask, Response, send_from_directory
from flask_smorest import Blueprint
from sqlalchemy import select

from api.metrics import CONTENT_TYPE, SECURITY_SCHEME, exposition, require_token
from api.services import services

blp = Blueprint("system", __name__, description="健康检查与监控 Health and metrics")


@blp.route("/healthz")
@blp.response(200)
def healthz():
    """Liveness and database reachability."""
    with services().store.read() as session:
        session.execute(select(1))
    return {"status": "ok"}


@blp.route("/metrics")
@blp.doc(security=[{SECURITY_SCHEME: []}],
         responses={"200": {"description": "Prometheus text exposition format",
                            "content": {"text/plain": {"schema": {"type": "string"}}}},
                    "401": "UNAUTHORIZED", "404": "NOT_FOUND"})
def metrics():
    """Prometheus metrics, for the monitoring system.

    Cases by status, open and overdue tasks, due timers and their lag, outbox depth, request
    latency per endpoint, tasks completed, timers fired (api.metrics). Needs
    `Authorization: Bearer <JIAHE_METRICS_TOKEN>`; 404 while that is unset."""
    require_token()
    svc = services()
    return Response(exposition(svc.store, svc.clock), content_type=CONTENT_TYPE)


def register_static(app: Flask) -> None:
    """Swagger UI from the swagger-ui-bundle package, so the docs work without the internet."""
    import swagger_ui_bundle

    @app.route("/api/swagger-ui/<path:filename>")
    def swagger_ui_files(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)
