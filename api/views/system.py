"""Operations: health, metrics, and the interactive docs' static files."""
from __future__ import annotations

from flask import Flask, Response, send_from_directory
from flask_smorest import Blueprint
from sqlalchemy import func, select

from api.services import services
from engine.store.models import HumanTask, ProcessInstance

blp = Blueprint("system", __name__, description="健康检查与监控 Health and metrics")


@blp.route("/healthz")
@blp.response(200)
def healthz():
    """Liveness and database reachability."""
    with services().store.read() as session:
        session.execute(select(1))
    return {"status": "ok"}


@blp.route("/metrics")
@blp.doc(responses={"200": {"description": "Prometheus text exposition format",
                            "content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics():
    """Prometheus text format: instances by status, open tasks, overdue tasks, due timers."""
    svc = services()
    now = svc.clock.now()
    with svc.store.read() as session:
        by_status = session.execute(select(ProcessInstance.status, func.count()).group_by(ProcessInstance.status)).all()
        open_tasks = session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.state == "ready"))
        overdue = session.scalar(select(func.count()).select_from(HumanTask)
                                 .where(HumanTask.state == "ready", HumanTask.due_at < now))
        due_timers = session.scalar(select(func.count()).select_from(ProcessInstance)
                                    .where(ProcessInstance.status == "running", ProcessInstance.next_due_at < now))
    lines = ["# HELP jiahe_instances Process instances by status.", "# TYPE jiahe_instances gauge"]
    lines += [f'jiahe_instances{{status="{status}"}} {count}' for status, count in by_status]
    lines += ["# HELP jiahe_open_tasks Ready human tasks.", "# TYPE jiahe_open_tasks gauge", f"jiahe_open_tasks {open_tasks}",
              "# HELP jiahe_overdue_tasks Ready human tasks past their due time.", "# TYPE jiahe_overdue_tasks gauge",
              f"jiahe_overdue_tasks {overdue}",
              "# HELP jiahe_due_timers Instances whose timer is due but not yet fired.", "# TYPE jiahe_due_timers gauge",
              f"jiahe_due_timers {due_timers}"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def register_static(app: Flask) -> None:
    """Swagger UI from the swagger-ui-bundle package, so the docs work without the internet."""
    import swagger_ui_bundle

    @app.route("/api/swagger-ui/<path:filename>")
    def swagger_ui_files(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)
