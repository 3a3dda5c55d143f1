#!/usr/bin/env bash
# Builds every statement with every shipped layout (and the bilingual pairs,
# the UDHR fixtures, the example campaign and the sample's pictures) and
# prints one md5 per PDF, so that a change meant to keep every output byte
# can be checked:
#   scripts/identical.sh > before.txt; ...; scripts/identical.sh > after.txt
#   diff before.txt after.txt
# Set HANDBILL to a built binary to skip the cargo build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${HANDBILL:-}
if [ -z "$bin" ]; then
  cargo build -q --release
  bin=target/release/handbill
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SOURCE_DATE_EPOCH=1767225600
single=$(ls layouts/*.toml | xargs -n1 basename | sed 's/\.toml$//' | grep -v bilingual)
args=()
for l in $single; do args+=(--layout "$l"); done
"$bin" build statements/*.md "${args[@]}" --out "$out/single" >/dev/null 2>&1
"$bin" build $(ls tests/fixtures/udhr/*.md | grep -v README) --layout letter-2col --layout a4-2col --out "$out/udhr" >/dev/null 2>&1
"$bin" build statements/2026-01-22-general-strike-against-ice.md tests/fixtures/bilingual/general-strike-es.md \
  --layout letter-bilingual --out "$out/pair/strike.pdf" >/dev/null 2>&1
"$bin" build tests/fixtures/bilingual/udhr-en.md tests/fixtures/udhr/es.md \
  --layout letter-bilingual --out "$out/pair/udhr.pdf" >/dev/null 2>&1
"$bin" batch campaigns/example.toml --out "$out/campaign" >/dev/null 2>&1
# Pictures across the columns (the text set in sections around them).
for l in letter-2col tabloid-3col; do
  "$bin" build docs/sample/rent-strike.md --layout "$l" --set images.span=page \
    --out "$out/pictures/$l.pdf" >/dev/null 2>&1
done
"$bin" build docs/sample/rent-strike.md --layout docs/sample/rent-strike.toml \
  --out "$out/pictures/sample.pdf" >/dev/null 2>&1
(cd "$out" && find . -name '*.pdf' | sort | xargs md5sum)
