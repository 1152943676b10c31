package io.codequery.faults;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@link FaultKind#PID_FILE_REMOVED}: {@code rm worker.pid} under a live worker, sometimes with
 * {@code worker.identity}. The lock is the proof of life: no detector (full, minimal, the hook's)
 * may say {@code not_running}, {@code stale} or {@code invalid} while the worker lives. Then one
 * of: wait (the worker rewrites both files within a heartbeat), {@code stop} (it stops the worker),
 * or {@code start} (it says the worker already runs, and starts no second one).
 */
final class RemovePidFileUnderWorker implements Fault {
  /** A heartbeat is 1 s here; the rest is room for a JVM on a busy machine. */
  private static final Duration REWRITE_BOUND = Duration.ofSeconds(5);

  private static final Set<String> SAYS_NONE_RUNS = Set.of("not_running", "stale", "invalid");

  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    long w = fx.workers.ensure();
    boolean identityToo = fx.rnd.nextBoolean();
    int then = fx.rnd.nextInt(3);
    fx.iteration.pidFileTampered();
    Files.deleteIfExists(fx.project.pidFile());
    if (identityToo) {
      Files.deleteIfExists(fx.project.cq.resolve("worker.identity"));
    }
    long removedAt = System.nanoTime();
    String what = "worker.pid" + (identityToo ? " and worker.identity" : "") + " removed: ";

    Detection d = fx.workers.status();
    Detection m = fx.workers.minimal();
    String shell = fx.workers.shell();
    if (Os.aliveNotZombie(w)) {
      for (Detection each : List.of(d, m)) {
        fx.violations.check(
            !SAYS_NONE_RUNS.contains(each.outcome()) && (!each.running() || each.pid() == w),
            Invariant.LIVE_WORKER_DETECTED,
            what + "live worker " + w + " detected as " + each);
      }
      fx.violations.check(
          Set.of("running", "unknown").contains(shell),
          Invariant.LIVE_WORKER_DETECTED,
          what + "the hook's detector said " + shell + " for live worker " + w);
    }
    fx.figures.note("pid-file-removed status said " + d.outcome());

    switch (then) {
      case 0 -> {
        boolean back =
            Poll.until(
                REWRITE_BOUND, () -> fx.project.pidFileNames(w) && fx.project.identityNames(w));
        fx.violations.check(
            back || !Os.aliveNotZombie(w),
            Invariant.WORKER_REWRITES_ITS_FILES,
            what
                + "worker "
                + w
                + " did not rewrite them within "
                + REWRITE_BOUND.toSeconds()
                + " s");
        if (back) {
          fx.figures.noteMax(
              "pid-file-removed rewritten by the worker, max ms",
              (int) ((System.nanoTime() - removedAt) / 1_000_000));
        }
      }
      case 1 -> {
        Bounded.Result s =
            fx.commands.cli("worker", "stop", "--timeout", "5", "--project-root", root);
        boolean gone = Poll.until(Duration.ofSeconds(30), () -> !Os.aliveNotZombie(w));
        fx.violations.check(
            s.code() == 0 && s.out().contains("stopped — PID " + w) && gone,
            Invariant.STOP,
            what + "stop must stop live worker " + w + ": " + s.oneLine() + ", gone=" + gone);
        fx.figures.note("pid-file-removed then stop");
      }
      default -> {
        Bounded.Result s =
            fx.commands.cli("worker", "start", "--wait-seconds", "30", "--project-root", root);
        fx.violations.check(
            s.code() == 0 && s.out().contains("already running") && s.out().contains("PID " + w),
            Invariant.START,
            what + "start must say live worker " + w + " already runs: " + s.oneLine());
        // A losing starter exits at once: let it, then the first worker must be the one left.
        Poll.until(Duration.ofSeconds(30), () -> fx.workers.liveWorkers().size() <= 1);
        fx.violations.check(
            fx.workers.liveWorkers().equals(List.of(w)),
            Invariant.NEVER_TWO_WORKERS,
            what + "after start, live workers " + fx.workers.liveWorkers());
        fx.figures.note("pid-file-removed then start");
      }
    }
  }
}
