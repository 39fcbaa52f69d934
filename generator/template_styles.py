"""The named paragraph styles of vanban's templates, one per ND30 element.

A secretary who opens a template in Word sees "VB Quốc hiệu", "VB Nội dung", "VB Nơi nhận" … in the
style list and can adjust an element everywhere at once. The formats come from the layout profile.
"""

from __future__ import annotations

from .layout import Layout
from .metrics import text_width_twips
from .ooxml import mm, pt
from .ooxml.parts import ParagraphFormat, Style

CHU_QUAN = "VBCoQuanChuQuan"
BAN_HANH = "VBCoQuanBanHanh"
DUONG_KE = "VBDuongKe"
DUONG_KE_TRICH_YEU = "VBDuongKeTrichYeu"
SO_KY_HIEU = "VBSoKyHieu"
QUOC_HIEU = "VBQuocHieu"
TIEU_NGU = "VBTieuNgu"
DIA_DANH_NGAY = "VBDiaDanhNgay"
TEN_LOAI = "VBTenLoai"
TRICH_YEU = "VBTrichYeu"
KINH_GUI = "VBKinhGui"
KINH_GUI_DONG = "VBKinhGuiDong"
NOI_DUNG = "VBNoiDung"
MUC = "VBMuc"
KHOAN = "VBKhoan"
DIEM = "VBDiem"
KET_THUC = "VBKetThuc"
NOI_NHAN_NHAN = "VBNoiNhanNhan"
NOI_NHAN = "VBNoiNhan"
QUYEN_HAN = "VBQuyenHan"
KHOANG_KY = "VBKhoangKy"
HO_TEN = "VBHoTen"
SO_TRANG = "VBSoTrang"
PHU_LUC = "VBPhuLuc"
PHU_LUC_TIEU_DE = "VBPhuLucTieuDe"
PHU_LUC_KEM_THEO = "VBPhuLucKemTheo"
BANG_TIEU_DE = "VBBangTieuDe"
BANG = "VBBang"
BANG_SO = "VBBangSo"
BANG_TONG = "VBBangTong"
TAG = "VBThe"  # paragraphs that hold only {%p … %} tags; docxtpl removes them

KINH_GUI_INDENT_MM = 35  # Mẫu 1.5: "Kính gửi:" starts 35 mm in


def kinh_gui_list_indent(layout: Layout) -> int:
    """Left indent of the "- …;" lines under "Kính gửi:", so that their dashes stand under the colon."""
    return mm(KINH_GUI_INDENT_MM) + text_width_twips("Kính gửi", layout.sizes.kinh_gui)


def _look(emphasis) -> dict:
    """Bold and italic of an element as the layout's ``format`` prescribes (unset: upright, not bold)."""
    return {"bold": bool(emphasis.bold), "italic": bool(emphasis.italic)}


def styles(layout: Layout) -> list[Style]:
    s = layout.sizes
    f = layout.format
    body = layout.body
    body_fmt = dict(
        align="both",
        size_pt=s.body,
        first_line=mm(body.first_line_indent_mm),
        before=pt(body.space_before_pt),
        after=pt(body.space_after_pt),
        line=round(240 * body.line_spacing),
    )
    dash = text_width_twips("- ", s.noi_nhan)
    return [
        Style(CHU_QUAN, "VB Cơ quan chủ quản", ParagraphFormat(align="center", size_pt=s.chu_quan, **_look(f.chu_quan))),
        Style(BAN_HANH, "VB Cơ quan ban hành", ParagraphFormat(align="center", size_pt=s.ban_hanh, **_look(f.ban_hanh))),
        Style(DUONG_KE, "VB Đường kẻ", ParagraphFormat(
            size_pt=2, line=pt(5), line_rule="exact", border_bottom_eighths=layout.rules.weight_eighths_pt)),
        Style(DUONG_KE_TRICH_YEU, "VB Đường kẻ dưới trích yếu", ParagraphFormat(
            size_pt=2, line=pt(5), line_rule="exact", after=pt(12),
            border_bottom_eighths=layout.rules.weight_eighths_pt), based_on=DUONG_KE),
        Style(SO_KY_HIEU, "VB Số, ký hiệu", ParagraphFormat(align="center", size_pt=s.so_ky_hieu, before=pt(6),
                                                             **_look(f.so_ky_hieu))),
        Style(QUOC_HIEU, "VB Quốc hiệu", ParagraphFormat(align="center", size_pt=s.quoc_hieu, **_look(f.quoc_hieu))),
        Style(TIEU_NGU, "VB Tiêu ngữ", ParagraphFormat(align="center", size_pt=s.tieu_ngu, **_look(f.tieu_ngu))),
        Style(DIA_DANH_NGAY, "VB Địa danh, ngày tháng", ParagraphFormat(
            align="center", size_pt=s.dia_danh_ngay, before=pt(6), **_look(f.dia_danh_ngay))),
        Style(TEN_LOAI, "VB Tên loại", ParagraphFormat(
            align="center", size_pt=s.ten_loai, before=pt(24), keep_next=True, **_look(f.ten_loai))),
        Style(TRICH_YEU, "VB Trích yếu", ParagraphFormat(
            align="center", size_pt=s.trich_yeu, keep_next=True, **_look(f.trich_yeu))),
        Style(KINH_GUI, "VB Kính gửi", ParagraphFormat(
            size_pt=s.kinh_gui, first_line=mm(KINH_GUI_INDENT_MM), before=pt(6), after=pt(6))),
        Style(KINH_GUI_DONG, "VB Kính gửi (dòng)", ParagraphFormat(
            size_pt=s.kinh_gui, left=kinh_gui_list_indent(layout))),
        Style(NOI_DUNG, "VB Nội dung", ParagraphFormat(**body_fmt)),
        Style(MUC, "VB Mục", ParagraphFormat(**body_fmt, bold=True, keep_next=True), based_on=NOI_DUNG),
        Style(KHOAN, "VB Khoản", ParagraphFormat(**body_fmt, bold=True, keep_next=True), based_on=NOI_DUNG),
        Style(DIEM, "VB Điểm", ParagraphFormat(**body_fmt, keep_next=True), based_on=NOI_DUNG),
        Style(KET_THUC, "VB Nội dung (đoạn cuối)", ParagraphFormat(**body_fmt, keep_next=True), based_on=NOI_DUNG),
        Style(NOI_NHAN_NHAN, "VB Nơi nhận (nhãn)", ParagraphFormat(
            align="left", size_pt=s.noi_nhan_label, **_look(f.noi_nhan_label))),
        Style(NOI_NHAN, "VB Nơi nhận", ParagraphFormat(
            align="left", size_pt=s.noi_nhan, left=dash, hanging=dash, **_look(f.noi_nhan))),
        Style(QUYEN_HAN, "VB Quyền hạn, chức vụ", ParagraphFormat(align="center", size_pt=s.quyen_han, **_look(f.quyen_han))),
        Style(KHOANG_KY, "VB Khoảng ký", ParagraphFormat(align="center", size_pt=s.quyen_han)),
        Style(HO_TEN, "VB Họ tên người ký", ParagraphFormat(align="center", size_pt=s.ho_ten, **_look(f.ho_ten))),
        Style(SO_TRANG, "VB Số trang", ParagraphFormat(align="center", size_pt=s.so_trang)),
        Style(PHU_LUC, "VB Phụ lục", ParagraphFormat(align="center", size_pt=14, bold=True, keep_next=True)),
        Style(PHU_LUC_TIEU_DE, "VB Phụ lục (tên)", ParagraphFormat(
            align="center", size_pt=14, bold=True, keep_next=True)),
        Style(PHU_LUC_KEM_THEO, "VB Phụ lục (kèm theo)", ParagraphFormat(
            align="center", size_pt=13, italic=True, keep_next=True)),
        Style(BANG_TIEU_DE, "VB Bảng (tiêu đề cột)", ParagraphFormat(align="center", size_pt=12, bold=True)),
        Style(BANG, "VB Bảng", ParagraphFormat(align="left", size_pt=12)),
        Style(BANG_SO, "VB Bảng (số)", ParagraphFormat(align="center", size_pt=12)),
        Style(BANG_TONG, "VB Bảng (tổng cộng)", ParagraphFormat(align="center", size_pt=12, bold=True)),
        Style(TAG, "VB Thẻ mẫu", ParagraphFormat(size_pt=8)),
    ]
