#!/usr/bin/env bash
# The house style, enforced: clang-format (.clang-format) on every C++ file, then clang-tidy
# (.clang-tidy: bugprone, concurrency, performance) on every translation unit of the build in
# BUILD_DIR (its compile_commands.json). Fails on the first file that is not formatted and on
# any clang-tidy finding. A translation unit that passed is not checked again until it, a
# project header or .clang-tidy changes (stamps under BUILD_DIR/lint).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}

mapfile -t cxx < <(git ls-files '*.cpp' '*.hpp')
if ! clang-format --dry-run --Werror "${cxx[@]}" 2>/tmp/paredao-format.$$; then
  head -40 /tmp/paredao-format.$$ >&2
  rm -f /tmp/paredao-format.$$
  echo "lint: not formatted as .clang-format says; run: clang-format -i \$(git ls-files '*.cpp' '*.hpp')" >&2
  exit 1
fi
rm -f /tmp/paredao-format.$$

[[ -f "$BUILD_DIR/compile_commands.json" ]] || { echo "lint: no $BUILD_DIR/compile_commands.json (make build)" >&2; exit 1; }
stamps="$BUILD_DIR/lint"
mkdir -p "$stamps"
# What every translation unit depends on besides itself: the checks and the project's headers.
shared=$( (cat .clang-tidy; git ls-files -z '*.hpp' | xargs -0 cat) | sha256sum | cut -c1-16)
todo=()
for unit in $(git ls-files 'src/*.cpp' 'tests/integration/*.cpp' 'bench/*.cpp'); do
  stamp="$stamps/$(echo "$unit" | tr / _).$shared.$(sha256sum "$unit" | cut -c1-16)"
  [[ -f "$stamp" ]] || todo+=("$unit")
done
if ((${#todo[@]})); then
  echo "lint: clang-tidy on ${#todo[@]} translation units" >&2
  # One clang-tidy per unit, JOBS at a time; each stamps its unit when it finds nothing.
  printf '%s\n' "${todo[@]}" | xargs -P "$JOBS" -I{} sh -c '
    if clang-tidy -p "$1" --quiet "$3" 2>/dev/null; then
      touch "$2/$(echo "$3" | tr / _).$4.$(sha256sum "$3" | cut -c1-16)"
    else
      exit 255
    fi' _ "$BUILD_DIR" "$stamps" {} "$shared" || { echo "lint: clang-tidy found the above" >&2; exit 1; }
fi
echo "lint: clean" >&2
