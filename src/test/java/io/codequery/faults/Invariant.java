package io.codequery.faults;

/**
 * The named invariants of the run: what a violation says was broken. The first group is the
 * design's contract (docs/RELIABILITY.md, "Invariants and how each is checked"), checked by {@link
 * Invariants} after every iteration and inside the faults where the moment matters; the second is
 * what a fault expects of its own situation; the last two are about the run itself.
 */
enum Invariant {
  // the contract
  NEVER_TWO_WORKERS("never two workers"),
  NEVER_RUNNING_FOR_A_STRANGER("never running for a process that is not this project's worker"),
  NEVER_RUNNING_FOR_A_DEAD_PROCESS("never running for a dead process"),
  LIVE_WORKER_DETECTED("never not running/stale for a live, verified worker"),
  LIVE_WORKER_KEEPS_ITS_PID_FILE("live worker keeps its PID file"),
  NO_SIGNAL_TO_A_STRANGER("never a signal to a process that is not our worker"),
  NO_REMOVED_PID_FILE_OF_A_LIVE_WORKER("never a removed PID file that a live worker wrote"),
  NEVER_FOLLOWS_A_LINK("never follows a link"),
  HOSTILE_PID_FILE_LEFT_ALONE("never follows or removes a hostile PID file"),
  NEVER_REMOVES_WHAT_IT_CANNOT_JUDGE("never removes what it cannot judge"),
  ATOMIC_PID_FILE("atomic PID file"),
  NO_LOST_JOB("no lost job"),
  NO_HANG("no hang"),
  CLEAR_REFUSAL("clear refusal"),
  EXIT_STATUS("exit status"),
  HOOK_NEVER_FAILS_A_COMMIT("the hook never fails a commit"),
  ONE_WORKER_ONE_LOCK("one worker, holding the lock file, named by the PID file"),
  NO_JOB_RUNS_TWICE_AT_ONCE("no job runs twice at once"),
  ORPHANS_ENDED("a dead worker's job processes are ended before the job runs again"),
  UNTRUSTED_COMMAND_NEVER_RUNS("never the command of an untrusted config"),
  // what a fault expects
  RECYCLED_PID_IS_STALE("recycled PID is stale"),
  STALE_PID_FILE("stale PID file / PID reuse"),
  GARBAGE_PID_FILE("garbage PID file"),
  HOSTILE_PID_FILE("hostile PID file"),
  STOP_REFUSES_TO_GUESS("stop refuses to guess"),
  STOP("stop"),
  HEALTH("health"),
  HEALTHY_DURING_A_LONG_JOB("healthy, responsive and processing during a long job"),
  WORKER_REWRITES_ITS_FILES("a live worker rewrites its removed files within a heartbeat"),
  START("start"),
  HOSTILE_ENTRY("hostile .code-query/ entry refused, naming it"),
  UNREADABLE_PID_FILE("unreadable PID file"),
  UNPRIVILEGED_STALE("unprivileged stale"),
  UNPRIVILEGED_STOP("unprivileged stop"),
  CORRUPT_SPOOL("corrupt spool"),
  LOCKED_DATABASE("locked database"),
  FULL_DISK("full disk"),
  // the run itself
  RECOVERY("recovery"),
  HARNESS("harness");

  /** How the summary and a failure name it. */
  final String label;

  Invariant(String label) {
    this.label = label;
  }
}
