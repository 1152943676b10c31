package io.codequery.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link FaultKind#UNPRIVILEGED}: user nobody asks about root's project. One of: {@code status} of
 * a live worker ({@code running}), of an unreadable PID file ({@code unknown}, nothing removed), of
 * a stale PID file ({@code stale}, but not removed: nobody may not), or {@code stop} of root's
 * worker (refused, and said so; the worker lives).
 */
final class CallAsNobody implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    fx.nobody.prepare();
    int variant = fx.rnd.nextInt(4);
    Path pidFile = fx.project.pidFile();
    switch (variant) {
      case 0 -> {
        long w = fx.workers.ensure();
        Detection d = fx.workers.statusAsNobody();
        fx.violations.check(
            d.running() && d.pid() == w,
            Invariant.LIVE_WORKER_DETECTED,
            "status as nobody with a live worker " + w + ": " + d);
        fx.figures.note("unprivileged status of a live worker");
      }
      case 1 -> {
        Optional<Long> live = fx.workers.live();
        if (!Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
          fx.project.writePidFile("4242\n".getBytes(StandardCharsets.US_ASCII));
        }
        Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("---------"));
        try {
          Detection d = fx.workers.statusAsNobody();
          fx.violations.check(
              d.outcome().equals("unknown") || live.isPresent() && d.running(),
              Invariant.UNREADABLE_PID_FILE,
              "status as nobody of an unreadable PID file: " + d);
          fx.violations.check(
              Files.exists(pidFile),
              Invariant.NEVER_REMOVES_WHAT_IT_CANNOT_JUDGE,
              "the unreadable PID file was removed");
        } finally {
          if (Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-r--r--"));
          }
        }
        fx.figures.note("unprivileged status of an unreadable PID file");
      }
      case 2 -> {
        fx.workers.stop();
        Process p = new ProcessBuilder("true").start();
        p.waitFor(30, TimeUnit.SECONDS);
        fx.project.writePidFile((p.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        Detection d = fx.workers.statusAsNobody();
        fx.violations.check(
            d.outcome().equals("stale") && !d.cleanedUp(),
            Invariant.UNPRIVILEGED_STALE,
            "nobody sees a stale PID file it may not remove: " + d);
        fx.violations.check(
            Files.exists(pidFile), Invariant.UNPRIVILEGED_STALE, "nobody removed root's PID file");
        fx.figures.note("unprivileged status of a stale PID file");
      }
      default -> {
        long w = fx.workers.ensure();
        Bounded.Result r =
            fx.nobody.run(
                "worker", "stop", "--timeout", "1", "--project-root", fx.project.root.toString());
        fx.violations.check(
            r.code() != 0 && Os.aliveNotZombie(w),
            Invariant.UNPRIVILEGED_STOP,
            "nobody cannot stop root's worker and must say so: "
                + r.oneLine()
                + ", worker alive="
                + Os.aliveNotZombie(w));
        fx.figures.note("unprivileged stop of root's worker");
      }
    }
  }
}
