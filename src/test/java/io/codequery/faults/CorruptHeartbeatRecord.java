package io.codequery.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;

/**
 * {@link FaultKind#HEARTBEAT_CORRUPT}: {@code worker.heartbeat} of a live worker replaced by
 * garbage. The worker is still {@code running}; {@code health} answers with one JSON object.
 */
final class CorruptHeartbeatRecord implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    long w = fx.workers.ensure();
    String[] bad = {
      "", "pid=abc\n", "\0\0\0", "time_millis=-5\ninterval_millis=0\n", "x".repeat(100_000)
    };
    Files.write(
        fx.project.cq.resolve("worker.heartbeat"),
        bad[fx.rnd.nextInt(bad.length)].getBytes(StandardCharsets.ISO_8859_1),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        LinkOption.NOFOLLOW_LINKS);
    Detection d = fx.workers.status();
    fx.violations.check(
        d.running() && d.pid() == w, Invariant.LIVE_WORKER_DETECTED, "corrupt heartbeat: " + d);
    Bounded.Result h =
        fx.commands.cli("worker", "health", "--json", "--project-root", fx.project.root.toString());
    fx.violations.check(
        (h.code() == 0 || h.code() == 1) && h.out().strip().startsWith("{"),
        Invariant.HEALTH,
        "health with a corrupt heartbeat: " + h.oneLine());
  }
}
