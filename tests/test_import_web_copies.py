"""`vanban import` of plans copied from legal-document websites, whose two header columns came out flattened.

Every case below was written for these tests (the provinces are real, the plans, numbers and names are
not): each shows one or more of the ways a copy loses the ND30 header table — the columns one after the
other in either order or interleaved line by line, fixed phrases and names cut across lines, "|", tabs and
rules between cells, the site's metadata block around the document, a lost province line, the old tone
placement. Each is imported end to end; the header fields must come out exactly, and the registry the
importer writes for the issuer must always validate.
"""

from __future__ import annotations

import inspect
import re

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from generator import pipeline
from generator.importer.header import type_code_of
from generator.importer.parse import guess_unit
from generator.loading import load_plan, load_registry
from generator.vocabulary import QUOC_HIEU

BODY = """\

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao hiệu quả phối hợp giữa các cơ quan, đơn vị.
2. Yêu cầu
Bảo đảm thiết thực, tiết kiệm, hiệu quả.
II. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị căn cứ Kế hoạch này triển khai thực hiện./.

Nơi nhận:
- Như trên;
- Lưu: VT.
"""

UBND_HEAD = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n"
UBND_DEPUTY = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
SO_DEPUTY = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n"


def case(id, text, *, header, number, type="KH", code, date, place, title, parent=(), signer=None, warnings=()):
    text = re.sub(r"(?m)^ {8}", "", text)  # the cases are indented in this file, not in the copy
    return pytest.param(dict(text=text, header=header, parent=list(parent), number=number,
                             type=type, code=code, date=date, place=place, title=title, signer=signer,
                             warnings=warnings), id=id)


CASES = [
    case("cao-bang-interleaved", """\
        ỦY BAN NHÂN DÂN
        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        TỈNH CAO BẰNG
        Độc lập - Tự do - Hạnh phúc
        Số: 58/KH-UBND
        Cao Bằng, ngày 30 tháng 3 năm 2020

        KẾ HOẠCH
        Tuyên truyền phòng, chống dịch bệnh trên địa bàn tỉnh năm 2020
        """ + BODY + UBND_DEPUTY + "Đàm Văn Khải\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG"], number=58, code="UBND", date="2020-03-30", place="Cao Bằng",
         title="Tuyên truyền phòng, chống dịch bệnh trên địa bàn tỉnh năm 2020", signer="Đàm Văn Khải"),
    case("ha-tinh-right-column-first", """\
        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc
        ---------------
        Hà Tĩnh, ngày 05 tháng 6 năm 2022
        ỦY BAN NHÂN DÂN
        TỈNH HÀ TĨNH
        -------
        Số: 312/KH-UBND

        KẾ HOẠCH
        Tổ chức Tháng hành động vì trẻ em năm 2022
        """ + BODY + UBND_HEAD + "Trần Quang Minh\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"], number=312, code="UBND", date="2022-06-05", place="Hà Tĩnh",
         title="Tổ chức Tháng hành động vì trẻ em năm 2022", signer="Trần Quang Minh"),
    case("lao-cai-so-phrases-cut", """\
        UBND TỈNH LÀO CAI | CỘNG
        SỞ Y TẾ | HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        | Độc lập - Tự do -
        | Hạnh phúc
        Số: 45/KH-SYT | Lào Cai, ngày 18 tháng 02 năm 2021

        KẾ HOẠCH
        Triển khai tiêm vắc xin phòng bệnh sởi cho trẻ em năm 2021
        """ + BODY + SO_DEPUTY + "Vàng Thị Lan\n",
         parent=["UBND TỈNH LÀO CAI"], header=["SỞ Y TẾ"], number=45, code="SYT", date="2021-02-18",
         place="Lào Cai", title="Triển khai tiêm vắc xin phòng bệnh sởi cho trẻ em năm 2021", signer="Vàng Thị Lan"),
    case("thai-nguyen-place-cut-quyet-dinh", """\
        ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        TỈNH THÁI NGUYÊN | Độc lập - Tự do - Hạnh phúc
        Số: 1520/QĐ-UBND | Thái
        | Nguyên, ngày 12 tháng 8 năm 2021

        QUYẾT ĐỊNH
        Về việc thành lập Tổ công tác chuyển đổi số của tỉnh

        I. THÀNH LẬP TỔ CÔNG TÁC
        Thành lập Tổ công tác chuyển đổi số của tỉnh.
        II. TỔ CHỨC THỰC HIỆN
        Quyết định có hiệu lực kể từ ngày ký./.

        Nơi nhận:
        - Như trên;
        - Lưu: VT.
        """ + "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nHà Văn Sơn\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN"], number=1520, type="QĐ", code="UBND", date="2021-08-12",
         place="Thái Nguyên", title="Về việc thành lập Tổ công tác chuyển đổi số của tỉnh", signer="Hà Văn Sơn"),
    case("mai-chau-date-cut-in-cells", """\
        ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        HUYỆN MAI CHÂU | Độc lập - Tự do - Hạnh phúc
        Số: 17/KH-UBND | Mai Châu, ngày 21
        | tháng 02 năm 2023

        KẾ HOẠCH
        Tổ chức Lễ hội xuân huyện Mai Châu năm 2023
        """ + BODY + UBND_HEAD + "Xa Văn Tiến\n",
         header=["ỦY BAN NHÂN DÂN", "HUYỆN MAI CHÂU"], number=17, code="UBND", date="2023-02-21", place="Mai Châu",
         title="Tổ chức Lễ hội xuân huyện Mai Châu năm 2023", signer="Xa Văn Tiến"),
    case("bao-lac-tabs-and-spaces", """\
        ỦY BAN NHÂN DÂN\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        HUYỆN BẢO LẠC        Độc lập - Tự do - Hạnh phúc
        -------            ---------------
        Số: 09/KH-UBND        Bảo Lạc, ngày 03 tháng 4 năm 2021

        KẾ HOẠCH
        Phòng cháy, chữa cháy rừng mùa khô năm 2021
        """ + BODY + UBND_DEPUTY + "Nông Văn Hùng\n",
         header=["ỦY BAN NHÂN DÂN", "HUYỆN BẢO LẠC"], number=9, code="UBND", date="2021-04-03", place="Bảo Lạc",
         title="Phòng cháy, chữa cháy rừng mùa khô năm 2021", signer="Nông Văn Hùng"),
    case("quang-binh-site-block-dropped", """\
        Trang chủ > Văn bản pháp luật > Kế hoạch
        Kế hoạch 86/KH-UBND năm 2021 về phát triển du lịch cộng đồng tỉnh Quảng Bình
        Số hiệu: 86/KH-UBND
        Loại văn bản: Kế hoạch
        Nơi ban hành: Tỉnh Quảng Bình
        Người ký: Lê Văn Hòa
        Ngày ban hành: 19/01/2021
        Ngày hiệu lực: Đã biết
        Tình trạng: Đã biết
        Tải về
        Mục lục

        ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        | Độc lập - Tự do - Hạnh phúc
        Số: 86/KH-UBND | Quảng Bình, ngày 19 tháng 01 năm 2021

        KẾ HOẠCH
        Phát triển du lịch cộng đồng
        tỉnh Quảng Bình năm 2021
        """ + BODY + UBND_DEPUTY + "Lê Văn Hòa\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG BÌNH"], number=86, code="UBND", date="2021-01-19", place="Quảng Bình",
         title="Phát triển du lịch cộng đồng tỉnh Quảng Bình năm 2021", signer="Lê Văn Hòa",
         warnings=["đã bỏ 11 dòng thông tin của trang web"]),
    case("yen-bai-facts-only-on-the-site", """\
        Số hiệu: | 27/KH-UBND | Loại văn bản: | Kế hoạch
        Nơi ban hành: | Tỉnh Yên Bái | Người ký: | Nguyễn Minh Tâm
        Ngày ban hành: | 14/05/2019 | Ngày hiệu lực: | Đã biết
        Tình trạng: | Đã biết

        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc

        KẾ HOẠCH
        Phát triển sản xuất chè hàng hóa năm 2019
        """ + BODY + UBND_DEPUTY,
         header=["ỦY BAN NHÂN DÂN", "TỈNH YÊN BÁI"], number=27, code="UBND", date="2019-05-14", place="Yên Bái",
         title="Phát triển sản xuất chè hàng hóa năm 2019", signer="Nguyễn Minh Tâm",
         warnings=["số và ký hiệu (27/KH-UBND)", "ngày ban hành (14/05/2019)", "tên cơ quan ban hành (Tỉnh Yên Bái)",
                   "người ký (Nguyễn Minh Tâm)"]),
    case("nam-dinh-province-line-lost", """\
        ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        | Độc lập - Tự do - Hạnh phúc
        Số: 102/KH-UBND | Nam Định, ngày 09 tháng 9 năm 2020

        KẾ HOẠCH
        Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2020
        """ + BODY + UBND_HEAD + "Phạm Đình Nghị\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH NAM ĐỊNH"], number=102, code="UBND", date="2020-09-09", place="Nam Định",
         title="Tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2020", signer="Phạm Đình Nghị",
         warnings=["đã suy ra «TỈNH NAM ĐỊNH» từ dòng địa danh"]),
    case("khanh-hoa-old-tones-lower-case-so", """\
        UỶ BAN NHÂN DÂN                  CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
        TỈNH KHÁNH HOÀ                   Độc lập - Tự do - Hạnh phúc
        số 58/KH-UBND                    Khánh Hoà, ngày 10 tháng 03 năm 2020

        KẾ HOẠCH
        Bảo vệ môi trường biển và hải đảo năm 2020
        """ + BODY + UBND_DEPUTY + "Đào Công Thiên\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA"], number=58, code="UBND", date="2020-03-10", place="Khánh Hòa",
         title="Bảo vệ môi trường biển và hải đảo năm 2020", signer="Đào Công Thiên"),
    case("bac-giang-so-name-cut-mid-word", """\
        UBND TỈNH BẮC GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        SỞ NÔNG NGHIỆP VÀ PHÁT TRI | Độc lập - Tự do - Hạnh phúc
        ỂN NÔNG THÔN |
        Số: 58 /KH-SNN | Bắc\u00a0Giang, ngày 07 tháng 5 năm 2020

        KẾ HOẠCH
        Phòng, chống bệnh dịch tả lợn châu Phi năm 2020
        """ + BODY + SO_DEPUTY + "Dương Thị Hoa\n",
         parent=["UBND TỈNH BẮC GIANG"], header=["SỞ NÔNG NGHIỆP", "VÀ PHÁT TRIỂN NÔNG THÔN"], number=58, code="SNN",
         date="2020-05-07", place="Bắc Giang", title="Phòng, chống bệnh dịch tả lợn châu Phi năm 2020",
         signer="Dương Thị Hoa"),
    case("hai-phong-markdown-rules-chuong-trinh", """\
        ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        THÀNH PHỐ HẢI PHÒNG | Độc lập - Tự do - Hạnh phúc
        \\_\\_\\_\\_\\_\\_ | \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_
        Số: 41/CTr-UBND | Hải Phòng, ngày 25 tháng 11 năm 2022

        CHƯƠNG TRÌNH
        Hành động thực hiện chuyển đổi số thành phố năm 2023
        ---o0o---
        """ + BODY + UBND_DEPUTY + "Lê Khắc Nam\n",
         header=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"], number=41, type="CTr", code="UBND", date="2022-11-25",
         place="Hải Phòng", title="Hành động thực hiện chuyển đổi số thành phố năm 2023", signer="Lê Khắc Nam"),
    case("dien-bien-type-cut-site-block-after", """\
        ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        | Độc lập - Tự do - Hạnh phúc
        Số: 2210/KH-UBND | Điện Biên, ngày 04 tháng 8 năm 2021

        KẾ
        HOẠCH
        Bảo vệ và phát triển rừng năm 2021
        """ + BODY + UBND_DEPUTY + "Lò Văn Tiến\n" + """
        Số hiệu: 2210/KH-UBND
        Ngày ban hành: 04/08/2021
        Tình trạng: Đã biết
        """,
         header=["ỦY BAN NHÂN DÂN", "TỈNH ĐIỆN BIÊN"], number=2210, code="UBND", date="2021-08-04", place="Điện Biên",
         title="Bảo vệ và phát triển rừng năm 2021", signer="Lò Văn Tiến", warnings=["đã bỏ 3 dòng thông tin"]),
    case("hai-lang-quoc-hieu-cut-mid-word-interleaved", """\
        ỦY BAN NHÂN DÂN
        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆ
        HUYỆN HẢI LĂNG
        T NAM
        Độc lập - Tự do - Hạnh phúc
        Số: 75/KH-UBND
        Hải Lăng, ngày 16 tháng 10 năm 2020

        KẾ HOẠCH
        Khắc phục hậu quả mưa lũ trên địa bàn huyện
        """ + BODY + UBND_HEAD + "Lê Văn Bình\n",
         header=["ỦY BAN NHÂN DÂN", "HUYỆN HẢI LĂNG"], number=75, code="UBND", date="2020-10-16", place="Hải Lăng",
         title="Khắc phục hậu quả mưa lũ trên địa bàn huyện", signer="Lê Văn Bình"),
    case("phu-yen-so-columns-on-one-line", """\
        ỦY BAN NHÂN DÂN TỈNH PHÚ YÊN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        SỞ TƯ PHÁP Độc lập - Tự do - Hạnh phúc
        Số: 15/KH-STP Tuy Hòa, ngày 22 tháng 7 năm 2021

        KẾ HOẠCH
        Phổ biến, giáo dục pháp luật năm 2021
        """ + BODY + SO_DEPUTY + "Nguyễn Thị Thu\n",
         parent=["ỦY BAN NHÂN DÂN", "TỈNH PHÚ YÊN"], header=["SỞ TƯ PHÁP"], number=15, code="STP", date="2021-07-22",
         place="Tuy Hòa", title="Phổ biến, giáo dục pháp luật năm 2021", signer="Nguyễn Thị Thu"),
    case("vinh-phuc-issuer-only-in-the-signature", """\
        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc
        Số: 88/KH-UBND
        Vĩnh Phúc, ngày 02 tháng 12 năm 2019

        KẾ HOẠCH
        Tổ chức các hoạt động mừng Đảng, mừng Xuân năm 2020
        """ + BODY + UBND_DEPUTY + "Vũ Chí Giang\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH VĨNH PHÚC"], number=88, code="UBND", date="2019-12-02", place="Vĩnh Phúc",
         title="Tổ chức các hoạt động mừng Đảng, mừng Xuân năm 2020", signer="Vũ Chí Giang",
         warnings=["từ khối chữ ký"]),
    case("son-la-cong-an-number-on-its-own-line", """\
        CÔNG AN TỈNH SƠN LA | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        | Độc lập - Tự do - Hạnh phúc
        Số: | Sơn La, ngày 11 tháng 01 năm 2024
        120/KH-CAT-PV01 |

        KẾ HOẠCH
        Bảo đảm an ninh, trật tự dịp Tết Nguyên đán Giáp Thìn năm 2024
        """ + BODY + "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nCầm Văn Thắng\n",
         header=["CÔNG AN TỈNH SƠN LA"], number=120, code="CAT", date="2024-01-11", place="Sơn La",
         title="Bảo đảm an ninh, trật tự dịp Tết Nguyên đán Giáp Thìn năm 2024", signer="Cầm Văn Thắng"),
]


CASES += [
    case("tuyen-quang-labels-on-one-line-type-run-on", """\
        Số hiệu: 33/KH-UBND Loại văn bản: Kế hoạch
        Nơi ban hành: Tỉnh Tuyên Quang Người ký: Ma Thế Hồng
        Ngày ban hành: 16/03/2022 Ngày hiệu lực: Đã biết
        Vì chưa đăng nhập nên bạn chỉ xem được thuộc tính của văn bản
        ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        | Độc lập - Tự do - Hạnh phúc
        Số: | Tuyên Quang ngày 16 tháng 3 năm 2022
        KẾ HOẠCH Tổ chức Ngày Sách và Văn hóa đọc năm 2022
        """ + BODY + UBND_DEPUTY,
         header=["ỦY BAN NHÂN DÂN", "TỈNH TUYÊN QUANG"], number=33, code="UBND", date="2022-03-16",
         place="Tuyên Quang", title="Tổ chức Ngày Sách và Văn hóa đọc năm 2022", signer="Ma Thế Hồng",
         warnings=["đã lấy từ đó: số và ký hiệu (33/KH-UBND), người ký (Ma Thế Hồng)",
                   "đã suy ra «TỈNH TUYÊN QUANG» từ thông tin «Nơi ban hành» của trang web"]),
    case("ha-noi-so-page-title-in-capitals", """\
        KẾ HOẠCH 204/KH-SGDĐT NĂM 2023 TỔ CHỨC NGÀY HỘI ĐỌC SÁCH
        Tải về
        UBND THÀNH PHỐ HÀ NỘI
        SỞ GIÁO DỤC VÀ ĐÀO TẠO
        CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
        Độc lập - Tự do - Hạnh phúc
        Số: 204 / KH - SGDĐT
        Hà Nội, ngày 08 tháng 9 năm 2023

        KẾ HOẠCH
        TỔ CHỨC NGÀY HỘI ĐỌC SÁCH
        TRONG CÁC TRƯỜNG HỌC NĂM 2023
        """ + BODY + SO_DEPUTY + "Trần Thế Cương\n",
         parent=["UBND THÀNH PHỐ HÀ NỘI"], header=["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], number=204, code="SGDĐT",
         date="2023-09-08", place="Hà Nội", title="Tổ chức ngày hội đọc sách trong các trường học năm 2023",
         signer="Trần Thế Cương", warnings=["đã bỏ 2 dòng thông tin của trang web"]),
]

CASES += [
    case("ba-ria-vung-tau-name-wrapped-by-the-site", """\
        ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        VŨNG TÀU | Độc lập - Tự do - Hạnh phúc
        Số: 145/KH-UBND | Bà Rịa - Vũng Tàu, ngày 27 tháng 10 năm 2021

        KẾ HOẠCH
        Ứng phó với bão, áp thấp nhiệt đới năm 2021
        """ + BODY + UBND_DEPUTY + "Trần Văn Tuấn\n",
         header=["ỦY BAN NHÂN DÂN", "TỈNH BÀ RỊA - VŨNG TÀU"], number=145, code="UBND", date="2021-10-27",
         place="Bà Rịa - Vũng Tàu", title="Ứng phó với bão, áp thấp nhiệt đới năm 2021", signer="Trần Văn Tuấn"),
    case("quang-ninh-so-both-columns-wrapped", """\
        UBND TỈNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        QUẢNG NINH | Độc lập - Tự do - Hạnh phúc
        SỞ GIÁO DỤC VÀ |
        ĐÀO TẠO |
        Số: 12/KH-SGDĐT | Quảng Ninh, ngày 06 tháng 01 năm 2022

        KẾ HOẠCH
        Tổ chức Hội khỏe Phù Đổng cấp tỉnh năm 2022
        """ + BODY + SO_DEPUTY + "Vũ Liên Oanh\n",
         parent=["UBND TỈNH QUẢNG NINH"], header=["SỞ GIÁO DỤC VÀ ĐÀO TẠO"], number=12, code="SGDĐT",
         date="2022-01-06", place="Quảng Ninh", title="Tổ chức Hội khỏe Phù Đổng cấp tỉnh năm 2022",
         signer="Vũ Liên Oanh"),
]


def import_copy(text: str, tmp_path, name: str = "ban-sao"):
    """Import ``text`` as a web copy (.txt) with no registry given, through the pipeline, as `vanban import`
    does; the plan and the registry the importer wrote beside it are read back."""
    source = tmp_path / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / f"{name}.yaml"
    if "out" in inspect.signature(pipeline.import_plan).parameters:
        result = pipeline.import_plan(source, out, units=None)
    else:  # the import and the writing as two steps
        result = pipeline.save_import(pipeline.import_plan(source, units=None), out, source_name=source.name)
    return result, out, out.with_name(f"{out.stem}.units.yaml")


@pytest.mark.parametrize("expected", CASES)
def test_a_flattened_header_gives_back_every_header_field(expected, tmp_path):
    result, out, units = import_copy(expected["text"], tmp_path)
    assert result.plan == out and units.is_file()
    plan = load_plan(out)  # the written plan loads, with the registry written for it
    document = plan.plan.document
    unit = plan.registry.unit(document.issuer)
    assert unit.header == expected["header"]
    assert unit.parent_header == expected["parent"]
    assert (document.type, document.number, unit.code) == (expected["type"], expected["number"], expected["code"])
    assert document.date.isoformat() == expected["date"]
    assert (document.place or unit.place) == expected["place"]
    assert document.title == expected["title"]
    if expected["signer"]:
        assert document.signer.name == expected["signer"]
    for words in expected["warnings"]:
        assert any(words in w for w in result.warnings), (words, result.warnings)
    written = yaml.safe_load(out.read_text(encoding="utf-8"))["document"]
    assert not any(QUOC_HIEU in p or "Hạnh phúc" in p for p in written.get("opening", []))


@pytest.mark.parametrize("expected", CASES)
def test_the_registry_the_importer_writes_always_validates(expected, tmp_path):
    _, _, units = import_copy(expected["text"], tmp_path)
    registry = load_registry(units)  # never a rejection of the importer's own header
    for unit in registry.units.values():
        for line in unit.header + unit.parent_header:
            assert not quoc_hieu_words(line), line


def quoc_hieu_words(line: str) -> bool:
    """Quốc hiệu words where no issuer's name has them: "CỘNG HÒA", "CHỦ NGHĨA", "NGHĨA VIỆT NAM", "CỘNG"."""
    order = QUOC_HIEU.split()
    triples = {" ".join(order[i:i + 3]) for i in range(len(order) - 2)}
    words = line.split()
    return line.strip() == "CỘNG" or "CỘNG HÒA" in line or "CHỦ NGHĨA" in line or any(
        " ".join(words[i:i + 3]) in triples for i in range(len(words)))


def test_a_header_cut_mid_phrase_is_never_rejected(tmp_path):
    """The copy that stopped the importer: "CỘNG" / "HÒA XÃ HỘI …" read as an issuer line too wide to print."""
    result, _, units = import_copy("""\
ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN CỘNG
HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do -
Hạnh phúc
Số: 07/KH-UBND Lạng Sơn, ngày 13
tháng 01 năm 2020
KẾ HOẠCH
Phòng, chống hạn hán năm 2020
I. MỤC ĐÍCH
Chủ động phòng, chống hạn hán./.
""", tmp_path)
    unit = next(iter(load_registry(units).units.values()))
    assert unit.header == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"] and unit.place == "Lạng Sơn"
    document = load_plan(result.plan).plan.document
    assert (document.number, document.date.isoformat()) == (7, "2020-01-13")


HEADER_WORDS = ["ỦY BAN NHÂN DÂN", "SỞ", "BAN", "CHỈ ĐẠO", "PHÒNG", "CHỐNG", "THIÊN TAI", "VÀ", "TÌM KIẾM",
                "CỨU NẠN", "TỈNH", "THÀNH PHỐ", "HUYỆN", "BÀ RỊA - VŨNG TÀU", "NÔNG NGHIỆP", "PHÁT TRIỂN",
                "NÔNG THÔN", "CỘNG", "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TRUNG TÂM", "KIỂMSOÁTBỆNHTẬTTỈNHQUẢNGNINH",
                "LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "BẢO HIỂM XÃ HỘI VIỆT NAM", "CỘNG HOÀ", "XÃ HỘI CHỦ NGHĨA",
                "►", "\u2605", "\x07", "🙂"]  # a site's bullets, a control character, an emoji
line = st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=9).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(header=st.lists(line, max_size=4), parent=st.lists(line, max_size=2),
       code=st.sampled_from(["UBND", "KH-UBND", "SNN&PTNT", None, "", "A B/C", "►", "UB\x07ND"]),
       place=st.sampled_from([None, "", "Cao Bằng", "Bà Rịa - Vũng Tàu", "🙂", "x" * 100]),
       head=st.sampled_from([None, "CHỦ TỊCH", "GIÁM ĐỐC ►", "\x07"]))
def test_any_header_guess_unit_writes_is_a_valid_registry_entry(tmp_path_factory, header, parent, code, place, head):
    unit = guess_unit({"header": header, "parent_header": parent, "code": code, "place": place, "head_title": head})
    path = tmp_path_factory.mktemp("units") / "units.yaml"
    path.write_text(yaml.safe_dump({"name": "Đơn vị", "units": [unit]}, allow_unicode=True), encoding="utf-8")
    registry = load_registry(path)
    assert not any(quoc_hieu_words(h) for h in registry.units[unit["id"]].header)


def test_the_issuer_code_is_read_from_any_ky_hieu():
    assert [type_code_of(k) for k in ("KH-UBND", "2020/NQ-HĐND", "UBND-VX", "CTr-UBND", "KH-CAT-PV01")] == [
        "UBND", "HĐND", "UBND", "UBND", "CAT"]


def test_names_with_words_of_the_quoc_hieu_keep_them():
    for name in (["SỞ LAO ĐỘNG", "THƯƠNG BINH VÀ XÃ HỘI"], ["BẢO HIỂM XÃ HỘI VIỆT NAM"], ["ỦY BAN NHÂN DÂN", "TỈNH KHÁNH HÒA"]):
        assert guess_unit({"header": name})["header"] == name
    assert guess_unit({"header": ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN CỘNG", "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]})[
        "header"] == ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]
