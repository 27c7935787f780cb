#!/usr/bin/env bash
# gotest.sh: `go test` in every Go module of the repository, with the flags given (make test passes
# -timeout 40m). The library's module (the repository root) and the small modules run first; the
# tests and bench modules, which drive the engine for minutes, run side by side, as they did when
# they were packages of one module, and their output is printed module by module once each ends.
# Exits non-zero when any module fails.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
for m in . sim examples/demo tools; do
  echo "== go test ($m)"
  (cd "$m" && go test "$@" ./...) || status=1
done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
long=(tests bench)
for m in "${long[@]}"; do
  (cd "$m" && go test "$@" ./... >"$logs/$m.log" 2>&1) &
  pids+=($!)
done
for i in "${!long[@]}"; do
  wait "${pids[$i]}" || status=1
  echo "== go test (${long[$i]})"
  cat "$logs/${long[$i]}.log"
done
exit $status
