"""Format facts of the rendered seed plan: page, fonts, sizes, emphasis, header and footer layout."""

from __future__ import annotations

import pytest

from generator.metrics import text_width_twips
from generator.ooxml import qn
from generator.ooxml.reading import paragraph_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def section(facts):
    return facts.body.find(qn("w:sectPr"))


def test_page_is_a4_portrait_with_margins_inside_the_legal_ranges(seed_facts):
    sect = section(seed_facts)
    size = sect.find(qn("w:pgSz"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")
    assert size.get(qn("w:orient")) in (None, "portrait")
    margins = sect.find(qn("w:pgMar"))
    mm = {side: int(margins.get(qn(f"w:{side}"))) / 56.7 for side in ("top", "bottom", "left", "right")}
    assert 20 <= round(mm["top"]) <= 25 and 20 <= round(mm["bottom"]) <= 25
    assert 30 <= round(mm["left"]) <= 35 and 15 <= round(mm["right"]) <= 20


def test_page_numbers_are_centred_at_the_top_from_page_two_and_absent_on_page_one(seed_facts):
    sect = section(seed_facts)
    assert sect.find(qn("w:titlePg")) is not None
    doc_part = seed_facts.document.part
    headers = {ref.get(qn("w:type")): doc_part.related_parts[ref.get(qn("r:id"))]
               for ref in sect.findall(qn("w:headerReference"))}
    assert "PAGE" not in headers["first"].blob.decode()
    default = headers["default"].blob.decode()
    assert "PAGE" in default and 'w:pStyle w:val="VBSoTrang"' in default
    assert sect.find(qn("w:footerReference")) is None


def test_every_run_is_black_times_new_roman(seed_facts):
    for paragraph in seed_facts.paragraphs:
        for fmt in seed_facts.run_formats(paragraph):
            assert fmt.font == "Times New Roman"
            assert fmt.color in (None, "000000")


@pytest.mark.parametrize(("text", "size", "bold", "italic"), [
    ("ỦY BAN NHÂN DÂN", 13, True, False),
    ("TỈNH GIA LAI", 13, True, False),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False),
    ("Độc lập - Tự do - Hạnh phúc", 13, True, False),
    ("Số:      /KH-UBND", 13, False, False),
    ("Gia Lai, ngày      tháng      năm 2021", 14, False, True),
    ("KẾ HOẠCH", 14, True, False),
    ("I. MỤC ĐÍCH, YÊU CẦU", 14, True, False),
    ("Nơi nhận:", 12, True, True),
    ("- Văn phòng Chính phủ (báo cáo);", 11, False, False),
    ("- Lưu: VT, NC.", 11, False, False),
    ("TM. ỦY BAN NHÂN DÂN", 14, True, False),
    ("KT. CHỦ TỊCH", 14, True, False),
    ("PHÓ CHỦ TỊCH", 14, True, False),
    ("Nguyễn Thị Thanh Lịch", 14, True, False),
])
def test_each_element_has_its_nd30_size_and_emphasis(seed_facts, text, size, bold, italic):
    formats = seed_facts.run_formats(seed_facts.find(text))
    assert {(f.size_pt, f.bold, f.italic) for f in formats} == {(size, bold, italic)}


def test_trich_yeu_is_bold_centred_sentence_case_with_a_short_rule_under_it(seed_facts):
    paragraph = seed_facts.find_starting("Triển khai công tác dân vận năm 2021")
    assert {(f.size_pt, f.bold) for f in seed_facts.run_formats(paragraph)} == {(14, True)}
    assert seed_facts.resolver.paragraph_format(paragraph).align == "center"
    rule = paragraph.getnext()
    fmt = seed_facts.resolver.paragraph_format(rule)
    assert fmt.border_bottom and paragraph_text(rule) == ""
    length = 9355 - fmt.left - fmt.right
    assert 9355 / 3 * 0.5 < length < 9355 / 2


def test_body_is_justified_14pt_with_1cm_first_line_indent_and_6pt_before(seed_facts):
    paragraph = seed_facts.find_starting("Thực hiện Chương trình phối hợp số 348")
    fmt = seed_facts.resolver.paragraph_format(paragraph)
    assert (fmt.align, fmt.first_line, fmt.before, fmt.after) == ("both", 567, 120, 0)
    assert fmt.line == 240 and fmt.line_rule == "auto"
    assert {f.size_pt for f in seed_facts.run_formats(paragraph)} == {14}


def tables(facts):
    return facts.body.findall(qn("w:tbl"))


def test_header_is_a_borderless_fixed_table_whose_right_column_holds_the_quoc_hieu_on_one_line(seed_facts):
    header = tables(seed_facts)[0]
    assert header.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
    borders = header.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    assert all(b.get(qn("w:val")) in ("nil", "none") for b in borders)
    left, right = (int(c.get(qn("w:w"))) for c in header.find(qn("w:tblGrid")))
    margin = int(header.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn('w:left')}").get(qn("w:w")))
    assert text_width_twips("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True) <= right - 2 * margin
    assert text_width_twips("ỦY BAN NHÂN DÂN", 13, bold=True) <= left - 2 * margin


def test_issuer_rule_is_a_third_to_a_half_of_the_name_line_and_the_tieu_ngu_rule_its_full_width(seed_facts):
    header = tables(seed_facts)[0]
    left_cell, right_cell = header.find(qn("w:tr")).findall(qn("w:tc"))
    content = 3969 - 2 * 57
    issuer_rule = [p for p in left_cell.findall(qn("w:p")) if seed_facts.resolver.paragraph_format(p).border_bottom]
    fmt = seed_facts.resolver.paragraph_format(issuer_rule[0])
    name_width = text_width_twips("ỦY BAN NHÂN DÂN", 13, bold=True)  # the longer line of the name
    assert name_width / 3 <= content - fmt.left - fmt.right <= name_width / 2
    tieu_ngu_rule = [p for p in right_cell.findall(qn("w:p")) if seed_facts.resolver.paragraph_format(p).border_bottom]
    fmt = seed_facts.resolver.paragraph_format(tieu_ngu_rule[0])
    assert abs((5584 - 2 * 57 - fmt.left - fmt.right) - text_width_twips("Độc lập - Tự do - Hạnh phúc", 13, bold=True)) <= 2


def test_so_ky_hieu_and_date_stand_on_the_same_row(seed_facts):
    rows = tables(seed_facts)[0].findall(qn("w:tr"))
    assert [paragraph_text(p) for p in rows[1].iter(qn("w:p"))] == [
        "Số:      /KH-UBND", "Gia Lai, ngày      tháng      năm 2021"]


def test_footer_keeps_noi_nhan_beside_the_signature_in_one_unsplittable_row(seed_facts):
    footer = tables(seed_facts)[-1]
    rows = footer.findall(qn("w:tr"))
    assert len(rows) == 1 and rows[0].find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    left, right = rows[0].findall(qn("w:tc"))
    assert paragraph_text(left.find(qn("w:p"))) == "Nơi nhận:"
    assert paragraph_text(right.find(qn("w:p"))) == "TM. ỦY BAN NHÂN DÂN"
    # the last sentence is kept with the footer so the signature never stands alone on a page
    last = footer.getprevious()
    assert paragraph_text(last).endswith("./.") and seed_facts.resolver.paragraph_format(last).keep_next


def test_signature_leaves_four_blank_lines_for_signature_and_seal(seed_facts):
    right = tables(seed_facts)[-1].find(qn("w:tr")).findall(qn("w:tc"))[1]
    texts = [paragraph_text(p) for p in right.findall(qn("w:p"))]
    assert texts == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "", "", "Nguyễn Thị Thanh Lịch"]


def test_every_element_is_in_a_named_style(seed_facts):
    names = {seed_facts.resolver.style_name(seed_facts.resolver.paragraph_style_id(p)) for p in seed_facts.paragraphs}
    assert {"VB Quốc hiệu", "VB Tiêu ngữ", "VB Trích yếu", "VB Nội dung", "VB Nơi nhận", "VB Họ tên người ký"} <= names
    assert "Normal" not in names
