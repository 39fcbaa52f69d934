"""The corpus: real-like ND30-era documents of provincial offices, re-created as .docx by code.

Each document is modelled on a published one (its provenance in ``<name>.yaml``): the same kind, issuer,
number, date and layout habits (a borderless header table, drawn or typed rules, a footer table with the
Nơi nhận and the signature), the body paraphrased and shortened. ``build(name)`` gives the bytes;
``python tests/corpus/build.py OUT_DIR`` writes every document to look at in Word or LibreOffice.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from handmade import drawn_line, times_new_roman  # noqa: E402  (tests/ is not a package)

from generator.metrics import text_width_twips  # noqa: E402

MM_TWIPS = 1440 / 25.4


def _rule_mm(lines: list[str], size: float, share: float = 0.4) -> float:
    """A drawn rule of ``share`` of the widest line above, as a careful typist draws it (ND30: 1/3 to 1/2)."""
    return share * max(text_width_twips(line, size, bold=True) for line in lines) / MM_TWIPS

HERE = Path(__file__).resolve().parent
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


@dataclass
class Spec:
    """What differs between the documents: the texts, and the habits of the office that typed them."""

    parent: str | None  # cơ quan chủ quản (not bold), None when the issuer stands alone
    issuer: list[str]  # tên cơ quan ban hành, line by line (bold)
    so: str
    date: str
    ten_loai: str | None  # None: a công văn
    trich_yeu: list[str]
    body: list[tuple[str, str]]  # (kind, text): "h" heading (bold), "p" paragraph, "dieu" an Điều
    noi_nhan: list[str]
    authority: list[str]  # TM./KT. line and the chức vụ
    signer: str | None  # None: a draft without the signer's name
    kinh_gui: list[str] = field(default_factory=list)
    issuer_line_name: str | None = None  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …" above the Căn cứ of a quyết định
    # habits
    left_mm: float = 30
    body_pt: float = 14
    trich_yeu_caps: bool = False
    typed_rules: bool = False  # "-------" typed under the issuer and the Tiêu ngữ (as web copies show)
    date_italic: bool = True
    tieu_ngu: str = "Độc lập - Tự do - Hạnh phúc"
    ten_loai_pt: float = 14


def _paragraph(container, text: str = "", *, size: float = 14, bold=False, italic=False, align=None,
               before: float = 0, after: float = 0, indent_cm: float | None = None, underline=False):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        p.alignment = align
    if indent_cm is not None:
        fmt.first_line_indent = Cm(indent_cm)
    if text:
        run = p.add_run(text)
        run.font.size, run.font.bold, run.font.italic, run.font.underline = Pt(size), bold, italic, underline
    return p


def _cell(table, row: int, column: int):
    cell = table.cell(row, column)
    cell._tc.remove(cell.paragraphs[0]._p)  # python-docx leaves one empty paragraph in a new cell
    return cell


def build_spec(spec: Spec) -> bytes:
    doc = Document()
    times_new_roman(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(spec.left_mm), Mm(15)
    doc._body._body.remove(doc.paragraphs[0]._p) if doc.paragraphs else None

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    widths = (Cm(6.2), Cm(10.3))
    for column, width in enumerate(widths):
        header.columns[column].width = width
        header.cell(0, column).width = width
    left, right = _cell(header, 0, 0), _cell(header, 0, 1)
    if spec.parent:
        _paragraph(left, spec.parent, size=13, align=CENTER)
    for line in spec.issuer:
        _paragraph(left, line, size=13, bold=True, align=CENTER)
    if spec.typed_rules:
        _paragraph(left, "-------", size=13, align=CENTER)
    else:
        length = _rule_mm(spec.issuer[-1:], 13)
        _paragraph(left, size=13, align=CENTER)._p.append(drawn_line((62 - length) / 2, length, 1))
    if spec.ten_loai is None:  # a công văn: the trích yếu under the số
        _paragraph(left, spec.so, size=13, align=CENTER, before=6)
        for line in spec.trich_yeu:
            _paragraph(left, line, size=12, align=CENTER)
    else:
        _paragraph(left, spec.so, size=13, align=CENTER, before=6)
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=CENTER)
    if spec.typed_rules:
        _paragraph(right, spec.tieu_ngu, size=13, bold=True, align=CENTER)
        _paragraph(right, "---------------", size=13, align=CENTER)
    else:
        _paragraph(right, spec.tieu_ngu, size=13, bold=True, align=CENTER, underline=True)
        _paragraph(right, size=13, align=CENTER)
    _paragraph(right, spec.date, size=14, italic=spec.date_italic, align=CENTER, before=6)

    if spec.ten_loai is not None:
        _paragraph(doc, spec.ten_loai, size=spec.ten_loai_pt, bold=True, align=CENTER, before=18)
        for line in spec.trich_yeu:
            _paragraph(doc, line.upper() if spec.trich_yeu_caps else line, size=14, bold=True, align=CENTER)
        if spec.typed_rules:
            _paragraph(doc, "-----------", size=14, align=CENTER)
        else:
            length = _rule_mm(spec.trich_yeu, 14)
            width = 210 - spec.left_mm - 15
            _paragraph(doc, align=CENTER)._p.append(drawn_line((width - length) / 2, length, 2))
    if spec.issuer_line_name:
        _paragraph(doc, spec.issuer_line_name, size=14, bold=True, align=CENTER, before=6, after=6)
    for index, line in enumerate(spec.kinh_gui):
        p = _paragraph(doc, line, size=14, align=CENTER if len(spec.kinh_gui) == 1 else LEFT, before=12 * (index == 0))
        if index:
            p.paragraph_format.left_indent = Cm(3)
    for kind, text in spec.body:
        if kind == "quyet":
            _paragraph(doc, text, size=14, bold=True, align=CENTER, before=6, after=6)
        elif kind == "dieu":
            label, _, rest = text.partition(". ")
            p = _paragraph(doc, f"{label}. ", size=spec.body_pt, bold=True, align=JUSTIFY, before=6, indent_cm=1)
            run = p.add_run(rest)
            run.font.size = Pt(spec.body_pt)
        else:
            _paragraph(doc, text, size=spec.body_pt, bold=kind == "h", align=JUSTIFY, before=6, indent_cm=1)

    footer = doc.add_table(rows=1, cols=2)
    footer.autofit = False
    for column, width in enumerate((Cm(7.5), Cm(9))):
        footer.columns[column].width = width
        footer.cell(0, column).width = width
    left, right = _cell(footer, 0, 0), _cell(footer, 0, 1)
    _paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12)
    for entry in spec.noi_nhan:
        _paragraph(left, entry, size=11)
    for index, line in enumerate(spec.authority):
        _paragraph(right, line, size=14, bold=True, align=CENTER, before=12 if index == 0 else 0)
    for _ in range(4):
        _paragraph(right, size=14, align=CENTER)
    if spec.signer:
        _paragraph(right, spec.signer, size=14, bold=True, align=CENTER)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


GL = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI")
NN_TINH = ["- Như Điều 3;", "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);", "- CT, các PCT UBND tỉnh;", "- Lưu: VT, KGVX."]

SPECS: dict[str, Spec] = {
    # a signed kế hoạch of a province, as published: conformant
    "kh-gia-lai-540-2021": Spec(
        None, list(GL), "Số: 540/KH-UBND", "Gia Lai, ngày 14 tháng 5 năm 2021", "KẾ HOẠCH",
        ["Tiếp tục biên soạn và tổ chức thực hiện nội dung giáo dục", "địa phương trong chương trình giáo dục phổ thông mới"],
        [("p", "Căn cứ các thông tư của Bộ Giáo dục và Đào tạo về chương trình giáo dục phổ thông và về thẩm định tài "
               "liệu giáo dục địa phương; tiếp nối kế hoạch năm 2019 của Ủy ban nhân dân tỉnh về cùng nội dung, Ủy ban "
               "nhân dân tỉnh ban hành Kế hoạch như sau:"),
         ("h", "I. MỤC ĐÍCH, YÊU CẦU"),
         ("p", "Bảo đảm tài liệu giáo dục địa phương được biên soạn, thẩm định và đưa vào giảng dạy đúng lộ trình, phù "
               "hợp với điều kiện thực tế của tỉnh."),
         ("h", "II. NỘI DUNG"),
         ("p", "Sở Giáo dục và Đào tạo chủ trì biên soạn tài liệu cho từng lớp, tổ chức thẩm định và trình phê duyệt "
               "trước khi bắt đầu năm học./.")],
        ["- Bộ Giáo dục và Đào tạo (b/c);", "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);", "- Sở Giáo dục và Đào tạo;",
         "- Lưu: VT, KGVX."],
        ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Nguyễn Văn An"),
    # a kế hoạch as the web copy shows it: the month written "09", typed rules, the trích yếu in capitals
    "kh-soc-trang-135-2022": Spec(
        None, ["ỦY BAN NHÂN DÂN", "TỈNH SÓC TRĂNG"], "Số: 135/KH-UBND", "Sóc Trăng, ngày 27 tháng 09 năm 2022",
        "KẾ HOẠCH", ["Rà soát hộ nghèo, hộ cận nghèo trên địa bàn tỉnh Sóc Trăng năm 2022"],
        [("p", "Căn cứ quy định của Chính phủ về chuẩn nghèo đa chiều giai đoạn 2021 - 2025 và quy trình rà soát hộ "
               "nghèo, hộ cận nghèo hằng năm của Thủ tướng Chính phủ, Ủy ban nhân dân tỉnh ban hành Kế hoạch rà soát "
               "năm 2022 như sau:"),
         ("h", "I. MỤC ĐÍCH, YÊU CẦU"),
         ("p", "Xác định đúng, đủ số hộ nghèo, hộ cận nghèo để thực hiện các chính sách giảm nghèo và an sinh xã hội "
               "năm 2023."),
         ("h", "II. THỜI GIAN THỰC HIỆN"),
         ("p", "Các huyện, thị xã, thành phố tổ chức rà soát từ tháng 10 đến hết tháng 11 năm 2022 và báo cáo kết quả "
               "về Sở Lao động - Thương binh và Xã hội./.")],
        ["- Bộ Lao động - TB và XH (b/c);", "- TT Tỉnh ủy, TT HĐND tỉnh;", "- UBND các huyện, TX, TP;",
         "- Lưu: VT, VX."],
        ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Trần Thị Bình",
        trich_yeu_caps=True, typed_rules=True),
    # a quyết định with Điều 1–3 signed by the province
    "qd-thanh-hoa-4168-2021": Spec(
        None, ["ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA"], "Số: 4168/QĐ-UBND", "Thanh Hóa, ngày 22 tháng 10 năm 2021",
        "QUYẾT ĐỊNH", ["Ban hành Quy chế quản lý, vận hành và sử dụng Cổng thông tin", "phòng, chống Covid-19 tỉnh Thanh Hóa"],
        [("p", "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
               "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"),
         ("p", "Căn cứ Luật Phòng, chống bệnh truyền nhiễm ngày 21 tháng 11 năm 2007;"),
         ("p", "Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông."),
         ("quyet", "QUYẾT ĐỊNH:"),
         ("dieu", "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý, vận hành và sử dụng Cổng thông tin phòng, "
                  "chống Covid-19 của tỉnh."),
         ("dieu", "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký."),
         ("dieu", "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, Chủ tịch Ủy ban nhân dân các huyện, "
                  "thị xã, thành phố và các cơ quan có liên quan chịu trách nhiệm thi hành Quyết định này./.")],
        NN_TINH, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Lê Văn Cường",
        issuer_line_name="ỦY BAN NHÂN DÂN TỈNH THANH HÓA"),
    # a draft quyết định of the Chủ tịch: number and signer left blank, the left margin at 25 mm
    "qd-kon-tum-547-2024-du-thao": Spec(
        None, ["ỦY BAN NHÂN DÂN", "TỈNH KON TUM"], "Số:        /QĐ-UBND", "Kon Tum, ngày     tháng 8 năm 2024",
        "QUYẾT ĐỊNH", ["Phê duyệt Nhiệm vụ Quy hoạch xây dựng vùng huyện Sa Thầy,", "tỉnh Kon Tum đến năm 2040"],
        [("p", "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
         ("p", "Căn cứ Luật Xây dựng ngày 18 tháng 6 năm 2014;"),
         ("p", "Theo đề nghị của Giám đốc Sở Xây dựng."),
         ("quyet", "QUYẾT ĐỊNH:"),
         ("dieu", "Điều 1. Phê duyệt Nhiệm vụ Quy hoạch xây dựng vùng huyện Sa Thầy đến năm 2040 với phạm vi, mục tiêu "
                  "và nội dung chủ yếu nêu tại hồ sơ kèm theo."),
         ("dieu", "Điều 2. Ủy ban nhân dân huyện Sa Thầy tổ chức lập quy hoạch theo nhiệm vụ được duyệt."),
         ("dieu", "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Xây dựng, Chủ tịch Ủy ban nhân dân huyện Sa "
                  "Thầy chịu trách nhiệm thi hành Quyết định này./.")],
        NN_TINH, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], None,
        issuer_line_name="ỦY BAN NHÂN DÂN TỈNH KON TUM", left_mm=25),
    # a công văn "V/v …" of a province to its departments and districts
    "cv-ba-ria-vung-tau-13417-2021": Spec(
        None, ["ỦY BAN NHÂN DÂN", "TỈNH BÀ RỊA - VŨNG TÀU"], "Số: 13417/UBND-VP", "Bà Rịa - Vũng Tàu, ngày 22 tháng 9 năm 2021",
        None, ["V/v tiếp tục thực hiện một số biện pháp", "phòng, chống dịch COVID-19 trên địa bàn tỉnh"],
        [("p", "Thực hiện chỉ đạo của Thủ tướng Chính phủ về phòng, chống dịch COVID-19 trong tình hình mới, trên cơ sở "
               "tình hình dịch trên địa bàn tỉnh cơ bản được kiểm soát, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:"),
         ("p", "1. Tiếp tục áp dụng giãn cách xã hội theo Chỉ thị số 15/CT-TTg trên địa bàn tỉnh, trừ các khu vực đang "
               "phong tỏa, kể từ 0 giờ ngày 23 tháng 9 năm 2021 cho đến khi có thông báo mới."),
         ("p", "2. Các sở, ban, ngành và Ủy ban nhân dân các huyện, thị xã, thành phố tổ chức thực hiện; báo cáo khó "
               "khăn, vướng mắc về Sở Y tế để tổng hợp./.")],
        ["- Như trên;", "- TTr Tỉnh ủy, TTr HĐND tỉnh (b/c);", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, VP."],
        ["CHỦ TỊCH"], "Phạm Văn Dũng",
        kinh_gui=["Kính gửi:", "- Các sở, ban, ngành tỉnh;", "- UBND các huyện, thị xã, thành phố."]),
    # a thông báo of an office (lịch tiếp công dân), the body typed in 13 pt
    "tb-tay-ninh-tiep-cong-dan-2021": Spec(
        "UBND TỈNH TÂY NINH", ["VĂN PHÒNG ĐOÀN ĐBQH,", "HĐND VÀ UBND TỈNH"], "Số: 05/TB-VP", "Tây Ninh, ngày 04 tháng 01 năm 2021",
        "THÔNG BÁO", ["Lịch tiếp công dân năm 2021 tại Trụ sở Tiếp công dân tỉnh"],
        [("p", "Văn phòng thông báo lịch tiếp công dân định kỳ năm 2021 tại Trụ sở Tiếp công dân tỉnh như sau:"),
         ("p", "1. Chủ tịch Ủy ban nhân dân tỉnh tiếp công dân vào thứ Năm tuần đầu tiên của mỗi tháng, bắt đầu lúc 07 "
               "giờ 30."),
         ("p", "2. Thường trực Hội đồng nhân dân tỉnh, Đoàn đại biểu Quốc hội tỉnh và Bí thư Tỉnh ủy tiếp công dân vào "
               "các thứ Năm còn lại theo lịch chi tiết kèm theo; ngày trùng dịp nghỉ Tết thì không tiếp./.")],
        ["- TT Tỉnh ủy, TT HĐND, UBND tỉnh;", "- Ban Tiếp công dân tỉnh;", "- Cổng TTĐT tỉnh;", "- Lưu: VT."],
        ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"], "Võ Thị Hoa", body_pt=13),
    # a tờ trình of a department to the province, with "Kính gửi", as cited by the quyết định it asked for
    "ttr-vinh-long-snnptnt-43-2020": Spec(
        "UBND TỈNH VĨNH LONG", ["SỞ NÔNG NGHIỆP VÀ", "PHÁT TRIỂN NÔNG THÔN"], "Số: 43/TTr-SNNPTNT",
        "Vĩnh Long, ngày 27 tháng 02 năm 2020", "TỜ TRÌNH",
        ["Về việc phê duyệt quy trình nội bộ giải quyết thủ tục hành chính", "lĩnh vực Chăn nuôi"],
        [("p", "Thực hiện quy định của Chính phủ về cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành "
               "chính và Quyết định công bố thủ tục hành chính lĩnh vực Chăn nuôi của Chủ tịch Ủy ban nhân dân tỉnh, "
               "Sở đã xây dựng quy trình nội bộ cho từng thủ tục."),
         ("p", "Sở Nông nghiệp và Phát triển nông thôn kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, phê duyệt quy "
               "trình nội bộ kèm theo Tờ trình này./.")],
        ["- Như trên;", "- Giám đốc, các PGĐ Sở;", "- Lưu: VT, VP."],
        ["GIÁM ĐỐC"], "Đặng Văn Khoa", kinh_gui=["Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long."]),
    # a report a department sends up under the Gia Lai kế hoạch 540 (its Tổ chức thực hiện asks for one)
    "bc-gia-lai-sgddt-2021-du-thao": Spec(
        "UBND TỈNH GIA LAI", ["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], "Số:      /BC-SGDĐT", "Gia Lai, ngày     tháng 12 năm 2021",
        "BÁO CÁO", ["Kết quả biên soạn tài liệu giáo dục địa phương năm 2021"],
        [("p", "Thực hiện Kế hoạch số 540/KH-UBND ngày 14/5/2021 của Ủy ban nhân dân tỉnh, Sở Giáo dục và Đào tạo báo "
               "cáo kết quả như sau:"),
         ("h", "I. KẾT QUẢ THỰC HIỆN"),
         ("p", "Sở đã thành lập các nhóm biên soạn, hoàn thành bản thảo tài liệu cho các lớp theo lộ trình và gửi Hội "
               "đồng thẩm định cấp tỉnh."),
         ("h", "II. KHÓ KHĂN, ĐỀ XUẤT"),
         ("p", "Kinh phí biên soạn còn hạn chế; Sở kính đề nghị Ủy ban nhân dân tỉnh xem xét bố trí bổ sung")],
        ["- UBND tỉnh (b/c);", "- Giám đốc, các PGĐ Sở;", "- Lưu: VT, GDTrH."],
        ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], None, kinh_gui=["Kính gửi: Ủy ban nhân dân tỉnh Gia Lai."],
        date_italic=False),
}


def names() -> list[str]:
    return list(SPECS)


def build(name: str) -> bytes:
    return build_spec(SPECS[name])


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name in names():
        (out / f"{name}.docx").write_bytes(build(name))
        print(out / f"{name}.docx")
