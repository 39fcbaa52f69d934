"""The ``vanban`` command: a thin Typer shell over the pipeline functions.

Each command parses its options, calls one library function and prints the result. Errors are
printed in Vietnamese with their location; ``--debug`` shows the Python traceback as well.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import accounts, pipeline
from .cli_vi import (
    ARGUMENTS_PANEL,
    COMMANDS_PANEL,
    OPTIONS_PANEL,
    UsageError,
    VietnameseCommand,
    VietnameseGroup,
    install_rich_texts,
    usage_error_message,
)
from .check import report as check_report
from .errors import ExitCode, InputError, Location, VanbanError

app = typer.Typer(
    cls=VietnameseGroup,
    help="vanban — soạn kế hoạch, kế hoạch cụ thể hóa và báo cáo đúng thể thức "
         "Nghị định 30/2020/NĐ-CP, từ dữ liệu YAML.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

_state = {"debug": False}
install_rich_texts()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", metavar="", help="Khi có lỗi, in thêm chi tiết kỹ thuật (traceback).",
                                        rich_help_panel=OPTIONS_PANEL)] = False,
) -> None:
    _state["debug"] = _state["debug"] or debug


WorkersOption = Annotated[int | None, typer.Option(
    "--workers", metavar="SỐ", min=1, help="Số tiến trình chạy song song (mặc định: số lõi CPU).",
    rich_help_panel=OPTIONS_PANEL)]
PdfOption = Annotated[bool, typer.Option("--pdf", metavar="", help="Tạo thêm bản PDF của mỗi văn bản (cần LibreOffice).",
                                         rich_help_panel=OPTIONS_PANEL)]
PdfKind = Enum("PdfKind", {kind.replace("-", "_"): kind for kind in pipeline.PDF_KINDS}, type=str)
PdfKindOption = Annotated[PdfKind | None, typer.Option(
    "--pdf-kind", metavar="LOẠI",
    help="Loại PDF: pdf (PDF thường), pdfa-2b (PDF/A-2b để lưu trữ, mặc định), pdfa-3b (PDF/A-3b kèm tệp .docx "
         "gốc và tệp dữ liệu đặc tả). Ghi loại PDF là đã yêu cầu tạo PDF.", show_default=False,
    rich_help_panel=OPTIONS_PANEL)]
EdxmlOption = Annotated[bool, typer.Option(
    "--edxml", metavar="", help="Ghi thêm gói tin edXML (QCVN 102:2016/BTTTT) bên cạnh mỗi văn bản, kèm tệp văn "
    "bản (và PDF), để đưa vào hệ thống quản lý văn bản và điều hành.", rich_help_panel=OPTIONS_PANEL)]
PrintPdfOption = Annotated[bool, typer.Option(
    "--print-pdf", metavar="", help="Ghép PDF của mọi văn bản, theo thứ tự trong danh mục, thành một tệp để in "
    "(<kế hoạch>-ban-in.pdf); tự tạo PDF.", rich_help_panel=OPTIONS_PANEL)]
ElectronicOption = Annotated[bool, typer.Option(
    "--electronic", metavar="", help="Văn bản điện tử: để trống số và ngày cho hệ thống quản lý văn bản cấp "
    "(Điều 15 Nghị định 30/2020/NĐ-CP); bản PDF có sẵn ô chữ ký số ở vị trí người ký.",
    rich_help_panel=OPTIONS_PANEL)]
ForceOption = Annotated[bool, typer.Option("--force", metavar="", help="Ghi đè cả tệp đã được sửa bằng Word "
                                           "hoặc phần mềm khác.", rich_help_panel=OPTIONS_PANEL)]
CheckOption = Annotated[bool, typer.Option(
    "--check/--no-check", help="Kiểm tra thể thức từng văn bản trước khi ghi (--no-check: bỏ kiểm tra để chạy lô rất "
    "lớn nhanh hơn).", show_default="có kiểm tra", rich_help_panel=OPTIONS_PANEL)]
PlanArgument = Annotated[Path, typer.Argument(
    metavar="KẾ_HOẠCH.yaml", help="Tệp dữ liệu kế hoạch (YAML).", rich_help_panel=ARGUMENTS_PANEL,
    show_default=False)]
OutOption = Annotated[Path, typer.Option(
    "--out", "-o", metavar="THƯ_MỤC", help="Thư mục ghi văn bản.", rich_help_panel=OPTIONS_PANEL)]


@app.command(cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def render(
    plan: PlanArgument,
    out: OutOption = Path("out"),
    pdf: Annotated[bool, typer.Option("--pdf", metavar="", help="Tạo thêm bản PDF (cần LibreOffice).",
                                      rich_help_panel=OPTIONS_PANEL)] = False,
    force: ForceOption = False,
) -> None:
    """Tạo văn bản .docx (và PDF) từ một tệp kế hoạch."""
    result = pipeline.render_plan(plan, out, pdf=pdf, force=force)
    typer.echo(str(result.docx))
    if result.pdf:
        typer.echo(str(result.pdf))
    if not result.report.ok:
        typer.echo(check_report.as_text(result.report), err=True)
        raise typer.Exit(ExitCode.FAILED)


@app.command(cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def cascade(
    plan: PlanArgument,
    out: OutOption = Path("out/cascade"),
    unit: Annotated[list[str] | None, typer.Option(
        "--unit", metavar="MÃ_ĐƠN_VỊ", help="Chỉ tạo cho đơn vị này (dùng nhiều lần cho nhiều đơn vị).",
        rich_help_panel=OPTIONS_PANEL)] = None,
    make_zip: Annotated[bool, typer.Option("--zip", metavar="", help="Đóng gói toàn bộ vào một tệp .zip.",
                                           rich_help_panel=OPTIONS_PANEL)] = False,
    workers: WorkersOption = None,
    pdf: PdfOption = False,
    pdf_kind: PdfKindOption = None,
    print_pdf: PrintPdfOption = False,
    edxml: EdxmlOption = False,
    electronic: ElectronicOption = False,
    check: CheckOption = True,
    force: ForceOption = False,
) -> None:
    """Tạo kế hoạch cụ thể hóa của mọi đơn vị được giao (hoặc của các đơn vị --unit), kèm tệp dữ liệu đặc tả
    của từng văn bản và sổ đăng ký văn bản đi."""
    with _progress("Đang tạo kế hoạch") as bar:
        task = bar.add_task("", total=None)
        result = pipeline.cascade(plan, out, units=unit, workers=workers, make_zip=make_zip, check=check, pdf=pdf,
                                  force=force, pdf_kind=pdf_kind.value if pdf_kind else None, print_pdf=print_pdf, edxml=edxml,
                                  electronic=electronic,
                                  progress=lambda done, total, o: bar.update(task, completed=done, total=total,
                                                                             description=o.unit))
    _batch_summary(result, "kế hoạch")


PeriodOption = Annotated[str, typer.Option("--period", metavar="KỲ", help="Mã kỳ báo cáo trong kế hoạch "
                                           "(ví dụ 6-thang, nam).", rich_help_panel=OPTIONS_PANEL)]
UnitOption = Annotated[list[str] | None, typer.Option(
    "--unit", metavar="MÃ_ĐƠN_VỊ", help="Chỉ làm cho đơn vị này (dùng nhiều lần cho nhiều đơn vị).",
    rich_help_panel=OPTIONS_PANEL)]
ResultsOption = Annotated[Path | None, typer.Option(
    "--results", metavar="THƯ_MỤC", help="Thư mục tệp kết quả của các đơn vị (<mã đơn vị>.xlsx hoặc .yaml).",
    rich_help_panel=OPTIONS_PANEL)]


def _progress(label: str):
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.description}"), transient=True, disable=not sys.stderr.isatty())


def _batch_summary(result, what: str) -> None:
    for notice in result.notices:
        typer.echo(str(notice), err=True)
    for failure in result.failures:
        typer.echo(f"Lỗi ở đơn vị {failure.unit}: {failure.reason}", err=True)
    made = len(result.entries) - result.skipped
    done = (f"Đã tạo {made} {what}, giữ nguyên {result.skipped} đã có từ lần chạy trước (dữ liệu không đổi)"
            if result.skipped else f"Đã tạo {made} {what}")
    typer.echo(f"{done} trong {result.out_dir}"
               + (f", {len(result.failures)} đơn vị lỗi" if result.failures else "")
               + f"; danh mục: {result.out_dir / 'manifest.json'}, {result.out_dir / 'manifest.csv'}")
    if result.entries:
        extras = ["dữ liệu đặc tả (Phụ lục VI Nghị định 30/2020/NĐ-CP): tệp .metadata.xml"]
        if result.pdf_kind:
            extras.append(f"{pipeline.pdf_kind_label(result.pdf_kind)}: tệp .pdf")
        appendices = sum(1 for e in result.entries if e.appendix)
        if appendices:
            extras.append(f"phụ lục là tệp riêng ({appendices} văn bản có phụ lục): tệp -phu-luc.docx"
                          + (" và -phu-luc.pdf" if any(e.appendix_pdf for e in result.entries) else ""))
        if any(e.edxml for e in result.entries):
            extras.append("gói tin edXML: tệp .edxml")
        typer.echo("Bên cạnh mỗi văn bản: " + "; ".join(extras))
    if result.register_path:
        typer.echo(f"Sổ đăng ký văn bản đi: {result.register_path}")
    if result.print_path:
        typer.echo(f"Bản in (mọi PDF trong một tệp): {result.print_path}")
    if result.zip_path:
        typer.echo(f"Tệp nén: {result.zip_path}")
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@app.command("results-template", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def results_template(plan: PlanArgument, period: PeriodOption, out: OutOption = Path("out/ket-qua"),
                     unit: UnitOption = None,
                     force: Annotated[bool, typer.Option("--force", metavar="", help="Ghi đè cả sổ đã có số liệu "
                                                         "hoặc đã được lưu bằng Excel, LibreOffice.",
                                                         rich_help_panel=OPTIONS_PANEL)] = False) -> None:
    """Tạo sổ Excel để từng đơn vị điền số liệu và nội dung báo cáo của một kỳ (giữ nguyên sổ đã điền)."""
    written = pipeline.results_templates(plan, period, out, units=unit, force=force)
    for path, why in written.kept:
        typer.echo(f"{Location(path)}: {why} ({pipeline.KEPT_HINT})", err=True)
    made = len(written) - len(written.kept)
    typer.echo(f"Đã tạo {made} sổ Excel trong {out}"
               + (f", giữ nguyên {len(written.kept)} sổ đã điền hoặc đã sửa" if written.kept else ""))


@app.command(cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def report(plan: PlanArgument, period: PeriodOption, out: OutOption = Path("out/bao-cao"),
           results: ResultsOption = None, unit: UnitOption = None,
           make_zip: Annotated[bool, typer.Option("--zip", metavar="", help="Đóng gói toàn bộ vào một tệp .zip.",
                                                  rich_help_panel=OPTIONS_PANEL)] = False,
           workers: WorkersOption = None, pdf: PdfOption = False, pdf_kind: PdfKindOption = None,
           print_pdf: PrintPdfOption = False, edxml: EdxmlOption = False, electronic: ElectronicOption = False,
           check: CheckOption = True, force: ForceOption = False) -> None:
    """Tạo báo cáo của từng đơn vị cho một kỳ: điền từ tệp kết quả nếu có, nếu không là mẫu để trống; kèm tệp
    dữ liệu đặc tả của từng văn bản và sổ đăng ký văn bản đi."""
    with _progress("Đang tạo báo cáo") as bar:
        task = bar.add_task("", total=None)
        result = pipeline.unit_reports(plan, period, out, results_dir=results, units=unit, make_zip=make_zip,
                                       workers=workers, check=check, pdf=pdf, force=force,
                                       pdf_kind=pdf_kind.value if pdf_kind else None,
                                       print_pdf=print_pdf, edxml=edxml, electronic=electronic,
                                       progress=lambda done, total, o: bar.update(task, completed=done, total=total,
                                                                                  description=o.unit))
    _batch_summary(result, "báo cáo")


@app.command(cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def consolidate(plan: PlanArgument, period: PeriodOption,
                results: Annotated[Path, typer.Option("--results", metavar="THƯ_MỤC",
                                                      help="Thư mục tệp kết quả của các đơn vị.",
                                                      rich_help_panel=OPTIONS_PANEL)],
                out: OutOption = Path("out")) -> None:
    """Tổng hợp báo cáo của các đơn vị thành báo cáo của cơ quan ban hành kế hoạch."""
    result = pipeline.consolidate(plan, period, results, out)
    for notice in result.notices:
        typer.echo(str(notice), err=True)
    typer.echo(str(result.docx))
    typer.echo(f"Đã báo cáo: {len(result.reported)}/{len(result.reported) + len(result.missing)} đơn vị")
    if result.missing:
        typer.echo("Chưa báo cáo: " + "; ".join(result.names[u] for u in result.missing))
    if result.late:
        typer.echo("Báo cáo chậm: " + "; ".join(result.names[u] for u in result.late))
    if not result.report.ok:
        typer.echo(check_report.as_text(result.report), err=True)
        raise typer.Exit(ExitCode.FAILED)


@app.command(cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def remind(plan: PlanArgument, period: PeriodOption,
           results: Annotated[Path, typer.Option("--results", metavar="THƯ_MỤC",
                                                 help="Thư mục tệp kết quả của các đơn vị.",
                                                 rich_help_panel=OPTIONS_PANEL)],
           out: OutOption = Path("out"),
           by: Annotated[str | None, typer.Option("--by", metavar="NGÀY", help="Hạn mới đề nghị gửi báo cáo, ví dụ "
                                                  "15/5/2021 (mặc định: hạn của kỳ cộng 5 ngày).",
                                                  rich_help_panel=OPTIONS_PANEL)] = None,
           force: ForceOption = False) -> None:
    """Tạo công văn đôn đốc các đơn vị chưa gửi báo cáo của một kỳ (văn bản của đơn vị tổng hợp)."""
    result = pipeline.remind(plan, period, results, out, by=by, force=force)
    typer.echo(f"Đã báo cáo: {len(result.reported)}/{result.total} đơn vị")
    if result.docx is None:
        typer.echo("Tất cả các đơn vị đã gửi báo cáo; không cần công văn đôn đốc.")
    else:
        typer.echo(str(result.docx))
        typer.echo(f"Công văn đôn đốc gửi {len(result.missing)} đơn vị chưa báo cáo, đề nghị gửi trước ngày "
                   f"{result.by.day}/{result.by.month}/{result.by.year}.")
    if result.late:
        typer.echo("Báo cáo chậm: " + "; ".join(result.names[u] for u in result.late))
    if result.incomplete:
        typer.echo("Báo cáo còn thiếu nội dung: " + "; ".join(result.names[u] for u in result.incomplete))
    if result.report is not None and not result.report.ok:
        typer.echo(check_report.as_text(result.report), err=True)
        raise typer.Exit(ExitCode.FAILED)


@app.command("import", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def import_(
    source: Annotated[Path, typer.Argument(metavar="TỆP", help="Kế hoạch nhận được: .docx, .pdf (có lớp chữ hoặc bản "
                                           "quét), ảnh quét .png/.jpg/.tif, .txt hoặc .md.",
                                           rich_help_panel=ARGUMENTS_PANEL, show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="KẾ_HOẠCH.yaml", help="Tệp dữ liệu kế hoạch sẽ ghi.",
                                      rich_help_panel=OPTIONS_PANEL)],
    units: Annotated[Path | None, typer.Option("--units", metavar="SỔ_ĐƠN_VỊ.yaml",
                                               help="Sổ đơn vị để nhận ra đơn vị ban hành và các đơn vị phải cụ thể "
                                                    "hóa (mặc định: sổ của tỉnh ban hành, theo ngày của văn bản).",
                                               rich_help_panel=OPTIONS_PANEL)] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", metavar="MÃ_ĐƠN_VỊ",
                                               help="Mã đơn vị ban hành trong sổ đơn vị (khi văn bản không có tiêu đề).",
                                               rich_help_panel=OPTIONS_PANEL)] = None,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Ghi đè tệp đã có.",
                                        rich_help_panel=OPTIONS_PANEL)] = False,
) -> None:
    """Chuyển một kế hoạch nhận được (Word, PDF, bản quét, văn bản chép từ trang web) thành dữ liệu kế hoạch YAML,
    kèm đề xuất các đơn vị phải cụ thể hóa, đơn vị tổng hợp và kỳ báo cáo để chạy ngay vanban cascade."""
    imported = pipeline.import_plan(source, units=units, issuer=issuer)
    saved = pipeline.save_import(imported, out, source_name=source.name, force=force)
    typer.echo(f"Đã ghi: {saved.plan}")
    if saved.units is not None:
        typer.echo(f"Đã ghi sổ đơn vị: {saved.units}")
    if "cascade" not in imported.plan:
        typer.echo("Chưa có mục «cascade»: hãy bổ sung theo các dòng dưới đây trước khi chạy vanban cascade.")
    for item in imported.review:
        typer.echo(f"Cần xem lại: {item.text}", err=True)


units_app = typer.Typer(cls=VietnameseGroup, no_args_is_help=True,
                        help="Tra cứu sổ đơn vị (34 tỉnh, thành phố và 3.321 xã, phường từ 01/7/2025; "
                             "sổ năm 2021) và chuyển dữ liệu cũ sang đơn vị mới.")
app.add_typer(units_app, name="units", rich_help_panel=COMMANDS_PANEL)
RegistryOption = Annotated[Path | None, typer.Option(
    "--registry", metavar="SỔ.yaml", help="Dùng sổ đơn vị này thay cho sổ toàn quốc từ 01/7/2025.",
    rich_help_panel=OPTIONS_PANEL)]
ProvinceOption = Annotated[str | None, typer.Option(
    "--province", metavar="TỈNH", help="Tỉnh, thành phố (mã, tên hoặc mã GSO; không cần dấu).",
    rich_help_panel=OPTIONS_PANEL)]


@units_app.command("list", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def units_list(
    province: ProvinceOption = None,
    kind: Annotated[str | None, typer.Option("--kind", metavar="LOẠI", help="Loại đơn vị, ví dụ ubnd-xa.",
                                             rich_help_panel=OPTIONS_PANEL)] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", metavar="CHỮ", help="Tìm theo tên, không cần dấu.",
                                               rich_help_panel=OPTIONS_PANEL)] = None,
    registry: RegistryOption = None,
) -> None:
    """Liệt kê đơn vị (lọc theo tỉnh, loại, tên)."""
    found = pipeline.find_units(province=province, kind=kind, search=search, registry=registry)
    for item in found:
        prefix = f"{item.province}/" if item.province and province is None else ""
        code = f"  [{item.unit.gso_code}]" if item.unit.gso_code else ""
        typer.echo(f"{prefix}{item.unit.id}  {item.unit.name}  ({item.unit.kind}){code}")
    typer.echo(f"{len(found)} đơn vị", err=True)


@units_app.command("show", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def units_show(
    unit_id: Annotated[str, typer.Argument(metavar="MÃ", help="Mã đơn vị (có thể kèm tỉnh: gia-lai/ubnd-xa-ia-o).",
                                           rich_help_panel=ARGUMENTS_PANEL, show_default=False)],
    province: ProvinceOption = None,
    registry: RegistryOption = None,
) -> None:
    """Xem một đơn vị: tên, tiêu đề văn bản, ký hiệu, địa danh, chức danh ký."""
    lines = pipeline.describe_unit(unit_id, province=province, registry=registry)
    typer.echo("\n".join(lines))


@units_app.command("migrate", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def units_migrate(
    source: Annotated[Path, typer.Argument(metavar="TỆP.yaml", help="Tệp kế hoạch hoặc tệp kết quả dùng đơn vị cũ.",
                                           rich_help_panel=ARGUMENTS_PANEL, show_default=False)],
    to: Annotated[str, typer.Option("--to", metavar="TỈNH|SỔ.yaml", help="Tỉnh, thành phố từ 01/7/2025 (hoặc một "
                                    "tệp sổ đơn vị).", rich_help_panel=OPTIONS_PANEL)],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="TỆP_MỚI.yaml", help="Tệp ghi kết quả.",
                                      rich_help_panel=OPTIONS_PANEL)],
    old_units: Annotated[Path | None, typer.Option("--old-units", metavar="SỔ_CŨ.yaml",
                                                   help="Sổ đơn vị cũ (cho tệp kết quả).",
                                                   rich_help_panel=OPTIONS_PANEL)] = None,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Ghi đè tệp đã có.",
                                        rich_help_panel=OPTIONS_PANEL)] = False,
) -> None:
    """Chuyển kế hoạch, tệp kết quả từ đơn vị trước 01/7/2025 (huyện, xã cũ) sang đơn vị hiện nay."""
    report = pipeline.migrate_units(source, to, out, old_units=old_units, force=force)
    typer.echo(report.text())
    typer.echo(f"Đã ghi {report.out}")
    if report.decisions:
        typer.echo(f"{len(report.decisions)} chỗ cần người quyết định (xem các dòng [cần quyết định], "
                   "[không tìm thấy]).", err=True)


users_app = typer.Typer(cls=VietnameseGroup, no_args_is_help=True,
                        help="Tài khoản đăng nhập trang web: quản trị viên và tài khoản của từng đơn vị.")
app.add_typer(users_app, name="users", rich_help_panel=COMMANDS_PANEL)
StateOption = Annotated[Path | None, typer.Option(
    "--state", metavar="THƯ_MỤC", help="Thư mục dữ liệu của trang web (cơ sở dữ liệu, tệp); mặc định: biến "
    "VANBAN_STATE_DIR hoặc ~/.local/share/vanban.", rich_help_panel=OPTIONS_PANEL, show_default=False)]
PasswordStdinOption = Annotated[bool, typer.Option(
    "--password-stdin", metavar="", help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn (cho kịch bản), không hỏi.",
    rich_help_panel=OPTIONS_PANEL)]
UsernameArgument = Annotated[str, typer.Argument(metavar="TÊN", help="Tên đăng nhập.", rich_help_panel=ARGUMENTS_PANEL,
                                                 show_default=False)]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Mật khẩu (ít nhất 10 ký tự)", hide_input=True)
    if typer.prompt("Nhập lại mật khẩu", hide_input=True) != first:
        raise InputError("hai lần nhập mật khẩu không khớp")
    return first


@users_app.command("add", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def users_add(
    username: UsernameArgument,
    admin: Annotated[bool, typer.Option("--admin", metavar="", help="Tài khoản quản trị (Văn phòng, Sở Nội vụ): "
                                        "mở được mọi đơn vị.", rich_help_panel=OPTIONS_PANEL)] = False,
    unit: Annotated[str | None, typer.Option("--unit", metavar="MÃ_ĐƠN_VỊ", help="Tài khoản của một đơn vị, ví dụ "
                                             "so-tu-phap.", rich_help_panel=OPTIONS_PANEL)] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="HỌ_TÊN", help="Tên hiển thị trên trang.",
                                             rich_help_panel=OPTIONS_PANEL)] = None,
    password_stdin: PasswordStdinOption = False,
    state: StateOption = None,
) -> None:
    """Tạo tài khoản (hỏi mật khẩu hai lần, không hiện chữ)."""
    db = accounts.open_store(state)
    user = accounts.add_user(db, username, _password(password_stdin), admin=admin, unit_id=unit, display_name=name)
    typer.echo(f"Đã tạo tài khoản {accounts.describe(user)}")


@users_app.command("list", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def users_list(state: StateOption = None) -> None:
    """Liệt kê các tài khoản."""
    found = accounts.list_users(accounts.open_store(state))
    for user in found:
        typer.echo(accounts.describe(user))
    typer.echo(f"{len(found)} tài khoản", err=True)


@users_app.command("invite", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def users_invite(
    unit: Annotated[list[str] | None, typer.Option("--unit", metavar="MÃ", help="Đơn vị được mời (nêu nhiều lần "
                                                   "để mời nhiều đơn vị).", rich_help_panel=OPTIONS_PANEL)] = None,
    plan: Annotated[Path | None, typer.Option("--plan", metavar="KẾ_HOẠCH.yaml", help="Kế hoạch: kiểm tra đơn vị "
                                              "và lấy tên đơn vị.", rich_help_panel=OPTIONS_PANEL)] = None,
    all_units: Annotated[bool, typer.Option("--all-units", metavar="", help="Mời mọi đơn vị phải cụ thể hóa kế "
                                            "hoạch (cần --plan).", rich_help_panel=OPTIONS_PANEL)] = False,
    hours: Annotated[int, typer.Option("--hours", metavar="GIỜ", help="Đường dẫn dùng được trong bao nhiêu giờ.",
                                       rich_help_panel=OPTIONS_PANEL)] = 72,
    url: Annotated[str | None, typer.Option("--url", metavar="ĐỊA_CHỈ", help="Địa chỉ trang web mà các đơn vị mở "
                                            "(mặc định: biến VANBAN_PUBLIC_URL hoặc http://127.0.0.1:8000).",
                                            rich_help_panel=OPTIONS_PANEL, show_default=False)] = None,
    csv: Annotated[Path | None, typer.Option("--csv", metavar="TỆP.csv", help="Ghi thêm danh sách đường dẫn ra tệp "
                                             "CSV để trộn thư.", rich_help_panel=OPTIONS_PANEL)] = None,
    state: StateOption = None,
) -> None:
    """In đường dẫn mời dùng một lần cho từng đơn vị: đơn vị mở đường dẫn để tự đặt tên đăng nhập và mật khẩu."""
    units = accounts.choose_units(unit or [], plan, all_units)
    links = accounts.invite_units(accounts.open_store(state), units, hours=hours, base_url=url)
    for link in links:
        typer.echo(f"{link.unit_name} — {link.url}")
    typer.echo(f"{len(links)} đường dẫn mời, dùng được đến {accounts.expires(links[-1])}" if links else "", err=True)
    if csv is not None:
        typer.echo(f"Đã ghi {accounts.write_links_csv(links, csv)}")


@users_app.command("passwd", cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def users_passwd(username: UsernameArgument, password_stdin: PasswordStdinOption = False,
                 state: StateOption = None) -> None:
    """Đặt mật khẩu mới cho một tài khoản (các phiên đăng nhập bằng mật khẩu cũ kết thúc)."""
    db = accounts.open_store(state)
    accounts.find_user(db, username)
    user = accounts.change_password(db, username, _password(password_stdin))
    typer.echo(f"Đã đặt mật khẩu mới cho {user.username}")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command(cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def serve(
    host: Annotated[str, typer.Option("--host", metavar="ĐỊA_CHỈ", help="Địa chỉ lắng nghe (0.0.0.0 để máy khác "
                                      "trong cơ quan truy cập được; khi đó phải đăng nhập).",
                                      rich_help_panel=OPTIONS_PANEL)] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="CỔNG", help="Cổng.", rich_help_panel=OPTIONS_PANEL)] = 8000,
    state: StateOption = None,
) -> None:
    """Mở trang web cho văn thư: chọn kế hoạch, đơn vị, tải kế hoạch, báo cáo, kiểm tra văn bản."""
    import uvicorn  # heavy (with FastAPI behind it): loaded only by `vanban serve`, never by the other commands

    # the app is built by uvicorn from its name: the settings reach it through the environment
    os.environ["VANBAN_REQUIRE_LOGIN"] = "0" if host.strip("[]") in LOOPBACK else "1"
    if state is not None:
        os.environ[accounts.STATE_ENV] = str(state.resolve())
    if os.environ["VANBAN_REQUIRE_LOGIN"] == "1":
        typer.echo("Máy khác truy cập được: mọi trang cần đăng nhập.")
        if not accounts.has_admin(accounts.open_store(state)):
            typer.echo("Chưa có tài khoản quản trị: hãy tạo bằng «vanban users add TÊN --admin».", err=True)
    typer.echo(f"vanban đang chạy tại http://{host}:{port} — nhấn Ctrl+C để dừng.")
    # uvicorn builds the app from its name, so the other commands never load the web app and FastAPI
    uvicorn.run("generator.web:create_app", factory=True, host=host, port=port, log_level="warning")


@app.command(cls=VietnameseCommand, rich_help_panel=COMMANDS_PANEL)
def check(
    files: Annotated[list[Path], typer.Argument(
        metavar="TỆP.docx...", help="Một hoặc nhiều tệp Word (.docx) cần kiểm tra.",
        rich_help_panel=ARGUMENTS_PANEL, show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="In kết quả dạng JSON (cho máy đọc).",
                                          rich_help_panel=OPTIONS_PANEL)] = False,
    fix: Annotated[bool, typer.Option("--fix", metavar="", help="Sửa các lỗi sửa được an toàn (phông, cỡ chữ, lề, "
                                      "số 0 trong ngày tháng, gạch nối Tiêu ngữ) và ghi ra tệp -o.",
                                      rich_help_panel=OPTIONS_PANEL)] = False,
    comments: Annotated[bool, typer.Option("--comments", metavar="", help="Ghi bản sao có ghi chú (comment) của "
                                           "Word tại từng lỗi ra tệp -o; tệp gốc giữ nguyên.",
                                           rich_help_panel=OPTIONS_PANEL)] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="TỆP_MỚI.docx",
                                             help="Tệp ghi bản đã sửa (--fix) hoặc bản có ghi chú (--comments).",
                                             rich_help_panel=OPTIONS_PANEL)] = None,
    force: Annotated[bool, typer.Option("--force", metavar="", help="Ghi đè tệp -o đã có (dùng với --comments).",
                                        rich_help_panel=OPTIONS_PANEL)] = False,
) -> None:
    """Kiểm tra thể thức văn bản .docx theo Nghị định 30/2020/NĐ-CP; mã thoát 1 nếu có lỗi."""
    if fix and comments:
        raise InputError("--fix và --comments không dùng cùng lúc: hãy sửa trước, rồi kiểm tra bản đã sửa")
    if comments:
        if out is None or len(files) != 1:
            raise InputError("--comments cần đúng một tệp và tùy chọn -o TỆP_MỚI.docx")
        commented = pipeline.comment_file(files[0], out, force=force)
        reports = [commented.report]
        if not as_json:
            typer.echo(f"Đã ghi {out} ({commented.comments} ghi chú)")
    elif fix:
        if out is None or len(files) != 1:
            raise InputError("--fix cần đúng một tệp và tùy chọn -o TỆP_MỚI.docx")
        if out.resolve() == files[0].resolve():
            raise InputError("tệp sửa (-o) phải khác tệp gốc để giữ nguyên bản gốc", Location(out))
        fixed = pipeline.fix_file(files[0], out)
        reports = [fixed.report]
        if not as_json:
            typer.echo("Đã sửa:" if fixed.changes else "Không có gì sửa được tự động.")
            for change in fixed.changes:
                typer.echo(f"  - {change}")
            typer.echo(f"Đã ghi {fixed.target}")
    else:
        reports = pipeline.check_files(files)
    if as_json:
        typer.echo(check_report.as_json(reports))
    else:
        for report in reports:
            typer.echo(check_report.as_text(report))
    if not all(report.ok for report in reports):
        raise typer.Exit(ExitCode.FAILED)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code (errors.ExitCode)."""
    argv = sys.argv[1:] if argv is None else argv
    _state["debug"] = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]  # accepted anywhere on the line, not only before the command
    _stop_on_sigterm()
    try:
        # Without standalone mode Typer returns the exit code of typer.Exit instead of raising it.
        result = app(args=argv, prog_name="vanban", standalone_mode=False)
        if result == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C inside a command into Exit(130), which Click returns
            return _interrupted()
        if isinstance(result, int):
            return result
    except VanbanError as error:
        _report(f"Lỗi: {error}")
        return error.exit_code
    except UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError":
            return ExitCode.OK  # the help has been shown
        commands = [c.name for c in app.registered_commands if c.name] + [
            c.callback.__name__ for c in app.registered_commands if c.callback]
        message = usage_error_message(error, commands)
        _report(f"Lỗi: {message}{'' if message.endswith('?') else '.'} Chạy «vanban --help» để xem hướng dẫn.")
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        return _interrupted()
    except typer.Exit as stop:
        return stop.exit_code
    except Exception as error:  # noqa: BLE001 - the last guard: no traceback for users
        _report(f"Lỗi không lường trước: {error!r}. Chạy lại với --debug để xem chi tiết và báo cho nhóm phát triển.")
        return ExitCode.FAILED
    return ExitCode.OK


def _interrupted() -> int:
    if not _state["debug"]:
        # an object the interruption left half-used (a zip being read) is closed as Python exits; its error
        # there is printed as a traceback Python calls "ignored": the run has stopped, nothing to tell
        sys.unraisablehook = lambda unraisable: None
    _report("Đã dừng theo yêu cầu; các tệp đã ghi xong vẫn nguyên vẹn, danh mục manifest.json ghi rõ phần đã làm. "
            "Chạy lại đúng lệnh đó để làm tiếp.")
    return ExitCode.INTERRUPTED


def _stop_on_sigterm() -> None:
    """SIGTERM (a service stopping, `kill`) stops a run like Ctrl-C: files done stay, the manifest says so."""
    if threading.current_thread() is threading.main_thread():
        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)


def _report(message: str) -> None:
    if _state["debug"]:
        traceback.print_exc()
    typer.echo(message, err=True)


if __name__ == "__main__":
    sys.exit(main())
