#!/usr/bin/env bash
# alive.sh LABEL COMMAND...: run COMMAND, saying "LABEL" first, a line every ALIVE_EVERY seconds
# (30) while it runs ("LABEL: still running, 90s"), and how long it took. A cold Go build of the
# Pulumi CLI takes minutes with no output of its own; this shows that it is alive.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 LABEL COMMAND..." >&2; exit 2; }
label=$1
shift
every=${ALIVE_EVERY:-30}
start=$SECONDS
printf '%s\n' "$label"
"$@" &
pid=$!
(
  while sleep "$every"; do
    printf '%s: still running, %ss\n' "$label" "$((SECONDS - start))"
  done
) &
ticker=$!
rc=0
wait "$pid" || rc=$?
kill "$ticker" 2>/dev/null || true
wait "$ticker" 2>/dev/null || true
if [[ $rc -eq 0 ]]; then
  printf '%s: done in %ss\n' "$label" "$((SECONDS - start))"
else
  printf '%s: failed after %ss (exit %s)\n' "$label" "$((SECONDS - start))" "$rc" >&2
fi
exit "$rc"
