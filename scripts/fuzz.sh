#!/usr/bin/env bash
# Runs every Go fuzz target for a while: FUZZTIME per target (default 5s; use 5m before resolving a change to a
# reader or the rules). The seed corpora under */testdata/fuzz/ also run in every plain `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-5s}
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
  pkg=./$(dirname "${file#./}")
  for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "fuzz: $pkg $target for $FUZZTIME"
    # Minimizing each new input gets 60 s by default; on Parquet files that ate most of a 5-minute run.
    go test "$pkg" -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=5s 2>&1 | tail -3
  done
done
