#!/bin/sh
# Makes what the launcher needs to start a JVM fast, beside the jars (run by Maven in `package`,
# after the jar is shaded):
#  - target/native/libsqlitejdbc.so: sqlite-jdbc's native library for this platform, extracted once
#    here (else every JVM that opens the queue copies it into the temp directory, checksums it, and
#    starts `uname` to learn which one it needs);
#  - target/code-query.jsa: a static AppCDS archive of every class (JDK and ours) that a plain
#    `code-query worker status` loads, so that the launcher's most frequent call maps them ready-made
#    instead of loading and verifying them;
#  - target/code-query-worker.jsa: the same for a `worker start`, a worker up to ready and through
#    its first heartbeat, and a `docs search` (apart, because mapping a larger archive costs `worker
#    status` time).
# Static, not dynamic (-XX:ArchiveClassesAtExit): a dynamic archive is mapped on top of the JDK's
# default one, and on this path that costs about as much as it saves (measured in BENCHMARKS.md).
#
# It never fails the build: without these files the launcher runs exactly as before. The status
# training run exercises the detector's whole path (PID file, identity record, /proc/<pid>/stat and
# cmdline, a stale verdict, the cleanup under the PID-file mutex, the log line) on a throwaway
# project that names PID 1 — a live process that is not our worker — with PID 1's real start time
# in the record, so that the check goes on to the command line and the worker marker.
# usage: cds-archive.sh TARGET_DIR   (argv: the build directory holding code-query.jar)
set -u
# The worker refuses a project that others may write (ProjectTrust): the training project must not
# be one, whatever umask the build was started with.
umask 022
# The real path: the launcher names the jars by the real path of its checkout, and the JVM uses an
# archive only where the class path is the one it was made with.
target=$(cd "${1:?target directory}" && pwd -P) || exit 0
jar=$target/code-query.jar
classes=$target/code-query-classes.jar
jsa=$target/code-query.jsa
jsa_worker=$target/code-query-worker.jsa
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jartool=${JAVA_HOME:+$JAVA_HOME/bin/}jar
train=$target/cds-training
rm -f "$jsa" "$jsa_worker"
[ -f "$jar" ] && [ -f "$classes" ] || exit 0
[ -d /proc/self ] || exit 0

# 0. sqlite-jdbc's library for this platform (glibc Linux on x86_64 or aarch64; elsewhere sqlite-jdbc
#    keeps finding its own at run time). Extracted under a temporary name and renamed.
native=$target/native
rm -rf "$native" "$target/.native.$$"
case $(uname -m 2>/dev/null) in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) arch= ;;
esac
if [ -n "$arch" ] && ! ls /lib/ld-musl-* >/dev/null 2>&1 && command -v "$jartool" >/dev/null 2>&1; then
  lib=org/sqlite/native/Linux/$arch/libsqlitejdbc.so
  mkdir -p "$target/.native.$$" \
    && (cd "$target/.native.$$" && "$jartool" xf "$jar" "$lib") >/dev/null 2>&1 \
    && [ -s "$target/.native.$$/$lib" ] \
    && mkdir -p "$native.tmp.$$" && mv "$target/.native.$$/$lib" "$native.tmp.$$/libsqlitejdbc.so" \
    && touch "$native.tmp.$$/libsqlitejdbc.so" \
    && mv "$native.tmp.$$" "$native"
  rm -rf "$target/.native.$$" "$native.tmp.$$"
fi
sqlite_flags=
if [ -f "$native/libsqlitejdbc.so" ]; then
  sqlite_flags="-Dorg.sqlite.lib.path=$native -Dorg.sqlite.lib.name=libsqlitejdbc.so -Dorg.sqlite.tmpdir=$native"
fi

rm -rf "$train"
mkdir -p "$train/.code-query" || exit 0
root=$(cd "$train" && pwd -P)
printf '1\n' > "$train/.code-query/worker.pid"
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
stat=$(cat /proc/1/stat 2>/dev/null)
set -f
# shellcheck disable=SC2086
set -- ${stat##*) }
ticks=${20:-0}
printf 'version=1\npid=1\nstart_ticks=%s\nstart_millis=-1\nboot_id=%s\nroot=%s\n' "$ticks" "$boot" "$root" \
  > "$train/.code-query/worker.identity"
lists=
# 1. `worker status`: same flags and class path as the launcher's CLI calls (see ../../code-query).
# shellcheck disable=SC2086 # $sqlite_flags is a list of words on purpose
"$java" -XX:DumpLoadedClassList="$target/cds-status.classlist" $sqlite_flags -XX:+UseSerialGC \
  -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData \
  -cp "$classes:$jar" io.codequery.cli.Main worker status --project-root "$train" >/dev/null 2>&1
status_list=$target/cds-status.classlist

# Waits up to 30 s until file $1 holds "ready pid=".
ready() {
  n=0
  while [ $n -lt 300 ]; do
    case $(cat "$1" 2>/dev/null) in *'ready pid='*) return 0 ;; esac
    sleep 0.1 2>/dev/null || sleep 1
    n=$((n + 1))
  done
  return 1
}

# Ends PID $1 (SIGTERM, then SIGKILL after 10 s) and waits until it is gone.
end() {
  kill -TERM "$1" 2>/dev/null || return 0
  n=0
  while kill -0 "$1" 2>/dev/null && [ $n -lt 100 ]; do
    sleep 0.1 2>/dev/null || sleep 1
    n=$((n + 1))
  done
  kill -KILL "$1" 2>/dev/null
  return 0
}

# 2. the worker, with the flags the launcher and `worker start` give it, up to ready and a little
#    beyond (its slots start, the first sweep runs); SIGTERM then runs its shutdown.
rm -f "$train/.code-query/worker.pid" "$train/.code-query/worker.identity"
# shellcheck disable=SC2086
"$java" -XX:DumpLoadedClassList="$target/cds-worker.classlist" "-Dcode-query.worker=$root" \
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx64m -XX:MaxMetaspaceSize=64m \
  -XX:ReservedCodeCacheSize=16m -XX:CICompilerCount=1 -XX:-UsePerfData $sqlite_flags \
  -cp "$classes:$jar" io.codequery.cli.Main worker run --project-root "$root" \
  </dev/null >"$train/worker.out" 2>&1 &
worker=$!
if ready "$train/worker.out"; then
  sleep 1
  lists="$lists $target/cds-worker.classlist"
fi
end $worker
wait $worker 2>/dev/null

# 3. `worker start` (its own JVM; the worker it launches is stopped at once).
rm -f "$train/.code-query/worker.pid" "$train/.code-query/worker.identity"
# shellcheck disable=SC2086
"$java" -XX:DumpLoadedClassList="$target/cds-start.classlist" $sqlite_flags -XX:+UseSerialGC \
  -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData \
  -cp "$classes:$jar" io.codequery.cli.Main worker start --project-root "$root" </dev/null >/dev/null 2>&1 \
  && lists="$lists $target/cds-start.classlist"
started=$(cat "$train/.code-query/worker.pid" 2>/dev/null)
case $started in '' | *[!0-9]*) ;; *) end "$started" ;; esac

# 3b. `docs search` (the store opened read-only, an FTS5 query, its answer): the documentation's
#     most frequent call, through the same archive. It finds nothing here (exit 1); the classes are
#     what counts.
# shellcheck disable=SC2086
"$java" -XX:DumpLoadedClassList="$target/cds-docs.classlist" $sqlite_flags -XX:+UseSerialGC \
  -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData \
  -cp "$classes:$jar" io.codequery.cli.Main docs search training --project-root "$root" \
  </dev/null >/dev/null 2>&1
[ -s "$target/cds-docs.classlist" ] && lists="$lists $target/cds-docs.classlist"
set +f

# 4. the archives (dumped with the default GC, so they also hold archived heap objects), each
#    written under a temporary name and renamed: a launcher starting meanwhile never maps half a
#    file.
dump() { # dump ARCHIVE CLASSLIST...
  out=$1
  shift
  list=$target/.code-query.classlist.$$
  tmp=$target/.code-query.jsa.$$
  # shellcheck disable=SC2068
  cat $@ 2>/dev/null | awk '!seen[$0]++' > "$list"
  if [ -s "$list" ] && "$java" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$tmp" \
      -cp "$classes:$jar" >/dev/null 2>&1 && [ -s "$tmp" ]; then
    mv -f "$tmp" "$out"
  fi
  rm -f "$tmp" "$list"
}
[ -s "$status_list" ] && dump "$jsa" "$status_list"
# shellcheck disable=SC2086
[ -n "$lists" ] && dump "$jsa_worker" $lists
rm -f "$target"/cds-*.classlist
[ -z "${CQ_CDS_DEBUG:-}" ] || echo "cds-archive: worker archive trained on$lists" >&2
rm -rf "$train"
exit 0
