#!/bin/sh
# Runs every benchmark of BENCHMARKS.md in one go and prints one table:
# figure | ours | baseline | ratio | target | met?
# Needs: JDK 17, Maven, hyperfine, git, Debian's python3-psutil for /usr/bin/python3
#   apt-get install -y python3-psutil hyperfine
# Options (environment): CQ_BENCH_QUICK=1 for a short smoke run; CQ_BENCH_SKIP_JMH=1 to reuse
# target/jmh-result.json; CQ_BENCH_IDLE_SECONDS (default 60).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$here"
for tool in hyperfine git mvn java javac; do
  command -v $tool >/dev/null 2>&1 || { echo "run-all: $tool is missing" >&2; exit 2; }
done
/usr/bin/python3 -c 'import psutil' 2>/dev/null || { echo "run-all: apt-get install -y python3-psutil" >&2; exit 2; }
exec /usr/bin/python3 "$here/bench/run_all.py" "$@"
