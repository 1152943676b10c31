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

cq_main() {
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

  cq_detect "$root"
  [ "$CQ_OUTCOME" = running ] && return 0

  if [ $trusted = 0 ]; then
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
    cq_detect "$2"
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
cq_main "$@" </dev/null >&2
exit $status
