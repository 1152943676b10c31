#!/bin/sh
# code-query git hook (post-commit, post-merge, post-rewrite, post-applypatch: one script) —
# installed by `code-query hooks install`; `code-query hooks uninstall` removes it and restores any
# hook it chained. POSIX sh only: no bash, no jq, no JVM while the worker runs, and no process at
# all on that path. It never fails or blocks a commit: every path ends with status 0 (or the status
# of the user's own chained hook).
# code-query-hook-version: 2

CQ_INSTALL_ROOT=@ROOT@
CQ_LAUNCHER=@LAUNCHER@
CQ_CHAINED=@CHAINED@

LC_ALL=C
export LC_ALL
# post-merge runs for a merge without conflicts and a fast-forward (no post-commit for either);
# post-applypatch for each commit of `git am` and `git rebase --apply`; post-rewrite after a rebase
# (its new commits on stdin). Commits that also ran post-commit are recorded twice at most: the
# queue holds one job per file of a commit.
case ${0##*/} in
  post-merge*) CQ_HOOK=post-merge ;;
  post-rewrite*) CQ_HOOK=post-rewrite ;;
  post-applypatch*) CQ_HOOK=post-applypatch ;;
  *) CQ_HOOK=post-commit ;;
esac
NL='
'

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
# The running path, with builtins only: CQ_OUTCOME=running (or unknown) where that is the answer,
# else cqd_next names what the rest of this file does to decide (cq_detect_finish): "lock <outcome>"
# (the lock's holders have the last word), gone, marker, or noproc. The rest of the file is parsed
# only then: a shell parses a function as it defines it, and this hook exits before it does.
cq_detect_start() {
  cqd_root=$1
  cqd_dir=$cqd_root/.code-query
  cqd_recdone='' cqd_bootdone='' cqd_eroot=''
  CQ_OUTCOME=unknown cqd_next=
  cqd_f=$cqd_dir/worker.pid
  if [ -L "$cqd_f" ]; then return; fi
  if [ ! -e "$cqd_f" ]; then cqd_next="lock not_running"; return; fi
  if [ ! -f "$cqd_f" ] || [ ! -r "$cqd_f" ]; then return; fi
  cq_d_read "$cqd_f" 64 || return
  if [ -n "$cqd_nul" ] || [ ${#cqd_text} -gt 64 ]; then cqd_next="lock invalid"; return; fi
  # One token of ASCII digits between ASCII whitespace ([[:space:]] in the C locale is Java's set).
  cqd_pid=$cqd_text
  while :; do case $cqd_pid in [[:space:]]*) cqd_pid=${cqd_pid#?} ;; *) break ;; esac; done
  while :; do case $cqd_pid in *[[:space:]]) cqd_pid=${cqd_pid%?} ;; *) break ;; esac; done
  case $cqd_pid in
    '' | *[!0-9]* | 0*) cqd_next="lock invalid"; return ;;
  esac
  if [ ${#cqd_pid} -gt 10 ]; then cqd_next="lock invalid"; return; fi

  if [ ! -d /proc/self ]; then cqd_next=noproc; return; fi
  cq_d_stat "$cqd_pid"
  case $cqd_state in
    gone) cqd_next=gone; return ;;
    exited) cqd_next="lock stale"; return ;;
  esac
  cq_d_by_record "$cqd_pid" "$cqd_ticks"
  case $cqd_v in
    ours) CQ_OUTCOME=running ;;
    mismatch) cqd_next="lock stale" ;;
    incomparable) CQ_OUTCOME=unknown ;;
    *) cqd_next=marker ;;
  esac
}

# Reads file $1 with builtins into cqd_text, stopping past $2 bytes; cqd_nul=1 where it held NUL
# bytes, which the shell drops (the read offset in /proc/self/fdinfo counts them). Status 1: cannot
# be opened. read takes a byte per system call and cannot stop inside a line: a PID file of
# megabytes without a newline costs about half a second a megabyte (`worker status` removes it).
cq_d_read() {
  cqd_text='' cqd_nul='' cqd_pos=''
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
    if [ -r /proc/self/fdinfo/3 ]; then read -r _ cqd_pos < /proc/self/fdinfo/3; fi
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
  cqd_stat='' cqd_ticks=''
  { IFS= read -r cqd_stat < "/proc/$1/stat"; } 2>/dev/null
  if [ -z "$cqd_stat" ]; then cqd_state=gone; return; fi
  # The fields after the command name, which may itself hold ") ": what follows the last ") ".
  # Stripped one ") " at a time, not with ${cqd_stat##*) }: that longest-match pattern costs the
  # shell a match attempt per position (two million instructions on a 300-byte line).
  cqd_rest=$cqd_stat
  while :; do
    case $cqd_rest in *') '*) cqd_rest=${cqd_rest#*') '} ;; *) break ;; esac
  done
  set -f
  # shellcheck disable=SC2086
  set -- $cqd_rest
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
  cqd_rok='' cqd_rver='' cqd_rpid='' cqd_rticks='' cqd_rmillis='' cqd_rboot='' cqd_rroot='' cqd_hasboot=''
  cqd_idf=$cqd_dir/worker.identity
  if [ -L "$cqd_idf" ] || [ ! -f "$cqd_idf" ] || [ ! -r "$cqd_idf" ]; then return; fi
  # Parsed line by line as read (splitting the whole text afterwards with patterns costs the shell
  # far more): every line key=value, at most 8192 bytes, the last one ended by a newline (read
  # leaves an unended last line in cqd_line), and no NUL byte (the shell drops them; the read
  # offset in /proc/self/fdinfo counts them).
  cqd_len=0 cqd_bad='' cqd_pos='' cqd_line=''
  {
    while IFS= read -r cqd_line <&3; do
      cqd_len=$((cqd_len + ${#cqd_line} + 1))
      if [ $cqd_len -gt 8192 ]; then cqd_bad=1; break; fi
      case $cqd_line in
        '') ;;
        =*) cqd_bad=1; break ;;
        version=*) cqd_rver=${cqd_line#version=} ;;
        pid=*) cqd_rpid=${cqd_line#pid=} ;;
        start_ticks=*) cqd_rticks=${cqd_line#start_ticks=} ;;
        start_millis=*) cqd_rmillis=${cqd_line#start_millis=} ;;
        boot_id=*) cqd_rboot=${cqd_line#boot_id=}; cqd_hasboot=1 ;;
        root=*) cqd_rroot=${cqd_line#root=} ;;
        *=*) ;; # another key: ignored
        *) cqd_bad=1; break ;;
      esac
      cqd_line=
    done
    if [ -z "$cqd_bad" ] && [ -r /proc/self/fdinfo/3 ]; then
      read -r _ cqd_pos < /proc/self/fdinfo/3
    fi
  } 3< "$cqd_idf" 2>/dev/null || return
  if [ -n "$cqd_bad" ] || [ -n "$cqd_line" ] || [ $cqd_len = 0 ]; then return; fi
  if [ -n "$cqd_pos" ]; then
    [ "$cqd_pos" = $cqd_len ] || return
  else
    # No fdinfo (not Linux): count the NUL bytes with tr.
    cqd_n=$(tr -cd '\000' < "$cqd_idf" 2>/dev/null | wc -c)
    [ $((cqd_n + 0)) = 0 ] || return
  fi
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
    # shellcheck disable=SC1003 # '\' is the one backslash to replace, as meant
    case $cqd_eroot in *\\*) cq_d_replace "$cqd_eroot" '\' '\\'; cqd_eroot=$cqd_r ;; esac
    case $cqd_eroot in *"$cq_nl"*) cq_d_replace "$cqd_eroot" "$cq_nl" '\n'; cqd_eroot=$cqd_r ;; esac
  fi
  if [ "$cqd_rroot" != "$cqd_eroot" ]; then cqd_v=otherroot; return; fi
  cqd_v=ours
}

# cqd_r: $1 with every $2 replaced by $3.
cq_d_replace() {
  cqd_r='' cqd_s=$1
  while :; do
    case $cqd_s in *"$2"*) ;; *) break ;; esac
    cqd_r=$cqd_r${cqd_s%%"$2"*}$3
    cqd_s=${cqd_s#*"$2"}
  done
  cqd_r=$cqd_r$cqd_s
}

# --- The project: the rule of io.codequery.project.ProjectRoots (and of the launcher). ---------
# Walking up from $1, the first directory holding .code-query/ or .git decides: .code-query/ there
# is the project; .git alone is that repository's root, or, for a linked worktree (.git is a file
# naming a git dir with a commondir), the main checkout's root when that holds .code-query/.
# Builtins only (cd -P and back resolves the common dir). Sets CQ_ROOT.
cq_root() {
  CQ_ROOT=
  d=$1
  while :; do
    if [ -d "$d/.code-query" ]; then CQ_ROOT=$d; return 0; fi
    if [ -e "$d/.git" ]; then
      CQ_ROOT=$d
      cq_main_worktree "$d"
      return 0
    fi
    case $d in /) CQ_ROOT=$1; return 0 ;; esac
    d=${d%/*}
    [ -n "$d" ] || d=/
  done
}

cq_main_worktree() {
  [ -f "$1/.git" ] || return 0
  line=
  { IFS= read -r line < "$1/.git"; } 2>/dev/null
  case $line in 'gitdir: '?*) gd=${line#gitdir: } ;; *) return 0 ;; esac
  case $gd in /*) ;; *) gd=$1/$gd ;; esac
  [ -f "$gd/commondir" ] || return 0
  common=
  { IFS= read -r common < "$gd/commondir"; } 2>/dev/null
  [ -n "$common" ] || return 0
  case $common in /*) ;; *) common=$gd/$common ;; esac
  here=$PWD
  cd -P "$common" 2>/dev/null || return 0
  common=$PWD
  cd "$here" 2>/dev/null || return 0
  case $common in */.git) main=${common%/.git} ;; *) return 0 ;; esac
  [ -n "$main" ] || main=/
  if [ -d "$main/.code-query" ]; then CQ_ROOT=$main; fi
  return 0
}

# --- Refs, read from the repository's files with builtins. ----------------------------------------
# CQ_GITDIR: this worktree's git dir (GIT_DIR, ./.git, or what a .git file names); CQ_COMMONDIR:
# where branches live (its commondir, for a linked worktree). Empty where anything is unusual.
cq_gitdir() {
  CQ_GITDIR='' CQ_COMMONDIR=''
  if [ -n "${GIT_DIR:-}" ]; then
    gd=$GIT_DIR
  elif [ -d .git ]; then
    gd=.git
  elif [ -f .git ]; then
    line=
    { IFS= read -r line < .git; } 2>/dev/null
    case $line in 'gitdir: '?*) gd=${line#gitdir: } ;; *) return 0 ;; esac
  else
    return 0
  fi
  [ -f "$gd/HEAD" ] || return 0
  CQ_GITDIR=$gd
  CQ_COMMONDIR=$gd
  if [ -f "$gd/commondir" ]; then
    c=
    { IFS= read -r c < "$gd/commondir"; } 2>/dev/null
    case $c in '') ;; /*) CQ_COMMONDIR=$c ;; *) CQ_COMMONDIR=$gd/$c ;; esac
  fi
}

# The commit id of $1 (HEAD, ORIG_HEAD, or refs/heads/...), one symbolic level followed: a loose
# ref (what git commit writes) or, failing that, the first 100 lines of packed-refs. Sets CQ_REF;
# empty means "ask git" (reftable, deeper chains, a long packed-refs, anything odd).
cq_ref() {
  CQ_REF=
  [ -n "$CQ_GITDIR" ] || return 0
  cq_read_ref "$1"
  case $h in
    'ref: refs/heads/'?*) cq_read_ref "${h#ref: }" ;;
  esac
  case $h in *[!0-9a-f]* | '') return 0 ;; esac
  if [ ${#h} -eq 40 ] || [ ${#h} -eq 64 ]; then CQ_REF=$h; fi
}

cq_read_ref() {
  h=
  case $1 in refs/*) f=$CQ_COMMONDIR/$1 ;; *) f=$CQ_GITDIR/$1 ;; esac
  if [ -f "$f" ] && [ ! -L "$f" ]; then
    { IFS= read -r h < "$f"; } 2>/dev/null
    return 0
  fi
  case $1 in refs/*) ;; *) return 0 ;; esac
  [ -f "$CQ_COMMONDIR/packed-refs" ] || return 0
  n=0
  while IFS=' ' read -r id name && [ $n -lt 100 ]; do
    n=$((n + 1))
    if [ "$name" = "$1" ]; then h=$id; return 0; fi
  done < "$CQ_COMMONDIR/packed-refs" 2>/dev/null
}

# --- What this hook records: lines "commit <id>[ <base>]" in CQ_LINES, the first id in CQ_COMMIT. --
cq_commits() {
  CQ_LINES='' CQ_COMMIT=''
  cq_gitdir
  case $CQ_HOOK in
    post-rewrite)
      # After `commit --amend`, post-commit has recorded the new commit already.
      [ "${1:-}" = rebase ] || return 0
      while IFS=' ' read -r _old new _rest; do
        case $new in *[!0-9a-f]* | '') continue ;; esac
        # Recorded by post-commit or post-applypatch already (and not yet ingested): skip it.
        set -- "$CQ_SPOOL/$new".*.rec
        [ -e "$1" ] && continue
        case $NL$CQ_LINES in *"${NL}commit $new$NL"*) continue ;; esac
        CQ_LINES="${CQ_LINES}commit $new$NL"
        [ -n "$CQ_COMMIT" ] || CQ_COMMIT=$new
      done <<CQ_PAIRS
$CQ_STDIN
CQ_PAIRS
      ;;
    post-merge)
      # A squash merge makes no commit: nothing to record.
      [ "${1:-0}" = 1 ] && return 0
      cq_ref HEAD
      head=$CQ_REF
      cq_ref ORIG_HEAD
      base=$CQ_REF
      if [ -z "$head" ]; then
        head=$(git rev-parse -q --verify HEAD 2>/dev/null) || return 0
        base=$(git rev-parse -q --verify ORIG_HEAD 2>/dev/null) || base=
      fi
      CQ_COMMIT=$head
      if [ -n "$base" ] && [ "$base" != "$head" ]; then
        CQ_LINES="commit $head $base$NL"
      else
        CQ_LINES="commit $head$NL"
      fi
      ;;
    *)
      cq_ref HEAD
      head=$CQ_REF
      [ -n "$head" ] || head=$(git rev-parse -q --verify HEAD 2>/dev/null) || return 0
      CQ_COMMIT=$head
      CQ_LINES="commit $head$NL"
      ;;
  esac
}

# --- The records, written in place: no temp file, no mv. -----------------------------------------
# One per commit: spool/<commit>.<pid>.rec holds "commit <id>[ <base>]", then the line "end": the
# worker takes a record only once it ends so (IngestSpool), so one cut short by a crash or a full
# disk is never half-read. Created exclusively (noclobber: O_EXCL for a new name), and never where
# a name exists already, so a link planted there is never followed. Sets CQ_RECORDS (how many were
# written) and CQ_FAILED (the commits that could not be recorded).
cq_spool() {
  CQ_RECORDS=0 CQ_FAILED=''
  [ -d "$CQ_SPOOL" ] || mkdir -p "$CQ_SPOOL" 2>/dev/null || { CQ_FAILED=$CQ_COMMIT; return 1; }
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    id=${line#commit }
    id=${id%% *}
    r=$CQ_SPOOL/$id.$$.rec
    if [ ! -e "$r" ] && [ ! -L "$r" ] && cq_write "$r" "$line"; then
      CQ_RECORDS=$((CQ_RECORDS + 1))
    else
      CQ_FAILED="$CQ_FAILED${CQ_FAILED:+ }$id"
    fi
  done <<CQ_LINES_END
$CQ_LINES
CQ_LINES_END
  [ -z "$CQ_FAILED" ]
}

cq_write() {
  set -C
  if { printf '%s\nend\n' "$2" > "$1"; } 2>/dev/null; then
    set +C
    return 0
  fi
  set +C
  # Cut short (disk full): remove what was written, if anything was.
  if [ -f "$1" ] && [ ! -L "$1" ]; then rm -f "$1" 2>/dev/null; fi
  return 1
}

# --- The hook's settings: two words Java derived from config.json (io.codequery.config.HookSettings).
# Trusted only while hook.conf is newer than config.json (a regular file, not a link) and says
# whether config.json exists as it does now. Sets CQ_MODE, CQ_FALLBACK; returns 1 if not trusted.
cq_settings() {
  CQ_MODE='' CQ_FALLBACK=''
  cfg=$1/.code-query/config.json
  conf=$1/.code-query/hook.conf
  [ -f "$conf" ] && [ ! -L "$conf" ] || return 1
  want=absent
  if [ -e "$cfg" ] || [ -L "$cfg" ]; then
    # -nt is not in POSIX, but in every sh a hook meets (dash compares nanoseconds); a shell
    # without it fails the test, and the words are not trusted: Java is asked, which is only slower.
    # shellcheck disable=SC3013
    [ -f "$cfg" ] && [ ! -L "$cfg" ] && [ "$conf" -nt "$cfg" ] || return 1
    want=present
  fi
  present=
  while IFS= read -r line; do
    case $line in
      config=*) present=${line#config=} ;;
      mode=auto | mode=manual) CQ_MODE=${line#mode=} ;;
      fallback=queue | fallback=start | fallback=sync) CQ_FALLBACK=${line#fallback=} ;;
    esac
  done < "$conf"
  [ "$present" = "$want" ] && [ -n "$CQ_MODE" ] && [ -n "$CQ_FALLBACK" ]
}

# The hook's work up to the detector; CQ_CONTINUE=1 where the rest of this file must finish it
# (cq_main_rest): the worker does not run, or only the rest of the detector can tell.
cq_main_fast() {
  CQ_CONTINUE=
  # git runs hooks at the top of the working tree.
  cd -P . 2>/dev/null || return 0
  cq_root "$PWD"
  root=$CQ_ROOT
  [ -d "$root/.code-query" ] || root=$CQ_INSTALL_ROOT
  [ -d "$root/.code-query" ] || return 0
  # Never create anything group- or other-writable, whatever umask git was started with.
  umask go-w
  CQ_SPOOL=$root/.code-query/spool

  trusted=0
  if cq_settings "$root"; then
    trusted=1
    [ "$CQ_MODE" = manual ] && return 0
  fi
  cq_commits "$@"
  [ -n "$CQ_LINES" ] || return 0
  if ! cq_spool; then
    cq_say "could not record commit $CQ_FAILED in $CQ_SPOOL (disk full or no permission?); run 'code-query queue add <commit>' for each later"
    [ "$CQ_RECORDS" -gt 0 ] || return 0
  fi

  cq_detect_start "$root"
  if [ -z "$cqd_next" ] && [ "$CQ_OUTCOME" = running ]; then return 0; fi
  CQ_CONTINUE=1
}

# --- The common path ends here when the worker runs: nothing below is even parsed. ---------------
case ${1:-} in
  --detect)
    cq_detect_start "$2"
    if [ -z "$cqd_next" ]; then echo "$CQ_OUTCOME"; exit 0; fi ;;
  --root | --ref | --settings) ;;
  *)
    # post-rewrite's list of rewritten commits is on stdin, for the chained hook and for us alike.
    CQ_STDIN=
    if [ "$CQ_HOOK" = post-rewrite ]; then
      while IFS= read -r l; do CQ_STDIN="$CQ_STDIN$l$NL"; done
    fi
    status=0
    if [ -n "$CQ_CHAINED" ] && [ -x "$CQ_CHAINED" ]; then
      if [ "$CQ_HOOK" = post-rewrite ]; then
        printf '%s' "$CQ_STDIN" | "$CQ_CHAINED" "$@"
      else
        "$CQ_CHAINED" "$@"
      fi
      status=$?
    fi
    cq_main_fast "$@" </dev/null >&2
    [ -n "$CQ_CONTINUE" ] || exit "$status" ;;
esac

# --- The rest: the detector's other answers, and what the hook does when no worker runs. ------

# What cq_detect_start left to decide (cqd_next): the lock's holders, or the process's argv.
cq_detect_finish() {
  case $cqd_next in
    '') ;;
    'lock '*) cq_d_by_lock "${cqd_next#lock }" ;;
    gone)
      # A PID at or beyond pid_max is no PID at all (only then is pid_max read; cat, not read: some
      # kernels answer a one-byte read of a sysctl file with one byte, then EOF).
      cqd_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null) || cqd_max=
      case $cqd_max in '' | *[!0-9]*) cqd_max=2147483647 ;; esac
      if [ "$cqd_pid" -ge "$cqd_max" ]; then cq_d_by_lock invalid; else cq_d_by_lock stale; fi ;;
    marker) cq_d_by_marker "$cqd_pid" ;;
    noproc)
      # No /proc: liveness only. A live PID cannot be verified, so it is unknown, never running.
      if kill -0 "$cqd_pid" 2>/dev/null; then return; fi
      case $(kill -0 "$cqd_pid" 2>&1) in *ermi*) ;; *) CQ_OUTCOME=stale ;; esac ;;
  esac
  cqd_next=
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
  cqd_marked='' cqd_first=1
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
    # shellcheck disable=SC2015 # continue when either test fails: as meant
    [ "${2:-}" = POSIX ] && [ "${4:-}" = WRITE ] || continue
    case ${5:-} in '' | 0 | *[!0-9]*) continue ;; esac
    cqd_id=${6:-}
    case $cqd_id in *[!0-9a-f:]* | *:*:*:*) continue ;; ?*:?*:?*) ;; *) continue ;; esac
    [ "${cqd_id##*:}" = "$cqd_ino" ] || continue
    cqd_hex=${cqd_id%:*}
    # shellcheck disable=SC2015 # continue when either test fails: as meant
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

# Removes the records this hook wrote (their names are known: commit and PID).
cq_unspool() {
  while IFS= read -r line; do
    id=${line#commit }
    id=${id%% *}
    [ -n "$id" ] && rm -f "$CQ_SPOOL/$id.$$.rec" 2>/dev/null
  done <<CQ_LINES_END
$CQ_LINES
CQ_LINES_END
}

# How many commits wait in the spool (records of this hook and of earlier versions).
cq_waiting() {
  CQ_WAITING=0
  for r in "$CQ_SPOOL"/*.rec; do
    [ -f "$r" ] || continue
    while IFS= read -r line; do
      case $line in 'commit '*) CQ_WAITING=$((CQ_WAITING + 1)) ;; esac
    done < "$r"
  done
  for r in "$CQ_SPOOL"/*.commit "$CQ_SPOOL"/*.files; do
    [ -f "$r" ] && CQ_WAITING=$((CQ_WAITING + 1))
  done
}

# After cq_main_fast: the detector's last word, then the fallback.
cq_main_rest() {
  cq_detect_finish
  [ "$CQ_OUTCOME" = running ] && return 0

  if [ "$trusted" = 0 ]; then
    # config.json changed since Java last read it: ask Java, the one reader, to read it again.
    if [ -x "$CQ_LAUNCHER" ]; then
      err=$("$CQ_LAUNCHER" hooks settings --project-root "$root" 2>&1 >/dev/null </dev/null)
      if ! cq_settings "$root"; then
        err=${err#code-query: }
        cq_say "commit $CQ_COMMIT is kept for the worker, but the config cannot be read: ${err%%"$NL"*}"
        return 0
      fi
    else
      CQ_MODE=auto CQ_FALLBACK=queue
    fi
    if [ "$CQ_MODE" = manual ]; then
      # Manual mode: the worker would drop the records; they never get there.
      cq_unspool
      return 0
    fi
  fi
  cq_waiting
  case $CQ_FALLBACK in
    start)
      if [ -x "$CQ_LAUNCHER" ]; then
        ( "$CQ_LAUNCHER" worker start --project-root "$root" >/dev/null 2>&1 & ) 2>/dev/null
        cq_say "$CQ_WAITING commit(s) queued; starting the worker in the background"
      else
        cq_say "$CQ_WAITING commit(s) wait for the worker; start it with: code-query worker start"
      fi ;;
    sync)
      if [ -x "$CQ_LAUNCHER" ]; then
        "$CQ_LAUNCHER" queue process --project-root "$root" </dev/null >&2 || cq_say "processing failed; the files stay queued"
      else
        cq_say "$CQ_WAITING commit(s) wait for the worker; start it with: code-query worker start"
      fi ;;
    *)
      cq_say "$CQ_WAITING commit(s) wait for the worker; start it with: code-query worker start" ;;
  esac
  return 0
}

case ${1:-} in
  --detect)
    cq_detect_finish # what cq_detect_start above left to decide
    echo "$CQ_OUTCOME"
    exit 0 ;;
  --root)
    # For the agreement table: the project this hook would record into, started in $2.
    cd "$2" 2>/dev/null && cd -P . && cq_root "$PWD" && printf '%s\n' "$CQ_ROOT"
    exit 0 ;;
  --ref)
    # For the agreement table: the commit id this hook reads for ref $2 in the repository here
    # (empty: it would ask git).
    cq_gitdir
    cq_ref "$2"
    echo "$CQ_REF"
    exit 0 ;;
  --settings)
    # For the agreement table: the words this hook would act on, or "untrusted".
    if cq_settings "$2"; then echo "$CQ_MODE $CQ_FALLBACK"; else echo untrusted; fi
    exit 0 ;;
esac

cq_main_rest "$@" </dev/null >&2
exit "$status"
