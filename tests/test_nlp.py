"""The spaCy pipeline: blank zh, character tokens, EntityRuler fed from the data files."""

import spacy

from kg.nlp import district_patterns, mentions, pipeline, rule_patterns


def test_blank_chinese_with_character_tokens():
    nlp = pipeline()
    assert nlp.lang == "zh"
    assert [t.text for t in nlp.make_doc("光谷")] == ["光", "谷"]
    assert "entity_ruler" in nlp.pipe_names


def test_gazetteer_aliases_resolve_to_the_district():
    found = mentions("车谷和光谷")
    assert [(m.label, m.id) for m in found] == [("PLACE", "武汉经开区"), ("PLACE", "东湖高新区")]


def test_offsets_are_kept_and_shifted():
    found = mentions("项目位于武昌区", offset=100)
    place = next(m for m in found if m.label == "PLACE")
    assert (place.start, place.end, place.text) == (104, 107, "武昌区")


def test_patterns_are_data():
    assert any(p["pattern"] == "光谷" for p in district_patterns())
    labels = {p["label"] for p in rule_patterns()}
    assert {"PROJECT_SUFFIX", "ORG_SUFFIX", "LOCATIVE"} <= labels


def test_quantities_are_spans():
    doc = pipeline()("新增托位1.2万个。")
    assert [s.text for s in doc.spans["quantities"]] == ["1.2万个"]


def test_ruler_round_trip(tmp_path):
    ruler = pipeline().get_pipe("entity_ruler")
    ruler.to_disk(tmp_path / "ruler")
    nlp = spacy.blank("zh")
    nlp.add_pipe("entity_ruler").from_disk(tmp_path / "ruler")
    assert [e.ent_id_ for e in nlp("落户光谷").ents if e.label_ == "PLACE"] == ["东湖高新区"]
