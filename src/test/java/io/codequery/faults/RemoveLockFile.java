package io.codequery.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * {@link FaultKind#LOCK_FILE_REMOVED}: {@code worker.lock} removed under a live worker, alone or
 * with the other runtime files as {@code git clean -fdX} removes them, or replaced by a new file;
 * then, after 0–1.5 s, a second {@code worker start} (in this JVM or a separate one). Afterwards
 * exactly one worker runs, it holds the lock on the file the path names, and the PID file names it
 * — and it stays so across three heartbeats (two workers would overwrite each other's PID file).
 */
final class RemoveLockFile implements Fault {
  private static final List<String> RUNTIME_FILES =
      List.of("worker.lock", "worker.pid", "worker.identity", "worker.heartbeat");

  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    Path lock = fx.project.cq.resolve("worker.lock");
    long w = fx.workers.ensure();
    int how = fx.rnd.nextInt(3);
    int delayMs = fx.rnd.nextInt(1500);
    boolean separateProcess = fx.rnd.nextBoolean();
    fx.iteration.pidFileTampered();
    String what;
    switch (how) {
      case 0 -> {
        Files.deleteIfExists(lock);
        what = "worker.lock removed";
      }
      case 1 -> {
        for (String f : RUNTIME_FILES) {
          Files.deleteIfExists(fx.project.cq.resolve(f));
        }
        what = "runtime files removed (git clean -fdX)";
      }
      default -> {
        Path fresh = fx.project.cq.resolve("worker.lock.new");
        Files.write(fresh, new byte[0]);
        Files.move(fresh, lock, StandardCopyOption.REPLACE_EXISTING);
        what = "worker.lock replaced by a new file";
      }
    }
    Thread.sleep(delayMs);
    Bounded.Result s =
        separateProcess
            ? fx.commands.process(
                List.of(), "worker", "start", "--wait-seconds", "45", "--project-root", root)
            : fx.commands.cli("worker", "start", "--wait-seconds", "45", "--project-root", root);
    fx.violations.check(
        s.code() == 0, Invariant.START, what + ", then a second start: " + s.oneLine());

    boolean settled = Poll.until(Duration.ofSeconds(30), () -> oneWorkerHoldsTheLock(fx, lock));
    fx.violations.check(
        settled,
        Invariant.ONE_WORKER_ONE_LOCK,
        what
            + ", then a second start: workers "
            + fx.workers.liveWorkers()
            + ", PID file names one: "
            + fx.workers.liveWorkers().stream().anyMatch(fx.project::pidFileNames));
    if (!settled) {
      return;
    }
    long one = fx.workers.liveWorkers().get(0);
    fx.figures.note(
        "lock-file-removed: "
            + (one == w ? "the first worker kept running" : "a new worker took over"));
    // Three heartbeats later it is still so: no second worker rewriting the PID file in turn.
    for (int look = 0; look < 3; look++) {
      Thread.sleep(1000);
      fx.violations.check(
          oneWorkerHoldsTheLock(fx, lock) && fx.workers.liveWorkers().equals(List.of(one)),
          Invariant.ONE_WORKER_ONE_LOCK,
          what
              + ": look "
              + look
              + " after it settled on "
              + one
              + ": workers "
              + fx.workers.liveWorkers());
    }
  }

  /** One live worker, holding the lock on the file at {@code lock}, named by the PID file. */
  private static boolean oneWorkerHoldsTheLock(FaultFixture fx, Path lock) {
    List<Long> live = fx.workers.liveWorkers();
    return live.size() == 1
        && fx.project.pidFileNames(live.get(0))
        && Os.lockHeldBy(lock, live.get(0));
  }
}
