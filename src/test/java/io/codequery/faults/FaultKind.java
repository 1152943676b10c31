package io.codequery.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The catalogue of faults: each with its relative weight in a run (expensive faults, which start
 * JVMs, weigh less), what it needs of the machine, the {@link Fault} that applies it, and what it
 * does. A new fault is a new {@link Fault} and one line here. {@link #PID_RECYCLED} is scheduled at
 * fixed iterations instead (see {@code faults.recycles}): it walks the whole PID space.
 */
enum FaultKind {
  // worker processes killed or frozen at random points
  KILL9_STARTUP(
      25,
      new KillStartingWorker(),
      "kill -9 of a starting worker: before/after the lock, before/after the PID write, at ready"),
  KILL9_MID_JOB(14, new KillWorkerMidJob(), "kill -9 of the worker while it runs a job"),
  KILL9_SHUTDOWN(
      14, new KillWorkerInShutdown(), "kill -9 of the worker during its SIGTERM shutdown"),
  SIGSTOP_SIGCONT(
      35, new FreezeWorker(), "SIGSTOP the worker, detect (and sometimes stop) it, SIGCONT"),
  PID_RECYCLED(
      0,
      new RecycleWorkerPid(),
      "real PID recycling: a dead worker's PID handed to a fresh process"),
  // PID files naming something else
  STALE_PID_GONE(45, new PointPidFileAtStranger(), "PID file naming a process that is gone"),
  PID_REUSED_UNRELATED(
      40, new PointPidFileAtStranger(), "PID file naming an unrelated live process"),
  PID_REUSED_FORGED(
      40, new PointPidFileAtStranger(), "PID file naming a process with a forged worker argv"),
  PID_REUSED_OTHER_PROJECT(
      35, new PointPidFileAtStranger(), "PID file naming another project's live worker"),
  OTHER_BOOT(
      35,
      new PointPidFileAtStranger(),
      "PID file and identity record from another boot (forged boot id)"),
  // concurrency
  CONCURRENT_CLI(
      12,
      new RunCommandsConcurrently(),
      "start/stop/restart/status from several processes and threads at once"),
  // corrupted and hostile files
  PID_TRUNCATED(35, new WriteBadPidFile(), "truncated PID file"),
  PID_GARBAGE(
      35,
      new WriteBadPidFile(),
      "garbage PID file (signs, zero, overflow, several tokens, non-ASCII digits)"),
  PID_NUL_BYTES(30, new WriteBadPidFile(), "PID file with NUL bytes"),
  PID_HUGE(20, new WriteBadPidFile(), "PID file of megabytes"),
  PID_SYMLINK_VICTIM(30, new PlantHostilePidFile(), "PID file is a symlink to a victim file"),
  PID_SYMLINK_DIR(25, new PlantHostilePidFile(), "PID file is a symlink to a directory"),
  PID_SYMLINK_DANGLING(25, new PlantHostilePidFile(), "PID file is a dangling symlink"),
  PID_FIFO(30, new PlantHostilePidFile(), "PID file is a FIFO"),
  PID_DIRECTORY(25, new PlantHostilePidFile(), "PID file is a directory"),
  UNPRIVILEGED(
      12,
      Needs.SETPRIV,
      new CallAsNobody(),
      "unreadable files and an unprivileged caller (setpriv nobody)"),
  IDENTITY_CORRUPT(35, new CorruptIdentityRecord(), "corrupted identity record of a live worker"),
  HEARTBEAT_CORRUPT(
      30, new CorruptHeartbeatRecord(), "corrupted heartbeat record of a live worker"),
  SPOOL_CORRUPT(30, new PlantBadSpoolFile(), "corrupted or hostile spool files"),
  DB_CORRUPT(5, new CorruptQueueDatabase(), "corrupted SQLite queue database"),
  DB_LOCKED(18, new LockQueueDatabase(), "SQLite queue database locked by another process"),
  DISK_FULL_PID(
      6,
      Needs.SMALL_DISK,
      new FillDiskBeforeStart(),
      "full disk while the worker writes its PID file"),
  DISK_FULL_LOG(
      14,
      Needs.SMALL_DISK,
      new FillDiskUnderWorker(),
      "full disk while the worker and detector write the log"),
  DISK_FULL_ENQUEUE(
      14,
      Needs.SMALL_DISK,
      new FillDiskWhileEnqueueing(),
      "full disk while the hook spools and the worker enqueues"),
  // the worker's own files taken from under it, long and orphaned jobs, hostile entries, trust
  PID_FILE_REMOVED(
      24,
      new RemovePidFileUnderWorker(),
      "worker.pid (sometimes worker.identity too) removed under a live worker"),
  LOCK_FILE_REMOVED(
      24,
      new RemoveLockFile(),
      "worker.lock removed (alone or git clean -fdX-like) or replaced, then a second start"),
  LONG_JOB_HEALTH(24, new AskHealthDuringLongJob(), "health asked during a job of 4-8 s"),
  ORPHANED_JOB(
      24,
      new OrphanJobCommand(),
      "kill -9 or stop --timeout 0 while a job's command has a background grandchild"),
  HOSTILE_LINK(
      24,
      new PlantHostileEntry(),
      "a symlink as queue.db, -wal, config.json, worker.log, hook.conf, a spool record, tmp/"),
  HOSTILE_FIFO(
      24,
      new PlantHostileEntry(),
      "a FIFO as queue.db, -wal, config.json, worker.log, hook.conf, a spool record, tmp/"),
  UNTRUSTED_CONFIG(
      24,
      new MakeConfigUntrusted(),
      "config.json or .code-query/ writable by others, or config.json owned by nobody"),
  // plain work, so that the no-lost-job invariant has something to check
  COMMIT(80, new CommitThroughHook(), "a git commit through the real post-commit hook"),
  SETUP(
      0,
      (fx, kind) -> {
        throw new IllegalStateException("not a fault");
      },
      "(set-up and final checks)");

  /** What a fault needs of the machine; without it, it is left out of the draw. */
  enum Needs {
    NOTHING,
    /** a file system of its own on {@code .code-query/} to fill ({@link SmallDisk}) */
    SMALL_DISK,
    /** root and {@code setpriv}, to run a caller as user nobody ({@link UnprivilegedCaller}) */
    SETPRIV
  }

  final int weight;
  final Needs needs;
  final Fault fault;
  final String description;

  FaultKind(int weight, Fault fault, String description) {
    this(weight, Needs.NOTHING, fault, description);
  }

  FaultKind(int weight, Needs needs, Fault fault, String description) {
    this.weight = weight;
    this.needs = needs;
    this.fault = fault;
    this.description = description;
  }

  /**
   * One kind drawn from those that weigh something and are {@code available}, in proportion to
   * their weights: one draw from {@code rnd}.
   */
  static FaultKind draw(Random rnd, Predicate<FaultKind> available) {
    List<FaultKind> kinds = new ArrayList<>();
    int total = 0;
    for (FaultKind k : values()) {
      if (k.weight > 0 && available.test(k)) {
        kinds.add(k);
        total += k.weight;
      }
    }
    int x = rnd.nextInt(total);
    for (FaultKind k : kinds) {
      x -= k.weight;
      if (x < 0) {
        return k;
      }
    }
    throw new IllegalStateException("unreachable");
  }
}
