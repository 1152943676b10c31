#!/bin/sh
# Builds target/code-query.jsa, a static AppCDS archive of every class (JDK and ours) that a plain
# `code-query worker status` loads, so that the launcher's most frequent call maps them ready-made
# instead of loading and verifying them. Run by Maven in `package`, after the jar is shaded.
# Static, not dynamic (-XX:ArchiveClassesAtExit): a dynamic archive is mapped on top of the JDK's
# default one, and on this path that costs about as much as it saves (measured in BENCHMARKS.md).
#
# It never fails the build: without the archive the launcher runs exactly as before. The training
# run exercises the detector's whole path (PID file, identity record, /proc/<pid>/stat and cmdline,
# a stale verdict, the cleanup under the PID-file mutex, the log line) on a throwaway project that
# names PID 1 — a live process that is not our worker — with PID 1's real start time in the record,
# so that the check goes on to the command line and the worker marker.
# usage: cds-archive.sh TARGET_DIR   (argv: the build directory holding code-query.jar)
set -u
# The real path: the launcher names the jars by the real path of its checkout, and the JVM uses an
# archive only where the class path is the one it was made with.
target=$(cd "${1:?target directory}" && pwd -P) || exit 0
jar=$target/code-query.jar
classes=$target/code-query-classes.jar
jsa=$target/code-query.jsa
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
train=$target/cds-training
rm -f "$jsa"
[ -f "$jar" ] && [ -f "$classes" ] || exit 0
[ -d /proc/self ] || exit 0
rm -rf "$train"
mkdir -p "$train/.code-query" || exit 0
root=$(cd "$train" && pwd -P)
printf '1\n' > "$train/.code-query/worker.pid"
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
stat=$(cat /proc/1/stat 2>/dev/null)
set -f
# shellcheck disable=SC2086
set -- ${stat##*) }
set +f
ticks=${20:-0}
printf 'version=1\npid=1\nstart_ticks=%s\nstart_millis=-1\nboot_id=%s\nroot=%s\n' "$ticks" "$boot" "$root" \
  > "$train/.code-query/worker.identity"
# 1. the training run records the classes it loads; same flags and class path as the launcher's
#    CLI calls (see ../../code-query).
list=$target/code-query.classlist
"$java" -XX:DumpLoadedClassList="$list" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData \
  -cp "$classes:$jar" io.codequery.cli.Main worker status --project-root "$train" >/dev/null 2>&1
# 2. the archive of those classes (dumped with the default GC, so it also holds archived heap objects),
#    written under a temporary name and renamed: a launcher starting meanwhile never maps half a file.
tmp=$target/.code-query.jsa.$$
if [ -s "$list" ] && "$java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$tmp" \
    -cp "$classes:$jar" >/dev/null 2>&1 && [ -s "$tmp" ]; then
  mv -f "$tmp" "$jsa"
fi
rm -f "$tmp" "$list"
rm -rf "$train"
exit 0
