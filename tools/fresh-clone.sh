#!/usr/bin/env bash
# fresh-clone.sh [--keep] [--dry-run]: run the README's two commands as a new user does, on a fresh
# clone of the current commit with empty caches, and print how long each took.
#
# It clones HEAD of this checkout (committed work only: uncommitted changes are not in the clone,
# and it says so) into a new temporary directory and runs there, in order, `make demo` and `make
# test` (or the targets FRESH_TARGETS names, e.g. FRESH_TARGETS=help for a cheap check of the
# script itself), each even if the one before failed, with every cache empty and inside that
# directory: GOCACHE, GOMODCACHE, npm_config_cache, PIP_CACHE_DIR, PULUMI_HOME, XDG_CACHE_HOME and
# TMPDIR. Everything else (PATH, the Go, npm and pip configuration, GOPROXY and GOSUMDB) is the
# caller's, as a user's would be, so go, npm and pip download from their registries. Each
# target's output is shown as it runs and kept in <tmp>/logs/<target>.log; at the end a table
# gives each command's exit status and wall time. Exits non-zero when a command failed.
#
#   --keep     keep the temporary directory (the clone, the caches and the logs); the Go module
#              cache in it is made writable, so that `rm -rf` removes it
#   --dry-run  print what would run, run nothing
#
# The whole run is about 40 minutes of both cores on a 2-core machine (the README has the
# figures); the temporary directory holds several GB until it is removed.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
keep=false
dry=false
for arg in "$@"; do
  case $arg in
    --keep) keep=true ;;
    --dry-run) dry=true ;;
    *) echo "usage: $0 [--keep] [--dry-run]" >&2; exit 2 ;;
  esac
done
read -r -a targets <<<"${FRESH_TARGETS:-demo test}"
((${#targets[@]})) || { echo "fresh-clone: FRESH_TARGETS names no target" >&2; exit 2; }

commit=$(git -C "$repo" rev-parse HEAD)
say() { printf 'fresh-clone: %s\n' "$*"; }
if [[ -n $(git -C "$repo" status --porcelain --untracked-files=no) ]]; then
  say "the checkout has uncommitted changes; the clone has only commit ${commit:0:12}"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloudrun-psc-fresh.XXXXXX")
clone=$tmp/cloudrun-psc
cache=$tmp/cache
fresh_env=(
  "GOCACHE=$cache/go-build"
  "GOMODCACHE=$cache/go-mod"
  "npm_config_cache=$cache/npm"
  "PIP_CACHE_DIR=$cache/pip"
  "PULUMI_HOME=$tmp/pulumi-home"
  "XDG_CACHE_HOME=$cache/xdg"
  "TMPDIR=$tmp/tmp"
)

if $dry; then
  rmdir "$tmp"
  say "would clone ${commit:0:12} of $repo into $clone"
  say "would run, with: ${fresh_env[*]//$tmp/<tmp>}"
  for target in "${targets[@]}"; do say "  (cd <tmp>/cloudrun-psc && make $target)"; done
  exit 0
fi

# minutes SECONDS: "6 min 13 s", as the README writes times.
minutes() { if (($1 >= 60)); then printf '%d min %d s' $(($1 / 60)) $(($1 % 60)); else printf '%d s' "$1"; fi; }

names=() statuses=() times=()
summary() {
  ((${#names[@]})) || return 0
  printf '\nfresh-clone: commit %s, empty caches in %s\n' "${commit:0:12}" "$tmp"
  local w=7 name
  for name in "${names[@]}"; do ((${#name} <= w)) || w=${#name}; done
  printf "| %-${w}s | status | wall time      |\n" command
  printf "|%s|--------|----------------|\n" "$(printf -- '-%.0s' $(seq $((w + 2))))"
  for i in "${!names[@]}"; do
    printf "| %-${w}s | %-6s | %-14s |\n" "${names[$i]}" "${statuses[$i]}" "${times[$i]}"
  done
  # Which of the README's two cold cases `make demo` was: a Pulumi CLI on PATH, or one built.
  local log=$tmp/logs/demo.log
  if [[ -f $log ]] && grep -q 'from PATH' "$log"; then
    say "make demo used the pulumi on PATH: $(grep -m1 -o 'using pulumi [^ ]* from PATH' "$log")"
  elif [[ -f $log ]] && grep -q 'building bin/pulumi' "$log"; then
    say "make demo built the Pulumi CLI (no pulumi on PATH at least as new as the pinned one)"
  fi
}

cleanup() {
  summary
  # go writes the module cache read-only: kept, it is made writable so that `rm -rf` removes it;
  # otherwise go removes it.
  if $keep; then
    [[ ! -d $cache/go-mod ]] || chmod -R u+w "$cache/go-mod"
    say "kept $tmp (logs in $tmp/logs); remove it with rm -rf"
  else
    [[ ! -d $cache/go-mod ]] || env "${fresh_env[@]}" go clean -modcache || chmod -R u+w "$cache/go-mod"
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$cache" "$tmp/pulumi-home" "$tmp/tmp" "$tmp/logs"
say "cloning ${commit:0:12} into $clone"
git clone --quiet --no-checkout "$repo" "$clone"
git -C "$clone" checkout --quiet --detach "$commit"

failed=0
for target in "${targets[@]}"; do
  say "make $target (log: $tmp/logs/$target.log)"
  start=$SECONDS
  status=0
  # A new user's shell has no make variables of an outer make (make fresh) in its environment.
  (cd "$clone" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${fresh_env[@]}" make "$target") 2>&1 |
    tee "$tmp/logs/$target.log" || status=${PIPESTATUS[0]}
  names+=("make $target") statuses+=("$status") times+=("$(minutes $((SECONDS - start)))")
  ((status == 0)) || failed=1
done
exit $failed
