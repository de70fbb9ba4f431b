"""Password checks with limits that stop guessing without letting a stranger lock anyone out.

Counted in the shared rate-limit storage (api.ratelimit), so four API processes allow what
one does:
- every attempt from one address (a flood);
- failed attempts from one address, whatever the usernames (password spraying);
- failed attempts on one username from clients she has never logged in from;
- failed attempts on one username from one client she has logged in from before.
A client she logged in from carries a signed device cookie naming her; it is counted on its
own, so a stranger who uses up her username's allowance does not lock her out of her usual
browser (OWASP's device-cookie scheme). The address is the client's as the trusted proxies
report it (JIAHE_TRUSTED_PROXIES, applied by ProxyFix).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.errors import Unauthorized
from api.services import services
from engine.access import Principal
from engine.store import org_repository, token_repository

DEVICE_COOKIE = "jiahe_device"
DEVICE_SALT = "jiahe-known-device"
DEVICE_DAYS = 180
DEVICE_USERS_KEPT = 20  # a shared office computer: the last 20 people who logged in on it


class AccountDeactivated(Unauthorized):
    """The password is right but an administrator has deactivated the account: said plainly,
    since only someone who knows her password learns it."""

    code = "account_deactivated"


@dataclass(frozen=True)
class Device:
    id: str
    usernames: tuple[str, ...]


@dataclass(frozen=True)
class Login:
    principal: Principal
    token: str
    expires_at: object
    device_cookie: str


def log_in(username: str, password: str) -> Login:
    """Check the password under the limits; a token for her, or Unauthorized / TooManyRequests."""
    cfg, limits = current_app.config, services().limits
    source = request.remote_addr or "unknown"
    device = known_device(username)
    what = "login attempts"
    limits.hit(cfg["LOGIN_LIMIT_PER_SOURCE"], "login-source", source, what=what)
    if device is not None:
        limits.check(cfg["LOGIN_FAILURES_PER_DEVICE"], "login-device", device.id, username, what=what)
    else:
        limits.check(cfg["LOGIN_FAILURES_PER_SOURCE"], "login-failures-source", source, what=what)
        limits.check(cfg["LOGIN_FAILURES_PER_USER"], "login-user", username, what=what)
    svc = services()
    with svc.store.write() as session:
        outcome = org_repository.password_check(session, username, password)
        if outcome == "ok":
            ttl = timedelta(hours=cfg["TOKEN_TTL_HOURS"])
            token, expires = token_repository.issue(session, username, now=svc.clock.now(), ttl=ttl)
            session.flush()
            principal = token_repository.token_holder(session, token, now=svc.clock.now())
            return Login(principal, token, expires, device_cookie_for(username, device))
    if outcome == "inactive":
        raise AccountDeactivated("this account has been deactivated; ask an administrator",
                                 zh="该账号已停用，请联系系统管理员")
    if device is not None:
        limits.count(cfg["LOGIN_FAILURES_PER_DEVICE"], "login-device", device.id, username)
    else:
        limits.count(cfg["LOGIN_FAILURES_PER_SOURCE"], "login-failures-source", source)
        limits.count(cfg["LOGIN_FAILURES_PER_USER"], "login-user", username)
    raise Unauthorized("wrong username or password", zh="用户名或密码错误")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def known_device(username: str) -> Device | None:
    """The client's device cookie, if it is genuine and she has logged in from it."""
    device = _device_cookie()
    return device if device is not None and username in device.usernames else None


def _device_cookie() -> Device | None:
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=DEVICE_DAYS * 86400)
        return Device(str(data["id"]), tuple(str(u) for u in data["users"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def device_cookie_for(username: str, device: Device | None) -> str:
    device = device or _device_cookie() or Device(secrets.token_urlsafe(16), ())
    users = (username, *[u for u in device.usernames if u != username])[:DEVICE_USERS_KEPT]
    return _serializer().dumps({"id": device.id, "users": list(users)})


def set_device_cookie(response, value: str) -> None:
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure, path="/api/v1/auth")
