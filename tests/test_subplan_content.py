"""Issue 14: a văn thư's review of six sub-plans — is every sentence one the unit itself can carry out?

Sở Tư pháp, Sở Nội vụ, a border (Đức Cơ) and an interior (Chư Sê) UBND huyện and Công an tỉnh from the 2021
cascade; UBND xã Ia O from the 2026 one. Each review reads the sub-plan as a Document (its mục I, mục II and
Phụ lục) and, for the rendered files, the .docx text, `vanban check` and two byte-identical runs.
"""

from __future__ import annotations

import pytest

from generator import inline
from generator.check import check_docx
from generator.errors import InputErrors
from generator.loading import load_plan
from generator.pipeline import cascade
from generator.cascade.subplan import content_section, load_context, subplan

from conftest import ROOT, SEED_PLAN, DocxFacts

PLAN_2026 = ROOT / "data" / "gia-lai-2025" / "ke-hoach-dan-van-2026.yaml"
REVIEWED_2021 = ["so-tu-phap", "so-noi-vu", "ubnd-huyen-duc-co", "ubnd-huyen-chu-se", "cong-an-tinh"]


@pytest.fixture(scope="module")
def context21():
    return load_context(load_plan(SEED_PLAN))


@pytest.fixture(scope="module")
def context26():
    return load_context(load_plan(PLAN_2026))


def plain(document) -> str:
    """Every sentence of mục I–III, one per line, without markup."""
    lines = []

    def walk(node):
        lines.extend(inline.plain(t) for t in (node.title, node.text, *node.paragraphs) if t)
        for child in node.items:
            walk(child)
    for section in document.sections:
        walk(section)
    return "\n".join(lines)


def purposes(document) -> str:
    return "\n".join(item.text for item in document.sections[0].items)


def tasks(document) -> dict[str, list[str]]:
    """Task id → its paragraphs (the first is the actor sentence: who leads, who joins, which division)."""
    return {item.id: [inline.plain(p) for p in item.paragraphs] for item in content_section(document).items}


def appendix_rows(document) -> list[list]:
    return document.appendix.rows


# Sentences issue 14 quotes as impossible for a sở, ban, ngành or the armed forces
PROVINCE_ONLY = [
    "Chương trình phối hợp số 348", "Kế hoạch phối hợp số 30-KH/BDVTU-BCSĐ",
    "Người đứng đầu cơ quan hành chính nhà nước, chính quyền các cấp",
    "Chính quyền các cấp phối hợp chặt chẽ với Mặt trận Tổ quốc tổ chức tốt các hội nghị hiệp thương",
    "Phối hợp với UBND các huyện, thị xã, thành phố triển khai thực hiện các nội dung sau",
    "nhất là thực hiện dân chủ ở xã, phường, thị trấn",
    "Cơ quan hành chính nhà nước và chính quyền các cấp",
]


# ---------------------------------------------------------------- Sở Tư pháp

def test_so_tu_phap_states_its_own_purposes_citing_the_provinces_plan(context21):
    doc = subplan("so-tu-phap", context21)
    text = purposes(doc)
    assert "Cụ thể hóa Kế hoạch số …/KH-UBND ngày …/…/2021 của Ủy ban nhân dân tỉnh Gia Lai" in text
    assert "thành nhiệm vụ của Sở Tư pháp" in text and "công chức, viên chức, người lao động của Sở Tư pháp" in text
    assert "348-CTr" not in text and "30-KH/BDVTU-BCSĐ" not in text


def test_so_tu_phap_keeps_no_sentence_it_cannot_carry_out(context21):
    text = plain(subplan("so-tu-phap", context21))
    for sentence in PROVINCE_ONLY:
        assert sentence not in text, sentence
    assert "hiệp thương" not in text and "quản lý đất đai" not in text
    # the parent's actor phrases now name the sở, its head or its divisions
    assert "Sở Tư pháp tập trung đổi mới công tác tuyên truyền" in text
    assert "Sở Tư pháp phối hợp với Mặt trận Tổ quốc" in text
    assert "Giám đốc Sở rà soát, củng cố, kiện toàn Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở của cơ quan" in text


def test_so_tu_phap_every_task_has_its_actor_and_division_and_its_own_legal_tasks(context21):
    doc = subplan("so-tu-phap", context21)
    found = tasks(doc)
    for ident, paragraphs in found.items():
        opening = paragraphs[0]
        assert opening.startswith(("Giao ", "Chủ trì, phối hợp với ", "Phối hợp với ")), (ident, opening)
    assert found["tuyen-truyen"][0].startswith("Giao Phòng Phổ biến, giáo dục pháp luật chủ trì")
    assert found["cai-cach-hanh-chinh"][0].startswith("Phối hợp với Sở Nội vụ triển khai")
    assert found["giam-sat-phan-bien"][0].startswith(
        "Chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, các tổ chức chính trị - xã hội tỉnh")
    assert "an-ninh-quoc-phong" not in found  # not given to it
    # its own tasks (override file), before the closing sơ kết, tổng kết
    ids = list(found)
    assert ids[-3:] == ["rieng-pho-bien-phap-luat-dan-chu", "rieng-hoa-giai-co-so", "so-ket-tong-ket"]
    titles = [item.title for item in content_section(doc).items]
    assert "Phổ biến, giáo dục pháp luật về thực hiện dân chủ ở cơ sở" in titles
    assert "Hướng dẫn, nâng cao hiệu quả công tác hòa giải ở cơ sở" in titles


def test_so_tu_phap_appendix_has_one_row_per_task(context21):
    doc = subplan("so-tu-phap", context21)
    rows = appendix_rows(doc)
    assert [c.name for c in doc.appendix.columns] == [
        "STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện", "Sản phẩm"]
    assert len(rows) == len(content_section(doc).items) == 10
    assert rows[0] == [1, "Quán triệt, học tập các Chỉ thị, Nghị quyết của Đảng, chính sách, pháp luật của Nhà nước "
                          "về công tác dân vận", "Văn phòng Sở", "Các phòng chuyên môn, đơn vị trực thuộc Sở",
                       "Quý II/2021", "Hội nghị quán triệt, triển khai"]
    assert rows[3][2:4] == ["Văn phòng Sở", "Sở Nội vụ (chủ trì)"]
    assert rows[7][1:3] == ["Phổ biến, giáo dục pháp luật về thực hiện dân chủ ở cơ sở",
                            "Phòng Phổ biến, giáo dục pháp luật"]
    assert rows[-1][4] == "Trước ngày 10/5/2021 (6 tháng), trước ngày 30/10/2021 (năm)"
    organisation = plain(doc).split("Tổ chức thực hiện")[-1]
    assert "Căn cứ nhiệm vụ được phân công tại Phụ lục kèm theo" in organisation


# ---------------------------------------------------------------- Sở Nội vụ

def test_so_noi_vu_leads_administrative_reform_and_has_the_tasks_the_province_names_it_for(context21):
    doc = subplan("so-noi-vu", context21)
    found = tasks(doc)
    assert found["cai-cach-hanh-chinh"][0] == (
        "Chủ trì, phối hợp với các sở, ban, ngành tỉnh, các cơ quan, đơn vị thuộc Ủy ban nhân dân tỉnh và Ủy ban "
        "nhân dân các huyện, thị xã, thành phố triển khai thực hiện các nội dung sau (giao Phòng Cải cách hành "
        "chính tham mưu):")
    named = found["rieng-huong-dan-kiem-tra-tong-hop"]
    text = "\n".join(named)
    assert "hướng dẫn các cơ quan, đơn vị, địa phương" in text.lower()
    assert "Xây dựng kế hoạch kiểm tra việc thực hiện công tác dân vận năm 2021" in text
    assert "làm đầu mối giúp Ủy ban nhân dân tỉnh sơ kết, tổng kết" in text and "tổng hợp, báo cáo định kỳ 6 tháng" in text
    assert "rieng-tham-dinh-chi-so-cchc" in found
    assert list(found)[-1] == "so-ket-tong-ket"
    for sentence in PROVINCE_ONLY:
        assert sentence not in plain(doc), sentence


# ---------------------------------------------------------------- UBND huyện: border and interior

@pytest.mark.parametrize("unit_id", ["ubnd-huyen-chu-se", "ubnd-huyen-duc-co"])
def test_a_huyen_works_with_its_own_forces_and_leads_in_its_area(context21, unit_id):
    doc = subplan(unit_id, context21)
    found = tasks(doc)
    text = plain(doc)
    assert "Công an tỉnh" not in text and "Bộ Chỉ huy Quân sự tỉnh" not in text
    assert found["an-ninh-quoc-phong"][0].startswith("Phối hợp với Công an huyện")
    assert "Ban Chỉ huy Quân sự huyện" in found["an-ninh-quoc-phong"][0]
    assert found["cai-cach-hanh-chinh"][0].startswith(
        "Chủ trì, phối hợp với các phòng, ban, đơn vị thuộc Ủy ban nhân dân huyện và Ủy ban nhân dân các xã, thị trấn")
    assert "(giao Phòng Nội vụ tham mưu)" in found["cai-cach-hanh-chinh"][0]
    assert found["giam-sat-phan-bien"][0].startswith("Chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam huyện")
    assert found["tiep-cong-dan"][0].startswith("Giao Thanh tra huyện chủ trì")
    # what only a huyện does stays, with the huyện as the actor
    assert ("Ủy ban nhân dân huyện và Ủy ban nhân dân các xã, thị trấn phối hợp chặt chẽ với Mặt trận Tổ quốc cùng "
            "cấp tổ chức tốt các hội nghị hiệp thương") in text
    assert text.count("Cơ quan hành chính nhà nước và chính quyền các cấp") == 0
    assert "348-CTr" not in purposes(doc) and "thành nhiệm vụ của Ủy ban nhân dân huyện" in purposes(doc)
    assert "rieng-kiem-tra" in found


def test_only_the_border_huyen_deals_with_bien_phong(context21):
    interior = plain(subplan("ubnd-huyen-chu-se", context21))
    border = plain(subplan("ubnd-huyen-duc-co", context21))
    assert "Biên phòng" not in interior
    assert ("Phối hợp với Công an huyện, Ban Chỉ huy Quân sự huyện và các đồn Biên phòng đóng quân trên địa bàn "
            "huyện") in border
    assert context21.registry.unit("ubnd-huyen-duc-co").border
    assert not context21.registry.unit("ubnd-huyen-chu-se").border
    # whoever mục II names as a partner receives the plan: the đồn Biên phòng only at the border huyện
    border_noi_nhan = [r.to for r in subplan("ubnd-huyen-duc-co", context21).recipients]
    interior_noi_nhan = [r.to for r in subplan("ubnd-huyen-chu-se", context21).recipients]
    assert "Các đồn Biên phòng đóng quân trên địa bàn huyện" in border_noi_nhan
    assert not any("Biên phòng" in (to or "") for to in interior_noi_nhan)


def test_the_huyens_differ_where_their_registry_differs_and_share_the_rest(context21):
    se, co = tasks(subplan("ubnd-huyen-chu-se", context21)), tasks(subplan("ubnd-huyen-duc-co", context21))
    assert list(se) == list(co)
    assert se["an-ninh-quoc-phong"][0] != co["an-ninh-quoc-phong"][0]


def test_a_huyen_appendix_names_its_divisions(context21):
    rows = appendix_rows(subplan("ubnd-huyen-chu-se", context21))
    by_title = {row[1]: row for row in rows}
    assert by_title["Công tác thông tin, tuyên truyền"][2] == "Phòng Văn hóa và Thông tin"
    assert by_title["Công tác đảm bảo an ninh, quốc phòng"][3] == "Công an huyện và Ban Chỉ huy Quân sự huyện (chủ trì)"
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))


# ---------------------------------------------------------------- Công an tỉnh

def test_cong_an_leads_security_and_keeps_nothing_of_the_huyen(context21):
    doc = subplan("cong-an-tinh", context21)
    found = tasks(doc)
    assert found["an-ninh-quoc-phong"][0].startswith(
        "Chủ trì, phối hợp với Bộ Chỉ huy Quân sự tỉnh, Bộ Chỉ huy Bộ đội Biên phòng tỉnh và Ủy ban nhân dân các "
        "huyện, thị xã, thành phố")
    assert "Phòng Công tác đảng và công tác chính trị" in found["an-ninh-quoc-phong"][0]
    assert "cai-cach-hanh-chinh" not in found and "giam-sat-phan-bien" not in found
    text = plain(doc)
    for sentence in PROVINCE_ONLY:
        assert sentence not in text, sentence
    assert "cán bộ, chiến sĩ Công an tỉnh Gia Lai" in purposes(doc)


# ---------------------------------------------------------------- UBND xã Ia O (2026)

def test_xa_ia_o_runs_its_own_one_stop_centre_and_works_with_its_own_forces(context26):
    doc = subplan("ubnd-xa-ia-o", context26)
    found = tasks(doc)
    text = plain(doc)
    assert "Phối hợp với Sở Nội vụ" not in text and "Công an tỉnh" not in text
    assert found["cai-cach-hanh-chinh"][0].startswith("Chủ trì, phối hợp với các phòng, ban, đơn vị thuộc Ủy ban nhân dân xã")
    assert "Trung tâm Phục vụ hành chính công xã" in found["cai-cach-hanh-chinh"][0]
    assert found["an-ninh-trat-tu"][0].startswith("Phối hợp với Công an xã và Ban Chỉ huy quân sự xã")
    assert "Chủ tịch Ủy ban nhân dân xã thực hiện nghiêm trách nhiệm tiếp công dân" in text
    assert "rieng-huong-uoc-quy-uoc" in found
    assert context26.registry.unit("ubnd-xa-ia-o").border


def test_the_xa_only_paragraph_on_dan_chu_stays_with_the_xa_and_leaves_the_so(context26):
    xa, so = plain(subplan("ubnd-xa-ia-o", context26)), plain(subplan("so-tu-phap", context26))
    marked = "được biết, được bàn, được quyết định"
    assert marked in xa and marked not in so
    assert "Thực hiện dân chủ trong hoạt động của Sở Tư pháp theo Luật Thực hiện dân chủ ở cơ sở" in so


def test_so_noi_vu_2026_has_its_named_task(context26):
    found = tasks(subplan("so-noi-vu", context26))
    assert "rieng-huong-dan-tong-hop" in found and found["cai-cach-hanh-chinh"][0].startswith("Chủ trì, phối hợp với")


# ---------------------------------------------------------------- the plan data is validated

def test_an_unknown_kind_in_a_paragraphs_for_is_located(tmp_path):
    text = SEED_PLAN.read_text(encoding="utf-8").replace("- for: [ubnd-huyen]", "- for: [ubnd-huyn]", 1)
    plan = tmp_path / "gia-lai-2021" / SEED_PLAN.name
    plan.parent.mkdir()
    plan.write_text(text, encoding="utf-8")
    (plan.parent / "units.yaml").write_text((SEED_PLAN.parent / "units.yaml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_context(load_plan(plan))
    message = str(caught.value.errors[0])
    assert "«ubnd-huyn» không phải mã loại đơn vị" in message and "có phải ý bạn là «ubnd-huyen»?" in message
    assert "dòng 142, trường «document.sections[1].items[2].paragraphs[1].for[0]»" in message


# ---------------------------------------------------------------- the files themselves

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    runs = [cascade(SEED_PLAN, out, units=REVIEWED_2021, workers=1) for out in (first, second)]
    xa = [cascade(PLAN_2026, out, units=["ubnd-xa-ia-o"], workers=1) for out in (first / "26", second / "26")]
    return runs, xa


def test_the_reviewed_files_pass_check_and_two_runs_are_identical(rendered):
    runs, xa = rendered
    for batch_pair, count in ((runs, len(REVIEWED_2021)), (xa, 1)):
        one, two = batch_pair
        assert one.failures == [] and len(one.entries) == len(two.entries) == count
        for a, b in zip(one.entries, two.entries):
            report = check_docx(one.out_dir / a.file)
            assert report.ok and not report.warnings, a.unit
            assert a.sha256 == b.sha256, a.unit


def noi_nhan(f: DocxFacts) -> list[str]:
    texts = f.texts()
    start = texts.index("Nơi nhận:") + 1
    return texts[start:start + [t.startswith("- Lưu") for t in texts[start:]].index(True) + 1]


def test_noi_nhan_is_at_the_units_own_level(rendered):
    runs, xa = rendered
    out = runs[0].out_dir
    huyen = noi_nhan(DocxFacts(out / "ubnd-huyen-chu-se" / "ke-hoach-dan-van-2021.docx"))
    for line in ("- TT Huyện ủy, TT HĐND huyện (báo cáo);", "- Ban Dân vận Huyện ủy (phối hợp);",
                 "- UBMTTQVN và các đoàn thể huyện;", "- BCĐ thực hiện QCDC ở cơ sở huyện;", "- Công an huyện;",
                 "- Ban Chỉ huy Quân sự huyện;", "- UBND các xã, thị trấn;"):
        assert line in huyen, line
    so = noi_nhan(DocxFacts(out / "so-tu-phap" / "ke-hoach-dan-van-2021.docx"))
    for line in ("- Ban Dân vận Tỉnh ủy (phối hợp);", "- Đảng ủy Sở;", "- Công đoàn cơ sở Sở;"):
        assert line in so, line
    police = noi_nhan(DocxFacts(out / "cong-an-tinh" / "ke-hoach-dan-van-2021.docx"))
    assert "- Đảng ủy Công an tỉnh;" in police
    commune = noi_nhan(DocxFacts(xa[0].out_dir / "ubnd-xa-ia-o" / "ke-hoach-dan-van-2026.docx"))
    for line in ("- TT Đảng ủy, TT HĐND xã (báo cáo);", "- Công an xã;", "- Ban Chỉ huy quân sự xã;",
                 "- Trưởng các thôn, tổ dân phố;", "- Lưu: VT, VP."):
        assert line in commune, line


def test_one_document_names_the_province_one_way_in_its_body(context21):
    for unit_id in REVIEWED_2021:
        assert "UBND tỉnh" not in plain(subplan(unit_id, context21)), unit_id


def test_added_text_uses_typographic_quotes(rendered):
    runs, _ = rendered
    for unit_id in REVIEWED_2021:
        text = "\n".join(DocxFacts(runs[0].out_dir / unit_id / "ke-hoach-dan-van-2021.docx").texts())
        assert '"' not in text, unit_id
