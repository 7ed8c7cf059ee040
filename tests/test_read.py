"""kg.read: decoding, normalisation of export faults, and the map back to source offsets."""

import codecs

import pytest

from kg.errors import InputError
from kg.read import OffsetMap, decode, read_bytes, read_text


def test_page_number_inside_a_word_is_removed_and_offsets_map_back():
    source = read_text("(牵头单位:市发改委;责任单位:市教—4—\n\n育局、市经信局)")
    assert "市教\n\n育局" in source.text
    position = source.text.index("育局")
    assert source.raw[source.to_source(position):source.to_source(position) + 2] == "育局"


def test_page_number_at_a_line_end_after_a_space():
    source = read_text("(牵头单位:市农业农村局;责任 30 —\n\n单位:市委社会工作部)")
    assert "责任\n\n单位" in source.text
    assert "30" not in source.text


def test_spaces_inside_words_and_split_decimals():
    source = read_text("(牵 头单位: 东湖 高新区管委会)\n筹集建设保障性租赁住房 5. 4 万套(间)")
    assert "(牵头单位:东湖高新区管委会)" in source.text
    assert "住房5.4万套(间)" in source.text


def test_split_decimal_is_not_joined_at_a_line_start():
    # "3. 4" at the start of a line is item 3, not 3.4
    assert read_text("- 3. 4个社区").text.startswith("- 3. 4个")


def test_latex_subscripts_and_full_width_forms():
    source = read_text("PM_{2.5}平均浓度降到３０微克／立方米，增长６％")
    assert source.text == "PM2.5平均浓度降到30微克/立方米,增长6%"
    assert source.raw[source.to_source(source.text.index("30")):][:2] == "３０"


def test_crlf_and_cr_line_ends():
    assert read_text("一\r\n二\r三").text == "一\n二\n三"


def test_offset_map_of_a_replacement():
    offset_map = OffsetMap.from_edits(10, [(2, 5, "x")])
    assert [offset_map(i) for i in range(5)] == [0, 1, 2, 5, 6]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_decodes_the_encodings_offices_use(encoding):
    text = "市经信局牵头,市发改委配合。"
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE)
    assert decode(data)[0] == text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"plain ascii, no Chinese at all", "no Chinese"),
])
def test_refuses_what_is_not_a_document(data, reason):
    with pytest.raises(InputError, match=reason):
        read_bytes(data)


def test_an_impossible_date_is_not_an_issue_date():
    from kg.classify import issue_date

    assert issue_date("武汉市人民政府 2025年2月30日\n") == ""
    assert issue_date("于2025年2月30日前报送\n武汉市人民政府\n2025年1月16日\n") == "2025-01-16"


def test_doctests():
    import doctest

    import kg.read

    assert doctest.testmod(kg.read).failed == 0


def test_a_space_aligned_table_keeps_its_column_gaps_and_prose_keeps_its_repairs():
    text = "增长 6%\n序号  重点任务      牵头单位    责任单位\n1     新建 基站    市工信局    市通信管理局\n"
    source = read_text(text)
    lines = source.text.split("\n")
    assert lines[0] == "增长6%"  # before the table: spaces between words still go
    assert "新建基站\u2003" in lines[2]  # a single space inside a cell still goes; the gaps stay
    position = source.text.index("市工信局")
    assert source.raw[source.to_source(position):].startswith("市工信局")
