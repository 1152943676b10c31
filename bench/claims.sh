#!/bin/sh
# Claims + fenced completions per second on one PostgreSQL (issue 12's >= 1,000/s) and on the
# SQLite store in the same run: N threads (default 1, 2, 4) drain a queue of no-op jobs; the median
# of several runs per store. Starts its own PostgreSQL (Debian's postgresql package, as user nobody
# in a temporary directory) and stops it at the end.
# Usage: bench/claims.sh [--threads 1,2,4] [--runs 5] [--jobs 4000] [--separate]
#   [--pg-set name=value] (--separate: complete and claim in two transactions, as before)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$here"
exec mvn -o -q -B -Pbench -DskipTests test-compile exec:exec@claims -Dclaims.args="$*"
