# Shared helpers for scripts/setup.sh and scripts/test.sh (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

# Each step says the time and the seconds since the script started (a slow step shows where).
step() { printf '\n\033[1;34m==> [%s +%ss] %s\033[0m\n' "$(date +%H:%M:%S)" "$SECONDS" "$*"; }

# apt packages, installed only when missing (root on these machines; sudo elsewhere).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  step "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# .venv with torch (the CPU wheel on disk) and the package; skipped when pyproject.toml is unchanged.
ensure_venv() {
  local extras="$1"
  if [ ! -x "$PY" ]; then
    step "creating .venv (Python 3.11)"
    python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
    "$PY" -m pip install -q --upgrade pip
  fi
  if ! "$PY" -c "import torch" 2>/dev/null; then
    step "pip install torch==2.13.0 (CPU)"
    "$PY" -m pip install torch==2.13.0
  fi
  local stamp="$VENV/.crm-insights-${extras:-base}.stamp"
  local want
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    step "pip install -e .${extras:+[$extras]}"
    "$PY" -m pip install --progress-bar on -e "$ROOT${extras:+[$extras]}"
    echo "$want" > "$stamp"
  fi
}
