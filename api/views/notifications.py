"""The in-app inbox (通知): my notifications, marking them read, and a live stream of the
unread count for open pages (Server-Sent Events; the page polls where a proxy buffers it).

Notifications are written by the engine with the change that causes them (engine/notifications.py);
this blueprint only reads and marks the caller's own.
"""
from __future__ import annotations

import json
import time

from flask import Response, current_app, stream_with_context
from flask_smorest import Blueprint

from api.auth import current_principal, login_required
from api.schemas.notifications import (
    InboxArgs,
    InboxPageOut,
    InboxStateOut,
    MarkedOut,
    NotificationOut,
    NotificationSettingsIn,
    NotificationSettingsOut,
    StreamArgs,
)
from api.services import services
from engine.notification_settings import read_settings, save_settings
from engine.store.inbox import Inbox

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="通知 Notifications")

STREAM_POLL_SECONDS = 2.0
STREAM_HEARTBEAT_SECONDS = 15.0


def my_inbox() -> Inbox:
    return Inbox(services().store, current_principal().username)


@blp.route("/notifications")
@login_required
@blp.arguments(InboxArgs, location="query")
@blp.response(200, InboxPageOut)
def list_notifications(args):
    """My notifications, newest first, with the unread count."""
    return my_inbox().page(unread_only=args["unread"], page=args["page"], per_page=args["per_page"])


@blp.route("/notifications/state")
@login_required
@blp.response(200, InboxStateOut)
def inbox_state():
    """The unread count and the newest notification's id: what the bell shows."""
    return my_inbox().state()


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
@blp.response(200, NotificationOut)
def mark_read(notification_id):
    """Mark one of my notifications read (reading it twice changes nothing)."""
    return my_inbox().mark_read(notification_id, services().clock.now())


@blp.route("/notifications/read-all", methods=["POST"])
@login_required
@blp.response(200, MarkedOut)
def mark_all_read():
    """Mark every unread notification of mine read."""
    return {"marked": my_inbox().mark_all_read(services().clock.now())}


@blp.route("/notifications/settings")
@login_required
@blp.response(200, NotificationSettingsOut)
def get_settings():
    """My notification settings: quiet hours, whether my outside channels get anything, and
    the kinds I keep from them."""
    return read_settings(services().store, current_principal().username).to_dict()


@blp.route("/notifications/settings", methods=["PUT"])
@login_required
@blp.arguments(NotificationSettingsIn)
@blp.response(200, NotificationSettingsOut)
def put_settings(body):
    """Change my notification settings (422 with field errors; red alerts cannot be kept back)."""
    username = current_principal().username
    return save_settings(services().store, username, body["quiet_hours"], body["outside"], body["muted"]).to_dict()


@blp.route("/notifications/stream")
@login_required
@blp.arguments(StreamArgs, location="query")
@blp.response(200, {"type": "string"}, content_type="text/event-stream")
def stream(args):
    """Server-Sent Events: an `inbox` event with {unread, newest} now and whenever they change;
    a comment line as heartbeat. The stream ends after `seconds` (at most
    NOTIFICATION_STREAM_SECONDS, default 300) and the browser's EventSource reconnects, so no
    connection is held for ever."""
    inbox = my_inbox()
    longest = float(current_app.config.get("NOTIFICATION_STREAM_SECONDS", 300))
    lasting = min(longest, args["seconds"]) if args.get("seconds") is not None else longest
    return Response(stream_with_context(_events(inbox, lasting)), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _events(inbox: Inbox, lasting: float):
    until, last, beat = time.monotonic() + lasting, None, time.monotonic()
    yield "retry: 5000\n\n"
    while True:
        state = inbox.state()
        if state != last:
            last = state
            yield f"event: inbox\ndata: {json.dumps({'unread': state.unread, 'newest': state.newest})}\n\n"
        if time.monotonic() >= until:
            return
        if time.monotonic() - beat >= STREAM_HEARTBEAT_SECONDS:
            beat = time.monotonic()
            yield ": heartbeat\n\n"
        time.sleep(STREAM_POLL_SECONDS)
