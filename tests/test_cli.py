"""The `kg` command line through click's CliRunner, on the seeds build."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from conftest import DATA, SEEDS


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def out(seeds_build):
    return str(seeds_build.out_dir)


def test_build_with_no_arguments_builds_seeds_into_out(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").symlink_to(SEEDS)
    result = runner.invoke(main, ["build", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "graph.ttl").is_file()
    assert "wuhan-2025-plan-responsibility-decomposition.txt" in result.output
    assert "340" in result.output  # tasks in the summary table


def test_tasks_of_a_unit(runner, out):
    result = runner.invoke(main, ["tasks", "--unit", "市经信局", "--graph", out, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 71
    assert all({"code", "role", "text", "targets", "units"} <= set(row) for row in rows)
    assert sum(row["role"] == "lead" for row in rows) == 25
    by_code = {row["code"]: row for row in rows}
    assert by_code["二.6"]["role"] == "lead"
    assert by_code["二.12"]["role"] == "co-owner"
    assert [t["value"] for t in by_code["二.12"]["targets"]] == [2400, 1050, 90, 930, 5]


def test_tasks_accepts_the_full_name(runner, out):
    result = runner.invoke(main, ["tasks", "--unit", "武汉市经济和信息化局", "--graph", out, "--json"])
    assert result.exit_code == 0 and len(json.loads(result.output)) == 71


def test_tasks_shared_with_another_unit(runner, out):
    result = runner.invoke(main, ["tasks", "--unit", "市经信局", "--with", "市发改委", "--graph", out, "--json"])
    rows = json.loads(result.output)
    assert 0 < len(rows) < 71
    assert all(any(u["name"] == "市发改委" for u in row["units"]) for row in rows)


def test_collective_responsibility_only_when_asked(runner, out):
    direct = json.loads(runner.invoke(main, ["tasks", "--unit", "武昌区人民政府", "--graph", out, "--json"]).output)
    both = json.loads(runner.invoke(main, ["tasks", "--unit", "武昌区人民政府", "--graph", out, "--json",
                                           "--include-collective"]).output)
    assert len(direct) < len(both)
    assert all("via" not in row for row in direct)
    assert any(row.get("via") == "各区人民政府" for row in both)


def test_unknown_unit_is_a_clear_error(runner, out):
    result = runner.invoke(main, ["tasks", "--unit", "市经信处", "--graph", out])
    assert result.exit_code == 1
    assert "no unit named '市经信处'" in result.output and "市经信局" in result.output
    # 市经信委 is another name every city gives 市经信局 (kg/data/unit_name_variants.tsv): the build would make
    # it that unit, and so does the lookup
    result = runner.invoke(main, ["tasks", "--unit", "市经信委", "--graph", out, "--json"])
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 71


def test_query_from_standard_input(runner, out):
    query = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a gk:Task }"
    result = runner.invoke(main, ["query", "-", "--graph", out, "--format", "json"], input=query)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"n": "340"}]


def test_query_given_as_text_or_as_a_file(runner, out, tmp_path):
    text = "# tasks 市经信局 co-owns\nSELECT (COUNT(?t) AS ?n) WHERE { ?u skos:prefLabel '市经信局' ; gk:coOwns ?t }"
    result = runner.invoke(main, ["query", text, "--graph", out, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"n": "46"}]
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["query", str(tmp_path / "q.rq"), "--graph", out, "--format", "json"]).output \
        == result.output
    missing = runner.invoke(main, ["query", str(tmp_path / "nosuch.rq"), "--graph", out])
    assert missing.exit_code == 2 and "No such file" in missing.output and "the query itself" in missing.output
    # a query longer than a file's name may be (255 bytes) is still the query
    long = text.replace("WHERE", "WHERE " + "# " + "很长的说明" * 40 + "\n")
    result = runner.invoke(main, ["query", long, "--graph", out, "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output) == [{"n": "46"}], result.output


def test_values_are_printed_as_written_never_as_markup(runner, out):
    result = runner.invoke(main, ["query", 'SELECT ("[bold]市经信局[/bold]" AS ?v) WHERE {}', "--graph", out])
    assert result.exit_code == 0 and "[bold]市经信局[/bold]" in result.output


def test_a_target_prints_its_comparator_where_the_document_writes_it(runner, out):
    import doctest

    import kg.console

    assert doctest.testmod(kg.console).failed == 0
    result = runner.invoke(main, ["track", "--graph", out, "--year", "2024"])
    assert "突破2400亿元" in result.output and "25万人以上" in result.output


def test_query_syntax_error_is_a_usage_error(runner, out):
    result = runner.invoke(main, ["query", "-", "--graph", out], input="SELEKT nothing")
    assert result.exit_code == 2 and "SPARQL syntax error" in result.output


def test_export_and_validate(runner, out, tmp_path):
    target = tmp_path / "g.nt"
    assert runner.invoke(main, ["export", "--graph", out, "--format", "nt", "-o", str(target)]).exit_code == 0
    assert target.read_bytes() == (Path(out) / "graph.nt").read_bytes()
    result = runner.invoke(main, ["validate", "--graph", out])
    assert result.exit_code == 0 and "conforms" in result.output


def test_eval_scores_a_hand_annotation(runner, out):
    result = runner.invoke(main, ["eval", "--gold", str(DATA / "gold_plan_sample.tsv"), "--graph", out, "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["items"] == 7
    assert scores["roles"]["f1"] == 1.0 and scores["targets"]["f1"] == 1.0


def test_eval_counts_errors(runner, out, tmp_path):
    gold = tmp_path / "gold.tsv"
    gold.write_text("code\tfield\tvalue\n二.240\tlead\t市教育局\n二.240\ttarget\t5.4 万套(间)\n二.240\ttarget\t3 个\n",
                    encoding="utf-8")
    scores = json.loads(runner.invoke(main, ["eval", "--gold", str(gold), "--graph", out, "--json"]).output)
    # found: 1 lead + 2 co-owners, none annotated right; targets: 1 of 2 gold found, 1 found
    assert scores["roles"] == {"gold": 1, "found": 3, "correct": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert scores["targets"]["precision"] == 1.0 and scores["targets"]["recall"] == 0.5


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(main, ["build", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(main, ["tasks"]).exit_code == 2
    assert runner.invoke(main, ["build", "--jobs", "-3"]).exit_code == 2


def test_out_naming_a_file_is_refused_and_left_alone(runner, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    result = runner.invoke(main, ["build", str(DATA / "plan_changsha_inline.txt"), "--out", str(target)])
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "keep me"


def test_a_graph_folder_that_does_not_exist(runner, tmp_path):
    result = runner.invoke(main, ["tasks", "--unit", "市经信局", "--graph", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "kg build" in result.output


def test_a_large_build_lists_only_the_documents_that_need_a_look(runner, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    text = (DATA / "faults" / "plan_ok.txt").read_text(encoding="utf-8")
    for index in range(31):
        (folder / f"plan{index:02d}.txt").write_text(text.replace("5000", str(5000 + index)), encoding="utf-8")
    (folder / "unreadable.txt").write_bytes(b"\xff\xfe\x00 not a plan")
    result = runner.invoke(main, ["build", str(folder), "--out", str(tmp_path / "out"), "--no-network"])
    assert result.exit_code == 1  # one input failed
    assert "unreadable.txt" in result.output and "all 31 plan documents" in result.output
    assert "plan07.txt" not in result.output  # the good ones are summed by kind, not listed


def test_a_spinner_shows_on_a_terminal_only(monkeypatch):
    import io

    from rich.console import Console

    import kg.console
    from kg.console import working

    for terminal, shown in ((True, True), (False, False)):
        screen = io.StringIO()
        monkeypatch.setattr(kg.console, "stderr", Console(file=screen, force_terminal=terminal, width=80))
        with working("reading promises and results …"):
            pass
        assert ("reading promises and results" in screen.getvalue()) is shown


def test_tasks_due_by_a_day(runner, tmp_path):
    # the 完成时限 column of a table: 二.4 is due 2026-10-31, the others 2026-12-31
    graph = str(tmp_path / "out")
    built = runner.invoke(main, ["build", str(DATA / "plan_nanchang_table.txt"), "--out", graph, "--jobs", "1", "-q"])
    assert built.exit_code == 0, built.output
    result = runner.invoke(main, ["tasks", "--unit", "市住建局", "--due-by", "2026-11-30", "--graph", graph, "--json"])
    assert result.exit_code == 0, result.output
    assert [(r["code"], r["deadline"]) for r in json.loads(result.output)] == [("二.4", "2026-10-31")]
    result = runner.invoke(main, ["tasks", "--unit", "市住建局", "--due-by", "2026-12-31", "--graph", graph])
    assert "2 tasks due by 2026-12-31" in result.output and "2026-10-31" in result.output
    result = runner.invoke(main, ["tasks", "--unit", "市住建局", "--due-by", "end of june", "--graph", graph])
    assert result.exit_code == 2 and "--due-by" in result.output


def test_build_never_replaces_a_folder_that_holds_its_inputs_or_files_it_did_not_write(runner, tmp_path):
    # --out is replaced as a whole: a folder holding the documents (or the documents' own folder), or
    # one holding other files, is refused with its reason and left as it was
    docs = tmp_path / "project" / "docs"
    docs.mkdir(parents=True)
    plan = docs / "plan.txt"
    plan.write_bytes((DATA / "plan_jingmen_inline_times.txt").read_bytes())
    (tmp_path / "project" / "notes.txt").write_text("mine", encoding="utf-8")
    for out_dir in (tmp_path / "project", docs):
        result = runner.invoke(main, ["build", str(docs), "--out", str(out_dir), "--jobs", "1", "-q"])
        assert result.exit_code == 2 and "holds the input" in result.output
    other = tmp_path / "other"
    other.mkdir()
    (other / "important.doc").write_text("mine", encoding="utf-8")
    result = runner.invoke(main, ["build", str(docs), "--out", str(other), "--jobs", "1", "-q"])
    assert result.exit_code == 2 and "did not write" in result.output
    assert plan.is_file() and (tmp_path / "project" / "notes.txt").is_file() and (other / "important.doc").is_file()


def test_a_build_where_nothing_can_be_built_keeps_the_previous_output(runner, tmp_path):
    out_dir = tmp_path / "out"
    good = runner.invoke(main, ["build", str(DATA / "plan_jingmen_inline_times.txt"), "--out", str(out_dir), "-q"])
    assert good.exit_code == 0, good.output
    before = (out_dir / "graph.nq").read_bytes()
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(main, ["build", str(tmp_path / "empty.txt"), "--out", str(out_dir), "-q"])
    assert result.exit_code == 1 and "left as it was" in result.output
    assert (out_dir / "graph.nq").read_bytes() == before


def test_a_file_the_user_names_that_cannot_be_written_is_one_line(runner, out, tmp_path):
    result = runner.invoke(main, ["validate", "--graph", out, "--report", str(tmp_path / "no" / "such" / "r.ttl")])
    assert result.exit_code == 2 and "No such file or directory" in result.output
    assert "Traceback" not in result.output


def test_queries_that_come_with_govkg_run_by_name_and_updates_are_refused(runner, out):
    result = runner.invoke(main, ["query", "project_located", "--graph", out, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {"label": "武昌滨江天街", "districtLabel": "武昌区", "method": "name"}.items() <= next(
        row for row in json.loads(result.output) if row["label"] == "武昌滨江天街" and row["method"] == "name").items()
    result = runner.invoke(main, ["query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--graph", out])
    assert result.exit_code == 2 and "only reads the graph" in result.output
    result = runner.invoke(main, ["query", "SELEC ?t WHERE { ?t a gk:Task }", "--graph", out])
    assert result.exit_code == 2 and "SPARQL syntax error" in result.output


def test_empty_answers_say_why(runner, out, tmp_path):
    # kg track for a year the graph has no rows for names the years and places it has; kg tasks --due-by
    # with nothing due says how many tasks give a date at all; a plan with no report is unchecked, not all gaps
    result = runner.invoke(main, ["track", "--graph", out, "--year", "2023"])
    assert result.exit_code == 0 and "the graph has them for: 2024 武汉市" in result.output
    result = runner.invoke(main, ["tasks", "--unit", " 市经信局 ", "--graph", out, "--due-by", "2025-12-31"])
    assert result.exit_code == 0 and "none of its 71 tasks is due by then; 0 of them give a dated deadline" in result.output
    plan_only = tmp_path / "out"
    assert runner.invoke(main, ["build", str(DATA / "plan_jingmen_inline_times.txt"), "--out", str(plan_only),
                                "-q"]).exit_code == 0
    result = runner.invoke(main, ["coverage", "--graph", str(plan_only)])
    assert "no report of its year and jurisdiction in the graph, so its 6 tasks are not checked" in result.output
    assert "no report passage" not in result.output
    entry = json.loads(runner.invoke(main, ["coverage", "--graph", str(plan_only), "--json"]).output)[0]
    assert entry["report"] is None and entry["unlinked"] == []


def test_a_unit_named_with_its_city_in_a_graph_of_several_cities(runner, tmp_path):
    # 合肥市发改委 is 合肥市's 市发改委 (the gazetteer holds 武汉市's full names only): its tasks, not a "did you mean"
    out_dir = tmp_path / "out"
    assert runner.invoke(main, ["build", str(DATA / "plan_hefei_marked_lead.txt"), str(DATA / "plan_jingmen_inline_times.txt"),
                                "--out", str(out_dir), "-q", "--no-network"]).exit_code == 0
    rows = json.loads(runner.invoke(main, ["tasks", "--unit", "合肥市发改委", "--graph", str(out_dir), "--json"]).output)
    assert rows and {row["jurisdiction"] for row in rows} == {"合肥市"}
    rows = json.loads(runner.invoke(main, ["tasks", "--unit", "荆门市发改委", "--graph", str(out_dir), "--json"]).output)
    assert [row["code"] for row in rows] == ["一.1", "一.2"] and {row["jurisdiction"] for row in rows} == {"荆门市"}


def test_a_zones_unit_named_with_its_zone(runner, tmp_path):
    # 襄阳经济技术开发区招商局 is that zone's 招商局 (its units carry no level word), not the 高新区's
    out_dir = tmp_path / "out"
    assert runner.invoke(main, ["build", str(DATA / "plan_xiangyang_hitech_zone.txt"),
                                str(DATA / "plan_xiangyang_econ_zone.txt"), "--out", str(out_dir), "-q",
                                "--no-network"]).exit_code == 0
    rows = json.loads(runner.invoke(main, ["tasks", "--unit", "襄阳经济技术开发区招商局", "--graph", str(out_dir),
                                           "--json"]).output)
    assert [(row["code"], row["jurisdiction"]) for row in rows] == [("一.1", "襄阳经济技术开发区")]


def test_ctrl_c_is_one_line_and_exit_status_130(monkeypatch, tmp_path):
    # an interrupted command says so in one line and exits as shells report SIGINT (128 + 2), not 1
    import kg.build

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.build, "build", interrupted)
    result = CliRunner().invoke(main, ["build", str(DATA / "plan_jingmen_inline_times.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 130 and "kg: interrupted; nothing was changed" in result.output


def test_csv_files_open_in_excel_and_csv_on_standard_output_stays_plain(runner, out, tmp_path, seeds_build):
    # a CSV file govkg writes starts with the UTF-8 byte-order mark (Excel on Chinese Windows reads a file
    # without one as GBK: mojibake); standard output never gets one (pipes, scripts)
    import csv
    import io

    bom = b"\xef\xbb\xbf"
    printed = runner.invoke(main, ["tasks", "--unit", "市经信局", "--with", "市发改委", "--graph", out, "--format", "csv"])
    assert printed.exit_code == 0, printed.output
    assert not printed.stdout_bytes.startswith(bom)
    rows = list(csv.DictReader(io.StringIO(printed.stdout)))
    assert len(rows) == 44
    row = next(r for r in rows if r["code"] == "二.3")
    assert row["role"] == "co-owner" and row["leads"] == "市商务局" and "市发改委" in row["co_owners"].split("、")
    assert row["targets"] == '举办展会节事活动 1100场以上; 开展"乐购武汉"促消费活动 2000场以上'

    written = tmp_path / "市经信局.csv"  # the name sets the format
    assert runner.invoke(main, ["tasks", "--unit", "市经信局", "--with", "市发改委", "--graph", out,
                                "-o", str(written)]).exit_code == 0
    assert written.read_bytes() == bom + printed.stdout_bytes

    query = "SELECT ?name WHERE { ?u skos:prefLabel ?name } ORDER BY ?name LIMIT 3"
    plain = runner.invoke(main, ["query", query, "--graph", out, "--format", "tsv"]).stdout_bytes
    assert plain.startswith(b"name\n")
    assert runner.invoke(main, ["query", query, "--graph", out, "--format", "tsv", "-o", str(tmp_path / "q.txt")]).exit_code == 0
    assert (tmp_path / "q.txt").read_bytes() == bom + plain
    assert runner.invoke(main, ["query", query, "--graph", out, "-o", str(tmp_path / "q.json")]).exit_code == 0
    assert json.loads((tmp_path / "q.json").read_bytes())[0]["name"] == plain.decode().split("\n")[1]  # JSON: no BOM
    table = runner.invoke(main, ["query", query, "--graph", out, "-o", str(tmp_path / "q.xls")])
    assert table.exit_code == 2 and "a table is for the terminal" in table.output
    assert (seeds_build.out_dir / "units.csv").read_bytes().startswith(bom)


def test_a_plan_naming_no_jurisdiction_is_noted_not_failed(runner, tmp_path):
    # 2031年市政府工作报告…分解方案 names no city: its units can meet no other document's, so the build says
    # so on stderr and in build-report.json, and still exits 0 (the plan was read in full)
    plan = tmp_path / "plan.txt"
    plan.write_text("2031年市政府工作报告重点目标任务分解方案\n\n一、稳增长\n1.地区生产总值增长6%。（牵头单位：市发改委）\n",
                    encoding="utf-8")
    result = runner.invoke(main, ["build", str(plan), "--out", str(tmp_path / "out"), "-q", "--no-network"])
    assert result.exit_code == 0
    assert "plan.txt: note: no city, county or district named in its title or heading" in result.output
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert report["documents"][0]["notes"] and report["documents"][0]["problems"] == []


@pytest.fixture(scope="module")
def xianning(tmp_path_factory):
    # a plan that writes 市发展改革委, 市住房城乡建设局, 各县（市、区）人民政府 (full-width), 市发展改革委（市能源局）
    # (市能源局 housed in 市发改委) and two collectives of the district governments whose members it never lists
    out_dir = tmp_path_factory.mktemp("xianning") / "out"
    result = CliRunner().invoke(main, ["build", str(DATA / "plan_xianning_unit_names.txt"), "--out", str(out_dir),
                                       "-q", "--no-network"])
    assert result.exit_code == 0, result.output
    return str(out_dir)


@pytest.mark.parametrize("typed", ["市发展和改革委员会", "咸宁市发展和改革委员会", "市发展改革委员会", "市发展改革委", "市发改委",
                                   "市发改委（咸宁市）"])
def test_a_department_found_by_any_name_every_city_gives_it(runner, xianning, typed):
    # the plan writes 市发展改革委; the user types another of its names (kg/data/unit_name_variants.tsv), with or
    # without the city: the build's one unit 市发改委, not "no unit named …"
    result = runner.invoke(main, ["tasks", "--unit", typed, "--graph", xianning, "--json"])
    assert result.exit_code == 0, result.output
    assert [(row["code"], row["role"], row["unit"]) for row in json.loads(result.stdout)] == [("一.1", "lead", "市发改委")]


def test_a_department_typed_by_its_full_name_where_the_plan_writes_a_shorter_one(runner, xianning):
    result = runner.invoke(main, ["tasks", "--unit", "市住房和城乡建设局", "--graph", xianning, "--json"])
    assert [row["code"] for row in json.loads(result.stdout)] == ["一.2", "一.3"]


def test_a_name_pasted_with_full_width_brackets_and_a_city_without_its_level_word(runner, xianning):
    result = runner.invoke(main, ["tasks", "--unit", "各县（市、区）人民政府", "--in", "咸宁", "--graph", xianning, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # 各县(市、区)人民政府 and 各县市区人民政府 are one collective, named so in 一.1 and the other way in 一.2, 一.4
    assert [(row["code"], row["unit"], row["jurisdiction"]) for row in rows] == [
        ("一.1", "各县市区人民政府", "咸宁市"), ("一.2", "各县市区人民政府", "咸宁市"), ("一.4", "各县市区人民政府", "咸宁市")]


def test_a_misspelled_name_is_still_not_found_with_suggestions(runner, xianning):
    result = runner.invoke(main, ["tasks", "--unit", "市发改x", "--graph", xianning])
    assert result.exit_code == 1 and "no unit named '市发改x' in the graph; did you mean 市发改委" in result.output


def test_a_unit_that_owns_nothing_names_the_unit_it_is_housed_in(runner, xianning):
    result = runner.invoke(main, ["tasks", "--unit", "市能源局", "--graph", xianning])
    assert result.exit_code == 0
    assert result.stderr.strip() == "市能源局 owns no task but is housed in 市发改委, which owns 1 task (1 as lead): try --unit 市发改委"
    assert runner.invoke(main, ["tasks", "--unit", "市发改委", "--graph", xianning]).stderr == ""


def test_collectives_whose_members_no_document_lists_are_counted_never_assigned(runner, xianning):
    # 咸安区人民政府 co-owns 一.3 itself; 各县市区人民政府 (一.2, 一.4; written 各县(市、区)人民政府 in 一.1) lists no
    # members, so whether it carries those the graph cannot say: a note, and no row
    result = runner.invoke(main, ["tasks", "--unit", "咸安区人民政府", "--include-collective", "--graph", xianning, "--json"])
    assert [row["code"] for row in json.loads(result.stdout)] == ["一.3"]
    assert result.stderr.strip() == ("3 more tasks belong to collectives of 咸宁市 whose members the documents do not list "
                                     "(各县市区人民政府 (3)): whether 咸安区人民政府 carries them, "
                                     "the graph cannot say")
    assert runner.invoke(main, ["tasks", "--unit", "咸安区人民政府", "--graph", xianning]).stderr == ""


def test_collectives_with_their_members_make_no_note(runner, out):
    result = runner.invoke(main, ["tasks", "--unit", "武昌区人民政府", "--include-collective", "--graph", out, "--json"])
    assert result.exit_code == 0 and result.stderr == ""


def test_track_help_lists_every_key_of_its_json_output(runner):
    from kg.track import KEYS

    help_text = " ".join(runner.invoke(main, ["track", "--help"]).output.split())
    listed = help_text.split("Print a JSON array:")[1].split(".")[0]
    assert [key.strip() for key in listed.split(",")] == list(KEYS)
