package io.codequery.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link FaultKind#SPOOL_CORRUPT}: a spool file that is no record of a commit (no NUL, an option
 * where the commit goes, bad bytes), a link to the victim, or a directory. A live worker moves it
 * aside to {@code spool/rejected/} within 20 s (never deletes it) and keeps running.
 */
final class PlantBadSpoolFile implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    Optional<Long> live =
        fx.rnd.nextBoolean() ? Optional.of(fx.workers.ensure()) : fx.workers.live();
    Path spool = fx.project.cq.resolve("spool");
    Files.createDirectories(spool);
    String name = Long.toHexString(fx.rnd.nextLong()) + ".files";
    Path f = spool.resolve(name);
    switch (fx.rnd.nextInt(5)) {
      case 0 -> Files.writeString(f, "no NUL at all");
      case 1 ->
          Files.write(
              f, "--all\0a.txt\0".getBytes(StandardCharsets.US_ASCII)); // an option, not a commit
      case 2 -> Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 'x', 0});
      case 3 -> Files.createSymbolicLink(f, fx.victims.file);
      default -> Files.createDirectory(f);
    }
    if (live.isPresent()) {
      boolean handled =
          Poll.until(Duration.ofSeconds(20), () -> !Files.exists(f, LinkOption.NOFOLLOW_LINKS));
      fx.violations.check(
          handled,
          Invariant.CORRUPT_SPOOL,
          "the worker did not move " + name + " aside within 20 s");
      fx.violations.check(
          Files.exists(spool.resolve("rejected").resolve(name), LinkOption.NOFOLLOW_LINKS)
              || !handled,
          Invariant.CORRUPT_SPOOL,
          "a rejected spool file must be kept in spool/rejected/, not deleted: " + name);
      Detection d = fx.workers.status();
      fx.violations.check(
          d.running() && d.pid() == live.get(),
          Invariant.LIVE_WORKER_DETECTED,
          "after a corrupt spool file: " + d);
    }
  }
}
