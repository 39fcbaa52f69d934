"""Installable anywhere: package data found through generator.resources, built-in registry names, one list of
exit codes, and a wheel that works from an empty folder in a fresh virtual environment."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from generator import resources
from generator.cli import main
from generator.errors import ExitCode, InputError, InputErrors, TemplateError, VanbanError
from generator.loading import load_plan
from generator.pipeline import render_plan
from generator.render import templates_dir

from conftest import ROOT, SEED_PLAN

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
SHIPPED_UNITS_LINE = "units: ../vn-2025/gia-lai.yaml"
BUILT_IN_UNITS_LINE = "units: vn-2025/gia-lai"


def plan_2026_naming_the_built_in_registry(folder: Path) -> Path:
    text = PLAN_2026.read_text(encoding="utf-8")
    assert SHIPPED_UNITS_LINE in text
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PLAN_2026.name
    path.write_text(text.replace(SHIPPED_UNITS_LINE, BUILT_IN_UNITS_LINE), encoding="utf-8")
    return path


# ---------------------------------------------------------------- in the checkout


def test_every_folder_of_the_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    folders = {".".join(p.relative_to(ROOT).parts) for p in (ROOT / "generator").rglob("*")
               if p.is_dir() and p.name != "__pycache__" and any(c.name != "__pycache__" for c in p.iterdir())}
    assert folders | {"generator"} <= listed, "add these packages to [tool.setuptools] packages in pyproject.toml"
    mapped = config["package-dir"]
    assert mapped == {"generator.templates_docx": "templates_docx", "generator.datasets": "data"}


def test_the_package_data_are_found_through_resources(monkeypatch):
    monkeypatch.delenv("VANBAN_TEMPLATES", raising=False)
    assert templates_dir() == resources.templates()
    assert {p.name for p in resources.templates().glob("*.docx")} == {"ke-hoach.docx", "bao-cao.docx",
                                                                      "bao-cao-ngang.docx", "cong-van.docx"}
    assert (resources.national() / "index.yaml").is_file()
    assert (resources.datasets() / "gia-lai-2021" / "units.yaml").is_file()
    assert (resources.web_assets() / "templates" / "index.html").is_file()
    assert (resources.web_assets() / "static" / "style.css").is_file()
    assert "ubnd-xa" in resources.data_text("unit-kinds.yaml")
    assert resources.data_file("nd30-rules.yaml").is_file()


def test_a_plan_names_a_built_in_registry_and_renders(tmp_path):
    plan = plan_2026_naming_the_built_in_registry(tmp_path / "plan")
    loaded = load_plan(plan)
    assert loaded.registry.path == (resources.national() / "gia-lai.yaml").resolve()
    result = render_plan(plan, tmp_path / "out")
    assert result.docx.is_file() and result.report.ok


def test_a_registry_beside_the_plan_comes_before_the_built_in_one(tmp_path):
    plan = plan_2026_naming_the_built_in_registry(tmp_path / "plan")
    beside = tmp_path / "plan" / "vn-2025" / "gia-lai.yaml"
    beside.parent.mkdir()
    shutil.copyfile(resources.national() / "gia-lai.yaml", beside)
    plan.write_text(plan.read_text(encoding="utf-8").replace(BUILT_IN_UNITS_LINE, "units: vn-2025/gia-lai.yaml"),
                    encoding="utf-8")
    assert load_plan(plan).registry.path == beside.resolve()


def test_an_unknown_registry_name_is_refused_in_vietnamese_at_its_line(tmp_path):
    plan = plan_2026_naming_the_built_in_registry(tmp_path / "plan")
    plan.write_text(plan.read_text(encoding="utf-8").replace(BUILT_IN_UNITS_LINE, "units: vn-2025/khong-co"),
                    encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_plan(plan)
    message = str(caught.value)
    assert "không tìm thấy sổ đơn vị «vn-2025/khong-co»" in message
    assert f"tệp {plan}, dòng 4" in message and "vn-2025/gia-lai" in message


def test_exit_codes_are_one_enum(tmp_path):
    assert [int(c) for c in ExitCode] == [0, 1, 2, 130]
    assert VanbanError("x").exit_code is ExitCode.FAILED
    assert InputError("x").exit_code is TemplateError("x").exit_code is ExitCode.BAD_INPUT
    assert main(["units", "show", "gia-lai/so-noi-vu"]) == ExitCode.OK
    assert main(["render", str(tmp_path / "khong-co.yaml"), "-o", str(tmp_path)]) == ExitCode.BAD_INPUT
    assert main(["khong-co-lenh"]) == ExitCode.BAD_INPUT


# ---------------------------------------------------------------- a wheel in a fresh virtual environment

NO_REGISTRY = ("Could not find a version that satisfies", "No matching distribution found",
               "Failed to establish a new connection", "Temporary failure in name resolution",
               "Network is unreachable", "Max retries exceeded")


def _run(*args, cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _pip(*args, cwd: Path, python: Path) -> subprocess.CompletedProcess:
    done = _run(python, "-m", "pip", "--disable-pip-version-check", *args, cwd=cwd)
    if done.returncode != 0:
        output = done.stdout + done.stderr
        if any(sign in output for sign in NO_REGISTRY):
            pytest.skip(f"pip cannot reach the package registry ({' '.join(args[:1])}): {output[-400:]}")
        raise AssertionError(f"pip {' '.join(map(str, args))} failed:\n{output[-4000:]}")
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """vanban built as a wheel from a copy of the sources, installed in a fresh venv; a clean environment."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("generator", "templates_docx", "data"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _pip("wheel", source, "--no-deps", "-q", "-w", base / "dist", cwd=base, python=Path(sys.executable))
    wheels = list((base / "dist").glob("vanban-*.whl"))
    assert len(wheels) == 1
    venv = base / "venv"
    done = _run(sys.executable, "-m", "venv", venv, cwd=base)
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    # The wheel is installed on its own (its files, its entry point, its package data) and its dependencies are
    # those of this test environment, reached through a path file, not installed again: installing lxml,
    # pikepdf, cryptography … into a second venv took most of a minute of every test run. `pip check` then
    # proves that what pyproject.toml declares is what that environment holds.
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base).stdout.strip()
    shared = sorted({sysconfig.get_paths()[key] for key in ("purelib", "platlib")})
    (Path(purelib) / "vanban-test-dependencies.pth").write_text("\n".join(shared) + "\n", encoding="utf-8")
    _pip("install", "-q", "--no-deps", wheels[0], cwd=base, python=python)
    _pip("check", cwd=base, python=python)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VANBAN_TEMPLATES",
                                                                         "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    plans = base / "plans"
    shutil.copytree(ROOT / "data" / "gia-lai-2021", plans / "gia-lai-2021")
    plan_2026_naming_the_built_in_registry(plans / "gia-lai-2025")
    empty = base / "empty"
    empty.mkdir()
    return {"vanban": venv / "bin" / "vanban", "python": python, "env": env, "plans": plans, "cwd": empty}


def test_the_wheel_is_what_runs(installed):
    done = _run(installed["python"], "-c", "import generator, generator.resources as r; "
                "print(generator.__file__); print(r.templates()); print(r.national())",
                cwd=installed["cwd"], env=installed["env"])
    assert done.returncode == 0, done.stderr
    package = Path(done.stdout.splitlines()[0]).parent
    assert "site-packages" in package.parts and ROOT not in package.parents
    assert done.stdout.splitlines()[1:] == [str(package / "templates_docx"), str(package / "datasets" / "vn-2025")]


def test_the_wheel_renders_the_seed_as_the_checkout_does(installed, seed_output):
    done = _run(installed["vanban"], "render", installed["plans"] / "gia-lai-2021" / SEED_PLAN.name, "-o", "out",
                cwd=installed["cwd"], env=installed["env"])
    assert done.returncode == ExitCode.OK, done.stderr
    made = installed["cwd"] / "out" / seed_output.name
    assert made.read_bytes() == seed_output.read_bytes()


def test_the_wheel_cascades_the_2026_plan_with_the_built_in_registry(installed):
    done = _run(installed["vanban"], "cascade", installed["plans"] / "gia-lai-2025" / PLAN_2026.name, "-o", "out",
                cwd=installed["cwd"], env=installed["env"])
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    made = list((installed["cwd"] / "out").rglob("*.docx"))
    assert len(made) > 100
    assert (installed["cwd"] / "out" / "manifest.json").is_file()


def test_the_wheel_lists_the_national_units(installed):
    done = _run(installed["vanban"], "units", "list", cwd=installed["cwd"], env=installed["env"])
    assert done.returncode == ExitCode.OK, done.stderr
    assert "gia-lai/ubnd-xa-chu-se  Ủy ban nhân dân xã Chư Sê  (ubnd-xa)  [23941]" in done.stdout.splitlines()
    assert len(done.stdout.splitlines()) > 3321


def test_the_wheel_serves_the_web_app(installed):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(installed["vanban"]), "serve", "--port", str(port)], cwd=installed["cwd"],
                              env=installed["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    status, page = answer.status, answer.read().decode("utf-8")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"vanban serve did not answer: {server.communicate()[1][-2000:]}")
                time.sleep(0.3)
        assert status == 200
        assert '<html lang="vi"' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/style.css", timeout=5) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------- the parsed copies of the data files


@pytest.mark.parametrize("path", sorted((ROOT / "generator" / "data").glob("*.yaml")), ids=lambda p: p.name)
def test_each_data_file_ships_a_parsed_copy_made_from_its_text(path):
    """Every process reads the data files from their parsed copies (JSON, in a tenth of the time): each copy is
    the file's own objects, made from its present text — after editing a data file, run `make compiled-data`."""
    copy = resources.compiled_file(path.name)
    assert copy.parent == path.parent / resources.COMPILED
    text = path.read_text(encoding="utf-8")
    assert copy.is_file(), f"{copy.name} is missing: run `make compiled-data`"
    kept = json.loads(copy.read_text(encoding="utf-8"))
    assert kept["source"] == resources.digest(text), f"{copy.name} is out of date: run `make compiled-data`"
    assert kept["data"] == resources.parse_data(text)
    assert resources.data_yaml(path.name) == resources.parse_data(text)


def test_a_data_file_edited_since_its_copy_was_made_is_read_from_its_yaml(monkeypatch):
    edited = resources.data_text("nd30-loai-van-ban.yaml").replace("Kế hoạch", "Kế hoạch đã sửa")
    monkeypatch.setattr(resources, "data_text", lambda name: edited)
    assert resources.data_yaml("nd30-loai-van-ban.yaml")["types"]["KH"] == "Kế hoạch đã sửa"
