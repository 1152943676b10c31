package io.codequery.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.queue.JobQueue;
import io.codequery.testing.EnabledIfSecondUser;
import io.codequery.testing.RealWorker;
import io.codequery.testing.SecondUser;
import io.codequery.testing.SecondUser.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second user (nobody, via {@code setpriv}) in a project root owns: stopping root's worker says
 * "permission denied" at once, and the queue commands that only read open the database read-only,
 * with or without a worker keeping its write-ahead log open.
 *
 * <p>nobody cannot read root's ~/.m2, so the calls run a copy of the shaded jar in a world-readable
 * directory.
 */
@EnabledIfSecondUser
@Tag("slow")
class SecondUserIT {
  @RegisterExtension static final SecondUser.JarCopy JAR = new SecondUser.JarCopy();

  @TempDir Path tmp;
  private Path root;
  private Path db;

  @BeforeEach
  void rootOwnedProjectWithOneJob() throws IOException {
    root = SecondUser.readableProject(tmp);
    Files.writeString(root.resolve("a.txt"), "a\n");
    db = root.resolve(".code-query/queue.db");
    try (JobQueue q = JobQueue.open(db, 0, Duration.ZERO, Clock.systemUTC())) {
      q.enqueue("c1", List.of("a.txt"));
    }
  }

  private Run asNobody(String... args) throws IOException, InterruptedException {
    return JAR.cli(root, tmp, args);
  }

  private void assertNobodyReadsTheQueue() throws Exception {
    Run status = asNobody("queue", "status", "--json");
    assertEquals(0, status.code(), status::toString);
    JsonObject counts = JsonParser.parseString(status.out()).getAsJsonObject();
    assertEquals(
        1,
        counts.get("pending").getAsInt()
            + counts.get("running").getAsInt()
            + counts.get("done").getAsInt()
            + counts.get("failed").getAsInt(),
        status::toString);

    Run list = asNobody("queue", "list", "--json");
    assertEquals(0, list.code(), list::toString);
    JsonArray jobs = JsonParser.parseString(list.out()).getAsJsonArray();
    assertEquals(1, jobs.size(), list::toString);
    assertEquals("a.txt", jobs.get(0).getAsJsonObject().get("file").getAsString());
  }

  @Test
  void nobody_reads_roots_queue_when_no_process_has_it_open() throws Exception {
    assertFalse(
        Files.exists(root.resolve(".code-query/queue.db-wal"), LinkOption.NOFOLLOW_LINKS),
        "the write-ahead log is gone once the last connection closed");

    assertNobodyReadsTheQueue();

    assertFalse(
        Files.exists(root.resolve(".code-query/queue.db-wal"), LinkOption.NOFOLLOW_LINKS),
        "reading created nothing");
  }

  @Test
  void nobody_reads_roots_queue_while_roots_worker_keeps_it_open() throws Exception {
    try (RealWorker worker = RealWorker.start(root)) {
      assertTrue(Files.exists(root.resolve(".code-query/queue.db-wal"), LinkOption.NOFOLLOW_LINKS));
      assertNobodyReadsTheQueue();
      Run health = asNobody("worker", "health", "--json");
      assertTrue(
          JsonParser.parseString(health.out())
              .getAsJsonObject()
              .get("queue_depth")
              .isJsonPrimitive(),
          health::toString);
    }
  }

  @Test
  void nobody_stopping_roots_worker_is_told_permission_denied_at_once() throws Exception {
    try (RealWorker worker = RealWorker.start(root)) {
      Run stop = asNobody("worker", "stop");

      assertEquals(4, stop.code(), stop::toString);
      assertTrue(stop.err().contains("permission denied"), stop::toString);
      assertTrue(stop.err().contains("runs as root (uid 0)"), stop::toString);
      assertTrue(stop.err().contains("no signal sent"), stop::toString);
      // Well under the 10 s stop timeout it used to wait out (and the 10 s after SIGKILL).
      assertTrue(stop.millis() < 8_000, () -> "took " + stop.millis() + " ms: " + stop);
      assertTrue(worker.process().isAlive());
    }
  }
}
