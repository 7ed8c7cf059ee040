"""Headless Chromium opens the offline network page and the explorer.

Needs Debian's ``chromium`` (``apt-get install -y chromium fonts-wqy-microhei``);
skipped with a reason when it is absent. Name resolution is switched off for
everything but 127.0.0.1, so a page that tried to fetch anything from the
network would fail to draw.
"""

import json
import os
import re
import select
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


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3 and 4,
    ``--remote-debugging-pipe``): for what a page does after it is loaded (a click,
    a hash change, Back), which a one-shot ``--dump-dom`` cannot show."""

    def __init__(self, tmp_path: Path, url: str, size: str = "1400,900"):
        to_chrome, self._write = os.pipe()
        self._read, from_chrome = os.pipe()

        def fds():  # the child reads commands on fd 3 and writes answers on fd 4
            os.dup2(to_chrome, 3)
            os.dup2(from_chrome, 4)

        profile = tmp_path / f"profile-cdp-{len(list(tmp_path.glob('profile-cdp-*')))}"
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--disable-extensions", "--mute-audio", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             f"--window-size={size}", url],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._id, self.session = b"", 0, None
        page = self.wait(lambda: [t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page"])
        self.session = self.send("Target.attachToTarget", targetId=page[0]["targetId"], flatten=True)["sessionId"]

    def send(self, method: str, **params) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                ready, _, _ = select.select([self._read], [], [], 60)
                chunk = os.read(self._read, 1 << 20) if ready else b""
                assert chunk, f"chromium did not answer {method}"
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._id:
                assert "error" not in answer, answer["error"]
                return answer["result"]

    def js(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait(self, condition, rounds: int = 600):
        """The first true value of ``condition()``, asked every 0.1 s (a bound on waiting, not a timing test)."""
        for _ in range(rounds):
            value = condition()
            if value:
                return value
            select.select([], [], [], 0.1)
        raise AssertionError("the page never reached the state waited for")

    def wait_js(self, expression: str):
        # false, too, while the page is still loading and the expression cannot be evaluated
        return self.wait(lambda: self.js(f"(function () {{ try {{ return {expression}; }} catch (e) {{ return false; }} }})()"))

    def close(self):
        self.proc.kill()
        self.proc.wait(30)
        os.close(self._write)
        os.close(self._read)


@pytest.fixture
def browser(tmp_path):
    opened = []

    def open_page(url: str, size: str = "1400,900") -> Browser:
        opened.append(Browser(tmp_path, url, size))
        return opened[-1]

    yield open_page
    for b in opened:
        b.close()


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


def test_explorer_keeps_the_unit_in_the_address_and_back_returns(explorer, browser):
    page = browser(explorer)
    name = "document.getElementById('unit-name').textContent"
    page.wait_js("document.getElementById('examples').options.length > 0")
    # a link a colleague sent, pasted into the address of the open page
    page.js("location.hash = 'unit=' + encodeURIComponent('市发改委')")
    page.wait_js(f"{name} === '市发改委'")
    # opening a collaborator puts it into the address ...
    page.js("Array.from(document.querySelectorAll('#collaborators button'))"
            ".find(function (b) { return b.firstChild.textContent === '市商务局'; }).click()")
    page.wait_js(f"{name} === '市商务局'")
    assert urllib.parse.unquote(page.js("location.hash")) == "#unit=市商务局"
    assert page.js("document.title").startswith("市商务局")
    assert page.js("document.getElementById('network-link').getAttribute('href')") == "/network#unit=" + urllib.parse.quote("市商务局")
    # ... Back shows the unit before, and Back again the start page
    page.js("history.back()")
    page.wait_js(f"{name} === '市发改委' && location.hash === '#unit=' + encodeURIComponent('市发改委')")
    page.js("history.back()")
    page.wait_js("location.hash === '' && document.getElementById('unit-view').hidden")
    page.js("history.forward()")
    page.wait_js(f"{name} === '市发改委' && !document.getElementById('unit-view').hidden")


def test_explorer_csv_download_opens_in_excel(explorer, browser):
    # the downloaded query.csv starts with a byte-order mark (Excel on Chinese Windows reads one without
    # as GBK); the blob handed to the download link is caught and read back
    page = browser(explorer)
    page.wait_js("document.getElementById('examples').options.length > 0")
    page.js("window.caught = null; URL.createObjectURL = function (blob) { window.caught = blob; return '#'; }")
    page.js("document.getElementById('download').click()")
    page.wait_js("window.caught !== null")
    head = page.js("window.caught.arrayBuffer().then(function (b) { return Array.from(new Uint8Array(b).slice(0, 3)); })")
    assert head == [0xEF, 0xBB, 0xBF]
    assert "二.1" in page.js("window.caught.text()")


def test_network_page_follows_the_address_and_back_returns(page_dir, browser):
    page = browser((page_dir / "collaboration.html").as_uri())
    name = "document.getElementById('d-name').textContent"
    selected = "window.govkgNetwork.getSelectedNodes().map(function (id) { return window.govkgNetwork.body.data.nodes.get(id).label; })"
    page.wait_js("document.body.dataset.stabilized === 'true'")
    # a hash given after the page loaded opens that unit and focuses it in the network
    page.js("location.hash = 'unit=' + encodeURIComponent('市发改委')")
    page.wait_js(f"{name} === '市发改委'")
    assert page.js(selected) == ["市发改委"]
    # its tasks with their targets, cut out of the task's text where they stand
    assert "目标：地区生产总值增长6%左右" in page.js("document.getElementById('d-tasks').textContent")
    # choosing a collaborator in the panel puts it into the address
    other = page.js("document.querySelector('#d-collab button').firstChild.textContent")
    page.js("document.querySelector('#d-collab button').click()")
    page.wait_js(f"{name} === {json.dumps(other)}")
    assert urllib.parse.unquote(page.js("location.hash")) == "#unit=" + other
    assert page.js(selected) == [other]
    # Back returns to 市发改委, and Back again to no unit
    page.js("history.back()")
    page.wait_js(f"{name} === '市发改委'")
    assert page.js(selected) == ["市发改委"]
    page.js("history.back()")
    page.wait_js("document.getElementById('details').hidden")
    assert page.js(selected) == []


def test_a_narrow_window_stacks_the_sidebar_above_the_network(page_dir, browser):
    box = ("(function (id) { var r = document.querySelector(id).getBoundingClientRect();"
           " return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]; })")
    narrow = browser((page_dir / "collaboration.html").as_uri() + "#unit=" + urllib.parse.quote("市发改委"), size="600,900")
    narrow.wait_js("document.body.dataset.stabilized === 'true'")
    width = narrow.js("window.innerWidth")
    aside, net = narrow.js(box + "('aside')"), narrow.js(box + "('#network-wrap')")
    assert aside[2] == width and net[2] == width  # each as wide as the window
    assert net[1] >= aside[1] + aside[3] and net[3] >= 280  # the network below the sidebar, with room
    # the unit's details come first in the sidebar, right after the search
    assert narrow.js(box + "('#details')")[1] < narrow.js(box + "('#legend')")[1]
    wide = browser((page_dir / "collaboration.html").as_uri(), size="1400,900")
    wide.wait_js("document.body.dataset.stabilized === 'true'")
    aside, net = wide.js(box + "('aside')"), wide.js(box + "('#network-wrap')")
    assert net[0] >= aside[0] + aside[2] and net[1] == aside[1]  # side by side
