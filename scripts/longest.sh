#!/usr/bin/env bash
# Lists the longest functions and the longest files under a folder (default
# src/), with line counts, to see where the code wants splitting:
#   scripts/longest.sh [DIR] [N]
# A function runs from its `fn` line to the first line after it that closes
# a brace at the same indent (one-line functions and declarations without a
# body count as one line).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-src}
n=${2:-10}
files=$(find "$dir" -name '*.rs' | sort)
echo "longest functions:"
# shellcheck disable=SC2086
awk '
  FNR == 1 { depth = 0 }
  {
    if (name == "" && match($0, /^ *((pub(\([a-z]+\))? )?(const )?(async )?(unsafe )?(extern "[^"]*" )?fn [A-Za-z_][A-Za-z0-9_]*)/)) {
      line = $0
      indent = match(line, /[^ ]/) - 1
      fname = line; sub(/^.*fn /, "", fname); sub(/[^A-Za-z0-9_].*$/, "", fname)
      start = FNR; name = fname
      pad = sprintf("%" indent "s", "")
      # A signature ending in `;` has no body.
      if (line ~ /;[ ]*$/ && line !~ /\{/) { name = ""; next }
      # Body opened and closed on the same line.
      if (line ~ /\{.*\}[ ]*$/ && line !~ /\{[ ]*$/) { printf "%6d %s:%d %s\n", 1, FILENAME, start, name; name = ""; next }
      next
    }
    if (name != "" && (index($0, pad "}") == 1) && substr($0, indent + 1, 1) == "}") {
      printf "%6d %s:%d %s\n", FNR - start + 1, FILENAME, start, name; name = ""
    }
  }
' $files | sort -rn | head -n "$n"
echo "longest files:"
# shellcheck disable=SC2086
wc -l $files | grep -v ' total$' | sort -rn | head -n "$n"
