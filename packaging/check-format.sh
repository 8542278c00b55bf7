#!/usr/bin/env bash
# Checks clang-format (the repository's .clang-format) on the C++ files changed since a base
# commit: the argument, else the one in .ci/format-base. Files touched since then must be
# formatted; untouched older files are left as they are. Exit 1 lists the offenders.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
base=${1:-$(cat .ci/format-base)}
command -v clang-format >/dev/null || { echo "check-format: clang-format is not installed (packaging/install-deps.sh installs it)"; exit 1; }
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  echo "check-format: base commit $base is not in this clone; checking nothing"; exit 0
fi
mapfile -t files < <(git diff --name-only --diff-filter=ACMR "$base" -- '*.cpp' '*.h' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: not clang-formatted (run clang-format -i on them):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} changed C++ files are clang-formatted"
