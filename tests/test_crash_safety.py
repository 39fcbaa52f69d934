"""Interrupted and failing batches: only complete files, a manifest that says what was done, a rerun that
finishes the job with exactly the files of an uninterrupted run, and hand-edited files never overwritten."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from generator.cli import main

from conftest import ROOT, SEED_PLAN

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"  # 151 documents


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_cascade(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "cascade", str(PLAN_2026), "-o", str(out),
                             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for_documents(out: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while len(list(out.rglob("*.docx"))) < count:
        assert process.poll() is None, "the batch ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean")
    assert main(["cascade", str(PLAN_2026), "-o", str(out), "--workers", "1"]) == 0
    return tree(out)


def test_a_batch_killed_half_way_and_rerun_ends_with_exactly_the_files_of_an_uninterrupted_run(
        tmp_path, uninterrupted, capsys):
    out = tmp_path / "out"
    process = start_cascade(out, "--workers", "1")
    wait_for_documents(out, 20, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    left = tree(out)
    assert 20 <= sum(name.endswith(".docx") for name in left) < 151
    for name, data in left.items():
        if name.endswith(".docx"):  # every document there is whole
            assert data == uninterrupted[name], name

    assert main(["cascade", str(PLAN_2026), "-o", str(out), "--workers", "1"]) == 0
    said = capsys.readouterr().out
    assert re.search(r"Đã tạo (\d+) kế hoạch, giữ nguyên (\d+) đã có từ lần chạy trước", said), said
    made, kept = map(int, re.search(r"Đã tạo (\d+) kế hoạch, giữ nguyên (\d+)", said).groups())
    assert made + kept == 151 and kept >= 20
    assert tree(out) == uninterrupted


def test_every_document_is_in_the_journal_before_it_is_renamed_into_place(tmp_path, monkeypatch):
    """The promise the test above relies on, without timing: at the moment a document's final name appears,
    the journal already holds its line, with the sha256 of the bytes being renamed."""
    import generator.output as output

    out = tmp_path / "out"
    real_replace = os.replace
    renamed = []

    def replace_after_the_journal(source, target):
        target = Path(target)
        if target.suffix == ".docx":
            lines = (out / "manifest.partial.jsonl").read_text(encoding="utf-8").splitlines()
            entries = {json.loads(line)["entry"]["file"]: json.loads(line)["entry"]["sha256"] for line in lines}
            assert entries[str(target.relative_to(out))] == hashlib.sha256(Path(source).read_bytes()).hexdigest()
            renamed.append(target)
        real_replace(source, target)

    monkeypatch.setattr(output.os, "replace", replace_after_the_journal)
    assert main(["cascade", str(SEED_PLAN), "-o", str(out), "--workers", "1"]) == 0
    assert len(renamed) == 40
    assert not (out / "manifest.partial.jsonl").exists()


def test_a_killed_worker_leaves_a_manifest_of_what_was_done_and_the_rerun_completes(tmp_path, uninterrupted):
    out = tmp_path / "out"
    process = start_cascade(out, "--workers", "2")
    wait_for_documents(out, 10, process)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    assert children, "no worker process found"
    os.kill(int(children[0]), signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in err and "chạy lại lệnh" in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failures"] and all((out / d["file"]).is_file() for d in manifest["documents"])

    rerun = subprocess.run([sys.executable, "-m", "generator.cli", "cascade", str(PLAN_2026), "-o", str(out),
                            "--workers", "2"], cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert tree(out) == uninterrupted


def test_a_worker_ends_quietly_when_the_pool_terminates_it():
    """The command stops on SIGTERM by raising, as on Ctrl-C; a forked worker inherits that handler, and when
    one worker dies the pool terminates the others: they must just end (the inherited handler once raised
    inside a weak-reference callback of a worker and printed "Exception ignored … Traceback")."""
    from generator.batch import _init_worker

    def stop(signum, frame):
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, stop)
    try:
        _init_worker(str(SEED_PLAN))
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, before)


def test_sigterm_stops_the_batch_with_exit_130_and_an_interrupted_manifest(tmp_path, uninterrupted):
    out = tmp_path / "out"
    process = start_cascade(out, "--workers", "1")
    wait_for_documents(out, 20, process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Đã dừng theo yêu cầu" in err and "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["interrupted"] is True
    assert len(manifest["documents"]) >= 20
    for document in manifest["documents"]:
        assert (out / document["file"]).read_bytes() == uninterrupted[document["file"]]
    assert not list(out.rglob("*.tmp"))


def test_a_document_edited_in_word_is_kept_unless_force_is_given(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["cascade", str(PLAN_2026), "-o", str(out), "--workers", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    edited = out / manifest["documents"][0]["file"]
    resave_as_word(edited)
    by_hand = edited.read_bytes()
    (out / "ghi-chu-cua-toi.txt").write_text("ghi chép riêng", encoding="utf-8")
    capsys.readouterr()

    code = main(["cascade", str(PLAN_2026), "-o", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "đã được sửa bằng phần mềm khác" in err and "--force" in err
    assert edited.read_bytes() == by_hand
    assert (out / "ghi-chu-cua-toi.txt").read_text(encoding="utf-8") == "ghi chép riêng"

    assert main(["cascade", str(PLAN_2026), "-o", str(out), "--workers", "1", "--force"]) == 0
    assert edited.read_bytes() != by_hand
    assert (out / "ghi-chu-cua-toi.txt").is_file()


def test_render_keeps_a_word_edited_plan_without_force(tmp_path, capsys):
    plan = ROOT / "data" / "gia-lai-2021" / "ke-hoach-dan-van-2021.yaml"
    assert main(["render", str(plan), "-o", str(tmp_path)]) == 0
    target = tmp_path / "ke-hoach-dan-van-2021.docx"
    resave_as_word(target)
    by_hand = target.read_bytes()
    capsys.readouterr()
    assert main(["render", str(plan), "-o", str(tmp_path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == by_hand
    assert main(["render", str(plan), "-o", str(tmp_path), "--force"]) == 0


def test_an_output_folder_that_cannot_be_created_is_a_vietnamese_error_with_exit_1(tmp_path, capsys):
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_text("x")
    code = main(["cascade", str(PLAN_2026), "-o", str(blocker / "out"), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "không ghi được vào thư mục" in err and str(blocker / "out") in err and "Traceback" not in err


def test_a_full_disk_fails_each_file_cleanly_and_leaves_no_partial_file(tmp_path, capsys, monkeypatch):
    import generator.output as output

    real_fdopen = os.fdopen
    opened = {"files": 0}

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen_until_full(fd, *args, **kwargs):
        opened["files"] += 1
        handle = real_fdopen(fd, *args, **kwargs)
        return handle if opened["files"] <= 5 else FullDisk(handle)

    monkeypatch.setattr(output.os, "fdopen", fdopen_until_full)
    out = tmp_path / "out"
    code = main(["cascade", str(PLAN_2026), "-o", str(out), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "ổ đĩa đã đầy" in err and "Traceback" not in err
    assert len(list(out.rglob("*.docx"))) == 5
    assert not list(out.rglob("*.tmp"))

    monkeypatch.setattr(output.os, "fdopen", real_fdopen)
    assert main(["cascade", str(PLAN_2026), "-o", str(out), "--workers", "1"]) == 0
    assert len(list(out.rglob("*.docx"))) == 151


def resave_as_word(path: Path) -> None:
    """What Word does on save that matters here: it rewrites the application and last-modified-by properties."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["docProps/app.xml"] = parts["docProps/app.xml"].replace(b"<Application>vanban</Application>",
                                                                  b"<Application>Microsoft Office Word</Application>")
    parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(b"<cp:lastModifiedBy>vanban</cp:lastModifiedBy>",
                                                                    b"<cp:lastModifiedBy>Nguyen Van A</cp:lastModifiedBy>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
