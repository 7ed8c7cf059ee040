"""Headless Chromium opens the offline network page and the explorer.

Needs Debian's ``chromium`` (``apt-get install -y chromium fonts-wqy-microhei``);
skipped with a reason when it is absent. Name resolution is switched off for
everything but 127.0.0.1, so a page that tried to fetch anything from the
network would fail to draw.
"""

import os
import re
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest

from kg.publish import write_network_outputs
from kg.publish.network_page import page_data, render_page
from kg.network import build_network

from test_network import load_fixture
from test_network_page import synthetic_store
from test_serve import make_graph_dir

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless chromium not installed (apt-get install -y chromium fonts-wqy-microhei)"),
]

HOSTILE = "<img src=x onerror=alert(1)>"
SHOTS = Path(os.environ.get("KG_SCREENSHOT_DIR", "")) if os.environ.get("KG_SCREENSHOT_DIR") else None


def chromium(tmp_path: Path, url: str, *, dump: bool = True, screenshot: Path | None = None,
             budget_ms: int = 15000, size: str = "1400,900", timeout: int = 120) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--mute-audio",
        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--window-size={size}", f"--virtual-time-budget={budget_ms}",
    ]
    args.append(f"--screenshot={screenshot}" if screenshot else "--dump-dom")
    proc = subprocess.run(args + [url], capture_output=True, text=True, timeout=timeout)
    if screenshot:
        assert screenshot.is_file(), proc.stderr[-2000:]
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(screenshot, SHOTS / screenshot.name)
    return proc.stdout


def body_attr(dom: str, name: str) -> str | None:
    m = re.search(r"<body[^>]*\b" + re.escape(name) + r'="([^"]*)"', dom)
    return m.group(1) if m else None


@pytest.fixture(scope="module")
def page_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("page")
    write_network_outputs(load_fixture(), d)
    return d


def test_offline_page_draws_the_network(page_dir, tmp_path):
    url = (page_dir / "collaboration.html").as_uri()
    dom = chromium(tmp_path, url)
    assert "<canvas" in dom, "vis-network drew no canvas"
    assert body_attr(dom, "data-node-count") == "8"  # 7 task owners + 1 member-only unit
    assert body_attr(dom, "data-edge-count") == "12"  # 10 shared-task links + 2 memberships
    assert body_attr(dom, "data-stabilized") == "true"
    assert "政府部门" in dom  # the legend
    shot = tmp_path / "collaboration.png"
    chromium(tmp_path, url, dump=False, screenshot=shot)
    assert shot.stat().st_size > 20_000


def test_hostile_label_is_shown_as_text(page_dir, tmp_path):
    url = (page_dir / "collaboration.html").as_uri() + "#unit=" + urllib.parse.quote(HOSTILE)
    dom = chromium(tmp_path, url)
    assert re.search(r'<h2 id="d-name">&lt;img src=x onerror=alert\(1\)&gt;</h2>', dom)
    assert "<img" not in dom  # no element was made from the label
    assert "&lt;script&gt;alert('full')&lt;/script&gt;" in dom  # the hostile full name, as text
    assert "<b>制造业</b>" not in dom and "&lt;b&gt;制造业&lt;/b&gt;" in dom
    chromium(tmp_path, url, dump=False, screenshot=tmp_path / "collaboration-hostile.png")


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    from kg.serve import make_server

    d = make_graph_dir(tmp_path_factory.mktemp("graph"))
    server = make_server(d, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url
    server.shutdown()
    server.server_close()


def test_explorer_shows_a_unit_and_runs_a_query(explorer, tmp_path):
    dom = chromium(tmp_path, explorer + "?run=1#unit=" + urllib.parse.quote("市发改委"))
    assert '<p id="unit-name">市发改委</p>' in dom
    assert "地区生产总值增长6%左右" in dom  # a target
    assert re.search(r'<tbody id="unit-tasks">.*二\.4', dom, re.S)
    assert "市商务局" in dom  # a collaborator
    assert re.search(r"<td>二\.1</td>", dom)  # the first example query ran and drew rows
    chromium(tmp_path, explorer + "?run=1#unit=" + urllib.parse.quote("市发改委"), dump=False,
             screenshot=tmp_path / "explorer.png", size="1400,1000")


def test_explorer_shows_hostile_label_as_text(explorer, tmp_path):
    dom = chromium(tmp_path, explorer + "#unit=" + urllib.parse.quote(HOSTILE))
    assert '<p id="unit-name">&lt;img src=x onerror=alert(1)&gt;</p>' in dom
    assert "<img" not in dom


def test_explorer_opens_the_network(explorer, tmp_path):
    dom = chromium(tmp_path, explorer + "network")
    assert "<canvas" in dom and body_attr(dom, "data-node-count") == "8"


@pytest.mark.slow
def test_two_thousand_units_stabilise_then_stop(tmp_path):
    page = tmp_path / "big.html"
    page.write_text(render_page(page_data(build_network(synthetic_store()))), encoding="utf-8")
    dom = chromium(tmp_path, page.as_uri(), budget_ms=120_000, timeout=300)
    assert body_attr(dom, "data-node-count") == "2001"
    assert body_attr(dom, "data-stabilized") == "true"
    chromium(tmp_path, page.as_uri(), dump=False, screenshot=tmp_path / "collaboration-2000.png",
             budget_ms=120_000, timeout=300)
