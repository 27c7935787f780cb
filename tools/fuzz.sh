#!/usr/bin/env bash
# fuzz.sh: run every Go fuzz target in the repository (each `func Fuzz…` in a _test.go file) for
# FUZZTIME each, one `go test -fuzz` per target since it takes one target at a time.
#
#   tools/fuzz.sh                     # 10s per target, the short run CI does (make fuzz)
#   FUZZTIME=10m tools/fuzz.sh        # a longer hunt (make fuzz FUZZTIME=10m)
#   FUZZTIME=200000x tools/fuzz.sh    # a fixed number of inputs per target instead of a duration
#   FUZZMINIMIZETIME=1m tools/fuzz.sh # minimise new inputs as long as go test does (100x by default)
#   tools/fuzz.sh FuzzParseRef        # only the targets named
#
# A failing input is written to <package>/testdata/fuzz/<target>/; fix the bug, keep the file (it
# is the regression test that `go test ./...` replays) and commit it.
#
# Go before 1.27 can end a duration-bounded run with "context deadline exceeded" although no
# input failed (golang/go#75804, a race in the fuzz coordinator on a loaded machine). A target
# that fails with only that message and writes no failing input is reported as such, not as a
# failure; anything else fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-10s}
# go test minimises each input that widens coverage for up to a minute, and fuzzes nothing new
# meanwhile: on a short run of a target with many arguments that is nearly all of its time. 100
# tries each by default (FUZZMINIMIZETIME, which bounds the minimisation of a failing input too).
minimizetime=${FUZZMINIMIZETIME:-100x}
corpus_size() { if [[ -d $1 ]]; then find "$1" -type f | wc -l; else echo 0; fi; }
only=("$@")
failed=0
count=0

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
gocache=$(go env GOCACHE)

for dir in $(git grep --untracked -l '^func Fuzz' -- '*_test.go' | xargs -n1 dirname | sort -u); do
  targets=()
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go | cut -d' ' -f2 | sort); do
    if ((${#only[@]} == 0)) || [[ " ${only[*]} " == *" $target "* ]]; then
      targets+=("$target")
    fi
  done
  ((${#targets[@]})) || continue
  # One instrumented test binary per package, run once per target: `go test -fuzz` would link it
  # again for every target. It runs in the package directory, where testdata/fuzz lives, and keeps
  # what it learns where `go test -fuzz` does (GOCACHE/fuzz/<import path>).
  # Each package is built in its own directory, so that it is found in its own Go module (sim/,
  # tests/ and bench/ are modules of their own beside the library's).
  pkg=$(cd "$dir" && go list .)
  (cd "$dir" && go test -c -fuzz=. -o "$bin/fuzz.test" .)
  for target in "${targets[@]}"; do
    count=$((count + 1))
    corpus=$dir/testdata/fuzz/$target
    before=$(corpus_size "$corpus")
    start=$SECONDS
    if out=$(cd "$dir" && "$bin/fuzz.test" -test.run='^$' -test.fuzz="^$target\$" -test.fuzztime="$fuzztime" \
      -test.fuzzminimizetime="$minimizetime" -test.fuzzcachedir="$gocache/fuzz/$pkg" 2>&1); then
      rc=0
    else
      rc=$?
    fi
    after=$(corpus_size "$corpus")
    # The run first replays the corpus it has gathered (testdata/fuzz and GOCACHE), then fuzzes.
    corpus_run=$(grep -o 'baseline coverage: [0-9]*/[0-9]*' <<<"$out" | tail -1 | cut -d/ -f2 || true)
    execs=$(grep -o 'execs: [0-9]*' <<<"$out" | tail -1 | cut -d' ' -f2 || true)
    summary="$target ($pkg): ${corpus_run:-0} corpus inputs replayed, ${execs:-0} new inputs in $((SECONDS - start))s"
    if ((rc == 0)); then
      echo "ok    $summary"
    elif ((after == before)) && [[ $(grep -c -- '^--- FAIL' <<<"$out") == 1 ]] &&
      grep -A1 -- '^--- FAIL' <<<"$out" | tail -1 | grep -qx '[[:space:]]*context deadline exceeded'; then
      echo "ok    $summary (Go's fuzz coordinator ended with \"context deadline exceeded\" and no failing input: golang/go#75804)"
    else
      echo "FAIL  $summary"
      echo "$out" | grep -v '^fuzz: elapsed' | sed 's/^/      /'
      failed=$((failed + 1))
    fi
  done
done

if ((count == 0)); then
  echo "fuzz: no fuzz target matches ${only[*]}" >&2
  exit 1
fi
if ((failed > 0)); then
  echo "fuzz: $failed of $count targets failed" >&2
  exit 1
fi
echo "fuzz: $count targets, $fuzztime each, no failure"
