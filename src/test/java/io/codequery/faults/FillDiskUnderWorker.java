package io.codequery.faults;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link FaultKind#DISK_FULL_LOG}: {@code .code-query/} full while a worker heartbeats and checks
 * itself, or while a detector cleans up a stale PID file and logs it. A live worker stays {@code
 * running} through a heartbeat; a stale cleanup needs no space; a commit on the full disk does not
 * fail.
 */
final class FillDiskUnderWorker implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Optional<Long> live =
        fx.rnd.nextBoolean() ? Optional.of(fx.workers.ensure()) : fx.workers.live();
    if (live.isEmpty()) {
      Process p = new ProcessBuilder("true").start();
      p.waitFor(30, TimeUnit.SECONDS);
      fx.project.writePidFile((p.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    fx.disk.fill();
    try {
      Detection d = fx.workers.status();
      if (live.isPresent()) {
        fx.violations.check(
            d.running() && d.pid() == live.get(),
            Invariant.LIVE_WORKER_DETECTED,
            "full disk: " + d);
        Thread.sleep(1200); // a heartbeat and a self-check on a full disk
        d = fx.workers.status();
        fx.violations.check(
            d.running() && d.pid() == live.get(),
            Invariant.LIVE_WORKER_DETECTED,
            "full disk, after a heartbeat: " + d);
      } else {
        fx.violations.check(
            d.outcome().equals("stale") && d.cleanedUp(),
            Invariant.FULL_DISK,
            "stale cleanup needs no space: " + d);
      }
      fx.commits.commit(1);
    } finally {
      fx.disk.free();
    }
  }
}
