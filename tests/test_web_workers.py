"""The web app's CPU work runs in worker processes: documents come back whole, and so do the errors."""

from __future__ import annotations

import asyncio

import pytest

from generator.errors import InputError
from generator.pipeline import make_subplan
from generator.web.common import Settings
from generator.web.workers import Workers

from conftest import SEED_PLAN


@pytest.fixture(scope="module")
def workers():
    pool = Workers(1)
    yield pool
    pool.close()


def test_a_sub_plan_is_made_in_a_worker_process(workers):
    made = asyncio.run(workers.run(make_subplan, SEED_PLAN, "so-tu-phap"))
    assert made.docx.startswith(b"PK") and made.report.ok


def test_a_users_error_comes_back_from_the_worker_with_its_message(workers):
    with pytest.raises(InputError, match="không phải xây dựng kế hoạch cụ thể hóa") as raised:
        asyncio.run(workers.run(make_subplan, SEED_PLAN, "khong-co-don-vi-nay"))
    assert raised.value.exit_code == InputError.exit_code


def test_the_app_runs_downloads_in_as_many_worker_processes_as_the_settings_say(monkeypatch, tmp_path):
    monkeypatch.setenv("VANBAN_WORKERS", "3")
    assert Settings(state_dir=tmp_path).workers == 3
