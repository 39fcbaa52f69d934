"""vanban benchmark: render speed against plain docxtpl, batch throughput, memory and PDF speed.

Everything is measured in one run on this machine, so only the ratios are meaningful across machines:

  (a) plain docxtpl per document: DocxTemplate(path).render(context) and save, for prepared contexts;
  (b) vanban's render path for the same contexts: compiled template → bytes → file;
  (c) the floor: writing the finished bytes of the same files.

Then the check of a generated document (the Gia Lai 2026 cascade as a batch checks it, first document included,
in 3 fresh processes one after the other: the fastest is printed with its render time, the others beside it);
then the whole batch (sub-plan, context, render, manifest; no per-document check) for N synthetic communes
on 1 and on all cores; the national batch — every unit of the 34 provinces, its sub-plan and its two report
forms, about 11,000 documents — with its peak memory and a rerun, every document checked as a batch does by
default, that must give identical files; and with
--pdf the seconds per PDF on all cores (plain and PDF/A-2b, and their ratio), and the seconds per page to import a received plan (its PDF, and
its 300 dpi scan through Tesseract unless --no-ocr).

    python bench/bench.py [--units 1000] [--sample 100] [--no-national] [--pdf] [--pdf-docs 40] [--no-ocr]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PLAN = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
TARGET_RATIO = 15
TARGET_BIG_SECONDS = 20  # for 10,000 documents
TARGET_MEMORY_MB = 200
TARGET_PDF_SECONDS = 0.06
TARGET_CHECK_MS = 2  # issue 18: checking stays on at national scale


def synthetic_plan(folder: Path, units: int) -> Path:
    """A province with the agencies of Gia Lai and ``units`` made-up communes, and the 2026 plan for it."""
    registry = yaml.safe_load((ROOT / "data" / "vn-2025" / "gia-lai.yaml").read_text(encoding="utf-8"))
    kept = [u for u in registry["units"] if u["kind"] != "ubnd-xa"]
    for number in range(1, units + 1):
        name = f"Xã Thử Nghiệm {number}"
        kept.append({
            "id": f"ubnd-xa-thu-nghiem-{number}", "kind": "ubnd-xa", "name": f"Ủy ban nhân dân xã Thử Nghiệm {number}",
            "short_name": f"UBND xã Thử Nghiệm {number}", "header": ["ỦY BAN NHÂN DÂN", f"XÃ THỬ NGHIỆM {number}"],
            "code": "UBND", "place": f"Thử Nghiệm {number}", "parent": "ubnd-tinh", "gso_code": f"{90000 + number}",
            "scope": "xã", "sub_areas": "thôn, tổ dân phố"})
    (folder / "units.yaml").write_text(yaml.safe_dump({"name": "Tỉnh thử nghiệm", "units": kept},
                                                      allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    plan["units"] = "units.yaml"
    plan["cascade"]["issuers"] = ["ubnd-xa"]  # communes only: N documents for N units
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def per_document(seconds: float, count: int) -> float:
    return 1000 * seconds / count


def render_paths(plan: Path, sample: int, work: Path) -> dict:
    from generator import derive, render
    from generator.cascade.subplan import issuing_units, load_context, subplan
    from generator.loading import load_plan

    context = load_context(load_plan(plan))
    units = issuing_units(context)[:sample]
    documents = [subplan(u, context) for u in units]
    contexts = [derive.document_context(d, context.registry) for d in documents]
    template = render.template_for(documents[0])
    render.render_docx(template, contexts[0])  # prepared once per process, as in a batch
    out_a, out_b, out_c = (work / name for name in ("a", "b", "c"))
    for folder in (out_a, out_b, out_c):
        folder.mkdir()
    start = time.perf_counter()
    for index, ctx in enumerate(contexts):
        (out_a / f"{index}.docx").write_bytes(render.render_docx_docxtpl(template, ctx))
    a = time.perf_counter() - start
    finished = []
    start = time.perf_counter()
    for index, ctx in enumerate(contexts):
        data = render.render_docx(template, ctx)
        (out_b / f"{index}.docx").write_bytes(data)
        finished.append(data)
    b = time.perf_counter() - start
    start = time.perf_counter()
    for index, data in enumerate(finished):
        (out_c / f"{index}.docx").write_bytes(data)
    c = time.perf_counter() - start
    return {"a": per_document(a, sample), "b": per_document(b, sample), "c": per_document(c, sample)}


def batch(plan: Path, out: Path, workers: int) -> dict:
    """Run one batch in a fresh process and report its time and the peak memory of it and its workers."""
    code = (
        "import json, resource, sys, time; sys.path.insert(0, %r)\n"
        "from generator.pipeline import cascade\n"
        "t = time.perf_counter(); r = cascade(%r, %r, workers=%d, check=False)\n"
        "s = time.perf_counter() - t\n"
        "print(json.dumps({'seconds': s, 'documents': len(r.entries), 'failures': len(r.failures),"
        " 'self_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " 'children_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " 'sha': [e.sha256 for e in r.entries]}))\n"
    ) % (str(ROOT), str(plan), str(out), workers)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _province_task(task: tuple[str, str, str | None, str, bool]) -> dict:
    """One province, one kind of document: its sub-plans, or its report forms for one period; each document
    checked before it is written when ``check`` (a batch's default)."""
    from generator.batch import SubplanJob, UnitReportJob, run_batch
    from generator.output import write_atomic

    registry, kind, period, out, check = task
    folder = Path(out) / "_plans"
    folder.mkdir(parents=True, exist_ok=True)
    plan = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    plan["units"] = registry
    path = folder / f"{Path(registry).stem}.yaml"
    if not path.exists():  # the province's three tasks may run at once: each file appears whole (renamed in)
        write_atomic(path, yaml.safe_dump(plan, allow_unicode=True, sort_keys=False).encode("utf-8"), durable=False)
    target = Path(out) / Path(registry).stem / (period or "ke-hoach")
    job = SubplanJob(check=check) if kind == "subplan" else UnitReportJob(period, check=check)
    start = time.perf_counter()
    result = run_batch(path, target, job, workers=1)
    return {"seconds": time.perf_counter() - start, "documents": len(result.entries), "failures": len(result.failures),
            "sha": [e.sha256 for e in result.entries], "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def national(out: Path, workers: int, check: bool) -> dict:
    """Every province: each unit's sub-plan and its two report forms (about 3 × 3,321 communes + agencies),
    provinces spread over ``workers`` processes, each document checked when ``check``."""
    from concurrent.futures import ProcessPoolExecutor

    from generator.units import NATIONAL, national_index

    tasks = [(str(NATIONAL / e["file"]), kind, period, str(out), check)
             for e in national_index() for kind, period in (("subplan", None), ("report", "6-thang"), ("report", "nam"))]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_province_task, tasks))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "documents": sum(r["documents"] for r in results),
            "failures": sum(r["failures"] for r in results), "sha": [h for r in results for h in r["sha"]],
            "worker_mb": max(r["rss_kb"] for r in results) / 1024,
            "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def pdf_speed(plan: Path, work: Path, count: int, workers: int) -> dict[str, float]:
    """Seconds per document for a plain PDF and for a PDF/A-2b (vanban's default: LibreOffice's PDF/A
    export, tagged, then the metadata set from the .docx), the same documents, one after the other."""
    from generator.pdf import convert_many

    run = batch(plan, work / "pdf-docs", workers)
    documents = sorted((work / "pdf-docs").glob("*/*.docx"))[:count]
    seconds = {}
    for kind in ("pdf", "pdfa-2b"):
        start = time.perf_counter()
        results = convert_many(documents, workers=workers, kind=kind)
        seconds[kind] = (time.perf_counter() - start) / len(documents)
        failed = [r for r in results if r.pdf is None]
        if failed or not run["documents"]:
            raise SystemExit(f"PDF ({kind}): {len(failed)} lỗi")
    return seconds


def check_speed() -> dict:
    """Milliseconds to render and to check one generated sub-plan, as a batch does it: every unit of the Gia
    Lai 2026 cascade once, in order, in one process (what one document teaches the checker about the next —
    the styles, the paragraphs the cascade repeats — counts; nothing is checked twice). Also the first
    document alone, which knows nothing yet, and a file checked from disk as `vanban check` reads it."""
    from generator import derive, render
    from generator.cascade.subplan import subplan
    from generator.check import check_docx, check_rendered
    from generator.pipeline import unit_documents

    # CPU time of this process: on a shared machine the neighbours' load does not count (one process, no
    # subprocess: render and check are all the time there is)
    clock = time.process_time
    loaded, context, units = unit_documents(ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml")
    documents = [subplan(unit, context) for unit in units]
    rendered, render_s, check_s = [], 0.0, 0.0
    gc.collect()  # what loading and deriving left is not the render's to collect, nor the renders' the check's
    for document in documents:
        start = clock()
        shown = derive.document_context(document, loaded.registry)
        package = render.render_package(render.template_for(document), shown, title=derive.document_title(document))
        render_s += clock() - start
        rendered.append(package)
    gc.collect()
    first = clock()
    check_rendered(rendered[0], "van-ban.docx")
    first = clock() - first
    for data in rendered[1:]:
        start = clock()
        check_rendered(data, "van-ban.docx")
        check_s += clock() - start
    start = clock()
    for package in rendered[:20]:
        check_docx(package.data, "van-ban.docx")
    from_file = (clock() - start) / 20
    return {"render": render_s * 1000 / len(documents), "check": (check_s + first) * 1000 / len(documents),
            "first": first * 1000, "from_file": from_file * 1000, "count": len(documents)}


CHECK_RUNS = 3


def check_speed_runs(runs: int = CHECK_RUNS) -> list[dict]:
    """:func:`check_speed` in fresh processes, one after the other: each knows nothing yet, as a batch's worker
    starts. The load of a shared machine only ever adds time, so the fastest run is the check's own cost; the
    others are printed beside it."""
    code = f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from bench.bench import check_speed; " \
           "print(json.dumps(check_speed()))"
    found = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            raise SystemExit(f"đo tốc độ kiểm tra: lỗi\n{done.stderr}")
        found.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return found


def import_speed(work: Path, ocr: bool) -> dict:
    """Seconds per page to import the Gia Lai 2021 plan as units receive it: its PDF (text layer) and, with
    ``ocr``, its scan (the PDF rasterised at 300 dpi, as an image-only PDF)."""
    from PIL import Image

    from generator.pdf import convert_to_pdf
    from generator.pipeline import import_plan, render_plan

    seed = ROOT / "data" / "gia-lai-2021" / "ke-hoach-dan-van-2021.yaml"
    folder = work / "import"
    folder.mkdir()
    pdf = convert_to_pdf([render_plan(seed, folder).docx], folder)[0]
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            text=True).stdout).group(1))
    start = time.perf_counter()
    runs = 5
    for _ in range(runs):
        import_plan(pdf)
    result = {"pages": pages, "text": (time.perf_counter() - start) / runs / pages}
    if ocr:
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(folder / "trang")], check=True)
        images = [Image.open(path) for path in sorted(folder.glob("trang-*.png"))]
        scan = folder / "ban-quet.pdf"
        images[0].save(scan, save_all=True, append_images=images[1:], resolution=300)
        start = time.perf_counter()
        import_plan(scan)
        result["ocr"] = (time.perf_counter() - start) / pages
    return result


def verdict(ok: bool) -> str:
    return "ĐẠT" if ok else "CHƯA ĐẠT"


def main() -> int:
    parser = argparse.ArgumentParser(description="Đo tốc độ vanban.")
    parser.add_argument("--units", type=int, default=1000, help="số xã giả lập cho lô thường (mặc định 1000)")
    parser.add_argument("--no-national", dest="national", action="store_false",
                        help="bỏ lô toàn quốc (34 tỉnh × 3 văn bản mỗi đơn vị, khoảng 11.000 văn bản)")
    parser.add_argument("--sample", type=int, default=100, help="số văn bản đo docxtpl so với vanban")
    parser.add_argument("--pdf", action="store_true", help="đo cả tốc độ chuyển PDF (cần LibreOffice)")
    parser.add_argument("--pdf-docs", type=int, default=40)
    parser.add_argument("--no-ocr", dest="ocr", action="store_false",
                        help="bỏ phần đo nhập bản quét (Tesseract, khoảng 1 phút)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="vanban-bench-") as temp:
        work = Path(temp)
        (work / "plan").mkdir()
        plan = synthetic_plan(work / "plan", args.units)
        paths = render_paths(plan, args.sample, work)
        print(f"Máy: {cores} lõi; Python {sys.version.split()[0]}; mẫu 4 trang (kế hoạch của xã), {args.sample} văn bản")
        print(f"(a) docxtpl thuần       {paths['a']:7.2f} ms/văn bản  {1000 / paths['a']:8.0f} văn bản/giây")
        print(f"(b) vanban (đường biên dịch) {paths['b']:7.2f} ms/văn bản  {1000 / paths['b']:8.0f} văn bản/giây")
        print(f"(c) sàn: chỉ ghi tệp     {paths['c']:7.2f} ms/văn bản")
        ratio_ab, ratio_bc = paths["a"] / paths["b"], paths["b"] / paths["c"]
        print(f"a/b = {ratio_ab:.1f} (mục tiêu ≥ {TARGET_RATIO}: {verdict(ratio_ab >= TARGET_RATIO)}); b/c = {ratio_bc:.1f}")
        runs = check_speed_runs()
        checked = min(runs, key=lambda run: run["check"])
        print(f"Kiểm tra thể thức kế hoạch cụ thể hóa ({checked['count']} văn bản của cả tầng, như một lô, "
              f"tính cả văn bản đầu tiên): {checked['check']:.2f} ms/văn bản, gấp "
              f"{checked['check'] / checked['render']:.1f} lần dựng ({checked['render']:.2f} ms, cùng lần đo); "
              f"văn bản đầu tiên {checked['first']:.0f} ms; kiểm tra lại một tệp (vanban check) "
              f"{checked['from_file']:.1f} ms; mục tiêu ≤ {TARGET_CHECK_MS} ms: "
              f"{verdict(checked['check'] <= TARGET_CHECK_MS)}")
        print(f"  {len(runs)} lần đo, mỗi lần một tiến trình mới, lấy lần nhanh nhất (máy bận chỉ làm chậm thêm): "
              + " / ".join(f"{run['check']:.2f}" for run in runs) + " ms")
        one = batch(plan, work / "one", 1)
        many = batch(plan, work / "many", cores)
        print(f"Cả lô {args.units} kế hoạch (lập nội dung + dựng + ghi, không kiểm tra): 1 lõi "
              f"{per_document(one['seconds'], one['documents']):.2f} ms/văn bản; {cores} lõi "
              f"{one['documents'] / many['seconds']:.0f} văn bản/giây (×{one['seconds'] / many['seconds']:.2f})")
        if args.national:
            first = national(work / "n1", cores, check=False)
            second = national(work / "n2", cores, check=True)  # the rerun as a batch runs by default
            memory = max(first["worker_mb"], first["main_mb"], second["worker_mb"])
            same = first["sha"] == second["sha"] and not first["failures"] and not second["failures"]
            print(f"Lô toàn quốc (34 tỉnh: kế hoạch và 2 mẫu báo cáo của mỗi đơn vị, không kiểm tra) {first['documents']} văn bản "
                  f"trên {cores} lõi: {first['seconds']:.1f} giây, {first['documents'] / first['seconds']:.0f} văn bản/giây")
            print(f"  mục tiêu 10.000 văn bản ≤ {TARGET_BIG_SECONDS} giây: "
                  f"{verdict(first['seconds'] * 10000 / first['documents'] <= TARGET_BIG_SECONDS)}; "
                  f"bộ nhớ đỉnh {memory:.0f} MB/tiến trình (mục tiêu < {TARGET_MEMORY_MB}: "
                  f"{verdict(memory < TARGET_MEMORY_MB)}); chạy lại giống hệt: {verdict(same)}")
            print(f"  lần chạy lại có kiểm tra thể thức từng văn bản (mặc định của vanban): {second['seconds']:.1f} giây, "
                  f"gấp {second['seconds'] / first['seconds']:.2f} lần không kiểm tra; "
                  f"{second['failures']} văn bản không đạt")
            shutil.rmtree(work / "n1")
            shutil.rmtree(work / "n2")
        if args.pdf:
            speeds = pdf_speed(plan, work, args.pdf_docs, cores)
            plain, archive = speeds["pdf"], speeds["pdfa-2b"]
            print(f"PDF ({args.pdf_docs} văn bản, {cores} tiến trình LibreOffice): PDF thường {plain:.3f} giây/văn bản; "
                  f"PDF/A-2b (lưu trữ, mặc định) {archive:.3f} giây/văn bản, gấp {archive / plain:.2f} lần "
                  f"(mục tiêu PDF/A-2b ≤ {TARGET_PDF_SECONDS}: {verdict(archive <= TARGET_PDF_SECONDS)})")
            ocr = args.ocr and shutil.which("tesseract") is not None and shutil.which("pdftoppm") is not None
            speed = import_speed(work, ocr)
            print(f"Nhập kế hoạch nhận được ({speed['pages']} trang, vanban import): PDF có lớp chữ "
                  f"{speed['text']:.3f} giây/trang" + (f"; bản quét 300 dpi (Tesseract, tiếng Việt) "
                                                       f"{speed['ocr']:.1f} giây/trang" if ocr else
                                                       "; bản quét: bỏ qua (chưa cài tesseract-ocr-vie)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
