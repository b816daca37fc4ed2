"""A small Language Server Protocol client over stdio, for driving the real yaml-language-server as an editor does.

What an editor does that the tests must do too (each found the hard way):
- the server reads its settings with a `workspace/configuration` request, not from `didChangeConfiguration`, and
  asks again (section `[yaml]`, scoped to the document) before validating each document: every request is
  answered, or every diagnostics list comes back silently empty;
- `publishDiagnostics` carries no document version, so a document is opened once, under a URI of its own, and its
  diagnostics are the first list published for that URI;
- the server validates 200 ms after a document opens or changes (a debounce), so waiting is on the notification,
  never on a clock.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, Optional

# Long enough for a loaded CI machine; reaching it means the server hung or never answered.
HANG = 120.0


class ServerError(RuntimeError):
    pass


class LanguageServer:
    """One yaml-language-server process. `settings` is what the server gets for its `yaml` section."""

    def __init__(self, command: list[str], settings: dict[str, Any], root: Path, env: Optional[dict[str, str]] = None):
        self.settings = settings
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._responses: dict[int, queue.Queue] = {}
        self._diagnostics: dict[str, queue.Queue] = {}
        self._stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self._stderr.extend(self._process.stderr), daemon=True).start()
        self.initialize_result = self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {
                "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
                "textDocument": {
                    "synchronization": {"dynamicRegistration": False},
                    "publishDiagnostics": {"relatedInformation": False},
                    "completion": {"completionItem": {"snippetSupport": False,
                                                      "documentationFormat": ["plaintext", "markdown"]}},
                    "hover": {"contentFormat": ["plaintext", "markdown"]},
                },
            },
        })
        self.notify("initialized", {})

    # --- transport -------------------------------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        with self._lock:
            self._process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self._process.stdin.flush()

    def _read(self) -> None:
        stream = self._process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self._closed()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            self._dispatch(json.loads(stream.read(length)))

    def _closed(self) -> None:
        for waiting in list(self._responses.values()) + list(self._diagnostics.values()):
            waiting.put(None)

    def _dispatch(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method is None:  # a response to one of ours
            self._responses.pop(message["id"]).put(message)
        elif "id" in message:  # a request from the server: every one gets an answer, or the server waits forever
            self._send({"id": message["id"], "result": self._answer(method, message.get("params") or {})})
        elif method == "textDocument/publishDiagnostics":
            self._queue(message["params"]["uri"]).put(message["params"]["diagnostics"])

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "workspace/configuration":
            return [self.settings if item.get("section") == "yaml" else {} for item in params["items"]]
        return None  # client/registerCapability, window/workDoneProgress/create, ...

    def _queue(self, uri: str) -> queue.Queue:
        with self._lock:
            return self._diagnostics.setdefault(uri, queue.Queue())

    def _wait(self, waiting: queue.Queue, what: str) -> Any:
        try:
            found = waiting.get(timeout=HANG)
        except queue.Empty:
            raise ServerError(f"yaml-language-server sent no {what} in {HANG:.0f} s{self._log()}") from None
        if found is None:
            raise ServerError(f"yaml-language-server exited (status {self._process.poll()}) before {what}{self._log()}")
        return found

    def _log(self) -> str:
        text = b"".join(self._stderr).decode(errors="replace").strip()
        return f"; its stderr:\n{text}" if text else ""

    # --- protocol --------------------------------------------------------------------------------------------------

    def request(self, method: str, params: dict[str, Any]) -> Any:
        number = next(self._ids)
        waiting: queue.Queue = queue.Queue()
        self._responses[number] = waiting
        self._send({"id": number, "method": method, "params": params})
        response = self._wait(waiting, f"answer to {method}")
        if "error" in response:
            raise ServerError(f"{method}: {response['error']}")
        return response["result"]

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def open(self, uri: str, text: str) -> None:
        """Open a document; its diagnostics are then `diagnostics(uri)`. Each URI is opened once."""
        if uri in self._diagnostics:
            raise ValueError(f"{uri} was opened before: diagnostics carry no version, so give each document its own URI")
        self._queue(uri)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The first diagnostics published for `uri` after it was opened."""
        return self._wait(self._diagnostics[uri], f"diagnostics for {uri}")

    def check(self, uri: str, text: str) -> list[dict[str, Any]]:
        self.open(uri, text)
        return self.diagnostics(uri)

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def completion(self, uri: str, line: int, character: int) -> list[dict[str, Any]]:
        result = self.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                          "position": {"line": line, "character": character}})
        return result["items"] if isinstance(result, dict) else (result or [])

    def hover(self, uri: str, line: int, character: int) -> Optional[str]:
        """The hover text at a position (markdown or plain), or None."""
        result = self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                     "position": {"line": line, "character": character}})
        if not result:
            return None
        contents = result["contents"]
        return contents["value"] if isinstance(contents, dict) else str(contents)

    def shutdown(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self._process.wait(timeout=HANG)
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
