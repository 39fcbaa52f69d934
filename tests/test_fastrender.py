"""The compiled render path gives what docxtpl's own render() gives, on every template."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from generator import derive
from generator.loading import load_plan
from generator.render import render_docx, render_docx_docxtpl, template_for, templates_dir
from generator.reminders import reminder
from generator.reports import consolidated_report, period_of, unit_report
from generator.cascade.subplan import load_context

from conftest import SEED_PLAN


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


@pytest.fixture(scope="module")
def documents():
    loaded = load_plan(SEED_PLAN)
    context = load_context(loaded)
    period = period_of(context, "6-thang")
    return loaded.registry, [
        loaded.plan.document,  # ke-hoach.docx
        unit_report(context, "so-tu-phap", period, None),  # bao-cao.docx with a portrait Phụ lục
        consolidated_report(context, period, {}),  # bao-cao-ngang.docx
        reminder(context, period, {}).document,  # cong-van.docx
    ]


def test_every_template_is_exercised(documents):
    _, docs = documents
    assert {template_for(d).name for d in docs} == {p.name for p in templates_dir().glob("*.docx")}


@pytest.mark.parametrize("index", [0, 1, 2])
def test_compiled_output_equals_docxtpl_part_by_part(documents, index):
    registry, docs = documents
    document = docs[index]
    context = derive.document_context(document, registry)
    template = template_for(document)
    fast = parts(render_docx(template, context, title="Tiêu đề & thử"))
    reference = parts(render_docx_docxtpl(template, context, title="Tiêu đề & thử"))
    assert set(fast) == set(reference)
    for name in reference:
        if name.endswith((".xml", ".rels")):
            assert canonical(fast[name]) == canonical(reference[name]), name
        else:
            assert fast[name] == reference[name], name


def test_compiled_output_is_deterministic(documents):
    registry, docs = documents
    context = derive.document_context(docs[0], registry)
    assert render_docx(template_for(docs[0]), context) == render_docx(template_for(docs[0]), context)
