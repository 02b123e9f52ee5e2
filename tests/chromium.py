"""A real headless Chromium for the report tests, driven over the DevTools protocol through a pipe
(``--remote-debugging-pipe``: commands on the browser's fd 3, answers on its fd 4), so that no
port is opened and no driver package is needed.

    with Browser.start() as browser:
        page = browser.open(path)           # waits for the load; console errors collected
        page.evaluate("document.title")
        page.png(), page.pdf()              # a screenshot, the print layout as PDF
        page.emulate_print()                # print media for what follows

:func:`chromium_path` finds Debian's Chromium (or $SMYCHKA_CHROMIUM); :func:`require_chromium`
skips a test when there is none, except on CI (``CI=true``), where a missing browser fails.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# The flags of a quiet browser on a machine without a network: no first run, no background
# connections, no sandbox (tests run as root in CI), no GPU.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--hide-scrollbars", "--remote-debugging-pipe", "--window-size=1200,900")
TIMEOUT = 60.0


def chromium_path() -> str | None:
    chosen = os.environ.get("SMYCHKA_CHROMIUM")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for candidate in CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def require_chromium() -> str:
    """Chromium's path; skips the test when there is none (fails on CI, where .ci/run installs it)."""
    found = chromium_path()
    if found is None:
        reason = "no Chromium found (install Debian's chromium: apt-get install -y chromium; or set SMYCHKA_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs it)")
        pytest.skip(reason)
    return found


class BrowserError(RuntimeError):
    pass


class Browser:
    """A headless Chromium and the DevTools pipe to it."""

    def __init__(self, proc: subprocess.Popen[bytes], to_browser: int, from_browser: int, profile: str) -> None:
        self.proc = proc
        self.to_browser = to_browser
        self.from_browser = from_browser
        self.profile = profile
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    @classmethod
    def start(cls, executable: str | None = None) -> Browser:
        exe = executable or require_chromium()
        profile = tempfile.mkdtemp(prefix="smychka-chromium-")
        cmd_read, cmd_write = os.pipe()     # we write commands; the browser reads them on fd 3
        ans_read, ans_write = os.pipe()     # the browser writes answers on fd 4; we read them

        def child() -> None:  # (first out of the way, should either pipe end already sit on 3 or 4)
            high_read, high_write = fcntl.fcntl(cmd_read, fcntl.F_DUPFD, 10), fcntl.fcntl(ans_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=child, pass_fds=(3, 4))
        os.close(cmd_read)
        os.close(ans_write)
        return cls(proc, cmd_write, ans_read, profile)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    # -- the protocol ------------------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(raw)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def wait_for(self, method: str, session: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            event = self._read_message(deadline)
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            if "method" in event:
                self.events.append(event)

    def open(self, path: Path, width: int = 1200, height: int = 900) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=session)
        started = time.monotonic()
        self.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session, time.monotonic() - started)


class Page:
    """A page loaded in the browser."""

    def __init__(self, browser: Browser, session: str, load_seconds: float) -> None:
        self.browser = browser
        self.session = session
        self.load_seconds = load_seconds

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def console_errors(self) -> list[str]:
        """Every error the page logged: console errors, uncaught exceptions, failed loads."""
        self.evaluate("1")  # let the events so far arrive
        out = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                out.append(f"exception: {details.get('text', '')} {details.get('exception', {}).get('description', '')}".strip())
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                out.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
        return out

    def requests(self) -> list[str]:
        """Every address the page asked for, the page itself first."""
        self.evaluate("1")
        return [e["params"]["request"]["url"] for e in self.browser.events
                if e.get("sessionId") == self.session and e.get("method") == "Network.requestWillBeSent"]

    def emulate_print(self) -> None:
        self.send("Emulation.setEmulatedMedia", {"media": "print"})

    def png(self, full: bool = True) -> bytes:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full}
        if full:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 1}
        return base64.b64decode(self.send("Page.captureScreenshot", params)["data"])

    def pdf(self) -> bytes:
        result = self.send("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})
        return base64.b64decode(result["data"])
