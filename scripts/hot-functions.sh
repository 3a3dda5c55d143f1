#!/usr/bin/env bash
# Writes scripts/hot-functions.txt: the functions of the handbill program
# that building leaflets runs, dearest first, which build.rs asks the linker
# to put side by side at the start of the program (see `order_functions` in
# build.rs). Runs every statement in statements/ with five layouts under
# callgrind, plus the flyer that scripts/startup.sh times.
# Run it again when Cargo.lock or the Rust version changes: the list names
# functions as they are mangled, and names that no longer exist are passed
# over (the build still works; it only keeps more of the program in memory).
# Needs: valgrind. Usage: scripts/hot-functions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
cargo build -q --release
bin=$(realpath target/release/handbill)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for layout in letter-2col a4-2col tabloid-3col half-letter-2up trifold-letter; do
  for s in statements/*.md; do
    n=$((n + 1))
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/cg.$n" \
      "$bin" build "$s" --layout "$layout" --out "$tmp/$n.pdf" >/dev/null 2>&1
  done
done
valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/cg.flyer" \
  "$bin" build statements/2026-01-22-general-strike-against-ice.md --layout letter-2col \
  --out "$tmp/flyer.pdf" >/dev/null 2>&1
python3 - "$tmp"/cg.* >scripts/hot-functions.txt <<'PY'
# The mangled names of the program's functions that ran, by their own cost
# summed over the runs, dearest first. Callgrind writes each object and
# function name once, as "ob=(id) name" / "fn=(id) name", and by id after.
import collections, re, sys
cost = collections.Counter()
for path in sys.argv[1:]:
    names = {"ob": {}, "fn": {}}
    ob = fn = None
    for line in open(path, errors="replace"):
        m = re.match(r"^c?(ob|fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            kind, i, name = m.groups()
            if name:
                names[kind][i] = name
            if line.startswith("ob="):
                ob = names["ob"].get(i)
            elif line.startswith("fn="):
                fn = (ob, names["fn"].get(i))
                cost[fn] += 0
            continue
        if fn and line[:1].isdigit():
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                cost[fn] += int(parts[1])
seen = set()
for ob, name in sorted(cost, key=lambda k: -cost[k]):
    # Functions by name: not callgrind's "(below main)" or bare addresses.
    if not (ob and ob.endswith("/handbill") and name) or name[0] in "(0":
        continue
    name = re.sub(r"'\d+$", "", name)  # callgrind's mark for a recursive call
    if name not in seen:
        seen.add(name)
        print(name)
PY
echo "scripts/hot-functions.txt: $(wc -l <scripts/hot-functions.txt) functions from $((n + 1)) builds"
