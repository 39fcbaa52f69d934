"""``create_app``: the FastAPI app wired from the route modules, with Vietnamese errors for every failure."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ExitCode, VanbanError
from . import accounts, auth, batch, check, plans, reports, units, workplace
from .common import HERE, Settings, Web
from .guards import install_guards

ROUTERS = (plans.router, units.router, reports.router, batch.router, check.router, workplace.router, accounts.router)
HTTP_MESSAGES = {404: "không có trang này", 405: "thao tác không được phép"}


def create_app(settings: Settings | None = None) -> FastAPI:
    web = Web(settings or Settings())
    # every route: a user when login is required, the unit of the URL, the CSRF check (web/auth.py)
    app = FastAPI(title="vanban", docs_url=None, redoc_url=None, openapi_url=None, dependencies=auth.GUARDS,
                  lifespan=_lifespan(web))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _handle_errors(app, web)
    install_guards(app, web)  # body size while it streams in, security headers, error texts (web/guards.py)
    auth.install(app, web)  # after the error pages: its refusals have their own
    app.state.web = web
    app.state.settings = web.settings
    return app


def _lifespan(web: Web):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        web.runner.start()  # jobs a stopped server left behind run again
        yield
        web.runner.stop()
        web.workers.close()  # the worker processes end with the server

    return lifespan


def _handle_errors(app: FastAPI, web: Web) -> None:
    """Every failure becomes a Vietnamese page (or JSON for scripts), never a stack trace."""

    @app.exception_handler(VanbanError)
    async def on_vanban_error(request: Request, exc: VanbanError):
        return web.error(request, str(exc), 400 if exc.exit_code == ExitCode.BAD_INPUT else 500)

    # a form field missing or malformed: answered by web/guards.py (no field names shown)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        return web.error(request, HTTP_MESSAGES.get(exc.status_code, "yêu cầu không hợp lệ"), exc.status_code)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception):
        return web.error(request, "lỗi không lường trước; hãy thử lại hoặc báo cho bộ phận kỹ thuật", 500)
