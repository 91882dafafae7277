"""A minimal Language Server Protocol client: enough to open YAML documents in
yaml-language-server, the server behind VS Code's YAML extension, and read its diagnostics."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, BinaryIO

REPO = Path(__file__).parent.parent
SERVER = REPO / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


def _read(stream: BinaryIO) -> dict[str, Any] | None:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


class YamlServer:
    """yaml-language-server over stdio, configured with the workspace's editor settings."""

    def __init__(self, root: Path, settings: dict[str, Any]) -> None:
        self.root, self.settings = root, settings
        self.process = subprocess.Popen(
            ["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.diagnostics: queue.Queue[dict[str, Any]] = queue.Queue()
        self.replies: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        self._next = 0
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {"workspace": {"configuration": True}},
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": settings}})

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _listen(self) -> None:
        assert self.process.stdout is not None
        while (message := _read(self.process.stdout)) is not None:
            if message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics.put(message["params"])
            elif "method" in message and "id" in message:  # the server asks: settings, registrations
                items = message["params"].get("items", []) if message["method"] == "workspace/configuration" else []
                result = [self.settings if i.get("section") == "yaml" else {} for i in items] or None
                self._send({"id": message["id"], "result": result})
            elif "id" in message:
                self.replies.put(message)

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self._next += 1
        self._send({"id": self._next, "method": method, "params": params})
        return self.replies.get(timeout=60)

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def problems(self, documents: dict[Path, str]) -> dict[Path, list[dict[str, Any]]]:
        """Open each document (given as text, at its path) and collect what the server reports."""
        by_uri = {path.as_uri(): path for path in documents}
        for path, text in documents.items():
            self.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": path.as_uri(), "languageId": "yaml", "version": 1, "text": text}},
            )
        found: dict[Path, list[dict[str, Any]]] = {}
        while len(found) < len(documents):
            params = self.diagnostics.get(timeout=60)
            if params["uri"] in by_uri:
                found[by_uri[params["uri"]]] = params["diagnostics"]
        for path in documents:
            self.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})
        return found

    def close(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self.process.wait(timeout=30)
