"""`vanban serve`: the web app for secretaries, a thin shell over the same library functions as the CLI.

Pages are rendered on the server in Vietnamese; a little JavaScript filters the unit list and follows the
progress of a batch. Safety: uploads are bounded in size and type and opened with the zip-bomb checks of
the library; client file names are never used as paths; plans and units are looked up by id among known
ones; uploaded plans may only use the registries shipped in the data folder; every request works in a
temporary folder of its own; errors are shown as Vietnamese messages, never as stack traces.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from fastapi import FastAPI, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import inline, pipeline, resources
from ..check import check_docx
from ..errors import ExitCode, InputError, VanbanError
from ..loading import load_plan
from ..pdf import soffice
from ..units import NATIONAL, national_index

HERE = resources.web_assets()
DATA = resources.datasets()
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,120}$")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Settings:
    data_dir: Path = DATA
    work_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "vanban-web")
    max_upload: int = int(float(os.environ.get("VANBAN_MAX_UPLOAD_MB", "10")) * 1024 * 1024)
    upload_hours: float = 24  # uploaded plans are removed after this long


@dataclass
class Job:
    id: str
    total: int
    folder: Path
    done: int = 0
    status: str = "đang chạy"
    message: str = "Đang chuẩn bị…"
    zip_path: Path | None = None


def _fail(message: str) -> InputError:
    return InputError(message)


class Plans:
    """The plans a user may pick: those shipped in the data folder and those uploaded in this session."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.uploads = settings.work_dir / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)

    def shipped(self) -> dict[str, Path]:
        """Plan files of the data folder: YAML with top-level «document:» and «cascade:» keys (the unit
        registries next to them are not plans and are not parsed here)."""
        found = {}
        for path in sorted(self.settings.data_dir.glob("*/*.yaml")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^document:", text, re.M) and re.search(r"^cascade:", text, re.M):
                found[f"{path.parent.name}--{path.stem}"] = path
        return found

    def path(self, plan_id: str) -> Path:
        if not ID.match(plan_id):
            raise _fail("không có kế hoạch này")
        if plan_id.startswith("u-"):
            path = self.uploads / plan_id / "plan.yaml"
            if path.is_file():
                return path
        elif plan_id in self.shipped():
            return self.shipped()[plan_id]
        raise _fail("không có kế hoạch này (kế hoạch tải lên chỉ được giữ trong một ngày)")

    def registries(self) -> list[dict]:
        out = [{"id": f"{p.parent.name}--{p.stem}", "name": f"{p.parent.name}: {p.stem}", "path": p}
               for p in sorted(self.settings.data_dir.glob("*/units.yaml"))]
        out += [{"id": f"vn-2025--{e['id']}", "name": f"{e['name']} (từ 01/7/2025)", "path": NATIONAL / e["file"]}
                for e in national_index()]
        return out

    def registry(self, registry_id: str) -> Path:
        for entry in self.registries():
            if entry["id"] == registry_id:
                return entry["path"]
        raise _fail("không có sổ đơn vị này")

    def cleanup(self) -> None:
        limit = time.time() - self.settings.upload_hours * 3600
        for folder in self.uploads.glob("u-*"):
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)


async def read_upload(upload: UploadFile | None, settings: Settings, suffixes: tuple[str, ...]) -> tuple[bytes, str]:
    """The bytes of an upload, refused when too large or of the wrong type; the suffix it declared."""
    if upload is None or not upload.filename:
        raise _fail("chưa chọn tệp")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in suffixes:
        raise _fail(f"chỉ nhận tệp {', '.join(suffixes)}")
    data = await upload.read(settings.max_upload + 1)
    if len(data) > settings.max_upload:
        raise _fail(f"tệp lớn hơn {settings.max_upload // (1024 * 1024)} MB")
    if suffix in (".docx", ".xlsx") and not data.startswith(b"PK\x03\x04"):
        raise _fail(f"tệp không phải {suffix} thật (nội dung không đúng định dạng)")
    return data, suffix


def _download(data: bytes, name: str, media: str, inline_view: bool = False) -> Response:
    disposition = "inline" if inline_view else "attachment"
    return Response(data, media_type=media, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    plans = Plans(settings)
    app = FastAPI(title="vanban", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    pages = Jinja2Templates(directory=HERE / "templates")
    pages.env.filters["plain"] = inline.plain  # plan texts carry *nghiêng* markup: shown as words
    jobs: dict[str, Job] = {}
    lock = threading.Lock()

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        return pages.TemplateResponse(request, template, {"max_mb": settings.max_upload // (1024 * 1024), **context},
                                      status_code=status)

    def error(request: Request, message: str, status: int) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"error": message}, status_code=status)
        return page(request, "error.html", status, message=message)

    @app.exception_handler(VanbanError)
    async def on_vanban_error(request: Request, exc: VanbanError):
        return error(request, str(exc), 400 if exc.exit_code == ExitCode.BAD_INPUT else 500)

    @app.exception_handler(RequestValidationError)
    async def on_bad_request(request: Request, exc: RequestValidationError):
        fields = ", ".join(str(e["loc"][-1]) for e in exc.errors())
        return error(request, f"dữ liệu gửi lên không hợp lệ (trường: {fields})", 422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "không có trang này", 405: "thao tác không được phép"}.get(exc.status_code, "yêu cầu không hợp lệ")
        return error(request, message, exc.status_code)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception):
        return error(request, "lỗi không lường trước; hãy thử lại hoặc báo cho bộ phận kỹ thuật", 500)

    # ------------------------------------------------------------ plans and units
    def plan_summary(plan_id: str, path: Path) -> dict:
        loaded, context, units = pipeline.unit_documents(path)
        issuer = loaded.registry.unit(loaded.plan.document.issuer)
        title = f"Kế hoạch {inline.plain(loaded.plan.document.title)}"
        return {"id": plan_id, "title": title, "issuer": issuer.name, "count": len(units), "loaded": loaded,
                "context": context, "units": units}

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request):
        plans.cleanup()
        summaries = []
        for plan_id, path in plans.shipped().items():
            try:
                summaries.append(plan_summary(plan_id, path))
            except VanbanError:
                continue
        return page(request, "index.html", plans=summaries, registries=plans.registries())

    @app.post("/plans")
    async def upload_plan(request: Request):
        form = await request.form()
        data, suffix = await read_upload(form.get("file"), settings, (".yaml", ".yml", ".docx", ".txt", ".md"))
        registry = plans.registry(str(form.get("registry", "")))
        token = f"u-{secrets.token_hex(8)}"
        folder = plans.uploads / token
        folder.mkdir(parents=True)
        try:
            if suffix in (".yaml", ".yml"):
                try:
                    content = yaml.safe_load(data.decode("utf-8-sig"))
                except (yaml.YAMLError, UnicodeDecodeError) as exc:
                    raise _fail(f"tệp YAML không hợp lệ: {exc}") from None
                if not isinstance(content, dict) or "document" not in content:
                    raise _fail("tệp YAML không phải dữ liệu kế hoạch (thiếu mục document)")
                content["units"] = str(registry)  # only the shipped registries, never a path from the upload
                if isinstance(content.get("cascade"), dict):
                    content["cascade"].pop("profiles", None)
                    content["cascade"].pop("overrides", None)
                (folder / "plan.yaml").write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
                                                  encoding="utf-8")
            else:
                from ..importer import import_plan

                source = folder / f"nhan-duoc{suffix}"
                source.write_bytes(data)
                import_plan(source, folder / "plan.yaml", units=registry)
                source.unlink()
                plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
                if "cascade" not in plan:
                    raise _fail("đã đọc được kế hoạch nhưng chưa biết đơn vị nào phải cụ thể hóa (mục cascade); "
                                "hãy bổ sung bằng vanban import trên máy rồi tải lên tệp YAML")
            load_plan(folder / "plan.yaml")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return RedirectResponse(f"/plans/{token}", status_code=303)

    @app.get("/plans/{plan_id}", response_class=HTMLResponse)
    def plan_page(request: Request, plan_id: str, q: str = ""):
        from ..units import matches

        summary = plan_summary(plan_id, plans.path(plan_id))
        registry = summary["loaded"].registry
        units = [registry.unit(u) for u in summary["units"]]
        if q:
            units = [u for u in units if matches(u, q)]
        return page(request, "plan.html", plan=summary, units=units, q=q, warnings=[])

    def unit_context(plan_id: str, unit_id: str):
        if not ID.match(unit_id):
            raise _fail("không có đơn vị này")
        path = plans.path(plan_id)
        summary = plan_summary(plan_id, path)
        if unit_id not in summary["units"]:
            raise _fail("đơn vị này không phải xây dựng kế hoạch cụ thể hóa của kế hoạch này")
        return path, summary, summary["loaded"].registry.unit(unit_id)

    @app.get("/plans/{plan_id}/units/{unit_id}", response_class=HTMLResponse)
    def unit_page(request: Request, plan_id: str, unit_id: str):
        path, summary, unit = unit_context(plan_id, unit_id)
        _, document = pipeline.unit_subplan(path, unit_id)
        registry = summary["loaded"].registry
        return page(request, "unit.html", plan=summary, unit=unit, document=document, pdf=soffice() is not None,
                    head=registry.head_title(unit), periods=summary["context"].cascade.periods)

    def edits_from(form) -> pipeline.UnitEdits:
        number = str(form.get("number") or "").strip()
        if number and not number.isdigit():
            raise _fail("số văn bản phải là số nguyên dương")
        return pipeline.UnitEdits(
            signer_name=str(form.get("signer_name") or "").strip() or None,
            signer_role=str(form.get("signer_role") or "").strip() or None,
            number=int(number) if number else None,
            date=str(form.get("date") or "").strip() or None,
            extra_recipients=tuple(line.strip() for line in str(form.get("extra_recipients") or "").splitlines()
                                   if line.strip()),
        )

    def deliver(made: pipeline.Made, name: str, fmt: str) -> Response:
        if not made.report.ok:
            problems = "; ".join(r.rule.message for r in made.report.errors)
            raise VanbanError(f"văn bản tạo ra chưa đạt thể thức: {problems}")
        if fmt in ("pdf", "preview"):
            return _download(made.pdf, f"{name}.pdf", "application/pdf", inline_view=fmt == "preview")
        return _download(made.docx, f"{name}.docx", DOCX)

    @app.post("/plans/{plan_id}/units/{unit_id}/subplan")
    async def download_subplan(request: Request, plan_id: str, unit_id: str):
        path, summary, unit = unit_context(plan_id, unit_id)
        form = await request.form()
        fmt = str(form.get("format") or "docx")
        loaded, document = pipeline.unit_subplan(path, unit_id, edits_from(form))
        made = pipeline.make_document(document, loaded.registry, pdf=fmt in ("pdf", "preview"))
        return deliver(made, f"{unit_id}-ke-hoach", fmt)

    # ------------------------------------------------------------ reports
    def period_context(summary, period_id: str):
        from ..reports import content_items, period_of

        context = summary["context"]
        return period_of(context, period_id), [inline.plain(i.title or i.text or "") for i in content_items(context)]

    @app.get("/plans/{plan_id}/units/{unit_id}/report", response_class=HTMLResponse)
    def report_page(request: Request, plan_id: str, unit_id: str, period: str):
        path, summary, unit = unit_context(plan_id, unit_id)
        chosen, items = period_context(summary, period)
        return page(request, "report.html", plan=summary, unit=unit, period=chosen, items=items,
                    indicators=summary["context"].cascade.indicators, pdf=soffice() is not None)

    @app.get("/plans/{plan_id}/units/{unit_id}/workbook")
    def workbook(plan_id: str, unit_id: str, period: str):
        path, summary, unit = unit_context(plan_id, unit_id)
        with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
            written = pipeline.results_templates(path, period, Path(work), units=[unit_id])[0]
            return _download(written.read_bytes(), f"{unit_id}-{period}.xlsx", XLSX)

    @app.post("/plans/{plan_id}/units/{unit_id}/report")
    async def download_report(request: Request, plan_id: str, unit_id: str, period: str):
        from ..results import Results, check_results
        from ..results.workbook import read_workbook
        from ..validation import validate_fields

        path, summary, unit = unit_context(plan_id, unit_id)
        chosen, items = period_context(summary, period)
        form = await request.form()
        fmt = str(form.get("format") or "docx")
        indicator_ids = [i.id for i in summary["context"].cascade.indicators]
        upload = form.get("workbook")
        if upload is not None and getattr(upload, "filename", ""):
            data, _ = await read_upload(upload, settings, (".xlsx",))
            with tempfile.TemporaryDirectory(prefix="vanban-web-") as work:
                workbook_path = Path(work) / f"{unit_id}.xlsx"
                workbook_path.write_bytes(data)
                results = read_workbook(workbook_path, unit_id=unit_id, period=chosen, indicator_ids=indicator_ids,
                                        item_count=len(items))
        else:
            indicators = {}
            for key in indicator_ids:
                value = str(form.get(f"indicator.{key}") or "").strip()
                if value:
                    if not value.isdigit():
                        raise _fail(f"số liệu «{value}» phải là số nguyên không âm")
                    indicators[key] = int(value)
            texts = {name: str(form.get(name) or "").strip() or None
                     for name in ("leadership", "strengths", "weaknesses", "next_steps", "proposals")}
            texts["results"] = {str(n): str(form.get(f"result.{n}")).strip() for n in range(1, len(items) + 1)
                                if str(form.get(f"result.{n}") or "").strip()}
            number = str(form.get("number") or "").strip()
            data = {"unit": unit_id, "period": chosen.id, "indicators": indicators, "texts": texts,
                    "report": {"number": number or None, "date": str(form.get("date") or "").strip() or None}}
            if str(form.get("signer_name") or "").strip():
                data["signer"] = {"name": str(form.get("signer_name")).strip(), "role": "head"}
            results = validate_fields(Results, data)
            problems = check_results(results, lambda *p: None, unit_id=unit_id, period=chosen,
                                     indicator_ids=indicator_ids, item_count=len(items))
            if problems:
                raise problems[0]
        loaded, document = pipeline.unit_report_document(path, unit_id, chosen.id, results)
        made = pipeline.make_document(document, loaded.registry, pdf=fmt == "pdf")
        return deliver(made, f"{unit_id}-bao-cao-{chosen.id}", fmt)

    # ------------------------------------------------------------ the whole cascade
    @app.get("/plans/{plan_id}/cascade", response_class=HTMLResponse)
    def cascade_page(request: Request, plan_id: str):
        summary = plan_summary(plan_id, plans.path(plan_id))
        return page(request, "cascade.html", plan=summary, count=len(summary["units"]))

    def run_job(job: Job, path: Path) -> None:
        def progress(done: int, total: int, outcome) -> None:
            job.done, job.total = done, total
            job.message = f"Đã tạo {done}/{total}: {outcome.unit}"

        try:
            result = pipeline.cascade(path, job.folder / "out", make_zip=True, progress=progress, workers=1)
            job.zip_path = result.zip_path
            job.status = "xong" if not result.failures else "lỗi"
            job.message = (f"Xong: {len(result.entries)} kế hoạch." if not result.failures else
                           "Có đơn vị lỗi: " + "; ".join(f"{f.unit}: {f.reason}" for f in result.failures[:5]))
        except VanbanError as exc:
            job.status, job.message = "lỗi", str(exc)
        except Exception:  # noqa: BLE001 - shown as a message, never as a stack trace
            job.status, job.message = "lỗi", "lỗi không lường trước khi tạo cả loạt"

    @app.post("/plans/{plan_id}/cascade")
    def start_cascade(request: Request, plan_id: str):
        path = plans.path(plan_id)
        summary = plan_summary(plan_id, path)
        job = Job(secrets.token_hex(8), len(summary["units"]),
                  Path(tempfile.mkdtemp(prefix="vanban-job-", dir=settings.work_dir)))
        with lock:
            jobs[job.id] = job
        threading.Thread(target=run_job, args=(job, path), daemon=True).start()
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"id": job.id})
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def find_job(job_id: str) -> Job:
        if not ID.match(job_id) or job_id not in jobs:
            raise _fail("không có việc này (có thể đã tải xong và được dọn)")
        return jobs[job_id]

    @app.get("/jobs/{job_id}")
    def job_state(request: Request, job_id: str):
        job = find_job(job_id)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"id": job.id, "done": job.done, "total": job.total, "status": job.status,
                                 "message": job.message})
        return page(request, "job.html", job=job)

    @app.get("/jobs/{job_id}/download")
    def job_download(job_id: str):
        job = find_job(job_id)
        if job.zip_path is None or not job.zip_path.is_file():
            raise _fail("tệp nén chưa sẵn sàng")
        data = job.zip_path.read_bytes()
        with lock:
            jobs.pop(job_id, None)
        shutil.rmtree(job.folder, ignore_errors=True)  # the job's folder goes once its result is delivered
        return _download(data, job.zip_path.name, "application/zip")

    # ------------------------------------------------------------ checking any document
    @app.get("/check", response_class=HTMLResponse)
    def check_page(request: Request):
        return page(request, "check.html", report=None)

    @app.post("/check", response_class=HTMLResponse)
    async def check_upload(request: Request):
        form = await request.form()
        upload = form.get("file")
        data, _ = await read_upload(upload, settings, (".docx",))
        name = Path(upload.filename).name
        report = check_docx(data, name)
        groups: dict[str, list] = {}
        for result in report.results:
            if result.failed:
                groups.setdefault(result.rule.element, []).append(result)
        return page(request, "check.html", report=report, name=name, groups=list(groups.items()),
                    errors=report.errors, warnings=report.warnings, unseen=report.unobservable)

    app.state.settings = settings
    app.state.jobs = jobs
    return app

