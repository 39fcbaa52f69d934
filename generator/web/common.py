"""What the route modules share: settings, the plans a user may pick, uploads, pages, downloads, jobs."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile as StarletteUpload

from .. import accounts, inline, pipeline, resources
from ..vietnamese import short_date
from ..errors import InputError, VanbanError
from .jobs import Runner
from .workers import Workers, default_processes
from ..store.db import Store
from .guards import public

HERE = resources.web_assets()
DATA = resources.datasets()  # the shipped plans and registries: the one place the web app looks for them
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,120}$")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
APPENDIX = "phu-luc"  # the download button «Tải phụ lục (tệp riêng)»: an electronic document's Phụ lục as its own file


@dataclass
class Settings:
    data_dir: Path = DATA
    work_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "vanban-web")
    max_upload: int = int(float(os.environ.get("VANBAN_MAX_UPLOAD_MB", "10")) * 1024 * 1024)
    upload_hours: float = 24  # uploaded plans are removed after this long
    # the workplace: database, files and session key (VANBAN_STATE_DIR, else ~/.local/share/vanban)
    state_dir: Path = field(default_factory=accounts.default_state_dir)
    # every page needs a logged-in user (set by `vanban serve` when it listens beyond loopback)
    require_login: bool = field(default_factory=lambda: os.environ.get("VANBAN_REQUIRE_LOGIN", "") == "1")
    https_only: bool = field(default_factory=lambda: os.environ.get("VANBAN_HTTPS_ONLY", "") == "1")  # Secure cookie
    # worker processes for rendering and checking (VANBAN_WORKERS, default one per core but one; 0: in a thread)
    workers: int = field(default_factory=default_processes)


def _stamp(path: Path) -> tuple:
    try:
        status = path.stat()
    except OSError:
        return (None, None)
    return (status.st_mtime_ns, status.st_size)


def fail(message: str) -> InputError:
    return InputError(message)


def registry_name(path: Path) -> str:
    """The registry's own top-level «name:» ("Tỉnh Gia Lai (2021)"), read without parsing the whole file."""
    try:
        found = re.search(r"^name:[ \t]*(.+?)[ \t]*$", path.read_text(encoding="utf-8"), re.M)
    except (OSError, UnicodeDecodeError):
        found = None
    name = found.group(1).strip("'\"") if found else ""
    return name or f"Sổ đơn vị {path.parent.name}"


class Plans:
    """The plans a user may pick: those shipped in the data folder and those uploaded in this session."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.uploads = settings.work_dir / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)
        self._shipped: tuple[tuple, dict[str, Path]] | None = None

    def shipped(self) -> dict[str, Path]:
        """Plan files of the data folder: YAML with top-level «document:» and «cascade:» keys (the unit
        registries next to them are not plans and are not parsed here)."""
        paths = sorted(self.settings.data_dir.glob("*/*.yaml"))
        # read again only when a file changed: the registries beside the plans are large (every request asks)
        key = tuple((str(path), *_stamp(path)) for path in paths)
        if self._shipped is not None and self._shipped[0] == key:
            return dict(self._shipped[1])
        found = {}
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^document:", text, re.M) and re.search(r"^cascade:", text, re.M):
                found[f"{path.parent.name}--{path.stem}"] = path
        self._shipped = (key, found)
        return dict(found)

    def path(self, plan_id: str) -> Path:
        if not ID.match(plan_id):
            raise fail("không có kế hoạch này")
        if plan_id.startswith("u-"):
            path = self.uploads / plan_id / "plan.yaml"
            if path.is_file():
                return path
        elif plan_id in self.shipped():
            return self.shipped()[plan_id]
        raise fail("không có kế hoạch này (kế hoạch tải lên chỉ được giữ trong một ngày)")

    def registries(self) -> list[dict]:
        out = [{"id": f"{p.parent.name}--{p.stem}", "name": registry_name(p), "path": p}
               for p in sorted(self.settings.data_dir.glob("*/units.yaml"))]
        out += [{"id": f"vn-2025--{e['id']}", "name": f"{e['name']} (từ 01/7/2025)", "path": e["path"]}
                for e in pipeline.national_registries()]
        return out

    def registry(self, registry_id: str) -> Path:
        for entry in self.registries():
            if entry["id"] == registry_id:
                return entry["path"]
        raise fail("không có sổ đơn vị này")

    def cleanup(self) -> None:
        limit = time.time() - self.settings.upload_hours * 3600
        for folder in self.uploads.glob("u-*"):
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)


class Web:
    """The state of one app: its settings, plans, page templates and running jobs (``app.state.web``)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.plans = Plans(settings)
        self.pages = Jinja2Templates(directory=HERE / "templates")
        self.pages.env.filters["plain"] = inline.plain  # plan texts carry *nghiêng* markup: shown as words
        self.pages.env.filters["date"] = short_date  # 10/5/2021, as the documents write it
        self.store: Store = accounts.open_store(settings.state_dir)  # users, plans, submissions
        self.workers = Workers(settings.workers)  # CPU work off the event loop (web/workers.py)
        self.runner = Runner(self)  # the queue of long jobs, kept in the store (web/jobs.py)

    def page(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        return self.pages.TemplateResponse(
            request, template, {"max_mb": self.settings.max_upload // (1024 * 1024), **context}, status_code=status)

    def error(self, request: Request, message: str, status: int) -> Response:
        message = public(message)  # file names only, no field paths, no English role names
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status)
        return self.page(request, "error.html", status, message=message)

    def plan_summary(self, plan_id: str, path: Path) -> dict:
        loaded, context, units = pipeline.unit_documents(path)
        issuer = loaded.registry.unit(loaded.plan.document.issuer)
        title = f"Kế hoạch {inline.plain(loaded.plan.document.title)}"
        return {"id": plan_id, "title": title, "issuer": issuer.name, "count": len(units), "loaded": loaded,
                "context": context, "units": units}

    def unit_context(self, plan_id: str, unit_id: str):
        """The plan's path, its summary and the unit, refused unless the unit has to make a sub-plan of it."""
        if not ID.match(unit_id):
            raise fail("không có đơn vị này")
        path = self.plans.path(plan_id)
        summary = self.plan_summary(plan_id, path)
        if unit_id not in summary["units"]:
            raise fail("đơn vị này không phải xây dựng kế hoạch cụ thể hóa của kế hoạch này")
        return path, summary, summary["loaded"].registry.unit(unit_id)


def current(request: Request) -> Web:
    """The dependency every route takes: the state of the app serving the request."""
    return request.app.state.web


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def read_upload(upload: UploadFile | None, settings: Settings, suffixes: tuple[str, ...]) -> tuple[bytes, str]:
    """The bytes of an upload, refused when too large or of the wrong type; the suffix it declared."""
    if not isinstance(upload, StarletteUpload) or not upload.filename:  # a text field in its place: no file
        raise fail("chưa chọn tệp")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in suffixes:
        raise fail(f"chỉ nhận tệp {', '.join(suffixes)}")
    data = await upload.read(settings.max_upload + 1)
    if len(data) > settings.max_upload:
        raise fail(f"tệp lớn hơn {settings.max_upload // (1024 * 1024)} MB")
    if suffix in (".docx", ".xlsx") and not data.startswith(b"PK\x03\x04"):
        raise fail(f"tệp không phải {suffix} thật (nội dung không đúng định dạng)")
    return data, suffix


def download(data: bytes, name: str, media: str, inline_view: bool = False) -> Response:
    disposition = "inline" if inline_view else "attachment"
    return Response(data, media_type=media, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


def deliver(made: pipeline.Made, name: str, fmt: str) -> Response:
    """A made document as a download (or an inline PDF preview), refused when it fails the check."""
    if not made.report.ok:
        problems = "; ".join(r.rule.message for r in made.report.errors)
        raise VanbanError(f"văn bản tạo ra chưa đạt thể thức: {problems}")
    if fmt in ("pdf", "preview"):
        return download(made.pdf, f"{name}.pdf", "application/pdf", inline_view=fmt == "preview")
    return download(made.docx, f"{name}.docx", DOCX)
