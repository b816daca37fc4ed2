"""One yaml-language-server for the session; each test opens its documents under its own folder."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from editor.lsp import LanguageServer
from editor.yamlls import Editor, start_server


@pytest.fixture(scope="session")
def language_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanguageServer]:
    server = start_server(tmp_path_factory.mktemp("lsp-root"))
    yield server
    server.shutdown()


@pytest.fixture
def editor(language_server: LanguageServer, tmp_path: Path) -> Editor:
    return Editor(language_server, tmp_path)
