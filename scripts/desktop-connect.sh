#!/usr/bin/env bash
# Desktop team-server test: starts `BIN serve` on a temporary database with accounts, opens the Wails window of BIN
# connected to it (--server) under Xvfb, logs in by typing (xdotool), accepts one item with A, checks through the
# server's API (a supervisor's token from `BIN users token`) that the decision landed with the logged-in reviewer,
# and saves a screenshot to e2e/artifacts/desktop-connect.png.
#   scripts/desktop-connect.sh build/bin/reviewdesk
set -euo pipefail

usage="usage: scripts/desktop-connect.sh PATH/TO/reviewdesk (a desktop build: -tags desktop,production,webkit2_41)"
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
BIN=$(realpath "$1")
cd "$(dirname "$0")/.."
ARTIFACTS=$PWD/e2e/artifacts
TIMEOUT=${SMOKE_TIMEOUT:-30}

if [ -z "${REVIEWDESK_SMOKE_IN_XVFB:-}" ]; then
  command -v xvfb-run >/dev/null || { echo "desktop-connect: xvfb-run is missing (apt-get install xvfb xauth)" >&2; exit 1; }
  REVIEWDESK_SMOKE_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1360x860x24" "$0" "$BIN"
fi

say() { printf 'desktop-connect: %s\n' "$*" >&2; }
fail() {
  say "FAIL: $*"
  [ -f "${TMP:-}/server.log" ] && sed 's/^/  server: /' "$TMP/server.log" | tail -15 >&2
  [ -f "${TMP:-}/window.log" ] && sed 's/^/  window: /' "$TMP/window.log" | tail -15 >&2
  exit 1
}

TMP=$(mktemp -d)
SERVER="" WINDOW=""
stop() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$WINDOW"
  stop "$SERVER"
  rm -rf "$TMP"
}
trap cleanup EXIT

DB=$TMP/team.db
REVIEWER=desk
PASSWORD='desk window password'
"$BIN" demo --db "$DB" --items 20 --reviewed 0 >/dev/null
printf '%s\n' "$PASSWORD" | "$BIN" users add "$REVIEWER" --role reviewer --password-stdin --db "$DB" >/dev/null
printf '%s\n' 'lead supervisor password' | "$BIN" users add lead --role supervisor --password-stdin --db "$DB" >/dev/null
TOKEN=$("$BIN" users token lead --label desktop-connect --db "$DB")

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
URL=http://127.0.0.1:$PORT
# --debug logs every API request with its status: that is how the script sees the window's page load and log in.
"$BIN" serve --db "$DB" --addr "127.0.0.1:$PORT" --debug >"$TMP/server.log" 2>&1 &
SERVER=$!

# GET on the team server with the supervisor's token; prints the JSON answer.
api() {
  TOKEN=$TOKEN node -e '
    fetch(process.argv[1], { headers: { Authorization: "Bearer " + process.env.TOKEN } })
      .then(async (r) => { if (!r.ok) throw new Error(r.status + " " + (await r.text())); console.log(await r.text()); })
      .catch((e) => { console.error(String(e)); process.exit(1); });' "$URL/api$1"
}
for _ in $(seq 1 100); do
  api /health >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || fail "the server exited"
  sleep 0.1
done
api /health >/dev/null || fail "the server did not answer on $URL"
say "team server on $URL"

# Decisions on the server: "ID REVIEWER" per accepted item.
accepted() {
  api '/items?status=accepted&limit=50' | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const it of JSON.parse(s).items) console.log(it.id, it.decision?.reviewer ?? "");
    });'
}
[ -z "$(accepted)" ] || fail "the fresh database already has accepted items"

. scripts/japanese-desktop.sh
japanese_desktop "$TMP"
start=$(date +%s%N)
"$BIN" --server "$URL" >"$TMP/window.log" 2>&1 &
WINDOW=$!
WID=""
for _ in $(seq 1 $((TIMEOUT * 5))); do
  kill -0 "$WINDOW" 2>/dev/null || fail "the window process exited"
  WID=$(xdotool search --onlyvisible --name '^reviewdesk' 2>/dev/null | head -1 || true)
  [ -n "$WID" ] && break
  sleep 0.2
done
[ -n "$WID" ] || fail "no reviewdesk window within ${TIMEOUT}s"
say "window $WID appeared after $(( ($(date +%s%N) - start) / 1000000 )) ms"
xdotool windowactivate --sync "$WID" 2>/dev/null || xdotool windowfocus --sync "$WID"

deadline=$(( $(date +%s) + TIMEOUT ))
# The page asks /api/me first; the server's 401 is when the login screen takes over.
until grep -q 'path=/api/me status=401' "$TMP/server.log"; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "the window never asked the server who is logged in"
  sleep 0.2
done
# Type the name and password into the login form (the name field has focus), until the server logs a login.
logged_in() { grep -q 'path=/api/login status=200' "$TMP/server.log"; }
while ! logged_in; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no successful login from the window"
  sleep 0.5 # the login screen's code loads through the window from the server
  xdotool key --clearmodifiers ctrl+a
  xdotool type --delay 20 "$REVIEWER"
  xdotool key Tab ctrl+a
  xdotool type --delay 20 "$PASSWORD"
  xdotool key Return
  for _ in $(seq 1 15); do logged_in && break; sleep 0.2; done
done
say "logged in as $REVIEWER after $(( ($(date +%s%N) - start) / 1000000 )) ms"

# A does nothing until the first item is on screen: press it again every few seconds until the server has it.
got=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  xdotool key a
  for _ in $(seq 1 15); do
    got=$(accepted)
    [ -n "$got" ] && break 2
    sleep 0.2
  done
done
[ -n "$got" ] || fail "no accepted decision on the server ${TIMEOUT}s after pressing A in the window"
[ "$(printf '%s\n' "$got" | wc -l)" = 1 ] || fail "more than one decision landed: $got"
[ "$(printf '%s\n' "$got" | cut -d' ' -f2)" = "$REVIEWER" ] || fail "the decision landed as someone else: $got"
say "the server holds the decision: item $(printf '%s' "$got" | cut -d' ' -f1) accepted by $REVIEWER"

sleep 1 # let the next item paint
mkdir -p "$ARTIFACTS"
import -window root "$ARTIFACTS/desktop-connect.png"
say "ok: screenshot $ARTIFACTS/desktop-connect.png ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
