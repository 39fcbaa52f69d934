"""How `vanban check` reads a document must not change what it finds: the read-only view of the package
against python-docx's Document, a paragraph read once and then recalled, formats shared by documents whose
styles are the same bytes (issue 18, speed)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from generator.check import anatomy, check_docx, check_document, check_rendered, open_docx
from generator.check import inspections_more
from generator.ooxml import document as reading_document
from generator.ooxml import reading
from generator.ooxml.package import DocxView
from generator.cascade.subplan import subplan
from generator.pipeline import unit_documents
from generator.produce import produce

from corpus import build

SEED = Path(__file__).parents[1] / "data" / "gia-lai-2021" / "ke-hoach-dan-van-2021.yaml"


def findings(report) -> list[tuple]:
    """Everything a report says, in order: rule, status, each violation with its place."""
    return [(r.rule.id, r.status, tuple((v.text, v.detail) for v in r.outcome.violations), r.places)
            for r in report.results]


def forget_everything_read() -> None:
    reading_document._SHAPES.clear()
    reading_document._FRAMES.clear()
    reading_document._CELLS.clear()
    reading_document._CUT_FACTS.clear()
    reading_document._CONTEXTS.clear()
    reading._SHARED.clear()
    inspections_more._capital_slips.cache_clear()
    inspections_more._sentence_slips.cache_clear()
    inspections_more._skip_table.cache_clear()
    inspections_more._rules_for.cache_clear()
    reading_document._HEADER_ROOTS.clear()


@pytest.fixture(scope="module")
def cascade():
    """The sub-plans of the first units of the Gia Lai 2021 cascade, as vanban renders them."""
    loaded, context, units = unit_documents(SEED)
    return [produce(subplan(unit, context), loaded.registry, check=False).data for unit in units[:8]]


@pytest.mark.parametrize("name", build.names())
def test_the_read_only_view_finds_what_python_docx_finds(name):
    data = build.build(name)
    assert findings(check_docx(data, "x.docx")) == findings(check_document(open_docx(data), "x.docx"))


def test_a_generated_document_reads_the_same_through_either_opening(cascade):
    for data in cascade[:3]:
        assert findings(check_rendered(data)) == findings(check_document(open_docx(data)))


def test_recalled_paragraphs_and_shared_formats_change_no_finding(cascade):
    forget_everything_read()
    cold = [findings(check_rendered(data)) for data in cascade]
    warm = [findings(check_rendered(data)) for data in reversed(cascade)][::-1]
    assert warm == cold
    forget_everything_read()
    assert [findings(check_rendered(data)) for data in cascade] == cold


def _with_body_size(data: bytes, size_pt: float) -> bytes:
    document = Document(io.BytesIO(data))
    document.styles["Normal"].font.size = Pt(size_pt)
    for style in document.styles:
        if getattr(style, "font", None) is not None and style.font.size is not None and style.name != "Normal":
            style.font.size = None  # every paragraph style now takes its size from Normal
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_same_paragraph_under_other_styles_is_read_again(cascade):
    """A paragraph's bytes are its key only together with the styles it is read against: the same body
    with a 10 pt Normal style must not be recalled as the 14 pt one."""
    original = cascade[0]
    check_rendered(original)  # its paragraphs are now known
    small = _with_body_size(original, 10)
    sizes = {f.size_pt for line in anatomy.anatomy_of(DocxView(small)).content for _, f in line.pieces}
    assert sizes == {10}
    forget_everything_read()
    assert findings(check_docx(small)) == findings(check_document(open_docx(small)))


def test_a_fix_is_seen_by_the_next_reading(cascade):
    """The fixes change a document's paragraphs in place and read it again after each: the next reading must
    see the change, not the paragraph recalled from before."""
    from generator.check.fixes import fix_document

    too_small = _with_body_size(cascade[0], 11)
    assert "noi-dung.co-chu" in {r.rule.id for r in check_docx(too_small).errors}
    _, changes, report = fix_document(too_small)
    assert any(change.startswith("Nội dung") for change in changes)
    assert "noi-dung.co-chu" not in {r.rule.id for r in report.errors}


def test_a_huge_paragraph_is_read_but_not_kept(cascade):
    """What the checker keeps for the next document is bounded per entry too: a hostile upload's megabyte
    paragraph is read for its own check and then let go."""
    document = Document(io.BytesIO(cascade[0]))
    document.add_paragraph("Nội dung rất dài. " * 3000)
    out = io.BytesIO()
    document.save(out)
    forget_everything_read()
    report = check_docx(out.getvalue())
    view = DocxView(out.getvalue())
    assert reading_document.body_source(view, list(view.element.body.iter(reading_document._P))) is not None
    assert all(reading_document.key_bytes(key) <= reading_document._SHAPE_BYTES for key in reading_document._SHAPES)
    assert all(len(frame) <= reading_document._SHAPE_BYTES for _, frame in reading_document._FRAMES)
    assert findings(report) == findings(check_document(open_docx(out.getvalue())))


def test_each_paragraph_is_keyed_by_its_own_source_cut_from_the_part(cascade):
    """A generated document's paragraphs are keyed by their source cut from document.xml (not serialised
    again): every cut begins with its own paragraph's start tag, and equal cuts are equal paragraphs."""
    from lxml import etree

    view = DocxView(cascade[0])
    paragraphs = list(view.element.body.iter(reading_document._P))
    source = reading_document.body_source(view, paragraphs)
    assert source is not None and len(source.cuts) == len(paragraphs)
    by_cut: dict[bytes, bytes] = {}
    for paragraph, cut in zip(paragraphs, source.cuts):
        own = etree.tostring(paragraph)
        start = own[:own.index(b" xmlns") if b" xmlns" in own[:200] else own.index(b">")]
        assert cut.startswith(start)
        assert by_cut.setdefault(cut, own) == own


def _main_part_replaced(data: bytes, change) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == "word/document.xml" else content)
    return out.getvalue()


def _after_body_start(inserted: bytes):
    def change(xml: bytes) -> bytes:
        at = xml.index(b">", xml.index(b"<w:body")) + 1
        return xml[:at] + inserted + xml[at:]
    return change


@pytest.mark.parametrize("change", [
    _after_body_start(b"<!-- <w:p> -->"),  # a comment that looks like a paragraph
    _after_body_start(b'<w:x xmlns:w="urn:other"><w:p/></w:x>'),  # "w" bound to another namespace
], ids=["comment", "w-rebound"])
def test_a_part_that_cannot_be_cut_safely_is_read_the_slow_way(cascade, change):
    data = _main_part_replaced(cascade[0], change)
    view = DocxView(data)
    assert reading_document.body_source(view, list(view.element.body.iter(reading_document._P))) is None
    assert findings(check_docx(data)) == findings(check_document(open_docx(data)))


def _in_paragraph(index: int, inserted: bytes, before: bytes = b"</w:r>"):
    """Insert into the ``index``-th paragraph of the body that holds ``before``, ahead of its first one."""
    def change(xml: bytes) -> bytes:
        starts = [m.start() for m in reading_document._PARAGRAPH_CUT.finditer(xml, xml.index(b"<w:body"))]
        holding = [s for s, e in zip(starts, starts[1:] + [len(xml)]) if before in xml[s:e]]
        at = xml.index(before, holding[index])
        return xml[:at] + inserted + xml[at:]
    return change


@pytest.mark.parametrize("inserted", [
    b"<w:pict/>",  # VML
    b'<w:t xmlns:w="urn:other">x</w:t>',  # "w" bound to another namespace inside a paragraph
    b"<!-- <w:p> -->",  # a comment that looks like a paragraph
    b"<w:t><![CDATA[<w:p>]]></w:t>",  # CDATA
], ids=["vml", "w-rebound", "comment", "cdata"])
def test_what_forbids_cutting_is_found_in_a_paragraph_among_those_kept(cascade, inserted):
    """The marks that forbid cutting are looked for paragraph by paragraph, and found once per paragraph: one in
    the middle of a document whose other paragraphs were all read before is found."""
    check_rendered(cascade[0])  # its paragraphs are kept
    data = _main_part_replaced(cascade[0], _in_paragraph(20, inserted))
    view = DocxView(data)
    assert reading_document.body_source(view) is None
    assert findings(check_docx(data)) == findings(check_document(open_docx(data)))


def test_a_section_break_in_a_paragraph_is_found_among_those_kept(cascade):
    """Section properties are looked for only in the paragraphs that hold some: a section break in the middle of
    a document whose other paragraphs were read before is found, and the paragraphs are placed in their
    sections as the tree places them."""
    check_rendered(cascade[0])
    broken = b'<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/></w:sectPr>'
    data = _main_part_replaced(cascade[0], _in_paragraph(10, broken, b"</w:pPr>"))
    view = DocxView(data)
    source = reading_document.body_source(view)
    paragraphs = list(view.element.body.iter(reading_document._P))
    before = reading_document.body_source(DocxView(cascade[0])).section_spans
    assert source is not None and len(source.section_spans) == len(before) + 1
    all_sections = reading_document.sections(view)  # from the tree, now parsed
    assert [source.section_of(i) for i in range(len(paragraphs))] == [
        reading_document.section_index(all_sections, p) for p in paragraphs]
    assert findings(check_docx(data)) == findings(check_document(open_docx(data)))


def _placed(views) -> list[tuple]:
    """What the reading of a body gives each paragraph: its cell, its format, its number, its text."""
    return [(v.cell, v.fmt, v.label, "".join(t for line in v.lines for segment in line for t, _, _ in segment))
            for v in views]


def _read_both_ways(data: bytes) -> tuple[list, list]:
    """The body read through its cuts and skeleton, and walked element by element (python-docx's Document
    has no source bytes to cut)."""
    view, document = DocxView(data), open_docx(data)
    fast = reading_document.body_paragraphs(view, reading_document.resolver_of(view), 9355)
    slow = reading_document.body_paragraphs(document, reading_document.resolver_of(document), 9355)
    return _placed(fast), _placed(slow)


def test_a_skeleton_holds_the_tables_and_no_text(cascade):
    """The skeleton is the main part with every paragraph emptied: its tables, rows and cells, no text; each
    of its placeholders stands for one paragraph, in order."""
    view = DocxView(cascade[0])
    paragraphs = list(view.element.body.iter(reading_document._P))
    source = reading_document.body_source(view, paragraphs)
    assert source is not None and source.skeleton is not None
    assert not any(tag in source.skeleton for tag in (b"<w:t>", b"<w:t ", b"<w:r>", b"<w:r "))
    assert source.skeleton.count(b"<w:p/>") == len(paragraphs)
    assert source.skeleton.count(b"<w:tc>") + source.skeleton.count(b"<w:tc ") == len(
        list(view.element.body.iter(reading_document._TC)))


@pytest.mark.parametrize("name", build.names())
def test_where_a_paragraph_stands_is_the_same_read_from_the_skeleton_or_walked(name):
    fast, slow = _read_both_ways(build.build(name))
    assert fast == slow


def test_documents_that_share_a_skeleton_find_their_cells_once(cascade):
    forget_everything_read()
    for data in cascade:
        fast, slow = _read_both_ways(data)
        assert fast == slow
    assert 0 < len(reading_document._CELLS) < len(cascade)  # units with as many rows share one


@pytest.mark.parametrize("inserted", [
    b'<w:p w:rsidR="00&gt;1"/>',  # an empty paragraph
    b'<w:p w:rsidR="a>b" w:rsidRDefault=\'c/>d\'/>',  # "/>" and ">" inside its attributes: XML allows both
    b'<w:tbl><w:tr><w:tc><w:p/><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Inner cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    b'<w:p/></w:tc></w:tr></w:tbl>',  # a table in a cell
], ids=["empty", "attributes-with-gt", "nested-table"])
def test_unusual_paragraphs_keep_their_places_in_the_skeleton(cascade, inserted):
    data = _main_part_replaced(cascade[0], _after_body_start(inserted))
    view = DocxView(data)
    assert reading_document.body_source(view, list(view.element.body.iter(reading_document._P))).skeleton is not None
    fast, slow = _read_both_ways(data)
    assert fast == slow
    assert findings(check_docx(data)) == findings(check_document(open_docx(data)))


def test_the_parts_the_renderer_hands_over_are_the_parts_it_zipped():
    """``check_rendered`` reads the renderer's parts instead of unzipping them: they are exactly the zip's
    entries, for a paper document and for an electronic one, which adds parts (its custom properties)."""
    import zipfile

    from generator import derive, render

    loaded, context, units = unit_documents(SEED)
    document = subplan(units[0], context)
    for electronic in (False, True):
        shown = derive.document_context(document, loaded.registry, electronic=electronic)
        rendered = render.render_package(render.template_for(document, electronic=electronic), shown, title="T")
        archive = zipfile.ZipFile(io.BytesIO(rendered.data))
        assert {name: archive.read(name) for name in archive.namelist()} == dict(rendered.parts)
        assert findings(check_rendered(rendered)) == findings(check_rendered(rendered.data))


def test_the_cells_of_a_body_too_long_to_keep_are_found_and_let_go(cascade, monkeypatch):
    """What the checker keeps of a skeleton is bounded: a body of more paragraphs than it keeps is read for
    its own check and not remembered."""
    monkeypatch.setattr(reading_document, "_CELLS_PARAGRAPHS", 10)
    forget_everything_read()
    fast, slow = _read_both_ways(cascade[0])
    assert fast == slow and not reading_document._CELLS


def test_headers_are_kept_by_their_bytes_and_a_changed_one_is_read_again(cascade):
    """Headers are parsed once for the documents of one template; a header whose page number was moved to
    the left is other bytes, read for itself."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    forget_everything_read()
    assert "so-trang.vi-tri" not in {r.rule.id for r in check_rendered(cascade[0]).errors}
    check_rendered(cascade[1])
    assert len(reading_document._HEADER_ROOTS) >= 1
    document = Document(io.BytesIO(cascade[0]))
    for section in document.sections:
        for paragraph in section.header.paragraphs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    out = io.BytesIO()
    document.save(out)
    moved = check_docx(out.getvalue())
    assert any(r.rule.id == "so-trang.vi-tri" and "căn giữa" in r.outcome.violations[0].detail for r in moved.results
               if r.failed)
    assert "so-trang.vi-tri" not in {r.rule.id for r in check_rendered(cascade[0]).errors}


def _as_rendered(data: bytes):
    """The package as the renderer hands it over: its bytes and every part uncompressed."""
    import zipfile

    from generator.ooxml.package import Rendered

    archive = zipfile.ZipFile(io.BytesIO(data))
    return Rendered(data, {name: archive.read(name) for name in archive.namelist()})


def test_a_document_just_rendered_is_checked_without_making_its_tree(cascade):
    """Its paragraphs are read from their cuts (those not seen before parsed on their own), its sections from
    their bytes, the rules under its header lines from what the readings keep: no tree is parsed, and it
    finds what reading the tree finds, cold and warm."""
    forget_everything_read()
    for _ in range(2):
        for data in cascade:
            view = DocxView(parts=_as_rendered(data).parts)
            report = check_document(view)
            assert not view.parsed
            assert findings(report) == findings(check_document(open_docx(data)))


@pytest.mark.parametrize("inserted", [
    b"<w:p><w:r><w:drawing/></w:r></w:p>",  # a drawing: laid out from the tree
    b"<w:p><w:r><w:t>Change</w:t></w:r></w:p>",  # a word that could name a tracked change: sections from the tree
], ids=["drawing", "change"])
@pytest.mark.parametrize("where", ["first", "among-kept"])
def test_what_the_bytes_cannot_tell_is_read_from_the_tree(cascade, inserted, where):
    check_rendered(cascade[0])  # its paragraphs are kept
    change = _after_body_start(inserted) if where == "first" else _in_paragraph(25, inserted, b"<w:p")
    data = _main_part_replaced(cascade[0], change)
    view = DocxView(parts=_as_rendered(data).parts)
    assert findings(check_document(view)) == findings(check_document(open_docx(data)))


@pytest.mark.parametrize("name", build.names())
def test_the_cuts_are_the_paragraphs_of_the_tree(name):
    """Read from the bytes alone, a body that can be cut has as many cuts as its tree has paragraphs, each at
    its paragraph's start, and the paragraphs' sections are those the tree tells."""
    view = DocxView(build.build(name))
    source = reading_document._body_source(view.main_blob)
    paragraphs = list(view.element.body.iter(reading_document._P))
    if source is None:
        return
    assert len(source.cuts) == len(paragraphs)
    assert [c[:4] for c in source.cuts] == [b"<w:p"] * len(paragraphs)
    all_sections = reading_document.sections(view)
    if source.section_spans is not None:
        assert [source.section_of(i) for i in range(len(paragraphs))] == [
            reading_document.section_index(all_sections, p) for p in paragraphs]


def _reading_of(view) -> tuple:
    """All a paragraph's reading tells the rules: its format, its visual lines, its facts."""
    return view.fmt, view.shape, view.facts


def test_a_paragraph_recalled_by_its_frame_reads_as_its_element(cascade, monkeypatch):
    """Most paragraphs a unit's document does not share with the unit before differ from one seen only by
    their words (the unit's own name, its divisions): they are read from the frame of the one seen and their
    own texts, and read exactly as their elements do."""
    recalled = []

    def counted(framed):
        found = recall(framed)
        recalled.append(found is not None)
        return found

    recall = reading_document._recalled_frame
    monkeypatch.setattr(reading_document, "_recalled_frame", counted)
    forget_everything_read()
    for data in cascade:
        view = DocxView(parts=_as_rendered(data).parts)
        resolver = reading_document.resolver_of(view)
        fast = list(reading_document.body_paragraphs(view, resolver, 9355))
        assert not view.parsed
        for paragraph, element in zip(fast, DocxView(data).element.body.iter(reading_document._P)):
            assert (paragraph.fmt, paragraph.shape, paragraph.facts) == reading_document._reading(element, resolver)[:3]
    assert sum(recalled) >= len(cascade)  # at least one a document, in documents that differ by a unit's name
    forget_everything_read()


def _paragraph(*texts: bytes) -> bytes:
    return b"<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr>" + b"".join(
        b"<w:r><w:t xml:space=\"preserve\">" + text + b"</w:t></w:r>" for text in texts) + b"</w:p>"


@pytest.mark.parametrize("texts, told", [
    ((b"S\xe1\xbb\x9f N\xe1\xbb\x99i v\xe1\xbb\xa5", b" v\xc3\xa0 "), ("Sở Nội vụ", " và ")),
    ((b"Ban D&amp;V &lt;1&gt; &quot;a&quot; &apos;b&apos;",), ('Ban D&V <1> "a" \'b\'',)),
    ((b"&amp;lt;",), ("&lt;",)),  # one reference, read once
    ((b"\t tab and\nline ",), ("\t tab and\nline ",)),
])
def test_the_texts_a_frame_is_filled_with_are_read_as_xml_reads_them(texts, told):
    framed = reading_document._framed(b"", _paragraph(*texts))
    assert framed is not None and framed[1] == told
    assert framed[0] == reading_document._framed(b"", _paragraph(*([b"x"] * len(texts))))[0]


@pytest.mark.parametrize("cut", [
    _paragraph(b"&#233;t\xc3\xa9"),  # a character reference
    _paragraph(b"line\r\nend"),  # a carriage return, which the parser reads as a line feed
    _paragraph(b"\xe9t\xe9"),  # not UTF-8
    _paragraph(b"a\x01b"),  # not allowed in XML
    b"<w:p><w:r><w:t/></w:r></w:p>",  # an empty w:t
    b"<w:p><w:r><w:drawing><w:t>in a shape</w:t></w:drawing><w:t>x</w:t></w:r></w:p>",  # a drawing
], ids=["reference", "carriage-return", "latin-1", "control", "empty", "drawing"])
def test_a_paragraph_whose_bytes_cannot_tell_its_texts_has_no_frame(cut):
    assert reading_document._framed(b"", cut) is None



def test_a_printable_text_is_plain_text_as_xml_allows_it():
    # a frame's text is searched for what XML does not allow (and carriage returns) only when it is not
    # printable: none of those characters is
    assert not any(chr(c).isprintable() for c in range(0x110000) if reading_document._NOT_PLAIN_TEXT.match(chr(c)))
    assert reading_document._framed(b"", _paragraph("Ban\u00a0Dân vận\ufeff".encode())) is not None

def test_a_part_not_in_utf8_is_read_from_its_tree(cascade):
    """Cuts are parsed, and their texts read, as UTF-8: a main part declared in another encoding is read the
    slow way, and finds what its tree finds."""
    def latin(xml: bytes) -> bytes:
        text = xml[xml.index(b"?>") + 2:].decode()
        return b'<?xml version="1.0" encoding="ISO-8859-1"?>' + text.encode("latin-1", "xmlcharrefreplace")

    data = _main_part_replaced(cascade[1], latin)
    assert reading_document._body_source(DocxView(data).main_blob) is None
    check_rendered(cascade[0])
    assert findings(check_docx(data)) == findings(check_document(open_docx(data)))
    assert findings(check_rendered(_as_rendered(data))) == findings(check_document(open_docx(data)))


def test_a_line_is_read_in_composed_letters_with_one_space_between_words():
    # no-break, thin and ideographic spaces, tabs and line breaks all read as one space; decomposed tones composed
    text = "\u00a0 U\u0309y\u2009ban\u3000nha\u0302n\tdân\n\u202ftỉnh \u00a0"
    assert anatomy.normal(text) == "Ủy ban nhân dân tỉnh"
    assert anatomy.normal("Ủy ban nhân dân tỉnh") == "Ủy ban nhân dân tỉnh"
    # a text is left as it is only when it holds no space str.split() would split at but single " "
    assert [c for c in range(0x110000) if chr(c).isspace() and c != 0x20] == [
        c for c in range(0x110000) if anatomy._OTHER_SPACE.match(chr(c))]
    # and a printable text holds none of them (it is not searched)
    assert not any(chr(c).isprintable() for c in range(0x110000) if chr(c).isspace() and c != 0x20)
