#!/usr/bin/env bash
# Builds every statement with a layout and prints pdfmetrics figures per file.
# Usage: scripts/measure.sh LAYOUT [OUTDIR]
set -euo pipefail
layout=${1:-letter-2col}
out=${2:-/tmp/handbill-measure}
mkdir -p "$out"
cargo run --release -q -- build statements/*.md --layout "$layout" --out "$out" ${SETS:-} 2>/dev/null
printf '%-58s %5s %6s %6s %6s %6s %5s %3s %3s\n' file pages recall p95 max loose% hyph% lad col
for f in statements/*.md; do
  b=$(basename "$f" .md)
  # pandoc (which pdfmetrics uses to read the source) does not know TOML
  # front matter and would count its keys as words: measure the body only.
  awk 'NR==1 && /^\+\+\+$/ {fm=1; next} fm && /^\+\+\+$/ {fm=0; next} !fm' "$f" > "$out/$b.body.md"
  python3 ../shared/tools/pdfmetrics.py "$out/$b-$layout.pdf" --source "$out/$b.body.md" --json | python3 -c "
import json,sys; r=json.load(sys.stdin); j=r.get('justification',{}); h=r['hyphenation']
print('%-58s %5d %6.4f %6s %6s %6s %6s %5s %3s' % ('$b'[:58], r['pages'], r['fidelity']['recall'], j.get('gap_em_p95'), j.get('gap_em_max'), j.get('loose_lines_pct'), h['hyphenated_pct'], h['longest_ladder'], r['word_collisions']))
m=r['fidelity']['missing_samples']
if m: print('   missing:', m[:3])"
done
