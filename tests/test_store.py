"""The workplace store (generator/store/) on SQLite and on PostgreSQL: migrations, accounts, invitations, plans,
units' documents, submissions, the audit log and the job queue.

PostgreSQL runs when ``VANBAN_TEST_POSTGRES_URL`` names a database (``make test`` sets it when the local
server that ``make system-deps`` starts answers); each test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
import threading
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from argon2 import PasswordHasher
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, inspect, make_url, select, text
from sqlalchemy.exc import IntegrityError

from generator import store
from generator.errors import InputError
from generator.store import accounts, audit, jobs, plans, reports
from generator.store.db import alembic_config
from generator.store.models import Base, Invitation, Job, Plan, UnitDocument, User

POSTGRES_URL = os.environ.get("VANBAN_TEST_POSTGRES_URL", "")
NO_POSTGRES = ("PostgreSQL: VANBAN_TEST_POSTGRES_URL is not set (`make test` sets it when the local server "
               "started by `make system-deps` answers)")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)),
]
PASSWORD = "mat-khau-du-dai"
TABLES = {"users", "invitations", "plans", "plan_versions", "unit_documents", "submissions", "audit_entries",
          "jobs", "login_sessions"}


@dataclass
class Backend:
    name: str
    url: str
    folder: Path

    def connect(self) -> store.Store:
        return store.connect(self.url, folder=self.folder)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Real Argon2, with parameters cheap enough for a test (the rehash test changes them back)."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.delenv(store.ENVIRONMENT_URL, raising=False)


@contextmanager
def postgres_schema():
    """The address of a fresh schema of the test database, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    if request.param == "sqlite":
        yield Backend("sqlite", f"sqlite:///{tmp_path / 'vanban.db'}", tmp_path)
        return
    with postgres_schema() as url:
        yield Backend("postgresql", url, tmp_path)


@pytest.fixture
def db(backend):
    opened = backend.connect()
    yield opened
    opened.close()


@pytest.fixture
def admin(db) -> User:
    with db.session() as s:
        return accounts.create_user(s, "quantri", PASSWORD, "admin", display_name="Quản trị")


def a_plan(s, db, admin, slug="ke-hoach-2026", yaml_text="title: Kế hoạch dân vận\n") -> Plan:
    return plans.add_plan(s, db.files, yaml_text=yaml_text, slug=slug, title="Kế hoạch công tác dân vận năm 2026",
                          issuer_unit_id="ubnd-tinh", registry_name="gia-lai-2021/units", by=admin)


# ---------------------------------------------------------------- connecting and migrations


def test_migrations_run_from_empty_to_head_and_match_the_models(db):
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head
        assert TABLES <= set(inspect(connection).get_table_names())
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        # the comparison does see a difference: a column the migrations never made
        changed = MetaData()
        for table in Base.metadata.tables.values():
            table.to_metadata(changed)
        Table("users", changed, Column("shoe_size", Integer), extend_existing=True)
        assert [diff[0] for diff in compare_metadata(context, changed)] == ["add_column"]


def test_migrations_go_down_to_empty_and_up_again(db):
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        assert not TABLES & set(inspect(connection).get_table_names())
        command.upgrade(config, "head")
        assert TABLES <= set(inspect(connection).get_table_names())


def test_a_database_of_the_first_revision_is_brought_up_with_its_accounts_kept(backend, db, admin):
    """A workplace installed before login sessions were kept (revision 0001) gains their table at the next
    start; its accounts stay, and logging in works."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        assert "login_sessions" not in inspect(connection).get_table_names()
    again = backend.connect()
    with again.session() as s:
        user = accounts.authenticate(s, "quantri", PASSWORD)
        token = accounts.start_session(s, user)
    with again.session() as s:
        assert accounts.session_user(s, token, hours=12).username == "quantri"
    again.close()


def test_connecting_again_changes_nothing(backend, db, admin):
    again = backend.connect()
    with again.session() as s:
        assert [u.username for u in accounts.users(s)] == ["quantri"]
    again.close()


def test_sqlite_by_default_in_the_folder_with_wal_and_foreign_keys(tmp_path):
    opened = store.connect(folder=tmp_path / "noi-lam-viec")
    try:
        assert (tmp_path / "noi-lam-viec" / "vanban.db").is_file()
        assert (tmp_path / "noi-lam-viec" / "files").is_dir()
        with opened.engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    finally:
        opened.close()


def test_the_environment_names_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENVIRONMENT_URL, f"sqlite:///{tmp_path / 'khac.db'}")
    opened = store.connect(folder=tmp_path / "w")
    opened.close()
    assert (tmp_path / "khac.db").is_file() and not (tmp_path / "w" / "vanban.db").exists()
    assert store.database_url("postgresql://a:b@h/d", tmp_path) == "postgresql+psycopg://a:b@h/d"


def test_a_database_that_cannot_be_opened_is_a_vietnamese_input_error(tmp_path):
    (tmp_path / "vanban.db").write_bytes(b"not a database, just text " * 100)
    with pytest.raises(InputError, match="không mở được cơ sở dữ liệu"):
        store.connect(folder=tmp_path)
    with pytest.raises(InputError, match="chỉ SQLite hoặc PostgreSQL"):
        store.connect("mysql://x@y/z", folder=tmp_path)


def test_time_stamps_come_back_aware_utc(db, admin):
    with db.session() as s:
        user = s.scalar(select(User).execution_options(populate_existing=True))
        assert user.created_at.utcoffset() == timedelta(0)
        assert abs((user.created_at - store.utcnow()).total_seconds()) < 60


def test_a_session_rolls_back_on_error(db):
    with pytest.raises(InputError):
        with db.session() as s:
            accounts.create_user(s, "mot", PASSWORD, "admin")
            accounts.create_user(s, "hai", "ngan", "admin")
    with db.session() as s:
        assert accounts.users(s) == []


# ---------------------------------------------------------------- the file store


def test_files_are_kept_by_their_content(db):
    data = "Kế hoạch số 12/KH-UBND".encode()
    sha = db.files.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert db.files.path(sha) == db.files.root / sha[:2] / sha
    assert db.files.put(data) == sha and db.files.get(sha) == data
    assert [p.name for p in db.files.path(sha).parent.iterdir()] == [sha]  # no temporary file left
    with pytest.raises(InputError, match="không đúng dạng"):
        db.files.get("../../etc/passwd")
    with pytest.raises(InputError, match="không có tệp"):
        db.files.get("0" * 64)
    db.files.path(sha).write_bytes(b"changed")
    with pytest.raises(InputError, match="bị hỏng"):
        db.files.get(sha)


# ---------------------------------------------------------------- accounts


def test_a_password_is_kept_as_an_argon2_hash(db, admin):
    assert admin.password_hash.startswith("$argon2id$") and PASSWORD not in admin.password_hash


def test_authenticate_right_wrong_and_unknown(db, admin, monkeypatch):
    verified = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):
            verified.append(hash)
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "HASHER", Counting(time_cost=1, memory_cost=1024, parallelism=1))
    with db.session() as s:
        assert accounts.authenticate(s, "QuanTri ", PASSWORD).id == admin.id
        assert accounts.authenticate(s, "quantri", PASSWORD + "x") is None
        assert accounts.authenticate(s, "ai-do", PASSWORD) is None
        assert accounts.authenticate(s, "quantri", "") is None
        s.get(User, admin.id).active = False
        assert accounts.authenticate(s, "quantri", PASSWORD) is None
    assert len(verified) == 5  # the unknown and the inactive user cost a verification too


def test_usernames_are_unique_whatever_the_case(db, admin):
    with db.session() as s:
        with pytest.raises(InputError, match="đã có người dùng"):
            accounts.create_user(s, " QUANTRI", PASSWORD, "admin")
        with pytest.raises(InputError, match="tên đăng nhập"):
            accounts.create_user(s, "tên có dấu", PASSWORD, "admin")
    with pytest.raises(IntegrityError):  # the database refuses it too
        with db.session() as s:
            s.add(User(username="quantri", password_hash="x", role="admin"))


def test_password_and_role_rules(db):
    with db.session() as s:
        with pytest.raises(InputError, match="ít nhất 10 ký tự"):
            accounts.create_user(s, "so-tu-phap", "ngan-qua", "unit", "so-tu-phap")
        with pytest.raises(InputError, match="trùng với tên đăng nhập"):
            accounts.create_user(s, "so-tu-phap", "SO-TU-PHAP", "unit", "so-tu-phap")
        with pytest.raises(InputError, match="cần mã đơn vị"):
            accounts.create_user(s, "so-tu-phap", PASSWORD, "unit")
        with pytest.raises(InputError, match="vai trò"):
            accounts.create_user(s, "so-tu-phap", PASSWORD, "boss")
        user = accounts.create_user(s, "so-tu-phap", PASSWORD, "unit", "so-tu-phap")
        with pytest.raises(InputError, match="ít nhất 10 ký tự"):
            accounts.set_password(s, user, "123")
        accounts.set_password(s, user, "mat-khau-moi-hon")
        assert accounts.authenticate(s, "so-tu-phap", "mat-khau-moi-hon") is not None
        assert accounts.authenticate(s, "so-tu-phap", PASSWORD) is None


def test_a_hash_with_old_parameters_is_renewed_at_sign_in(db, admin, monkeypatch):
    old = admin.password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    with db.session() as s:
        assert accounts.authenticate(s, "quantri", PASSWORD) is not None
    with db.session() as s:
        renewed = s.get(User, admin.id, populate_existing=True).password_hash
    assert renewed != old and not stronger.check_needs_rehash(renewed) and "m=2048,t=2" in renewed
    with db.session() as s:
        assert accounts.authenticate(s, "quantri", PASSWORD) is not None
        assert s.get(User, admin.id).password_hash == renewed  # no rehash when nothing changed


# ---------------------------------------------------------------- invitations


def test_an_invitation_is_used_once(db, admin):
    with db.session() as s:
        invitation, token = accounts.invite(s, "so-tu-phap", admin)
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(vars(invitation))
        user = accounts.redeem(s, token, "So-Tu-Phap", PASSWORD)
        assert (user.username, user.role, user.unit_id) == ("so-tu-phap", "unit", "so-tu-phap")
        assert invitation.used_by == user.id and invitation.used_at is not None
        with pytest.raises(InputError, match="đã được dùng"):
            accounts.redeem(s, token, "nguoi-khac", PASSWORD)


def test_an_invitation_expires_and_a_wrong_token_opens_nothing(db, admin):
    with db.session() as s:
        invitation, token = accounts.invite(s, "so-y-te", admin, hours=1)
        with pytest.raises(InputError, match="không đúng"):
            accounts.redeem(s, token + "x", "so-y-te", PASSWORD)
        invitation.expires_at = store.utcnow() - timedelta(seconds=1)
        with pytest.raises(InputError, match="hết hạn"):
            accounts.redeem(s, token, "so-y-te", PASSWORD)
        with pytest.raises(InputError, match="thời hạn"):
            accounts.invite(s, "so-y-te", admin, hours=0)
        assert accounts.find_user(s, "so-y-te") is None


def test_a_failed_redemption_leaves_the_invitation_usable(db, admin):
    with db.session() as s:
        _, token = accounts.invite(s, "so-y-te", admin)
        with pytest.raises(InputError, match="ít nhất 10 ký tự"):
            accounts.redeem(s, token, "so-y-te", "ngan")
        assert accounts.redeem(s, token, "so-y-te", PASSWORD).unit_id == "so-y-te"


# ---------------------------------------------------------------- plans


def test_a_plan_keeps_its_versions_in_the_file_store(db, admin):
    with db.session() as s:
        plan = plans.add_plan(s, db.files, yaml_text="số: 1\n", slug="kh-2026", title="Kế hoạch", review=["xem lại"],
                              issuer_unit_id="ubnd-tinh", registry_name="vn-2025/gia-lai", source_name="kh.docx",
                              source=b"PK docx", by=admin)
        assert (plan.status, plan.current.version, plan.current.review) == ("draft", 1, ["xem lại"])
        assert db.files.get(plan.current.source_sha) == b"PK docx"
        assert plans.plan_yaml(s, db.files, plan) == "số: 1\n"
        second = plans.add_version(s, db.files, plan, "số: 2\n", admin)
        assert second.version == 2 and plan.current is second and second.source_sha is None
        plan_id = plan.id
    with db.session() as s:
        plan = plans.get_plan(s, plan_id)
        assert [v.version for v in plan.versions] == [1, 2]
        assert plans.plan_yaml(s, db.files, plan) == "số: 2\n"
        assert [p.id for p in plans.plans(s)] == [plan_id]


def test_publishing_a_plan(db, admin):
    with db.session() as s:
        plan = a_plan(s, db, admin)
        with pytest.raises(InputError, match="số nguyên dương"):
            plans.publish(s, plan, 0, date(2026, 1, 15), admin)
        plans.publish(s, plan, 12, date(2026, 1, 15), admin)
        assert (plan.status, plan.parent_number, plan.parent_date) == ("published", 12, date(2026, 1, 15))
        assert plan.published_at is not None
        with pytest.raises(InputError, match="đã ban hành"):
            plans.publish(s, plan, 13, date(2026, 1, 16), admin)
        with pytest.raises(InputError, match="đã ban hành"):
            plans.add_version(s, db.files, plan, "x: 1\n", admin)


def test_plan_slugs_are_unique_and_absent_plans_are_named(db, admin):
    with db.session() as s:
        a_plan(s, db, admin)
        with pytest.raises(InputError, match="đã có kế hoạch"):
            a_plan(s, db, admin)
        with pytest.raises(InputError, match="tên ngắn"):
            a_plan(s, db, admin, slug="Kế hoạch")
        with pytest.raises(InputError, match="không có kế hoạch số 99"):
            plans.get_plan(s, 99)


# ---------------------------------------------------------------- units' documents


def test_a_unit_document_is_one_row_per_plan_unit_kind_and_period(db, admin):
    with db.session() as s:
        plan = a_plan(s, db, admin)
        first = reports.save_unit_document(s, plan, "so-tu-phap", "subplan", None, number=5, date=date(2026, 2, 1),
                                           fields={"signer": "Nguyễn Văn A"}, docx_sha=None, pdf_sha=None, by=admin)
        again = reports.save_unit_document(s, plan, "so-tu-phap", "subplan", None, number=6, date=date(2026, 2, 2),
                                           fields={"signer": "Trần Thị B"}, docx_sha=db.files.put(b"docx"),
                                           pdf_sha=None, by=admin)
        assert again.id == first.id and (again.number, again.fields["signer"]) == (6, "Trần Thị B")
        report = reports.save_unit_document(s, plan, "so-tu-phap", "report", "6-thang", number=None, date=None,
                                            fields={}, docx_sha=None, pdf_sha=None, by=admin)
        assert report.id != first.id
        assert reports.unit_document(s, plan, "so-tu-phap", "subplan").id == first.id
        assert reports.unit_document(s, plan, "so-tu-phap", "report", "6-thang").id == report.id
        assert reports.unit_document(s, plan, "so-y-te", "subplan") is None
        with pytest.raises(InputError, match="kỳ báo cáo"):
            reports.save_unit_document(s, plan, "so-tu-phap", "report", None, number=None, date=None, fields={},
                                       docx_sha=None, pdf_sha=None, by=admin)
        plan_id = plan.id
    for period in (None, "6-thang"):  # the database refuses a second row, sub-plan (NULL period) included
        with pytest.raises(IntegrityError):
            with db.session() as s:
                s.add(UnitDocument(plan_id=plan_id, unit_id="so-tu-phap", kind="subplan" if period is None else "report",
                                   period_id=period, fields={}, issued=False, updated_at=store.utcnow()))


def test_an_issued_document_is_not_changed(db, admin):
    with db.session() as s:
        plan = a_plan(s, db, admin)
        with pytest.raises(InputError, match="số và ngày"):
            reports.save_unit_document(s, plan, "so-y-te", "subplan", None, number=None, date=None, fields={},
                                       docx_sha=None, pdf_sha=None, by=admin, issued=True)
        issued = reports.save_unit_document(s, plan, "so-y-te", "subplan", None, number=3, date=date(2026, 3, 1),
                                            fields={}, docx_sha=None, pdf_sha=None, by=admin, issued=True)
        assert issued.issued and issued.issued_by == admin.id and issued.issued_at is not None
        with pytest.raises(InputError, match="đã ban hành"):
            reports.save_unit_document(s, plan, "so-y-te", "subplan", None, number=4, date=date(2026, 3, 2),
                                       fields={}, docx_sha=None, pdf_sha=None, by=admin)


# ---------------------------------------------------------------- submissions


def test_submissions_have_versions_the_latest_counts(db, admin):
    with db.session() as s:
        plan = a_plan(s, db, admin)
        unit = accounts.create_user(s, "so-tu-phap", PASSWORD, "unit", "so-tu-phap")
        one = reports.submit(s, plan, "so-tu-phap", "6-thang", {"items": {"1": "Đã làm"}}, None, unit)
        two = reports.submit(s, plan, "so-tu-phap", "6-thang", {"items": {"1": "Đã làm xong"}}, db.files.put(b"xlsx"), unit)
        other = reports.submit(s, plan, "so-y-te", "6-thang", {"items": {}}, None, None)
        yearly = reports.submit(s, plan, "so-tu-phap", "ca-nam", {"items": {}}, None, unit)
        assert (one.version, two.version, other.version, yearly.version) == (1, 2, 1, 1)
        latest = reports.latest_submissions(s, plan, "6-thang")
        assert {u: sub.id for u, sub in latest.items()} == {"so-tu-phap": two.id, "so-y-te": other.id}
        assert latest["so-tu-phap"].results == {"items": {"1": "Đã làm xong"}}
        assert [sub.version for sub in reports.history(s, plan, "so-tu-phap", "6-thang")] == [1, 2]
        assert reports.latest_submissions(s, plan, "quy-1") == {}


def test_reviewing_a_submission(db, admin):
    with db.session() as s:
        plan = a_plan(s, db, admin)
        one = reports.submit(s, plan, "so-tu-phap", "6-thang", {"a": 1}, None, None)
        with pytest.raises(InputError, match="lý do trả lại"):
            reports.review_submission(s, one, "returned", "  ", admin)
        with pytest.raises(InputError, match="kết quả xem xét"):
            reports.review_submission(s, one, "maybe", None, admin)
        reports.review_submission(s, one, "returned", "Thiếu số liệu mục 2", admin)
        assert (one.status, one.note, one.reviewed_by) == ("returned", "Thiếu số liệu mục 2", admin.id)
        two = reports.submit(s, plan, "so-tu-phap", "6-thang", {"a": 2}, None, None)
        with pytest.raises(InputError, match="bản mới hơn"):
            reports.review_submission(s, one, "accepted", None, admin)
        reports.review_submission(s, two, "accepted", None, admin)
        assert two.status == "accepted" and two.reviewed_at is not None


# ---------------------------------------------------------------- audit


def test_the_audit_log_keeps_who_did_what(db, admin):
    with db.session() as s:
        audit.record(s, admin, "plan.upload", "plan:1", file="kh.docx")
        audit.record(s, None, "plan.publish", "plan:1", number=12)
        audit.record(s, admin, "login.failed", "user:quantri")
    with db.session() as s:
        newest = audit.entries(s)
        assert [e.action for e in newest] == ["login.failed", "plan.publish", "plan.upload"]
        assert newest[1].user_id is None and newest[1].detail == {"number": 12}
        assert newest[2].user_id == admin.id and newest[2].detail == {"file": "kh.docx"}
        assert len(audit.entries(s, limit=2)) == 2


# ---------------------------------------------------------------- jobs


def test_the_queue_limits_jobs_per_user_and_in_total(db, admin):
    with db.session() as s:
        units = [accounts.create_user(s, f"don-vi-{i}", PASSWORD, "unit", f"don-vi-{i}") for i in range(3)]
        first = jobs.enqueue(s, units[0], "cascade", {"plan": 1})
        with pytest.raises(InputError, match="đang có 1 việc chờ"):
            jobs.enqueue(s, units[0], "cascade", {"plan": 1})
        jobs.enqueue(s, units[1], "cascade", {"plan": 1}, total=2)
        with pytest.raises(InputError, match="máy chủ đang có 2 việc chờ"):
            jobs.enqueue(s, units[2], "cascade", {"plan": 1}, total=2)
        assert jobs.claim_next(s).id == first.id
        jobs.finish(s, first, db.files.put(b"zip"), "xong")
        again = jobs.enqueue(s, units[0], "cascade", {"plan": 2})  # a finished job frees the place
        assert jobs.job(s, again.id).params == {"plan": 2}
        with pytest.raises(InputError, match="không có việc"):
            jobs.job(s, "khong-co")


def test_a_double_click_queues_one_job(db, admin):
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def click() -> None:
        start.wait()
        try:
            with db.session() as s:
                jobs.enqueue(s, s.get(User, admin.id), "cascade", {"plan": 1})
            outcomes.append("queued")
        except InputError:
            outcomes.append("refused")

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["queued", "refused", "refused", "refused"]


def test_claim_next_takes_the_oldest_and_finishes_or_fails(db, admin):
    with db.session() as s:
        made = [jobs.enqueue(s, admin, "cascade", {"n": n}, per_user=10).id for n in range(3)]
    with db.session() as s:
        first = jobs.claim_next(s)
        assert first.id == made[0] and first.status == "running" and first.started_at is not None
        jobs.fail_job(s, first, "lỗi khi tạo văn bản")
    with db.session() as s:
        second = jobs.claim_next(s)
        jobs.finish(s, second, None, "")
        third = jobs.claim_next(s)
        assert [second.id, third.id] == made[1:]
        assert jobs.claim_next(s) is None
        assert [jobs.job(s, i).status for i in made] == ["failed", "done", "running"]


def test_two_workers_never_claim_the_same_job(db, admin):
    with db.session() as s:
        made = {jobs.enqueue(s, admin, "cascade", {"n": n}, per_user=100).id for n in range(12)}
    claimed: list[list[str]] = [[], []]
    start = threading.Barrier(2)

    def worker(mine: list[str]) -> None:
        start.wait()
        while True:
            with db.session() as s:
                job = jobs.claim_next(s)
                if job is None:
                    return
                mine.append(job.id)

    threads = [threading.Thread(target=worker, args=(mine,)) for mine in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed[0] + claimed[1]) == sorted(made)  # every job once, none twice


def test_a_job_being_claimed_is_skipped_by_the_other_session(backend, db, admin):
    if backend.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the second claim waits for the first (tested above)")
    with db.session() as s:
        made = [jobs.enqueue(s, admin, "cascade", {"n": n}, per_user=10).id for n in range(2)]
    with db.session() as first, db.session() as second:
        assert jobs.claim_next(first).id == made[0]  # locked, not yet committed
        assert jobs.claim_next(second).id == made[1]
        assert jobs.claim_next(second) is None


def test_nothing_is_lost_when_the_server_restarts(backend, db, admin):
    with db.session() as s:
        plan = a_plan(s, db, admin)
        made = [jobs.enqueue(s, admin, "cascade", {"plan": plan.id}, per_user=10).id for _ in range(3)]
    with db.session() as s:
        assert jobs.claim_next(s).id == made[0]
        jobs.finish(s, jobs.claim_next(s), db.files.put(b"zip"))
    db.close()  # the server stops with made[0] still running
    restarted = backend.connect()
    try:
        with restarted.session() as s:
            assert jobs.requeue_running(s) == 1
            assert [jobs.job(s, i).status for i in made] == ["queued", "done", "queued"]
            assert jobs.job(s, made[0]).started_at is None
            assert jobs.claim_next(s).id == made[0]  # it keeps its place in the queue
            assert plans.plan_yaml(s, restarted.files, plans.get_plan(s, plan.id)) == "title: Kế hoạch dân vận\n"
            assert accounts.authenticate(s, "quantri", PASSWORD) is not None
            assert s.scalar(select(Job).where(Job.id == made[1])).result_sha in restarted.files
            assert s.scalar(select(Invitation)) is None
    finally:
        restarted.close()
