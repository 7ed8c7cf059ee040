"""kg.resolve: canonical names, aliases, jurisdiction, types, collectives, hosting."""

from kg.extract.units import read_unit_list
from kg.resolve import UnitResolver, load_gazetteer


def resolve_all(text, jurisdiction="武汉市"):
    resolver = UnitResolver(jurisdiction)
    return [resolver.resolve(m) for m in read_unit_list(text)], resolver


def test_alias_and_full_name_resolve_to_one_unit():
    units, resolver = resolve_all("市发改委、武汉市发展和改革委员会")
    assert units[0] is units[1]
    assert units[0].key == "市发改委" and units[0].full_name == "武汉市发展和改革委员会"
    assert units[0].labels == ["市发改委", "武汉市发展和改革委员会"]


def test_city_prefixed_name_resolves():
    units, _ = resolve_all("武汉市经信局")
    assert units[0].key == "市经信局" and units[0].in_gazetteer


def test_gazetteer_applies_only_in_its_jurisdiction():
    units, _ = resolve_all("市发改委", jurisdiction="成都市")
    assert units[0].full_name is None and not units[0].in_gazetteer


def test_a_unit_missing_from_the_gazetteer_is_still_a_unit_with_a_type():
    units, _ = resolve_all("市低空经济发展局、某某区人民政府、市交投集团")
    assert [(u.key, u.unit_type, u.in_gazetteer) for u in units] == [
        ("市低空经济发展局", "GovernmentDepartment", False),
        ("某某区人民政府", "DistrictGovernment", False),
        ("市交投集团", "StateOwnedEnterprise", False),
    ]


def test_default_members_of_a_collective():
    units, _ = resolve_all("各中心城区人民政府")
    assert units[0].unit_type == "Collective"
    assert len(units[0].members) == 7 and "武昌区人民政府" in units[0].members


def test_qualifier_adds_to_the_default_members():
    units, _ = resolve_all("各区人民政府〈含开发区、长江新区、风景区管委会,下同〉")
    members = units[0].members
    assert len(members) == 13 + 3
    assert "东湖风景区管委会" in members  # 风景区管委会 is an alias
    assert "开发区管委会" in members


def test_qualifier_that_enumerates_replaces_the_defaults():
    units, _ = resolve_all("各涉农区人民政府〈含东湖高新区管委会,新洲区人民政府,下同〉")
    assert units[0].members == ["东湖高新区管委会", "新洲区人民政府"]


def test_hosting_goes_from_the_office_to_the_department():
    units, resolver = resolve_all("某领导小组办公室〈市公安局〉、市委宣传部〈市文明办〉")
    assert units[0].host == "市公安局"
    assert units[1].host is None and resolver.units["市文明办"].host == "市委宣传部"


def test_gazetteer_types_are_known():
    gazetteer = load_gazetteer()
    assert gazetteer.unit_type("团市委") == "PeoplesOrganisation"
    assert gazetteer.unit_type("市中级人民法院") == "JudicialOrgan"


def test_name_variants_apply_in_a_city_and_a_district_the_gazetteer_does_not_hold():
    from kg.model import UnitMention

    district = UnitResolver("江城市青山区")
    keys = {district.resolve(UnitMention(name)).key for name in ("区发展和改革局", "区发改局", "区发展改革局")}
    assert keys == {"区发改局"}
    city = UnitResolver("江城市")
    assert city.resolve(UnitMention("江城市卫生健康委员会")).key == "市卫健委"  # the city's name dropped first
    assert city.resolve(UnitMention("市工业和信息化局")).key == "市工信局"  # not 市经信局: a city's own choice
    wuhan = UnitResolver("武汉市")
    assert wuhan.resolve(UnitMention("武汉市发展和改革委员会")).key == "市发改委"  # the gazetteer first


def test_a_collective_written_with_its_levels_in_brackets_is_one_unit():
    # 各县(市、区)人民政府 and 各县市区人民政府 in one plan: one collective, its load not split, both names kept
    from kg.model import UnitMention
    from kg.resolve import UnitResolver

    resolver = UnitResolver("咸宁市")
    first = resolver.resolve(UnitMention(name="各县(市、区)人民政府"))
    second = resolver.resolve(UnitMention(name="各县市区人民政府"))
    assert first is second and first.key == "各县市区人民政府"
    assert first.labels == ["各县(市、区)人民政府", "各县市区人民政府"]
    assert resolver.resolve(UnitMention(name="各区人民政府")).key == "各区人民政府"
