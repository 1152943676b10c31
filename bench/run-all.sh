#!/bin/sh
# Runs every benchmark of BENCHMARKS.md in one go and prints one table:
# figure | ours | baseline | ratio | target | met?
# Needs: JDK 17 (java, javac), Maven, git, hyperfine, and Debian's python3-psutil for
# /usr/bin/python3 (the seed's Python peers import it). On Debian/Ubuntu:
#   apt-get install -y hyperfine python3-psutil
# (CQ_BENCH_INSTALL=1 runs that line itself when run as root.) Maven goes online once when the
# benchmark dependencies (JMH, exec-maven-plugin) were never downloaded.
# Options (environment): CQ_BENCH_QUICK=1 for a short smoke run; CQ_BENCH_SKIP_JMH=1 to reuse
# target/jmh-result.json; CQ_BENCH_IDLE_SECONDS (default 60); CQ_SEED_PYTHON, the seed's Python
# peers (default: ../shared/peers/seed-python beside the repository).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$here"

missing=
for tool in java javac mvn git hyperfine; do
  command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import psutil' 2>/dev/null; then
  missing="$missing python3-psutil"
fi
if [ -n "$missing" ] && [ "${CQ_BENCH_INSTALL:-}" = 1 ] && [ "$(id -u)" = 0 ] \
    && command -v apt-get >/dev/null 2>&1; then
  echo "run-all: installing hyperfine python3-psutil (CQ_BENCH_INSTALL=1)" >&2
  apt-get update -qq && apt-get install -y -qq hyperfine python3 python3-psutil >&2
  missing=
  for tool in java javac mvn git hyperfine; do
    command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
  done
  /usr/bin/python3 -c 'import psutil' 2>/dev/null || missing="$missing python3-psutil"
fi
if [ -n "$missing" ]; then
  echo "run-all: missing:$missing" >&2
  case $missing in *hyperfine* | *python3-psutil*)
    echo "  hyperfine and psutil: apt-get install -y hyperfine python3-psutil" \
      "(or CQ_BENCH_INSTALL=1 $0 as root)" >&2 ;;
  esac
  case $missing in *java* | *mvn*)
    echo "  JDK 17 and Maven: apt-get install -y openjdk-17-jdk-headless maven" >&2 ;;
  esac
  exit 2
fi
seed=${CQ_SEED_PYTHON:-$here/../shared/peers/seed-python}
if [ ! -f "$seed/worker_detector.py" ] || [ ! -f "$seed/bench_inprocess.py" ]; then
  echo "run-all: the seed's Python peers are not at $seed (worker_detector.py, bench_inprocess.py," \
    "cold_check.py, fake_huey_consumer); set CQ_SEED_PYTHON to their directory" >&2
  exit 2
fi
CQ_SEED_PYTHON=$(cd "$seed" && pwd -P)
export CQ_SEED_PYTHON
exec /usr/bin/python3 "$here/bench/run_all.py" "$@"
