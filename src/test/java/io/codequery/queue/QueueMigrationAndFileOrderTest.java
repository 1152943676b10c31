package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema step 2 (the run of a job) on an existing queue, and one job per file at a time. */
class QueueMigrationAndFileOrderTest {
  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  SettableClock clock = new SettableClock();

  /** The schema of version 1, as main created it (verbatim DDL of that step). */
  private static void createVersionOne(Path db) throws Exception {
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "CREATE TABLE jobs ( id INTEGER PRIMARY KEY AUTOINCREMENT, commit_id TEXT NOT NULL,"
              + " file TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'running',"
              + " 'done', 'failed')), attempts INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT"
              + " NULL DEFAULT 0, lease_owner TEXT, lease_until INTEGER, version INTEGER NOT NULL"
              + " DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, exit_code"
              + " INTEGER, duration_ms INTEGER, output TEXT, error TEXT)");
      st.executeUpdate("CREATE UNIQUE INDEX jobs_commit_file ON jobs (commit_id, file)");
      st.executeUpdate("CREATE INDEX jobs_due ON jobs (state, not_before, id)");
      st.executeUpdate(
          "INSERT INTO jobs (commit_id, file, state, attempts, not_before, lease_owner,"
              + " lease_until, version, created_at, updated_at, exit_code, duration_ms, output,"
              + " error) VALUES"
              + " ('c1', 'a.txt', 'done', 1, 0, NULL, NULL, 2, 1, 2, 0, 10, 'out', NULL),"
              + " ('c1', 'b.txt', 'failed', 3, 0, NULL, NULL, 6, 1, 2, 1, 10, 'o', 'exit 1'),"
              + " ('c2', 'a.txt', 'running', 1, 0, 'pid-1-x', 99, 1, 1, 2, NULL, NULL, NULL, NULL),"
              + " ('c2', 'c.txt', 'pending', 0, 0, NULL, NULL, 0, 1, 1, NULL, NULL, NULL, NULL)");
      st.executeUpdate("PRAGMA user_version = 1");
    }
  }

  @Test
  void a_queue_made_by_schema_version_one_is_migrated_keeping_every_job() throws Exception {
    Path db = dir.resolve(".code-query/queue.db");
    createVersionOne(db);
    List<Job> before;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + JobRows.COLUMNS + " FROM jobs ORDER BY id")) {
      before = new ArrayList<>();
      while (rs.next()) {
        before.add(JobRows.job(rs));
      }
    }
    try (JobQueue q = JobQueue.open(db, 2, Duration.ofSeconds(60), clock)) {
      List<Job> after = new ArrayList<>(q.list(Optional.empty(), 100));
      Collections.reverse(after);
      assertEquals(before, after);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      ResultSet rs = st.executeQuery("PRAGMA user_version");
      rs.next();
      assertEquals(JobQueue.SCHEMA_VERSION, rs.getInt(1));
      Set<String> columns = new TreeSet<>();
      rs = st.executeQuery("PRAGMA table_info(jobs)");
      while (rs.next()) {
        columns.add(rs.getString("name"));
      }
      assertTrue(
          columns.containsAll(Set.of("run_pid", "run_start_ticks", "run_boot_id")),
          columns.toString());
    }
  }

  @Test
  void two_jobs_of_one_file_never_run_at_once_and_run_in_commit_order() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt", "b.txt"));
      q.enqueue("c2", List.of("a.txt"));
      Job first = q.claim("slot-1", LEASE).orElseThrow();
      Job second = q.claim("slot-2", LEASE).orElseThrow();
      assertEquals("c1:a.txt", first.describe());
      assertEquals("c1:b.txt", second.describe());
      assertTrue(q.claim("slot-3", LEASE).isEmpty(), "c2:a.txt waits while c1:a.txt runs");
      q.complete(first, new JobResult(0, 1, ""));
      assertEquals("c2:a.txt", q.claim("slot-3", LEASE).orElseThrow().describe());
    }
  }

  @Test
  void a_newer_job_of_a_file_waits_for_an_older_one_in_its_retry_delay() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      q.enqueue("c2", List.of("a.txt"));
      Job first = q.claim("slot-1", LEASE).orElseThrow();
      q.fail(first, "exit code 1", true);
      assertTrue(q.claim("slot-1", LEASE).isEmpty(), "c2 must not overtake c1's retry");
      clock.advance(Duration.ofSeconds(60));
      assertEquals("c1:a.txt", q.claim("slot-1", LEASE).orElseThrow().describe());
    }
  }

  @Test
  void an_expired_run_of_a_file_is_reclaimed_before_a_newer_job_of_it() {
    try (JobQueue q = JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      q.enqueue("c2", List.of("a.txt"));
      q.claim("dead-worker", LEASE).orElseThrow();
      clock.advance(LEASE.plusSeconds(1));
      assertEquals("c1:a.txt", q.claim("slot-1", LEASE).orElseThrow().describe());
      assertTrue(q.claim("slot-2", LEASE).isEmpty());
    }
  }

  @Test
  void a_run_is_recorded_for_its_claim_only() throws Exception {
    Path db = dir.resolve("q.db");
    try (JobQueue q = JobQueue.open(db, 2, Duration.ofSeconds(60), clock)) {
      q.enqueue("c1", List.of("a.txt"));
      Job claimed = q.claim("w", LEASE).orElseThrow();
      assertTrue(q.recordRun(claimed, new RecordedRun(4242, 777, "boot")));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        assertEquals(
            Optional.of(new RecordedRun(4242, 777, "boot")), ClaimJobs.recordedRun(c, claimed));
      }
      clock.advance(LEASE.plusSeconds(1));
      // A different boot: nothing to end; the job is claimed again, the old claim fenced.
      Job again = q.claim("w2", LEASE).orElseThrow();
      assertTrue(!q.recordRun(claimed, new RecordedRun(1, 1, "b")), "the old claim is fenced");
      assertTrue(q.recordRun(again, new RecordedRun(5, 6, "boot")));
    }
  }
}
