#!/usr/bin/env bash
# Diagnosis for docs/BENCHMARKS.md ("why the benchmark process works harder behind a byte
# relay"): runs learn-proxy.mjs alternately with this machine's guest halt polling and with the
# Linux default (200,000 ns), then puts the machine's value back, also on Ctrl+C. Needs root and
# a guest whose cpuidle driver is haltpoll; changes nothing otherwise. Not part of `npm run bench`:
# it changes a kernel setting for the length of the runs.
#
#   sudo scripts/bench/learn-proxy-idle-ab.sh [pairs]      (default 2 pairs; needs a built dist/)
set -euo pipefail
PARAM=/sys/module/haltpoll/parameters/guest_halt_poll_ns
LINUX_DEFAULT=200000
if [[ ! -w $PARAM ]]; then
  echo "learn-proxy-idle-ab: $PARAM is not writable (not root, or no haltpoll cpuidle driver); nothing changed" >&2
  exit 2
fi
ORIGINAL=$(cat "$PARAM")
if [[ $ORIGINAL == "$LINUX_DEFAULT" ]]; then
  echo "learn-proxy-idle-ab: this machine already polls $LINUX_DEFAULT ns before halting; both arms would be the same, nothing to compare" >&2
  exit 2
fi
trap 'echo "$ORIGINAL" > "$PARAM"; echo "guest_halt_poll_ns restored to $(cat "$PARAM")" >&2' EXIT
cd "$(dirname "$0")/../.."
for ((i = 0; i < ${1:-2}; i++)); do
  for value in "$ORIGINAL" "$LINUX_DEFAULT"; do
    echo "$value" > "$PARAM"
    echo "== guest_halt_poll_ns=$(cat "$PARAM") from $(date -u +%T) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    node scripts/bench/learn-proxy.mjs
  done
done
