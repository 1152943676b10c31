#!/bin/sh
# code-query post-commit hook — installed by `code-query hooks install`; `code-query hooks uninstall`
# removes it and restores any hook it chained. POSIX sh only: no bash, no jq, no JVM while the
# worker runs. It never fails or blocks a commit: every path ends with status 0 (or the status of
# the user's own chained hook).
# code-query-hook-version: 1

CQ_INSTALL_ROOT=@ROOT@
CQ_LAUNCHER=@LAUNCHER@
CQ_CHAINED=@CHAINED@

LC_ALL=C
export LC_ALL
# post-commit, or post-merge (a merge without conflicts, or a fast-forward, runs no post-commit).
case ${0##*/} in post-merge*) CQ_HOOK=post-merge ;; *) CQ_HOOK=post-commit ;; esac

cq_say() { printf 'code-query: %s\n' "$*" >&2; }

# --- The shell minimal detector: the rules of MinimalWorkerDetector, as one word in CQ_OUTCOME. ---
# running | stale | invalid | not_running | unknown. Every process the hook starts costs the commit
# milliseconds, so this reads with shell builtins wherever the result is the same: two processes
# (tr for the PID file, whose NUL bytes the shell cannot hold, and tr for /proc/<pid>/cmdline).
cq_detect() {
  root=$1
  CQ_OUTCOME=unknown
  f=$root/.code-query/worker.pid
  if [ -L "$f" ]; then return; fi
  if [ ! -e "$f" ]; then CQ_OUTCOME=not_running; return; fi
  if [ ! -f "$f" ] || [ ! -r "$f" ]; then return; fi
  # \r \v \f are whitespace to the Java parser; NUL is not: map it to x. The trailing "." keeps
  # trailing newlines, so the length is the file's size (tr maps byte for byte).
  content=$(tr '\015\013\014\000' '   x' < "$f" 2>/dev/null; echo .) || return
  content=${content%.}
  if [ ${#content} -gt 64 ]; then CQ_OUTCOME=invalid; return; fi
  set -f
  # shellcheck disable=SC2086
  set -- $content
  set +f
  if [ $# -ne 1 ]; then CQ_OUTCOME=invalid; return; fi
  pid=$1
  case $pid in
    *[!0-9]* | '' | 0*) CQ_OUTCOME=invalid; return ;;
  esac
  if [ ${#pid} -gt 10 ]; then CQ_OUTCOME=invalid; return; fi

  if [ ! -d /proc/self ]; then
    # No /proc: liveness only. A live PID cannot be verified, so it is unknown, never running.
    if kill -0 "$pid" 2>/dev/null; then return; fi
    case $(kill -0 "$pid" 2>&1) in *ermi*) ;; *) CQ_OUTCOME=stale ;; esac
    return
  fi
  stat=
  { IFS= read -r stat < "/proc/$pid/stat"; } 2>/dev/null
  if [ -z "$stat" ]; then
    # No such process. A PID at or beyond pid_max is no PID at all (only then is pid_max read;
    # cat, not read: some kernels answer a one-byte read of a sysctl file with one byte, then EOF).
    pidmax=$(cat /proc/sys/kernel/pid_max 2>/dev/null) || pidmax=2147483647
    if [ "$pid" -ge "${pidmax:-2147483647}" ]; then CQ_OUTCOME=invalid; else CQ_OUTCOME=stale; fi
    return
  fi
  rest=${stat##*) }
  set -f
  # shellcheck disable=SC2086
  set -- $rest
  set +f
  case ${1:-} in Z | X | x) CQ_OUTCOME=stale; return ;; esac
  ticks=${20:-}

  # The identity record, as the worker wrote it (key=value lines).
  rec_pid= rec_ticks= rec_boot= rec_root= rec_version=
  idf=$root/.code-query/worker.identity
  if [ -f "$idf" ] && [ ! -L "$idf" ] && [ -r "$idf" ]; then
    # An unterminated last line is a record cut short: ignored, as WorkerIdentity.parse does.
    while IFS= read -r line; do
      case $line in
        version=*) rec_version=${line#version=} ;;
        pid=*) rec_pid=${line#pid=} ;;
        start_ticks=*) rec_ticks=${line#start_ticks=} ;;
        boot_id=*) rec_boot=${line#boot_id=} ;;
        root=*) rec_root=${line#root=} ;;
      esac
    done < "$idf"
  fi
  # Only a well-formed record counts, as WorkerIdentity.parse demands.
  own=0
  if [ "$rec_version" = 1 ] && [ "$rec_pid" = "$pid" ] && [ -n "$rec_root" ] && [ -n "$rec_boot" ]; then own=1; fi
  case $rec_ticks in '' | *[!0-9-]* | ?*-*) own=0 ;; esac
  if [ $own = 1 ]; then
    boot=
    { IFS= read -r boot < /proc/sys/kernel/random/boot_id; } 2>/dev/null
    if [ ${#boot} -ne 36 ]; then boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null); fi
    if [ "$rec_boot" != "$boot" ]; then CQ_OUTCOME=stale; return; fi
    case $rec_ticks in
      '' | -*) ;;
      *) if [ "$rec_ticks" != "$ticks" ]; then CQ_OUTCOME=stale; return; fi ;;
    esac
  fi
  if [ ! -r "/proc/$pid/cmdline" ]; then return; fi
  args=$(tr '\000' '\n' < "/proc/$pid/cmdline" 2>/dev/null) || return
  if [ -z "$args" ]; then
    # An exiting process has an empty command line: no marker, so not our worker.
    CQ_OUTCOME=stale
    return
  fi
  marked=
  first=1
  while IFS= read -r a; do
    if [ $first = 1 ]; then first=0; continue; fi
    case $a in -Dcode-query.worker=*) marked=${a#-Dcode-query.worker=}; break ;; esac
  done <<CQ_ARGS
$args
CQ_ARGS
  if [ -z "$marked" ]; then CQ_OUTCOME=stale; return; fi
  if [ "$marked" != "$root" ]; then CQ_OUTCOME=stale; return; fi
  if [ $own = 0 ]; then return; fi
  case $rec_root in *\\*) return ;; esac
  if [ "$rec_root" != "$root" ]; then return; fi
  case $rec_ticks in '' | -*) return ;; esac
  CQ_OUTCOME=running
}

# --- The commit, recorded in the spool with one atomic write. -------------------------------------
# The record names the commit (and, as post-merge, where the branch was before: ORIG_HEAD); the
# worker lists the files with git, NUL-safe. Sets CQ_COMMIT and CQ_BASE.
cq_spool() {
  root=$1
  CQ_BASE=
  if [ "$CQ_HOOK" = post-merge ]; then
    revs=$(git rev-parse HEAD ORIG_HEAD 2>/dev/null) || revs=$(git rev-parse -q --verify HEAD 2>/dev/null) || return 1
  else
    cq_head
    revs=$CQ_HEAD
    [ -n "$revs" ] || revs=$(git rev-parse -q --verify HEAD 2>/dev/null) || return 1
  fi
  set -f
  # shellcheck disable=SC2086
  set -- $revs
  set +f
  CQ_COMMIT=${1:-}
  [ -n "$CQ_COMMIT" ] || return 1
  if [ -n "${2:-}" ] && [ "$2" != "$CQ_COMMIT" ]; then CQ_BASE=$2; fi
  spool=$root/.code-query/spool
  [ -d "$spool" ] || mkdir -p "$spool" 2>/dev/null || return 1
  tmp=$spool/.tmp.$CQ_COMMIT.$$
  if [ -n "$CQ_BASE" ]; then
    printf '%s %s\n' "$CQ_COMMIT" "$CQ_BASE" > "$tmp" 2>/dev/null || { rm -f "$tmp"; return 1; }
  else
    printf '%s\n' "$CQ_COMMIT" > "$tmp" 2>/dev/null || { rm -f "$tmp"; return 1; }
  fi
  mv -f "$tmp" "$spool/$CQ_COMMIT.commit" 2>/dev/null || { rm -f "$tmp"; return 1; }
}

# HEAD's commit id read from the repository's files with builtins, in the plain case only: a .git
# directory, HEAD naming a loose ref (git commit writes the ref as a loose file) or a commit id.
# Anything else (worktrees, packed or symbolic chains, reftable) leaves CQ_HEAD empty: ask git.
cq_head() {
  CQ_HEAD=
  gd=${GIT_DIR:-.git}
  [ -d "$gd" ] && [ -f "$gd/HEAD" ] || return 0
  h=
  { IFS= read -r h < "$gd/HEAD"; } 2>/dev/null
  case $h in
    'ref: refs/heads/'*)
      ref=$gd/${h#ref: }
      if [ -f "$ref" ] && [ ! -L "$ref" ]; then { IFS= read -r h < "$ref"; } 2>/dev/null; else h=; fi ;;
  esac
  case $h in
    *[!0-9a-f]* | '') return 0 ;;
  esac
  if [ ${#h} -eq 40 ] || [ ${#h} -eq 64 ]; then CQ_HEAD=$h; fi
}

# How many files the recorded commit hands over: added, copied, modified, renamed, type-changed,
# outside .code-query/; against ORIG_HEAD (post-merge), else the first parent, else (root) all.
cq_count() {
  if [ -n "$CQ_BASE" ]; then
    range="$CQ_BASE $CQ_COMMIT"
  else
    revs=$(git rev-list --parents -n 1 "$CQ_COMMIT" 2>/dev/null)
    set -f
    # shellcheck disable=SC2086
    set -- $revs
    set +f
    if [ -n "${2:-}" ]; then range="$2 $CQ_COMMIT"; else range="--root $CQ_COMMIT"; fi
  fi
  # shellcheck disable=SC2086
  n=$(git diff-tree -r -z -M --no-commit-id --name-only --diff-filter=ACMRT $range -- . ':(exclude).code-query' 2>/dev/null | tr -cd '\000' | wc -c)
  echo $((n + 0))
}

# The string value of "key" in config.json, read with builtins (no JSON parser, no process).
cq_config_value() {
  v=
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      *\""$2"\"*:*)
        v=${line#*\""$2"\"}
        v=${v#*:}
        case $v in [[:space:]]*\"* | \"*) v=${v#*\"}; v=${v%%\"*} ;; *) v= ;; esac
        break ;;
    esac
  done < "$1"
  CQ_VALUE=$v
}

cq_main() {
  # git runs hooks at the top of the working tree; walk up for .code-query/ as the CLI does.
  cd -P . 2>/dev/null || return 0
  root=
  d=$PWD
  while :; do
    if [ -d "$d/.code-query" ]; then root=$d; break; fi
    [ -z "$d" ] || [ "$d" = / ] && break
    d=${d%/*}
  done
  [ -n "$root" ] || root=$CQ_INSTALL_ROOT
  [ -d "$root/.code-query" ] || return 0

  cfg=$root/.code-query/config.json
  mode=auto fallback=queue
  if [ -f "$cfg" ] && [ -r "$cfg" ]; then
    cq_config_value "$cfg" mode
    case $CQ_VALUE in auto | manual) mode=$CQ_VALUE ;; esac
  fi
  [ "$mode" = manual ] && return 0

  cq_spool "$root" || { cq_say "could not record this commit in $root/.code-query/spool (disk full or no permission?); run 'code-query queue add HEAD' later"; return 0; }

  cq_detect "$root"
  [ "$CQ_OUTCOME" = running ] && return 0

  if [ -f "$cfg" ] && [ -r "$cfg" ]; then
    cq_config_value "$cfg" fallback
    case $CQ_VALUE in queue | start | sync) fallback=$CQ_VALUE ;; esac
  fi
  count=$(cq_count)
  [ "$count" -gt 0 ] || return 0
  case $fallback in
    start)
      if [ -x "$CQ_LAUNCHER" ]; then
        ( "$CQ_LAUNCHER" worker start --project-root "$root" >/dev/null 2>&1 & ) 2>/dev/null
        cq_say "$count file(s) queued; starting the worker in the background"
      else
        cq_say "$count file(s) wait for the worker; start it with: code-query worker start"
      fi ;;
    sync)
      if [ -x "$CQ_LAUNCHER" ]; then
        "$CQ_LAUNCHER" queue process --project-root "$root" </dev/null >&2 || cq_say "processing failed; the files stay queued"
      else
        cq_say "$count file(s) wait for the worker; start it with: code-query worker start"
      fi ;;
    *)
      cq_say "$count file(s) wait for the worker; start it with: code-query worker start" ;;
  esac
  return 0
}

if [ "${1:-}" = --detect ]; then
  cq_detect "$2"
  echo "$CQ_OUTCOME"
  exit 0
fi

status=0
if [ -n "$CQ_CHAINED" ] && [ -x "$CQ_CHAINED" ]; then
  "$CQ_CHAINED" "$@"
  status=$?
fi
cq_main "$@" </dev/null >&2
exit $status
