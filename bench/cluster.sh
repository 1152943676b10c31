#!/bin/sh
# Issue 12's cluster numbers in one run (BENCHMARKS.md, "Cluster"): three namespaced hosts sharing
# one PostgreSQL (the test harness: ip netns, veth, unshare), as root. Prints one line a figure:
# figure | value | target | met?  (also in target/cluster-numbers.txt)
# Needs: JDK 17, Maven, git, iproute2, util-linux, Debian's postgresql package; runs offline once
# the build's dependencies are in ~/.m2.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$here"
if [ "$(id -u)" != 0 ]; then
  echo "cluster: network namespaces need root" >&2
  exit 2
fi
mvn -o -q -B test-compile surefire:test@default-test -Dtest=ClusterNumbers \
  -Dsurefire.failIfNoSpecifiedTests=false >target/cluster-numbers.log 2>&1 || {
  tail -40 target/cluster-numbers.log >&2
  exit 1
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared)"
cat target/cluster-numbers.txt
