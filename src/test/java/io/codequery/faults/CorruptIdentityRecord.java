package io.codequery.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@link FaultKind#IDENTITY_CORRUPT}: {@code worker.identity}, usually of a live worker, cut short
 * or replaced by garbage. A live worker is {@code running} or {@code unknown}, never {@code stale},
 * and its PID file stays.
 */
final class CorruptIdentityRecord implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Optional<Long> live =
        fx.rnd.nextInt(10) < 7 ? Optional.of(fx.workers.ensure()) : fx.workers.live();
    Path id = fx.project.cq.resolve("worker.identity");
    String[] bad = {
      "",
      "version=1\npid=",
      "garbage\0\0\u00ff",
      "version=2\npid=1\n",
      "version=1\npid=" + live.orElse(1L) + "\nstart_ticks=x\n"
    };
    String b = bad[fx.rnd.nextInt(bad.length)];
    if (Files.exists(id) && fx.rnd.nextBoolean()) {
      byte[] now = Files.readAllBytes(id);
      Files.write(
          id,
          Arrays.copyOf(now, fx.rnd.nextInt(Math.max(1, now.length))),
          StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
    } else {
      Files.write(
          id,
          b.getBytes(StandardCharsets.ISO_8859_1),
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
    }
    Detection d = fx.workers.status();
    if (live.isPresent()) {
      fx.violations.check(
          d.running() && d.pid() == live.get() || d.outcome().equals("unknown"),
          Invariant.LIVE_WORKER_DETECTED,
          "corrupt identity of live worker " + live.get() + ": " + d);
      fx.violations.check(
          fx.project.pidFileNames(live.get()),
          Invariant.NO_REMOVED_PID_FILE_OF_A_LIVE_WORKER,
          "after a corrupt identity record");
    }
  }
}
