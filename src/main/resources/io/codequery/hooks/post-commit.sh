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

# --- The shell minimal detector: the rules of MinimalWorkerDetector, printed as one word. ---------
# running | stale | invalid | not_running | unknown
cq_detect() {
  root=$1
  f=$root/.code-query/worker.pid
  if [ -L "$f" ]; then echo unknown; return; fi
  if [ ! -e "$f" ]; then echo not_running; return; fi
  if [ ! -f "$f" ] || [ ! -r "$f" ]; then echo unknown; return; fi
  size=$(wc -c < "$f" 2>/dev/null) || { echo unknown; return; }
  size=$((size + 0))
  if [ "$size" -gt 64 ]; then echo invalid; return; fi
  # \r \v \f are whitespace to the Java parser; NUL is not (and the shell cannot hold it): map it to x.
  content=$(tr '\015\013\014\000' '   x' < "$f" 2>/dev/null) || { echo unknown; return; }
  set -f
  # shellcheck disable=SC2086
  set -- $content
  set +f
  if [ $# -ne 1 ]; then echo invalid; return; fi
  pid=$1
  case $pid in
    *[!0-9]* | '' | 0*) echo invalid; return ;;
  esac
  if [ ${#pid} -gt 10 ]; then echo invalid; return; fi
  pidmax=2147483647
  # cat, not read: some kernels' sysctl files answer one-byte reads with one byte and then EOF.
  if [ -r /proc/sys/kernel/pid_max ]; then pidmax=$(cat /proc/sys/kernel/pid_max 2>/dev/null) || pidmax=2147483647; fi
  if [ "$pid" -ge "$pidmax" ]; then echo invalid; return; fi

  if [ ! -d /proc/self ]; then
    # No /proc: liveness only. A live PID cannot be verified, so it is unknown, never running.
    if kill -0 "$pid" 2>/dev/null; then echo unknown; else
      case $(kill -0 "$pid" 2>&1) in *ermi*) echo unknown ;; *) echo stale ;; esac
    fi
    return
  fi
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || { echo stale; return; }
  rest=${stat##*) }
  set -f
  # shellcheck disable=SC2086
  set -- $rest
  set +f
  state=$1
  case $state in Z | X | x) echo stale; return ;; esac
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
    if [ -r /proc/sys/kernel/random/boot_id ]; then boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null); fi
    if [ "$rec_boot" != "$boot" ]; then echo stale; return; fi
    case $rec_ticks in
      '' | -*) ;;
      *) if [ "$rec_ticks" != "$ticks" ]; then echo stale; return; fi ;;
    esac
  fi
  if [ ! -r "/proc/$pid/cmdline" ]; then echo unknown; return; fi
  args=$(tr '\000' '\n' < "/proc/$pid/cmdline" 2>/dev/null) || { echo unknown; return; }
  if [ -z "$args" ]; then
    if [ -d "/proc/$pid" ]; then echo unknown; else echo stale; fi
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
  if [ -z "$marked" ]; then echo stale; return; fi
  if [ "$marked" != "$root" ]; then echo stale; return; fi
  if [ $own = 0 ]; then echo unknown; return; fi
  case $rec_root in *\\*) echo unknown; return ;; esac
  if [ "$rec_root" != "$root" ]; then echo stale; return; fi
  case $rec_ticks in '' | -*) echo unknown; return ;; esac
  echo running
}

# --- The commit's files, recorded in the spool with one atomic write. ------------------------------
cq_spool() {
  root=$1
  commit=$(git rev-parse -q --verify HEAD 2>/dev/null) || return 1
  spool=$root/.code-query/spool
  mkdir -p "$spool" 2>/dev/null || return 1
  tmp=$spool/.tmp.$commit.$$
  # Added, copied, modified, renamed, type-changed; NUL-separated so any file name survives.
  # As post-merge: everything the merge or fast-forward brought (ORIG_HEAD..HEAD). As post-commit:
  # against the first parent (a merge commit: what it brought to the branch); a root commit whole.
  orig=
  if [ "$CQ_HOOK" = post-merge ]; then orig=$(git rev-parse -q --verify ORIG_HEAD 2>/dev/null); fi
  if [ -n "$orig" ] && [ "$orig" != "$commit" ]; then
    range="$orig $commit"
  elif git rev-parse -q --verify "$commit^1" >/dev/null 2>&1; then
    range="$commit^1 $commit"
  else
    range="--root $commit"
  fi
  {
    printf '%s\0' "$commit"
    # shellcheck disable=SC2086
    git diff-tree -r -z -M --no-commit-id --name-only --diff-filter=ACMRT $range -- . ':(exclude).code-query'
  } > "$tmp" 2>/dev/null || { rm -f "$tmp"; return 1; }
  # The commit id alone: nothing to document.
  count=$(tr -cd '\000' < "$tmp" | wc -c)
  count=$((count - 1))
  if [ "$count" -le 0 ]; then rm -f "$tmp"; return 0; fi
  mv -f "$tmp" "$spool/$commit.files" 2>/dev/null || { rm -f "$tmp"; return 1; }
  echo "$count"
}

cq_config_value() {
  # The one string value the hook needs from config.json, without a JSON parser: "key": "value".
  sed -n 's/.*"'"$2"'"[[:space:]]*:[[:space:]]*"\([a-z]*\)".*/\1/p' "$1" 2>/dev/null | head -n 1
}

cq_main() {
  top=$(pwd -P)
  root=
  d=$top
  while :; do
    if [ -d "$d/.code-query" ]; then root=$d; break; fi
    [ "$d" = / ] && break
    d=$(dirname "$d")
  done
  [ -n "$root" ] || root=$CQ_INSTALL_ROOT
  [ -d "$root/.code-query" ] || return 0

  cfg=$root/.code-query/config.json
  mode=auto fallback=queue
  if [ -f "$cfg" ]; then
    m=$(cq_config_value "$cfg" mode); [ -n "$m" ] && mode=$m
    fb=$(cq_config_value "$cfg" fallback); [ -n "$fb" ] && fallback=$fb
  fi
  [ "$mode" = manual ] && return 0

  count=$(cq_spool "$root") || { cq_say "could not record this commit's files in $root/.code-query/spool (disk full or no permission?); run 'code-query queue add HEAD' later"; return 0; }
  [ -n "$count" ] || return 0

  case $(cq_detect "$root") in
    running) return 0 ;;
  esac
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
  exit 0
fi

status=0
if [ -n "$CQ_CHAINED" ] && [ -x "$CQ_CHAINED" ]; then
  "$CQ_CHAINED" "$@"
  status=$?
fi
cq_main "$@" </dev/null >&2
exit $status
