package io.codequery.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@link FaultKind#DB_CORRUPT}: with the worker stopped, {@code queue.db} replaced by random bytes
 * (sometimes behind a real header). {@code queue status} and {@code worker start} refuse and name
 * {@code queue.db}; then the original is put back, as a user with a backup would, so that the
 * no-lost-job invariant still applies to everything committed.
 */
final class CorruptQueueDatabase implements Fault {
  private static final List<String> FILES = List.of("queue.db", "queue.db-wal", "queue.db-shm");

  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    String root = fx.project.root.toString();
    Path cq = fx.project.cq;
    fx.workers.stop();
    Path db = cq.resolve("queue.db");
    if (!Files.exists(db)) {
      fx.figures.note("db-corrupt skipped: no database yet");
      return;
    }
    Path backup = Files.createTempDirectory(fx.project.base, "db-backup-");
    for (String s : FILES) {
      if (Files.exists(cq.resolve(s))) {
        Files.move(cq.resolve(s), backup.resolve(s));
      }
    }
    try {
      byte[] junk = new byte[4096 + fx.rnd.nextInt(8192)];
      fx.rnd.nextBytes(junk);
      if (fx.rnd.nextBoolean()) {
        // a real header, then garbage: "file is not a database" only shows on the first page read
        byte[] header = Files.readAllBytes(backup.resolve("queue.db"));
        System.arraycopy(header, 0, junk, 0, Math.min(100, header.length));
      }
      Files.write(db, junk);
      Bounded.Result q = fx.commands.cli("queue", "status", "--project-root", root);
      fx.violations.check(
          q.code() == 2 && q.err().contains("queue.db"),
          Invariant.CLEAR_REFUSAL,
          "queue status on a corrupt database: " + q.oneLine());
      Bounded.Result s =
          fx.commands.cli("worker", "start", "--wait-seconds", "30", "--project-root", root);
      fx.violations.check(
          s.code() == 1 && s.err().contains("queue.db"),
          Invariant.CLEAR_REFUSAL,
          "worker start on a corrupt database: " + s.oneLine());
      if (s.code() == 0) {
        fx.workers.stop();
      }
      Poll.until(Duration.ofSeconds(30), () -> fx.workers.live().isEmpty());
    } finally {
      for (String s : FILES) {
        Files.deleteIfExists(cq.resolve(s));
        if (Files.exists(backup.resolve(s))) {
          Files.move(backup.resolve(s), cq.resolve(s));
        }
      }
      Files.deleteIfExists(backup);
    }
  }
}
