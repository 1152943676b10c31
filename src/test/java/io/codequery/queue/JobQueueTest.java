package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobStoreContract;
import io.codequery.store.Store;
import io.codequery.testing.SettableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue contract on SQLite, and what only the SQLite store does. */
class JobQueueTest extends JobStoreContract {

  @TempDir Path dir;

  @Override
  protected Store newStore(int maxRetries, Duration retryDelay, SettableClock clock) {
    return JobQueue.open(dir.resolve(".code-query/queue.db"), maxRetries, retryDelay, clock);
  }

  JobQueue sqlite() {
    return (JobQueue) queue;
  }

  @Test
  void the_project_s_own_file_is_shared_with_no_other_host() {
    // So a job whose commit no fetch brought fails at once, and no worker fences itself.
    assertEquals(Optional.empty(), queue.sharedWithOtherHosts());
  }

  @Test
  void times_are_the_injected_clock_s_to_the_millisecond() {
    queue.enqueue("c", List.of("a"));
    Job job = queue.claim("w", LEASE).orElseThrow();
    assertEquals(clock.instant().plus(LEASE), job.leaseUntil());
    Job recorded = queue.fail(job, "exit code 1", true).orElseThrow();
    assertEquals(clock.instant().plus(RETRY_DELAY), recorded.notBefore());
    clock.advance(RETRY_DELAY.minusMillis(1));
    assertTrue(queue.claim("w", LEASE).isEmpty(), "one millisecond before the retry delay");
    clock.advance(Duration.ofMillis(1));
    assertTrue(queue.claim("w", LEASE).isPresent(), "at the retry delay");
  }

  @Test
  void stored_output_is_bounded() {
    queue.enqueue("c", List.of("a"));
    Job job = queue.claim("w", LEASE).orElseThrow();
    String huge = "x".repeat(JobQueue.MAX_OUTPUT_CHARS * 2);
    Job done = queue.complete(job, new JobResult(0, 1, huge)).orElseThrow();
    assertTrue(done.output().length() <= JobQueue.MAX_OUTPUT_CHARS);
    assertTrue(done.output().contains("truncated"));
  }

  @Test
  void a_second_instance_sees_the_same_queue_and_the_schema_is_versioned() throws Exception {
    queue.enqueue("c", List.of("a"));
    JobQueue again = JobQueue.open(sqlite().file(), 2, RETRY_DELAY, clock);
    assertEquals(1, again.depth());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite().file());
        Statement st = c.createStatement()) {
      var rs = st.executeQuery("PRAGMA user_version");
      rs.next();
      assertEquals(JobQueue.SCHEMA_VERSION, rs.getInt(1));
      rs = st.executeQuery("PRAGMA journal_mode");
      rs.next();
      assertEquals("wal", rs.getString(1));
      st.executeUpdate("PRAGMA user_version = 99");
    }
    CodeQueryException e =
        assertThrows(
            CodeQueryException.class, () -> JobQueue.open(sqlite().file(), 2, RETRY_DELAY, clock));
    assertTrue(e.getMessage().contains("newer"), e.getMessage());
  }

  @Test
  void a_corrupted_database_file_is_a_clear_error_naming_the_file_and_what_to_do()
      throws Exception {
    Path db = dir.resolve("broken/queue.db");
    Files.createDirectories(db.getParent());
    byte[] garbage = new byte[8192];
    new Random(42).nextBytes(garbage);
    Files.write(db, garbage);
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> JobQueue.open(db, 2, RETRY_DELAY, clock));
    assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("Move it aside"), e.getMessage());
    assertTrue(e.getMessage().contains("not a readable job queue"), e.getMessage());
  }

  @Test
  void a_path_with_odd_characters_holds_the_queue() {
    Path odd = dir.resolve("we?ird %20 & dir/queue.db");
    JobQueue q = JobQueue.open(odd, 2, RETRY_DELAY, clock);
    q.enqueue("c", List.of("a"));
    assertTrue(Files.isRegularFile(odd));
    assertEquals(
        Set.of("queue.db"),
        listNames(odd.getParent()).stream()
            .filter(n -> n.equals("queue.db"))
            .collect(Collectors.toSet()));
  }

  private static List<String> listNames(Path d) {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
