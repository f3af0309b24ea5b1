#!/usr/bin/env bash
# Time the README's test command on two commits, back to back, each in a fresh clone:
#     bench/suite_time.sh [REV...]     (defaults: 30da3f1 and HEAD; one REV times that one alone)
# Prints the load average before each run and `time`'s real/user/sys; the test output of each
# run goes to $OUT/<rev>.log (OUT defaults to a new temporary folder). Issue 10 point 5: the new
# wall time should be under half the base one, measured in one session on the same machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
revs=("$@")
[ ${#revs[@]} -gt 0 ] || revs=(30da3f1 HEAD)
out=${OUT:-$(mktemp -d -t csat-suite-time-XXXX)}
for rev in "${revs[@]}"; do
  sha=$(git -C "$repo" rev-parse --short "$rev")
  tree="$out/$sha"
  git clone -q "$repo" "$tree"
  git -C "$tree" checkout -q "$sha"
  echo "== $rev ($sha): $(cut -d' ' -f1-3 /proc/loadavg) load average before"
  # The revision's own README test command: scripts/test.sh where it has one, else the
  # venv + pip + pytest line the README gave before it.
  if [ -x "$tree/scripts/test.sh" ]; then
    command=(scripts/test.sh -q -p no:cacheprovider)
  else
    command=(bash -c "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' \
      && .venv/bin/pytest -q -p no:cacheprovider")
  fi
  (cd "$tree" && { time "${command[@]}" >"$out/$sha.log" 2>&1; } 2>&1) || true
  tail -n 1 "$out/$sha.log"
done
echo "logs and clones in $out"
