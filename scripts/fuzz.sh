#!/usr/bin/env bash
# Runs every Go fuzz target for a while: FUZZTIME per target (default 5s; use 5m before resolving a change to a
# reader or the rules). The seed corpora under */testdata/fuzz/ also run in every plain `go test`.
# ONLY=FuzzName runs just that target. Every target runs even when one fails; a failing target's whole output is
# printed (a crasher is saved under its package's testdata/fuzz/), and the script exits non-zero at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-5s}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
failed=()
while read -r file; do
  pkg=./$(dirname "${file#./}")
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    [ -n "${ONLY:-}" ] && [ "$ONLY" != "$target" ] && continue
    echo "fuzz: $pkg $target for $FUZZTIME"
    corpus="$pkg/testdata/fuzz/$target"
    before=$(ls "$corpus" 2>/dev/null | sort)
    # Minimizing each new input gets 60 s by default; on Parquet files that ate most of a 5-minute run.
    if go test "$pkg" -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=5s >"$out" 2>&1; then
      tail -3 "$out"
    elif grep -q '^    context deadline exceeded$' "$out" && [ "$(ls "$corpus" 2>/dev/null | sort)" = "$before" ]; then
      # Go 1.26's fuzzing coordinator can report its own -fuzztime deadline as a failure when a worker is still
      # running an input (go.dev/issue/75804, fixed in Go 1.27). A real failure writes its input to the corpus.
      tail -3 "$out"
      echo "fuzz: $target: the coordinator's deadline race (go.dev/issue/75804), no failing input: not a failure"
    else
      cat "$out"
      failed+=("$pkg $target")
    fi
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sort)
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
