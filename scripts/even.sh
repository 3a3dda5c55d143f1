#!/usr/bin/env bash
# Builds the five reference seeds with the reference layout and prints the
# justification figures per seed (median, p95 and max gap in em, tight and
# loose lines in %, line-to-line jump of the mean gap in em, hyphenated lines
# in %, longest ladder, word recall) and the worst of each over the seeds, so
# that one change of the cost model is one run.
# Usage: scripts/even.sh [OUTDIR]
# Environment: HANDBILL (binary, default target/debug/handbill), SEEDS, REF,
# TOOLS (the shared seeds, reference layout and pdfmetrics), SETS (--set ...).
set -euo pipefail
out=${1:-/tmp/handbill-even}
bin=${HANDBILL:-target/debug/handbill}
seeds=${SEEDS:-../shared/seeds}
ref=${REF:-../shared/ref}
tools=${TOOLS:-../shared/tools}
mkdir -p "$out"
# shellcheck disable=SC2086 # SETS holds several words on purpose
"$bin" build "$seeds"/*.txt --layout "$ref/ref-letter.toml" --out "$out" ${SETS:-} >/dev/null 2>&1
for f in "$seeds"/*.txt; do
  b=$(basename "$f" .txt)
  echo "$b $(python3 "$tools/pdfmetrics.py" "$out/$b-ref-letter.pdf" --source "$f" --json)"
done | python3 -c '
import json, sys
rows = []
for line in sys.stdin:
    name, js = line.split(" ", 1)
    r = json.loads(js); j = r["justification"]; h = r["hyphenation"]
    rows.append((name[:3], j["gap_em_median"], j["gap_em_p95"], j["gap_em_max"], j["tight_lines_pct"],
                 j["line_to_line_jump_em"], j["loose_lines_pct"], h["hyphenated_pct"], h["longest_ladder"],
                 r["fidelity"]["recall"]))
head = "seed median p95 max tight% jump loose% hyph% ladder recall".split()
print("%-6s" % head[0] + "".join("%8s" % h for h in head[1:]))
fmt = "%-6s %7.3f %7.3f %7.3f %7.2f %7.4f %7.2f %7.2f %7d %7.4f"
for r in rows:
    print(fmt % r)
worst = ["worst"] + [max(c) for c in list(zip(*rows))[1:]]
worst[-1] = min(r[-1] for r in rows)
print(fmt % tuple(worst))
print(fmt.replace("%7d", "%7.1f") % tuple(["mean"] + [sum(c) / len(c) for c in list(zip(*rows))[1:]]))'
