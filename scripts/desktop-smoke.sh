#!/usr/bin/env bash
# Desktop smoke test: opens the Wails window of BIN under Xvfb on a temporary demo database, accepts one item with
# the keyboard (xdotool), checks with `BIN stats --json` that the decision landed, and saves a screenshot to
# e2e/artifacts/desktop.png.
#   scripts/desktop-smoke.sh build/bin/reviewdesk
set -euo pipefail

usage="usage: scripts/desktop-smoke.sh PATH/TO/reviewdesk (a desktop build: -tags desktop,production,webkit2_41)"
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
BIN=$(realpath "$1")
cd "$(dirname "$0")/.."
ARTIFACTS=$PWD/e2e/artifacts
TIMEOUT=${SMOKE_TIMEOUT:-30}

# Re-run inside a virtual screen of the window's size unless already in one.
if [ -z "${REVIEWDESK_SMOKE_IN_XVFB:-}" ]; then
  command -v xvfb-run >/dev/null || { echo "desktop-smoke: xvfb-run is missing (apt-get install xvfb xauth)" >&2; exit 1; }
  REVIEWDESK_SMOKE_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1360x860x24" "$0" "$BIN"
fi

say() { printf 'desktop-smoke: %s\n' "$*" >&2; }
fail() {
  say "FAIL: $*"
  [ -f "${TMP:-}/window.log" ] && sed 's/^/  window: /' "$TMP/window.log" | tail -20 >&2
  exit 1
}

TMP=$(mktemp -d)
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

accepted() {
  "$BIN" stats --json --db "$DB" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).items.by_status.accepted??0))'
}

DB=$TMP/review.db
"$BIN" demo --db "$DB" --items 30 --reviewed 0 >/dev/null
[ "$(accepted)" = 0 ] || fail "a fresh demo database already has accepted items"

. scripts/japanese-desktop.sh
japanese_desktop "$TMP"
start=$(date +%s%N)
"$BIN" --db "$DB" --user smoke >"$TMP/window.log" 2>&1 &
PID=$!

WID=""
for _ in $(seq 1 $((TIMEOUT * 5))); do
  kill -0 "$PID" 2>/dev/null || fail "the window process exited"
  WID=$(xdotool search --onlyvisible --name '^reviewdesk$' 2>/dev/null | head -1 || true)
  [ -n "$WID" ] && break
  sleep 0.2
done
[ -n "$WID" ] || fail "no window named reviewdesk within ${TIMEOUT}s"
say "window $WID appeared after $(( ($(date +%s%N) - start) / 1000000 )) ms"
xdotool windowactivate --sync "$WID" 2>/dev/null || xdotool windowfocus --sync "$WID"

# The page leases its first item as soon as it has loaded; wait for that lease, give the screen a moment to show
# the item, then press A once. Only if no decision lands (the key came before the item) is it pressed again: the
# database must then hold exactly one accepted decision, so a key that decides twice fails the test.
leased() { sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM items WHERE lease_by = 'smoke'" 2>/dev/null || echo 0; }
deadline=$(( $(date +%s) + TIMEOUT ))
until [ "$(leased)" -ge 1 ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the window leased no item within ${TIMEOUT}s"
  sleep 0.02
done
say "the first item was leased $(( ($(date +%s%N) - start) / 1000000 )) ms after the start"
sleep 1
n=0
for attempt in 1 2 3; do
  xdotool key --window "$WID" a
  for _ in $(seq 1 25); do
    n=$(accepted)
    [ "$n" -ge 1 ] && break 2
    sleep 0.2
  done
  say "no decision 5 s after pressing A (attempt $attempt)"
done
sleep 1.5
n=$(accepted)
[ "$n" = 1 ] || fail "want exactly 1 accepted decision in the database after pressing A in the window, have $n"
say "accepted decisions in the database: $n"

# J moves past the next item without a decision: with the demo's seed, the item after it is a Japanese summary
# with a hint, which makes the screenshot show what reviewers see most.
xdotool key --window "$WID" j
sleep 1.5
n2=$(accepted)
[ "$n2" = "$n" ] || fail "J changed the number of accepted decisions from $n to $n2"
mkdir -p "$ARTIFACTS"
import -window root "$ARTIFACTS/desktop.png"
say "ok: screenshot $ARTIFACTS/desktop.png"
