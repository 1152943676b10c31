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
# running | stale | invalid | not_running | unknown (DecideOutcome.java says why each rule holds).
# Every process the hook starts costs the commit milliseconds: where the worker runs, this starts
# none. The PID file, /proc/<pid>/stat, the identity record and the boot id are read with builtins
# (read, case, parameter expansion); a verified record is the worker's identity, so argv is not
# read. Only on the way to another answer may it start one: cat (pid_max, /proc/locks), stat (the
# lock file's inode), tr (a command line). Its variables are cqd_*; its helpers cq_d_*.
cq_nl='
'
cq_detect() {
  cqd_root=$1
  cqd_dir=$cqd_root/.code-query
  cqd_recdone= cqd_bootdone= cqd_eroot=
  CQ_OUTCOME=unknown
  cqd_f=$cqd_dir/worker.pid
  if [ -L "$cqd_f" ]; then return; fi
  if [ ! -e "$cqd_f" ]; then cq_d_by_lock not_running; return; fi
  if [ ! -f "$cqd_f" ] || [ ! -r "$cqd_f" ]; then return; fi
  cq_d_read "$cqd_f" 64 || return
  if [ -n "$cqd_nul" ] || [ ${#cqd_text} -gt 64 ]; then cq_d_by_lock invalid; return; fi
  # One token of ASCII digits between ASCII whitespace ([[:space:]] in the C locale is Java's set).
  cqd_pid=$cqd_text
  while :; do case $cqd_pid in [[:space:]]*) cqd_pid=${cqd_pid#?} ;; *) break ;; esac; done
  while :; do case $cqd_pid in *[[:space:]]) cqd_pid=${cqd_pid%?} ;; *) break ;; esac; done
  case $cqd_pid in
    '' | *[!0-9]* | 0*) cq_d_by_lock invalid; return ;;
  esac
  if [ ${#cqd_pid} -gt 10 ]; then cq_d_by_lock invalid; return; fi

  if [ ! -d /proc/self ]; then
    # No /proc: liveness only. A live PID cannot be verified, so it is unknown, never running.
    if kill -0 "$cqd_pid" 2>/dev/null; then return; fi
    case $(kill -0 "$cqd_pid" 2>&1) in *ermi*) ;; *) CQ_OUTCOME=stale ;; esac
    return
  fi
  cq_d_stat "$cqd_pid"
  case $cqd_state in
    gone)
      # A PID at or beyond pid_max is no PID at all (only then is pid_max read; cat, not read: some
      # kernels answer a one-byte read of a sysctl file with one byte, then EOF).
      cqd_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null) || cqd_max=
      case $cqd_max in '' | *[!0-9]*) cqd_max=2147483647 ;; esac
      if [ "$cqd_pid" -ge "$cqd_max" ]; then cq_d_by_lock invalid; else cq_d_by_lock stale; fi
      return ;;
    exited) cq_d_by_lock stale; return ;;
  esac
  cq_d_by_record "$cqd_pid" "$cqd_ticks"
  case $cqd_v in
    ours) CQ_OUTCOME=running ;;
    mismatch) cq_d_by_lock stale ;;
    incomparable) CQ_OUTCOME=unknown ;;
    *) cq_d_by_marker "$cqd_pid" ;;
  esac
}

# Reads file $1 with builtins into cqd_text, stopping past $2 bytes; cqd_nul=1 where it held NUL
# bytes, which the shell drops (the read offset in /proc/self/fdinfo counts them). Status 1: cannot
# be opened. read takes a byte per system call and cannot stop inside a line: a PID file of
# megabytes without a newline costs about half a second a megabyte (`worker status` removes it).
cq_d_read() {
  cqd_text= cqd_nul= cqd_pos=
  {
    while :; do
      cqd_line=
      if IFS= read -r cqd_line <&3; then
        cqd_text=$cqd_text$cqd_line$cq_nl
      else
        cqd_text=$cqd_text$cqd_line
        break
      fi
      [ ${#cqd_text} -le "$2" ] || break
    done
    if [ -r /proc/self/fdinfo/3 ]; then read -r cqd_k cqd_pos < /proc/self/fdinfo/3; fi
  } 3< "$1" 2>/dev/null || return 1
  if [ -n "$cqd_pos" ]; then
    [ "$cqd_pos" = ${#cqd_text} ] || cqd_nul=1
  else
    # No fdinfo (not Linux): count the NUL bytes with tr.
    cqd_n=$(tr -cd '\000' < "$1" 2>/dev/null | wc -c)
    [ $((cqd_n + 0)) = 0 ] || cqd_nul=1
  fi
  return 0
}

# /proc/$1/stat: cqd_state alive | exited | gone, cqd_ticks its start (field 22).
cq_d_stat() {
  cqd_stat= cqd_ticks=
  { IFS= read -r cqd_stat < "/proc/$1/stat"; } 2>/dev/null
  if [ -z "$cqd_stat" ]; then cqd_state=gone; return; fi
  set -f
  # shellcheck disable=SC2086
  set -- ${cqd_stat##*) }
  set +f
  case ${1:-} in Z | X | x) cqd_state=exited; return ;; esac
  cqd_state=alive
  cqd_ticks=${20:-}
}

# The identity record, parsed once as WorkerIdentity.parse does: cqd_rok=1 for a whole, well-formed
# record (every line key=value and ended by a newline, version 1, numbers as the worker writes them,
# a root whose only escapes are \\ and \n), with cqd_rpid, cqd_rticks, cqd_rboot, cqd_rroot.
cq_d_record() {
  [ -n "$cqd_recdone" ] && return
  cqd_recdone=1
  cqd_rok= cqd_rver= cqd_rpid= cqd_rticks= cqd_rmillis= cqd_rboot= cqd_rroot= cqd_hasboot=
  cqd_idf=$cqd_dir/worker.identity
  if [ -L "$cqd_idf" ] || [ ! -f "$cqd_idf" ] || [ ! -r "$cqd_idf" ]; then return; fi
  cq_d_read "$cqd_idf" 8192 || return
  if [ -n "$cqd_nul" ] || [ ${#cqd_text} -gt 8192 ]; then return; fi
  case $cqd_text in *"$cq_nl") ;; *) return ;; esac
  cqd_rest=$cqd_text
  while [ -n "$cqd_rest" ]; do
    cqd_line=${cqd_rest%%"$cq_nl"*}
    cqd_rest=${cqd_rest#*"$cq_nl"}
    case $cqd_line in
      '') ;;
      =*) return ;;
      version=*) cqd_rver=${cqd_line#version=} ;;
      pid=*) cqd_rpid=${cqd_line#pid=} ;;
      start_ticks=*) cqd_rticks=${cqd_line#start_ticks=} ;;
      start_millis=*) cqd_rmillis=${cqd_line#start_millis=} ;;
      boot_id=*) cqd_rboot=${cqd_line#boot_id=}; cqd_hasboot=1 ;;
      root=*) cqd_rroot=${cqd_line#root=} ;;
      *=*) ;; # another key: ignored
      *) return ;;
    esac
  done
  [ "$cqd_rver" = 1 ] && [ -n "$cqd_hasboot" ] && [ -n "$cqd_rroot" ] || return
  cq_d_number "$cqd_rpid" && cq_d_number "$cqd_rticks" && cq_d_number "$cqd_rmillis" || return
  case $cqd_rpid in -1 | 0) return ;; esac
  [ "$cqd_rpid" -le 2147483647 ] || return
  cqd_s=$cqd_rroot
  while :; do
    case $cqd_s in *\\*) ;; *) break ;; esac
    cqd_s=${cqd_s#*\\}
    case $cqd_s in \\* | n*) cqd_s=${cqd_s#?} ;; *) return ;; esac
  done
  cqd_rok=1
}

# "-1", "0", or ASCII digits without a leading zero, at most 18 (as WorkerIdentity.number).
cq_d_number() {
  case $1 in -1 | 0) return 0 ;; '' | 0* | *[!0-9]*) return 1 ;; esac
  [ ${#1} -le 18 ]
}

# For a live PID $1 started at tick $2, what the record says (IdentityVerifier.verify): cqd_v is
# ours | mismatch (another boot or start: the PID was reused) | incomparable (no start ticks
# recorded) | otherroot (it pins the process but names another root) | none (it does not name $1).
cq_d_by_record() {
  cq_d_record
  if [ -z "$cqd_rok" ] || [ "$cqd_rpid" != "$1" ]; then cqd_v=none; return; fi
  if [ -z "$cqd_bootdone" ]; then
    cqd_bootdone=1
    cqd_boot=
    { read -r cqd_boot < /proc/sys/kernel/random/boot_id; } 2>/dev/null
    if [ ${#cqd_boot} -ne 36 ]; then cqd_boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null); fi
  fi
  if [ "$cqd_rboot" != "$cqd_boot" ]; then cqd_v=mismatch; return; fi
  if [ "$cqd_rticks" = -1 ]; then cqd_v=incomparable; return; fi
  if [ "$cqd_rticks" != "$2" ]; then cqd_v=mismatch; return; fi
  if [ -z "$cqd_eroot" ]; then
    # The root as the record writes it: \ as \\, a newline as \n.
    cqd_eroot=$cqd_root
    case $cqd_eroot in *\\*) cq_d_replace "$cqd_eroot" '\' '\\'; cqd_eroot=$cqd_r ;; esac
    case $cqd_eroot in *"$cq_nl"*) cq_d_replace "$cqd_eroot" "$cq_nl" '\n'; cqd_eroot=$cqd_r ;; esac
  fi
  if [ "$cqd_rroot" != "$cqd_eroot" ]; then cqd_v=otherroot; return; fi
  cqd_v=ours
}

# cqd_r: $1 with every $2 replaced by $3.
cq_d_replace() {
  cqd_r= cqd_s=$1
  while :; do
    case $cqd_s in *"$2"*) ;; *) break ;; esac
    cqd_r=$cqd_r${cqd_s%%"$2"*}$3
    cqd_s=${cqd_s#*"$2"}
  done
  cqd_r=$cqd_r$cqd_s
}

# No record describes live PID $1 (or it names another root): its argv decides between another
# process (no marker for this root: stale, unless the lock says otherwise) and cannot tell.
cq_d_by_marker() {
  CQ_OUTCOME=unknown
  if [ ! -r "/proc/$1/cmdline" ]; then return; fi
  # One argument a line; a newline inside one (a root may hold it) becomes \001, in the root too.
  cqd_args=$(tr '\n\000' '\001\n' < "/proc/$1/cmdline" 2>/dev/null) || return
  if [ -z "$cqd_args" ]; then
    cq_d_by_lock stale # an exiting process has an empty command line: no marker
    return
  fi
  cqd_mroot=$cqd_root
  case $cqd_mroot in
    *"$cq_nl"*)
      cqd_mroot=$(printf '%s.' "$cqd_root" | tr '\n' '\001')
      cqd_mroot=${cqd_mroot%.} ;;
  esac
  cqd_marked= cqd_first=1
  while IFS= read -r cqd_a; do
    if [ $cqd_first = 1 ]; then cqd_first=0; continue; fi
    case $cqd_a in -Dcode-query.worker=*) cqd_marked=${cqd_a#-Dcode-query.worker=}; break ;; esac
  done <<CQ_ARGS
$cqd_args
CQ_ARGS
  if [ -z "$cqd_marked" ] || [ "$cqd_marked" != "$cqd_mroot" ]; then cq_d_by_lock stale; fi
}

# $1 says no worker runs; the holders of worker.lock (fcntl locks, as /proc/locks lists them) have
# the last word: one its record verifies is running, any other live one makes it unknown.
cq_d_by_lock() {
  CQ_OUTCOME=$1
  cqd_lock=$cqd_dir/worker.lock
  if [ ! -e "$cqd_lock" ] || [ -L "$cqd_lock" ] || [ ! -r /proc/locks ]; then return; fi
  cqd_devino=$(stat -c '%d %i' -- "$cqd_lock" 2>/dev/null) || return
  cqd_dev=${cqd_devino% *} cqd_ino=${cqd_devino#* }
  case $cqd_dev$cqd_ino in '' | *[!0-9]*) return ;; esac
  cqd_maj=$(( ((cqd_dev >> 8) & 0xfff) | ((cqd_dev >> 32) & 0xfffff000) ))
  cqd_min=$(( (cqd_dev & 0xff) | ((cqd_dev >> 12) & 0xffffff00) ))
  # One read by cat: the kernel lists locks one by one, and a list read a byte at a time (as read
  # does) can skip a line when a lock before it is released meanwhile.
  cqd_locks=$(cat /proc/locks 2>/dev/null) || return
  cqd_holders=
  while IFS= read -r cqd_line; do
    set -f
    # shellcheck disable=SC2086
    set -- $cqd_line
    set +f
    # "<n>: POSIX ADVISORY WRITE <pid> <major>:<minor>:<inode> …" (hex, hex, decimal); a waiter's
    # line reads "<n>: -> POSIX …" and holds nothing.
    [ "${2:-}" = POSIX ] && [ "${4:-}" = WRITE ] || continue
    case ${5:-} in '' | 0 | *[!0-9]*) continue ;; esac
    cqd_id=${6:-}
    case $cqd_id in *[!0-9a-f:]* | *:*:*:*) continue ;; ?*:?*:?*) ;; *) continue ;; esac
    [ "${cqd_id##*:}" = "$cqd_ino" ] || continue
    cqd_hex=${cqd_id%:*}
    [ $((0x${cqd_hex%:*})) = "$cqd_maj" ] && [ $((0x${cqd_hex#*:})) = "$cqd_min" ] || continue
    case " $cqd_holders " in *" $5 "*) ;; *) cqd_holders="$cqd_holders $5" ;; esac
  done <<CQ_LOCKS
$cqd_locks
CQ_LOCKS
  cqd_unsure=
  for cqd_h in $cqd_holders; do
    cq_d_stat "$cqd_h"
    [ "$cqd_state" = alive ] || continue # gone since: its lock went with it
    cq_d_by_record "$cqd_h" "$cqd_ticks"
    if [ "$cqd_v" = ours ]; then CQ_OUTCOME=running; return; fi
    cqd_unsure=1
  done
  if [ -n "$cqd_unsure" ]; then CQ_OUTCOME=unknown; fi
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
