"""Builders for the WordprocessingML pieces the templates are made of.

Small functions that return XML text: paragraph and run properties, styles, borderless fixed-width
tables, the PAGE field, the section properties and the fixed package parts. The template builder
(``generator.buildtools.templates``) composes them in domain terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import W_NS, R_NS, esc, half_points

FONT = "Times New Roman"


@dataclass(frozen=True)
class ParagraphFormat:
    """The paragraph and character formatting of one named style."""

    align: str | None = None  # left, center, right, both
    size_pt: float | None = None
    bold: bool = False
    italic: bool = False
    first_line: int | None = None  # twips
    left: int | None = None
    hanging: int | None = None
    before: int | None = None  # twips
    after: int | None = None
    line: int | None = None  # 240 = single
    line_rule: str = "auto"
    keep_next: bool = False
    border_bottom_eighths: int | None = None  # a rule drawn under the paragraph

    def ppr(self) -> str:
        xml = ""
        if self.keep_next:
            xml += "<w:keepNext/>"
        if self.border_bottom_eighths:
            xml += (
                f'<w:pBdr><w:bottom w:val="single" w:sz="{self.border_bottom_eighths}" '
                'w:space="1" w:color="000000"/></w:pBdr>'
            )
        spacing = {"before": self.before, "after": self.after, "line": self.line}
        attrs = " ".join(f'w:{k}="{v}"' for k, v in spacing.items() if v is not None)
        if attrs:
            if self.line is not None:
                attrs += f' w:lineRule="{self.line_rule}"'
            xml += f"<w:spacing {attrs}/>"
        ind = {"left": self.left, "hanging": self.hanging, "firstLine": self.first_line}
        attrs = " ".join(f'w:{k}="{v}"' for k, v in ind.items() if v is not None)
        if attrs:
            xml += f"<w:ind {attrs}/>"
        if self.align:
            xml += f'<w:jc w:val="{self.align}"/>'
        return f"<w:pPr>{xml}</w:pPr>" if xml else ""

    def rpr(self) -> str:
        xml = ""
        if self.bold:
            xml += "<w:b/><w:bCs/>"
        if self.italic:
            xml += "<w:i/><w:iCs/>"
        if self.size_pt:
            size = half_points(self.size_pt)
            xml += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        return f"<w:rPr>{xml}</w:rPr>" if xml else ""


@dataclass(frozen=True)
class Style:
    style_id: str
    name: str
    fmt: ParagraphFormat
    based_on: str | None = "Normal"
    next_style: str | None = None


def styles_part(styles: list[Style], body_size_pt: float) -> str:
    """``word/styles.xml``: document defaults (Times New Roman, black, Vietnamese) and the named styles."""
    size = half_points(body_size_pt)
    out = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">',
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{FONT}" w:eastAsia="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>'
        f'<w:color w:val="000000"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        '<w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        '<w:qFormat/><w:pPr><w:widowControl/></w:pPr></w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>",
    ]
    for style in styles:
        based = f'<w:basedOn w:val="{style.based_on}"/>' if style.based_on else ""
        nxt = f'<w:next w:val="{style.next_style}"/>' if style.next_style else ""
        out.append(
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style.style_id}">'
            f'<w:name w:val="{esc(style.name)}"/>{based}{nxt}<w:qFormat/>'
            f"{style.fmt.ppr()}{style.fmt.rpr()}</w:style>"
        )
    out.append("</w:styles>")
    return "".join(out)


def paragraph(style_id: str, text: str = "", *, raw_runs: str | None = None) -> str:
    """A paragraph in a named style with one run of text (tags included verbatim)."""
    runs = raw_runs if raw_runs is not None else (
        f'<w:r><w:t xml:space="preserve">{esc(text)}</w:t></w:r>' if text else ""
    )
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{runs}</w:p>'


def tag_paragraph(tag: str, style_id: str) -> str:
    """A paragraph holding only a docxtpl paragraph tag (``{%p … %}``); docxtpl removes it."""
    return paragraph(style_id, tag)


@dataclass
class Cell:
    width: int
    content: list[str] = field(default_factory=list)
    valign: str = "top"


def borderless_table(cells: list[list[Cell]], *, indent: int = 0, cell_margin: int = 57,
                     cant_split: bool = True, top_margin: int = 0) -> str:
    """A fixed-layout table with no borders, its widths fixed in ``w:tblGrid`` and each ``w:tcW``.

    Fixed layout keeps Word and LibreOffice from re-flowing the columns to their content, which is
    what makes a long Quốc hiệu wrap in hand-made documents.
    """
    widths = [cell.width for cell in cells[0]]
    total = sum(widths)
    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    xml = (
        f'<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:tblInd w:w="{indent}" w:type="dxa"/>'
        f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        f'<w:tblCellMar><w:top w:w="{top_margin}" w:type="dxa"/><w:left w:w="{cell_margin}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="0"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    )
    for row in cells:
        tr_pr = "<w:trPr><w:cantSplit/></w:trPr>" if cant_split else ""
        xml += f"<w:tr>{tr_pr}"
        for cell in row:
            xml += (
                f'<w:tc><w:tcPr><w:tcW w:w="{cell.width}" w:type="dxa"/>'
                f'<w:vAlign w:val="{cell.valign}"/></w:tcPr>{"".join(cell.content)}</w:tc>'
            )
        xml += "</w:tr>"
    return xml + "</w:tbl>"


def page_number_paragraph(style_id: str) -> str:
    """A centred PAGE field, as ND30 wants page numbers from page 2 on."""
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>2</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def header_part(body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{body}</w:hdr>'
    )


@dataclass(frozen=True)
class PageSetup:
    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int
    header: int
    footer: int


def section_properties(page: PageSetup, *, default_header: str, first_header: str, landscape: bool = False,
                       restart_numbering: bool = True) -> str:
    """A4 with a different first page: page 1 carries no number (ND30 Phụ lục I, I.7).

    A landscape section (a Phụ lục table) keeps the same margins (ND30 sets none for landscape pages; the
    decree's own landscape sample uses about these); numbering restarts because each Phụ lục is numbered
    on its own (Phụ lục I, III.1.đ).
    """
    if landscape:
        size = f'<w:pgSz w:w="{page.height}" w:h="{page.width}" w:orient="landscape"/>'
    else:
        size = f'<w:pgSz w:w="{page.width}" w:h="{page.height}"/>'
    top, right, bottom, left = page.top, page.right, page.bottom, page.left
    numbering = '<w:pgNumType w:start="1"/>' if restart_numbering else ""
    return (
        f'<w:sectPr><w:headerReference w:type="default" r:id="{default_header}"/>'
        f'<w:headerReference w:type="first" r:id="{first_header}"/>{size}'
        f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" '
        f'w:left="{left}" w:header="{page.header}" w:footer="{page.footer}" w:gutter="0"/>'
        f'{numbering}<w:cols w:space="720"/><w:titlePg/>'
        '<w:docGrid w:linePitch="360"/></w:sectPr>'
    )


def document_part(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>'
    )


_WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_OVERRIDES = {
    "/word/document.xml": f"{_WORDML}.document.main+xml",
    "/word/styles.xml": f"{_WORDML}.styles+xml",
    "/word/settings.xml": f"{_WORDML}.settings+xml",
    "/word/fontTable.xml": f"{_WORDML}.fontTable+xml",
    "/word/header1.xml": f"{_WORDML}.header+xml",
    "/word/header2.xml": f"{_WORDML}.header+xml",
    "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
}
# Overrides sorted by part name, as python-docx writes them: a rendered package keeps this part unchanged.
CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in sorted(_OVERRIDES.items()))
    + "</Types>"
)

PACKAGE_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>'
    '<Relationship Id="rId4" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rId5" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>'
    "</Relationships>"
)
DEFAULT_HEADER_RID = "rId4"
FIRST_HEADER_RID = "rId5"

SETTINGS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat><w:themeFontLang w:val="vi-VN"/>'
    '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>'
)

FONT_TABLE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:fonts xmlns:w="{W_NS}"><w:font w:name="{FONT}"><w:panose1 w:val="02020603050405020304"/>'
    '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>'
)


def core_properties(title: str) -> str:
    """``docProps/core.xml`` without dates, so that rendering stays reproducible."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{esc(title)}</dc:title><dc:creator>vanban</dc:creator>"
        "<cp:lastModifiedBy>vanban</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        # the empty properties docxtpl writes when it renders the core properties, so rendering leaves
        # this part as it is
        "<dc:description></dc:description><dc:identifier></dc:identifier><dc:language></dc:language>"
        "<dc:subject></dc:subject></cp:coreProperties>"
    )


APP_PROPERTIES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>vanban</Application></Properties>"
)


def section_break(page: PageSetup, *, default_header: str, first_header: str, landscape: bool = False,
                  restart_numbering: bool = False) -> str:
    """A paragraph that ends a section: the section's properties ride in its ``w:pPr``.

    The paragraph itself is 1 pt high with no spacing: after a signature table that ends near the foot of a
    page, a body-sized empty line would spill onto a page of its own and leave it blank before the Phụ lục."""
    return (f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            f'<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>{section_properties(page, default_header=default_header, first_header=first_header, landscape=landscape, restart_numbering=restart_numbering)}</w:pPr></w:p>')


def data_table(columns: list[tuple[str, int, bool]], rows: list[list[str]], *, total: list[str] | None,
               header_style: str, cell_style: str, number_style: str, total_style: str) -> str:
    """A bordered table for a Phụ lục: a header row repeated on every page, rows that do not split.

    ``columns`` are (heading, width in twips, numeric); numeric cells are centred in ``number_style``.
    """
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    widths = [width for _, width, _ in columns]
    xml = (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="0"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
    )

    def row(cells: list[str], styles: list[str], header: bool = False) -> str:
        props = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
        out = f"<w:tr>{props}"
        for text, width, style in zip(cells, widths, styles):
            out += (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                    f"{paragraph(style, text)}</w:tc>")
        return out + "</w:tr>"

    xml += row([name for name, _, _ in columns], [header_style] * len(columns), header=True)
    body_styles = [number_style if numeric else cell_style for _, _, numeric in columns]
    for cells in rows:
        xml += row(cells, body_styles)
    if total is not None:
        xml += row(total, [total_style] * len(columns))
    return xml + "</w:tbl>"


# ---------------------------------------------------------------- pictures (an electronic draft's signature, seal)

EMU_PER_MM = 36000
_DRAWING_NS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')


def _emu(value_mm: float) -> int:
    return round(value_mm * EMU_PER_MM)


def _graphic(rid: str, width_mm: float, height_mm: float, number: int, name: str) -> str:
    cx, cy = _emu(width_mm), _emu(height_mm)
    return (
        f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="{esc(name)}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>')


def inline_picture_run(rid: str, width_mm: float, height_mm: float, number: int, name: str) -> str:
    """A run holding a picture in the line of text (``rid``: its relationship in the document part)."""
    cx, cy = _emu(width_mm), _emu(height_mm)
    return (f'<w:r><w:drawing><wp:inline {_DRAWING_NS} distT="0" distB="0" distL="0" distR="0">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{number}" name="{esc(name)}"/>'
            f'<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            f'{_graphic(rid, width_mm, height_mm, number, name)}</wp:inline></w:drawing></w:r>')


def floating_picture_run(rid: str, width_mm: float, height_mm: float, number: int, name: str, *, x_mm: float,
                         y_mm: float) -> str:
    """A run holding a picture in front of the text, ``x_mm`` from the left of its column and ``y_mm`` from
    the top of its paragraph."""
    cx, cy = _emu(width_mm), _emu(height_mm)
    return (f'<w:r><w:drawing><wp:anchor {_DRAWING_NS} distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            f'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
            f'<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="column"><wp:posOffset>{_emu(x_mm)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{_emu(y_mm)}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{number}" name="{esc(name)}"/><wp:cNvGraphicFramePr/>'
            f'{_graphic(rid, width_mm, height_mm, number, name)}</wp:anchor></w:drawing></w:r>')


def mm_twips(value_mm: float) -> int:
    return round(value_mm * 1440 / 25.4)


def reserved_paragraph(style_id: str, runs: list[str], *, bookmark: str, height_mm: float | None = None,
                       space_mm: float = 0.0) -> str:
    """A centred paragraph kept with the next, bookmarked for a signing tool: exactly ``height_mm`` tall when
    it holds no picture, else ``space_mm`` above and below its pictures."""
    if height_mm is not None:
        spacing = f'<w:spacing w:before="0" w:after="0" w:line="{mm_twips(height_mm)}" w:lineRule="exact"/>'
    else:
        spacing = (f'<w:spacing w:before="{mm_twips(space_mm)}" w:after="{mm_twips(space_mm)}" w:line="240" '
                   f'w:lineRule="auto"/>')
    return (f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/><w:keepNext/>{spacing}<w:jc w:val="center"/></w:pPr>'
            f'<w:bookmarkStart w:id="901" w:name="{esc(bookmark)}"/>{"".join(runs)}<w:bookmarkEnd w:id="901"/></w:p>')
