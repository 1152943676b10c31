package io.codequery.faults;

import io.codequery.store.JobState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The family of hostile entries under {@code .code-query/} other than the PID file: a symbolic link
 * to the victim ({@link FaultKind#HOSTILE_LINK}) or a FIFO ({@link FaultKind#HOSTILE_FIFO}) in
 * place of {@code queue.db}, {@code queue.db-wal}, {@code config.json}, {@code worker.log} (with
 * the worker stopped, or under a live one), {@code hook.conf}, a spool record or {@code tmp/}. What
 * stood there is renamed aside in the same directory and put back afterwards. Expected: whatever
 * must open the entry refuses with a message naming it; the victim stays untouched (checked after
 * every iteration); nothing blocks past the bound; no worker runs on a refused entry; a commit
 * through the hook still succeeds, and its files are documented once the entry is gone.
 */
final class PlantHostileEntry implements Fault {
  private enum Target {
    QUEUE_DB,
    QUEUE_WAL,
    CONFIG,
    LOG_STOPPED,
    LOG_LIVE,
    HOOK_CONF,
    SPOOL_RECORD,
    TMP_DIR
  }

  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Target target = Target.values()[fx.rnd.nextInt(Target.values().length)];
    fx.figures.note(
        "hostile "
            + (kind == FaultKind.HOSTILE_LINK ? "link" : "FIFO")
            + " as "
            + target.name().toLowerCase(Locale.ROOT));
    switch (target) {
      case QUEUE_DB -> refusedWithTheWorkerStopped(fx, kind, "queue.db", true);
      case QUEUE_WAL -> refusedWithTheWorkerStopped(fx, kind, "queue.db-wal", true);
      case CONFIG -> refusedWithTheWorkerStopped(fx, kind, "config.json", true);
      case LOG_STOPPED -> refusedWithTheWorkerStopped(fx, kind, "worker.log", false);
      case LOG_LIVE -> logUnderALiveWorker(fx, kind);
      case HOOK_CONF -> hookConf(fx, kind);
      case SPOOL_RECORD -> spoolRecord(fx, kind);
      default -> tmpDir(fx, kind);
    }
  }

  /**
   * With the worker stopped: {@code worker start} refuses naming the entry and no worker runs; then
   * a second command that must open it: {@code queue status} for the queue and the config, status
   * of a stale PID file (whose cleanup would log) for the log. For the config, a commit through the
   * hook, whose message names it.
   */
  private static void refusedWithTheWorkerStopped(
      FaultFixture fx, FaultKind kind, String name, boolean queueStatusReadsIt) throws Exception {
    String root = fx.project.root.toString();
    Path entry = fx.project.cq.resolve(name);
    fx.workers.stop();
    Poll.until(Duration.ofSeconds(30), () -> fx.workers.liveWorkers().isEmpty());
    Optional<Path> aside = moveAside(entry);
    try {
      plant(fx, kind, entry, false);
      Bounded.Result start =
          fx.commands.cli("worker", "start", "--wait-seconds", "30", "--project-root", root);
      fx.violations.check(
          start.code() != 0 && start.text().contains(entry.toString()),
          Invariant.HOSTILE_ENTRY,
          kind + " " + name + ": worker start must refuse naming it: " + start.oneLine());
      boolean none = Poll.until(Duration.ofSeconds(30), () -> fx.workers.liveWorkers().isEmpty());
      fx.violations.check(
          none,
          Invariant.HOSTILE_ENTRY,
          kind + " " + name + ": a worker runs: " + fx.workers.liveWorkers());
      if (queueStatusReadsIt) {
        boolean hasQueue =
            Files.exists(fx.project.cq.resolve("queue.db"), LinkOption.NOFOLLOW_LINKS);
        Bounded.Result q = fx.commands.cli("queue", "status", "--project-root", root);
        fx.violations.check(
            q.code() == 2 && q.text().contains(entry.toString()) || !hasQueue && q.code() == 0,
            Invariant.HOSTILE_ENTRY,
            kind + " " + name + ": queue status must refuse naming it: " + q.oneLine());
      } else {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(30, TimeUnit.SECONDS);
        fx.project.writePidFile((gone.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        Detection d = fx.workers.status();
        fx.violations.check(
            d.outcome().equals("stale") && d.cleanedUp(),
            Invariant.HOSTILE_ENTRY,
            kind + " " + name + ": a stale PID file is still removed: " + d);
      }
      if (name.equals("config.json")) {
        Commits.Committed c = fx.commits.commitOne("doc-");
        fx.violations.check(
            c.hookSaid().contains(entry.toString()),
            Invariant.HOSTILE_ENTRY,
            kind + " " + name + ": the hook must say the config cannot be read: " + c.hookSaid());
      }
    } finally {
      putBack(entry, aside);
    }
  }

  /** Under a live worker, the log replaced: a commit is still documented, the worker runs on. */
  private static void logUnderALiveWorker(FaultFixture fx, FaultKind kind) throws Exception {
    Path entry = fx.project.cq.resolve("worker.log");
    long w = fx.workers.ensure();
    Optional<Path> aside = moveAside(entry);
    try {
      plant(fx, kind, entry, false);
      Commits.Committed c = fx.commits.commitOne("doc-");
      boolean documented =
          Poll.until(
              Duration.ofSeconds(30),
              () -> fx.project.documented().contains(c.commit() + " " + c.file()));
      fx.violations.check(
          documented,
          Invariant.HOSTILE_ENTRY,
          kind + " worker.log under live worker " + w + ": " + c.job() + " not done in 30 s");
      Detection d = fx.workers.status();
      fx.violations.check(
          d.running() && d.pid() == w,
          Invariant.LIVE_WORKER_DETECTED,
          kind + " worker.log under live worker " + w + ": " + d);
    } finally {
      putBack(entry, aside);
    }
  }

  /**
   * With the worker stopped, {@code hook.conf} (the hook's derived settings) is hostile: the hook
   * distrusts it and asks the launcher, which replaces it with a regular file or refuses; the
   * commit succeeds either way and nothing blocks.
   */
  private static void hookConf(FaultFixture fx, FaultKind kind) throws Exception {
    Path entry = fx.project.cq.resolve("hook.conf");
    fx.workers.stop();
    Files.deleteIfExists(entry);
    try {
      plant(fx, kind, entry, false);
      // The commit must succeed and return (Commits and Bounded check that); the victim is
      // checked after the iteration.
      fx.commits.commitOne("doc-");
      fx.figures.note(
          "hostile hook.conf "
              + (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                  ? "replaced by a regular file"
                  : Files.exists(entry, LinkOption.NOFOLLOW_LINKS) ? "left in place" : "removed"));
    } finally {
      if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(entry);
      }
    }
  }

  /** A hostile spool record under a live worker: set aside into spool/rejected/, never opened. */
  private static void spoolRecord(FaultFixture fx, FaultKind kind) throws Exception {
    long w = fx.workers.ensure();
    Path spool = fx.project.cq.resolve("spool");
    Files.createDirectories(spool);
    String name = String.format("%016x%016x.%d.rec", fx.rnd.nextLong(), fx.rnd.nextLong(), 4242);
    Path entry = spool.resolve(name);
    plant(fx, kind, entry, false);
    boolean handled =
        Poll.until(Duration.ofSeconds(20), () -> !Files.exists(entry, LinkOption.NOFOLLOW_LINKS));
    fx.violations.check(
        handled && Files.exists(spool.resolve("rejected").resolve(name), LinkOption.NOFOLLOW_LINKS),
        Invariant.CORRUPT_SPOOL,
        kind + " spool record " + name + ": not moved to spool/rejected/ within 20 s");
    Detection d = fx.workers.status();
    fx.violations.check(
        d.running() && d.pid() == w, Invariant.LIVE_WORKER_DETECTED, kind + " spool record: " + d);
  }

  /**
   * {@code tmp/}, where a job's committed copy goes, is hostile when a job needs a copy (its file
   * changed in the working tree after the commit): the job fails naming {@code tmp}, nothing is
   * created where the link points; once it is gone, {@code queue retry} (as the message says) and
   * the job is documented.
   */
  private static void tmpDir(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    Path entry = fx.project.cq.resolve("tmp");
    fx.workers.stop();
    Commits.Committed c = fx.commits.commitOne("doc-");
    Files.writeString(fx.project.root.resolve(c.file()), "changed after the commit\n");
    Project.deleteTree(entry);
    try {
      plant(fx, kind, entry, true);
      fx.workers.ensure();
      boolean failed =
          Poll.until(
              Duration.ofSeconds(30),
              () -> fx.project.job(c.job()).map(j -> j.state() == JobState.FAILED).orElse(false));
      String error =
          fx.project.job(c.job()).map(j -> j.state() + " " + j.error()).orElse("no such job");
      fx.violations.check(
          failed && error.contains(entry.toString()),
          Invariant.HOSTILE_ENTRY,
          kind + " tmp/: the job needing a copy must fail naming it: " + error);
    } finally {
      Project.deleteTree(entry);
    }
    Bounded.Result retry = fx.commands.cli("queue", "retry", "--project-root", root);
    fx.violations.check(retry.code() == 0, Invariant.HOSTILE_ENTRY, retry.oneLine());
  }

  /**
   * A link to the victim file (or directory) or a FIFO at {@code entry}, made beside it and renamed
   * into place: a live worker may have created the entry again since it was moved aside (its log,
   * at its next line), and the rename replaces that.
   */
  private static void plant(FaultFixture fx, FaultKind kind, Path entry, boolean directory)
      throws Exception {
    Path staged = entry.resolveSibling(entry.getFileName() + ".faults-hostile");
    Files.deleteIfExists(staged);
    if (kind == FaultKind.HOSTILE_LINK) {
      Files.createSymbolicLink(staged, directory ? fx.victims.dir : fx.victims.file);
    } else {
      Os.mkfifo(staged);
    }
    Files.move(staged, entry, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Renames what stands at {@code entry} aside, in the same directory (the inode is kept). */
  private static Optional<Path> moveAside(Path entry) throws Exception {
    if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path aside = entry.resolveSibling(entry.getFileName() + ".faults-aside");
    Files.move(entry, aside);
    return Optional.of(aside);
  }

  /** Removes the hostile entry and puts back what stood there. */
  private static void putBack(Path entry, Optional<Path> aside) throws Exception {
    if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
      Project.deleteTree(entry);
    }
    if (aside.isPresent()) {
      // Renamed over whatever a live worker created there meanwhile.
      Files.move(aside.get(), entry, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
