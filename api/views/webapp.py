"""The web app (web/, built into web/dist) served at the site root.

The pages are a single-page app: a path that names no built file is one of its client-side
routes, so it gets index.html and the app's router draws the page. Paths under /api never
reach this module: an unknown API path stays the API's JSON 404.

Vite names every file under assets/ by a hash of its content, so those may be cached for a
year; index.html names the current ones and must be revalidated on every visit, or a browser
would keep running an old build after an upgrade.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, send_from_directory
from werkzeug.routing import PathConverter

ASSET_MAX_AGE = 365 * 24 * 3600
# Scripts come only from our own files. Two allowances: ajv compiles each task form's JSON
# Schema into a function ('unsafe-eval'), and antd writes its styles into <style> elements at
# run time ('unsafe-inline' for styles).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

NOT_BUILT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>家和 Jiahe</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em; line-height: 1.6">
<h1>家和</h1>
<p>网页尚未构建。请在项目目录中运行 <code>bash scripts/bootstrap</code>（或 <code>bash scripts/demo</code>），然后刷新本页。</p>
<p lang="en">The web pages have not been built yet. Run <code>bash scripts/bootstrap</code>
(or <code>bash scripts/demo</code>) in the project directory, then reload this page.</p>
<p>API: <a href="/api/docs">/api/docs</a></p>
</body></html>
"""

bp = Blueprint("webapp", __name__)


class ClientPathConverter(PathConverter):
    """Any path except /api and what lies under it."""

    regex = r"(?!api(?:/|$))[^/].*?"


def register(app: Flask) -> None:
    app.url_map.converters["client_path"] = ClientPathConverter
    app.register_blueprint(bp)


def dist_dir() -> Path:
    configured = current_app.config.get("WEB_DIST")
    return Path(configured) if configured else Path(current_app.config["JIAHE_PROJECT_ROOT"]) / "web" / "dist"


@bp.get("/")
@bp.get("/<client_path:path>")
def page(path: str = ""):
    dist = dist_dir()
    if not (dist / "index.html").is_file():
        return Response(NOT_BUILT, mimetype="text/html")
    if path and (dist / path).is_file():
        return _built_file(dist, path)
    if path.startswith("assets/"):
        # A file of an older build: index.html in its place would only fail as a script.
        abort(404)
    return _index(dist)


def _built_file(dist: Path, path: str):
    hashed = path.startswith("assets/")
    gzipped = hashed and "gzip" in request.accept_encodings and (dist / f"{path}.gz").is_file()
    if gzipped:  # the build's own gzip copy (web/scripts/compress.mjs)
        response = send_from_directory(dist, f"{path}.gz", max_age=ASSET_MAX_AGE,
                                       mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream")
        response.content_encoding = "gzip"
    else:
        response = send_from_directory(dist, path, max_age=ASSET_MAX_AGE if hashed else 3600)
    if hashed:
        response.cache_control.immutable = True
        response.vary.add("Accept-Encoding")
    return response


def _index(dist: Path):
    response = send_from_directory(dist, "index.html", max_age=0)
    response.cache_control.no_cache = True
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
