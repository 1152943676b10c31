#!/bin/sh
# The documentation store's whole-process figures, one table (BENCHMARKS.md, "Documentation
# store"): backfill bookkeeping with the built-in processor and with `true`, a second backfill of
# an unchanged tree (commands run: 0), and `docs search` cold through the launcher on 10,000
# documents beside the bare-JVM floor. The in-process search figures are JMH's
# (DocsSearchBenchmark, under -Pbench).
# Needs: JDK 17, Maven, git, hyperfine, python3 (its sqlite3 module).
# Options (environment): CQ_BENCH_QUICK=1, CQ_DOCS_FILES (default 3000), CQ_BENCH_SKIP_BUILD=1.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$here"
for tool in hyperfine git mvn java javac python3; do
  command -v $tool >/dev/null 2>&1 || { echo "docs.sh: $tool is missing" >&2; exit 2; }
done
exec python3 "$here/bench/docs_bench.py" "$@"
