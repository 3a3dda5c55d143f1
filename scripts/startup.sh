#!/usr/bin/env bash
# Times one flyer as a whole process: the median wall time of RUNS runs
# (hyperfine), the CPU time of each run (perf task-clock, if perf is
# installed: on a shared machine the figure to compare) and the peak memory
# (maximum resident set, median of RUNS runs, from GNU time), with the load.
# Usage: scripts/startup.sh [HANDBILL] [STATEMENT] [LAYOUT]
#   HANDBILL defaults to target/release/handbill (build it first with
#   `cargo build --release`); RUNS=20 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/handbill}
statement=${2:-statements/2026-01-22-general-strike-against-ice.md}
layout=${3:-letter-2col}
runs=${RUNS:-20}
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no $bin: cargo build --release" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/flyer.pdf"
# A folder of its own: no ./fonts to read, as for an installed handbill.
bin=$(realpath "$bin")
statement=$(realpath "$statement")
cd "$tmp"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$tmp/h.json" \
  "$bin build $statement --layout $layout --out $out" >/dev/null
for _ in $(seq "$runs"); do
  /usr/bin/time -f %M "$bin" build "$statement" --layout "$layout" --out "$out" 2>&1 >/dev/null |
    tail -1
done >"$tmp/rss"
# CPU time per run (user + system, perf's task-clock): unlike wall time it
# hardly moves when other programs share the cores.
: >"$tmp/cpu"
if command -v perf >/dev/null && perf stat -x, -e task-clock true 2>/dev/null; then
  for _ in $(seq "$runs"); do
    perf stat -x, -e task-clock "$bin" build "$statement" --layout "$layout" --out "$out" \
      2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 }'
  done >"$tmp/cpu"
fi
python3 - "$tmp/h.json" "$tmp/rss" "$tmp/cpu" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
rss = sorted(int(l) for l in open(sys.argv[2]) if l.strip())
cpu = sorted(float(l) for l in open(sys.argv[3]) if l.strip())
print(f"wall   median {r['median'] * 1e3:.1f} ms  (min {r['min'] * 1e3:.1f}, max {r['max'] * 1e3:.1f}, {len(r['times'])} runs)")
print(f"cpu    user {r['user'] * 1e3:.1f} ms  system {r['system'] * 1e3:.1f} ms  (means)")
if cpu:
    print(f"cpu    task-clock median {statistics.median(cpu):.2f} ms  (min {cpu[0]:.2f}, max {cpu[-1]:.2f}, {len(cpu)} runs)")
print(f"memory median peak {statistics.median(rss) / 1024:.1f} MiB  (max {rss[-1] / 1024:.1f} MiB)")
PY
echo "load   $(cut -d" " -f1-3 /proc/loadavg) (1, 5, 15 min)"
