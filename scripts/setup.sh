#!/usr/bin/env bash
# Installs what reviewdesk needs to build, run and test, and nothing that is already there:
# Debian/Ubuntu packages (when run as root, or with sudo), the frontend's npm packages, and the pinned Wails CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

WAILS_VERSION=v2.16.0
PACKAGES=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev
          xvfb xauth xdotool imagemagick chromium fonts-noto-cjk sqlite3)

say() { printf 'setup: %s\n' "$*" >&2; }

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = none ]; then
    say "missing packages: ${missing[*]}"
    say "install them as root: apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v go >/dev/null || { say "Go is missing: install Go 1.26 from https://go.dev/dl/ and put it on PATH"; exit 1; }
command -v npm >/dev/null || { say "Node.js and npm are missing: apt-get install nodejs npm (Node 20 or newer)"; exit 1; }

GOBIN="$(go env GOPATH)/bin"
if ! "$GOBIN/wails" version 2>/dev/null | grep -q "${WAILS_VERSION}"; then
  say "installing the Wails CLI ${WAILS_VERSION}"
  go install "github.com/wailsapp/wails/v2/cmd/wails@${WAILS_VERSION}"
fi

# npm ci only when the lock file changed since the last install.
for dir in frontend e2e; do
  [ -f "$dir/package-lock.json" ] || continue
  stamp="$dir/node_modules/.reviewdesk-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
done
