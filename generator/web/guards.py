"""Safe on an office network: request bodies bounded while they stream in, security headers on every response,
and error messages without the server's internals.

``install_guards(app, web)`` wraps the whole ASGI stack (outside Starlette's own error middleware, so a crash
page gets the headers too). A body whose Content-Length is over the limit is refused before a byte of it is
read; a chunked body is counted as it arrives and refused as soon as it passes the limit, so nothing larger
than the limit is ever spooled to the temp folder. The limit is ``Settings.max_upload`` plus a margin for
the form's other fields.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

FORM_MARGIN = 1024 * 1024  # the form's text fields beside the file (a report's texts are a few pages at most)

# No inline script or style anywhere (templates and static/app.js keep to it): a text injected into a page
# cannot run. Frames: none, except the PDF preview of a sub-plan (an <iframe> of the app's own page).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


class _TooLarge(Exception):
    """The body passed the limit while it streamed in."""


def body_limit(max_upload: int) -> int:
    return max_upload + FORM_MARGIN


def too_large_message(max_upload: int) -> str:
    return f"tệp lớn hơn {max_upload // (1024 * 1024)} MB"


def security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` of a response with the security headers added (those the route set itself are kept)."""
    present = {name.lower() for name, _ in headers}
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"").lower()
    added: dict[str, str] = dict(HEADERS)
    if content_type.startswith(b"application/pdf"):
        # the sub-plan's preview is shown in an <iframe> of the unit's page; the PDF viewer needs no CSP of ours
        added["x-frame-options"] = "SAMEORIGIN"
        added["content-security-policy"] = "frame-ancestors 'self'"
    else:
        added["x-frame-options"] = "DENY"
        added["content-security-policy"] = CSP
    if content_type.startswith(b"text/html"):
        added["cache-control"] = "no-store"
    return headers + [(name.encode(), value.encode()) for name, value in added.items()
                      if name.encode() not in present]


class Guards:
    """The ASGI wrapper: body limit and security headers (see the module's docstring)."""

    def __init__(self, app, *, limit: int, refuse: Callable[[Request], Any], message: str):
        self.app = app
        self.limit = limit
        self.message = message
        self.refuse = refuse  # the 413 page (HTML, or JSON for scripts) for a request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {"started": False, "overflow": False, "refused": False}

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                if state["overflow"]:  # the app's own answer to the cut body (a crash page) gives way to the 413
                    return
                state["started"] = True
                message["headers"] = security_headers(list(message.get("headers", [])))
            elif state["overflow"] and not state["started"]:
                return
            await send(message)

        async def refuse() -> None:
            state["refused"] = True
            state["overflow"] = False
            try:
                response = self.refuse(Request(scope))
            except Exception:  # noqa: BLE001 - the page could not be rendered: the same words, bare
                response = HTMLResponse(f'<!doctype html><html lang="vi"><body><p>{self.message}</p></body></html>',
                                        status_code=413)
            await response(scope, _no_body, send_guarded)

        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await refuse()  # not a byte of the body read
            return
        received = 0

        async def receive_counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    state["overflow"] = True
                    raise _TooLarge
            return message

        try:
            await self.app(scope, receive_counted, send_guarded)
        except Exception:
            if not state["overflow"] or state["started"]:
                raise
        if state["overflow"] and not state["started"] and not state["refused"]:
            await refuse()


def _content_length(scope: Scope) -> int | None:
    """The declared length of the body; a value that is not a number counts as too large."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 1 << 62
    return None


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def install_guards(app: FastAPI, web) -> None:
    """Wrap ``app``'s whole middleware stack in :class:`Guards` for ``web``'s settings (``web`` is the
    :class:`~.common.Web` of the app: its error page renders the 413)."""
    limit = body_limit(web.settings.max_upload)
    message = too_large_message(web.settings.max_upload)
    build = app.build_middleware_stack  # Starlette builds the stack on the first request; ours goes outside it

    def build_guarded():
        return Guards(build(), limit=limit, refuse=lambda request: web.error(request, message, 413),
                      message=message)

    app.build_middleware_stack = build_guarded

    @app.exception_handler(RequestValidationError)
    async def on_bad_request(request: Request, exc: RequestValidationError):
        # a missing or malformed part of the address or the form: never the names of the fields
        return web.error(request, "dữ liệu gửi lên thiếu hoặc không hợp lệ; hãy mở lại trang từ vanban rồi làm lại", 400)


# ---------------------------------------------------------------- what an error page may say

ROLE_WORDS = {"head": "cấp trưởng", "deputy": "cấp phó ký thay", "acting": "quyền cấp trưởng",
              "by-order": "thừa lệnh", "by-delegation": "thừa ủy quyền"}
_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:)?[\\/](?:[^\s\\/,;:«»()\"'<>]+[\\/])+(?=[^\s\\/,;:«»()\"'<>]+)")
_FIELD_PATH = re.compile(r",? ?trường «([A-Za-z0-9_.\[\]-]+)»")
_ROLE = re.compile(r"'(" + "|".join(map(re.escape, ROLE_WORDS)) + r")'")


def public(message: str) -> str:
    """``message`` as a web user may read it: a file as its name only (never a folder of the server), no
    field paths («document.date»), the signers' roles in Vietnamese."""
    message = _PATH.sub("", message)
    message = _FIELD_PATH.sub(lambda found: "" if re.search(r"[._\[]|^[a-z-]+$", found.group(1)) else found.group(0),
                              message)
    message = _ROLE.sub(lambda found: f"«{ROLE_WORDS[found.group(1)]}»", message)
    return re.sub(r"^: ", "", message.replace(" :", ":"), flags=re.M)
