"""Editor support that works: strict-JSON schemas with a description on every field, the editor
mapping (.taplo.toml, tombi.toml, #:schema lines), checked with the real tools — taplo's command
line validates every shipped file, and Tombi's language server answers hover and completion
from the schemas."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from game.rules.schema import SCHEMAS, schema_text
from tests.rules.ruleskit import ROOT

SCHEMA_DIR = ROOT / "docs" / "schema"
BIN = Path(sys.executable).parent


def tool(name: str) -> Path:
    """A tool of the virtual environment (pinned in requirements.txt)."""
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed (requirements.txt pins it; no wheel for this platform?)")
        return Path(found)
    return path


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_shipped_schema_is_strict_json_and_current(name: str) -> None:
    text = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert text == schema_text(name), f"run `python main.py schema` to refresh docs/schema/{name}.schema.json"
    schema = strict_json(text)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def properties(node: Any, at: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property of every object in a schema, with where it is."""
    if isinstance(node, dict):
        for key, value in (node.get("properties") or {}).items():
            yield f"{at}.{key}", value
        for key, value in node.items():
            yield from properties(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from properties(value, f"{at}[{index}]")


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_field_has_a_description_for_hover(name: str) -> None:
    schema = strict_json(schema_text(name))
    found = list(properties(schema))
    assert len(found) >= {"ruleset-file": 100, "scenario": 40, "policy": 3}[name]
    missing = [where for where, prop in found if not prop.get("description")]
    assert missing == []
    for definition, body in schema.get("$defs", {}).items():
        assert body.get("description"), f"$defs.{definition} has no description"


def test_the_description_is_the_field_docstring() -> None:
    schema = strict_json(schema_text("ruleset-file"))
    lever = schema["$defs"]["Lever"]["properties"]
    assert lever["step"]["description"] == "How far one click moves it."
    override = schema["$defs"]["VariableOverride"]["properties"]["formula"]
    assert override["description"].startswith("How it is computed each season")


# --- taplo -----------------------------------------------------------------------------------


def run(args: list[str | Path], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", "RUST_LOG": "warn"})


def test_taplo_validates_every_shipped_rule_file_through_the_projects_mapping() -> None:
    taplo = tool("taplo")
    result = run([taplo, "check", "--colors", "never"])
    assert result.returncode == 0, result.stderr
    # The mapping covers every rule set, mod and scenario file shipped.
    config = (ROOT / ".taplo.toml").read_text(encoding="utf-8")
    assert '"rules/*/*.toml", "rules/mods/*/*.toml"' in config and '"rules/scenarios/*.toml"' in config


def test_taplo_flags_a_mistake_at_its_line_and_column(tmp_path: Path) -> None:
    taplo = tool("taplo")
    scenarios = tmp_path / "rules" / "scenarios"
    scenarios.mkdir(parents=True)
    shutil.copy(ROOT / ".taplo.toml", tmp_path)
    (tmp_path / "docs").mkdir()
    shutil.copytree(SCHEMA_DIR, tmp_path / "docs" / "schema")
    text = (ROOT / "rules" / "scenarios" / "hammurabi-short.toml").read_text(encoding="utf-8")
    (scenarios / "bad.toml").write_text(text.replace("seasons = 12", 'seasons = "twelve"').replace("[levers.granary_care]", "[lever.granary_care]"))
    result = run([taplo, "check", "--colors", "never"], cwd=tmp_path)
    assert result.returncode == 1
    lines = text.splitlines()
    seasons = next(i for i, line in enumerate(lines) if line.startswith("seasons = ")) + 1
    assert f"bad.toml:{seasons}:11" in result.stderr and '"twelve" is not of type "integer"' in result.stderr
    assert "Additional properties are not allowed ('lever' was unexpected)" in result.stderr


def test_the_example_mods_schema_line_works_without_the_mapping(tmp_path: Path) -> None:
    # A mod in the player's folder is outside the project: its `#:schema` line is what the editor reads.
    taplo = tool("taplo")
    example = ROOT / "rules" / "mods" / "long-memory" / "memory.toml"
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first == "#:schema ../../../docs/schema/ruleset-file.schema.json"
    mod = tmp_path / "mods" / "long-memory"
    mod.mkdir(parents=True)
    bad = example.read_text(encoding="utf-8").replace(first, f"#:schema {SCHEMA_DIR / 'ruleset-file.schema.json'}").replace("value = 0.03", "valeu = 0.03")
    (mod / "memory.toml").write_text(bad, encoding="utf-8")
    assert run([taplo, "check", "--no-auto-config", "--colors", "never", example]).returncode == 0
    result = run([taplo, "check", "--no-auto-config", "--colors", "never", mod / "memory.toml"], cwd=tmp_path)
    assert result.returncode == 1 and "('valeu' was unexpected)" in result.stderr


# --- tombi: the language server an editor talks to ---------------------------------------------


def test_tombi_lints_every_shipped_rule_file_clean() -> None:
    tombi = tool("tombi")
    result = run([tombi, "lint", "--error-on-warnings"])
    assert result.returncode == 0, result.stdout + result.stderr


class LanguageServer:
    """A minimal LSP client over a server's standard input and output."""

    def __init__(self, command: list[str | Path], cwd: Path) -> None:
        self.proc = subprocess.Popen([str(c) for c in command], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError("the language server stopped")
            if line == b"\r\n":
                break
            key, _, value = line.decode().partition(":")
            if key.strip().lower() == "content-length":
                length = int(value)
        message: dict[str, Any] = json.loads(self.proc.stdout.read(length))
        return message

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message = self.receive()
            if message.get("id") == ident and "method" not in message:
                return message.get("result")
            if "id" in message and "method" in message:  # a request from the server: answer it
                items = (message.get("params") or {}).get("items", [])
                self.send({"id": message["id"], "result": [{}] * len(items) if message["method"] == "workspace/configuration" else None})
        raise TimeoutError(method)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def test_hover_and_completion_come_from_the_schemas() -> None:
    server = LanguageServer([tool("tombi"), "lsp"], ROOT)
    try:
        capabilities = server.request("initialize", {"processId": os.getpid(), "rootUri": ROOT.as_uri(), "capabilities": {},
                                                     "workspaceFolders": [{"uri": ROOT.as_uri(), "name": "smychka"}]})["capabilities"]
        assert capabilities["hoverProvider"] and capabilities["completionProvider"]
        server.send({"method": "initialized", "params": {}})
        path = ROOT / "rules" / "mods" / "long-memory" / "memory.toml"
        text = path.read_text(encoding="utf-8")
        uri = path.as_uri()
        server.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}}})
        lines = text.splitlines()
        better = next(i for i, line in enumerate(lines) if line.startswith("better ="))
        hover = None
        for _ in range(60):  # the server reads the schemas once the document is open
            hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": better, "character": 1}})
            if hover is not None:
                break
            time.sleep(0.5)
        assert hover is not None
        shown = hover["contents"]["value"]
        assert 'Which way is good: "higher", "lower" or "neither"' in shown and "ruleset-file.schema.json" in shown
        value = next(i for i, line in enumerate(lines) if line.startswith("value ="))
        hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": value, "character": 1}})
        assert "override.parameters.coercion_forgetting.value" in hover["contents"]["value"]
        # Typing the start of a key inside an override offers the parameter's fields.
        typed = text.replace("value = 0.03\n", "value = 0.03\nun\n")
        server.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": typed}]}})
        line = typed.splitlines().index("un")
        result = server.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}})
        items = result["items"] if isinstance(result, dict) else result
        assert "unit" in [item["label"] for item in items]
    finally:
        server.close()
