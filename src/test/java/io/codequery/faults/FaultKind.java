package io.codequery.faults;

/**
 * The catalogue of faults, each with its relative weight in a run (expensive faults, which start
 * JVMs, weigh less). {@link #PID_RECYCLED} is scheduled at fixed iterations instead (see {@code
 * faults.recycles}): it walks the whole PID space.
 */
enum FaultKind {
  // worker processes killed or frozen at random points
  KILL9_STARTUP(
      25,
      "kill -9 of a starting worker: before/after the lock, before/after the PID write, at ready"),
  KILL9_MID_JOB(14, "kill -9 of the worker while it runs a job"),
  KILL9_SHUTDOWN(14, "kill -9 of the worker during its SIGTERM shutdown"),
  SIGSTOP_SIGCONT(35, "SIGSTOP the worker, detect (and sometimes stop) it, SIGCONT"),
  PID_RECYCLED(0, "real PID recycling: a dead worker's PID handed to a fresh process"),
  // PID files naming something else
  STALE_PID_GONE(45, "PID file naming a process that is gone"),
  PID_REUSED_UNRELATED(40, "PID file naming an unrelated live process"),
  PID_REUSED_FORGED(40, "PID file naming a process with a forged worker argv"),
  PID_REUSED_OTHER_PROJECT(35, "PID file naming another project's live worker"),
  OTHER_BOOT(35, "PID file and identity record from another boot (forged boot id)"),
  // concurrency
  CONCURRENT_CLI(12, "start/stop/restart/status from several processes and threads at once"),
  // corrupted and hostile files
  PID_TRUNCATED(35, "truncated PID file"),
  PID_GARBAGE(35, "garbage PID file (signs, zero, overflow, several tokens, non-ASCII digits)"),
  PID_NUL_BYTES(30, "PID file with NUL bytes"),
  PID_HUGE(20, "PID file of megabytes"),
  PID_SYMLINK_VICTIM(30, "PID file is a symlink to a victim file"),
  PID_SYMLINK_DIR(25, "PID file is a symlink to a directory"),
  PID_SYMLINK_DANGLING(25, "PID file is a dangling symlink"),
  PID_FIFO(30, "PID file is a FIFO"),
  PID_DIRECTORY(25, "PID file is a directory"),
  UNPRIVILEGED(12, "unreadable files and an unprivileged caller (setpriv nobody)"),
  IDENTITY_CORRUPT(35, "corrupted identity record of a live worker"),
  HEARTBEAT_CORRUPT(30, "corrupted heartbeat record of a live worker"),
  SPOOL_CORRUPT(30, "corrupted or hostile spool files"),
  DB_CORRUPT(5, "corrupted SQLite queue database"),
  DB_LOCKED(18, "SQLite queue database locked by another process"),
  DISK_FULL_PID(6, "full disk while the worker writes its PID file"),
  DISK_FULL_LOG(14, "full disk while the worker and detector write the log"),
  DISK_FULL_ENQUEUE(14, "full disk while the hook spools and the worker enqueues"),
  // plain work, so that the no-lost-job invariant has something to check
  COMMIT(80, "a git commit through the real post-commit hook"),
  SETUP(0, "(set-up and final checks)");

  final int weight;
  final String description;

  FaultKind(int weight, String description) {
    this.weight = weight;
    this.description = description;
  }

  boolean needsDisk() {
    return name().startsWith("DISK_FULL");
  }
}
