package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations keep every job of a queue made by an earlier code-query. */
class QueueSchemaTest {
  @TempDir Path dir;

  /** Schema version 1, as code-query wrote it before blob ids: kept here verbatim. */
  static final String VERSION_1 =
      "CREATE TABLE jobs ( id INTEGER PRIMARY KEY AUTOINCREMENT, commit_id TEXT NOT NULL, file TEXT"
          + " NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done',"
          + " 'failed')), attempts INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL DEFAULT"
          + " 0, lease_owner TEXT, lease_until INTEGER, version INTEGER NOT NULL DEFAULT 0,"
          + " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, exit_code INTEGER,"
          + " duration_ms INTEGER, output TEXT, error TEXT)";

  @Test
  void a_version_1_queue_is_migrated_and_loses_nothing() throws Exception {
    Path db = dir.resolve("queue.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.executeUpdate(VERSION_1);
      st.executeUpdate("CREATE UNIQUE INDEX jobs_commit_file ON jobs (commit_id, file)");
      st.executeUpdate("CREATE INDEX jobs_due ON jobs (state, not_before, id)");
      st.executeUpdate(
          "INSERT INTO jobs (commit_id, file, state, attempts, not_before, lease_owner,"
              + " lease_until, version, created_at, updated_at, exit_code, duration_ms, output,"
              + " error) VALUES ('c1', 'a.txt', 'done', 1, 0, NULL, NULL, 1, 10, 20, 0, 5, 'out',"
              + " NULL), ('c1', 'ünï\n"
              + "name.md', 'pending', 0, 30, NULL, NULL, 0, 11, 11, NULL, NULL, NULL, NULL), ('c2',"
              + " 'b.txt', 'running', 2, 0, 'pid-1-ab', 99, 3, 12, 40, NULL, NULL, NULL, 'x'),"
              + " ('c2', 'c.txt', 'failed', 3, 0, NULL, NULL, 4, 13, 50, 2, 7, 'o', 'exit code"
              + " 2')");
      st.executeUpdate("PRAGMA user_version = 1");
    }
    try (JobQueue q = JobQueue.open(db, 2, Duration.ofSeconds(60), Clock.systemUTC())) {
      List<Job> jobs =
          q.list(Optional.empty(), 10).stream().sorted(Comparator.comparing(Job::id)).toList();
      assertEquals(4, jobs.size());
      Job done = jobs.get(0);
      assertEquals(
          List.of("c1", "a.txt", "done", 1, "out", 0, 5L),
          List.of(
              done.commit(),
              done.file().display(),
              done.state().id(),
              done.attempts(),
              done.output(),
              done.exitCode(),
              done.durationMs()));
      assertEquals(Instant.ofEpochMilli(20), done.updatedAt());
      assertNull(done.blob());
      assertEquals(RepoPath.of("ünï\nname.md"), jobs.get(1).file());
      assertEquals(Instant.ofEpochMilli(30), jobs.get(1).notBefore());
      assertEquals("pid-1-ab", jobs.get(2).leaseOwner());
      assertEquals(Instant.ofEpochMilli(99), jobs.get(2).leaseUntil());
      assertEquals(3, jobs.get(2).version());
      assertEquals("exit code 2", jobs.get(3).error());
      // The old unique key still holds: the same (commit, file) is not queued twice.
      assertEquals(0, q.enqueue("c1", List.of("a.txt")));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      rs.next();
      assertEquals(JobQueue.SCHEMA_VERSION, rs.getInt(1));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA table_info(jobs)")) {
      Set<String> columns = new TreeSet<>();
      while (rs.next()) {
        columns.add(rs.getString("name"));
      }
      assertTrue(
          columns.containsAll(Set.of("run_pid", "run_start_ticks", "run_boot_id", "blob_id")),
          columns.toString());
    }
  }

  @Test
  void two_names_a_decoder_would_merge_are_two_jobs_and_read_back_as_their_bytes()
      throws Exception {
    RepoPath raw = RepoPath.ofBytes(new byte[] {'x', (byte) 0xff, '.', 't'});
    RepoPath replaced = RepoPath.of("x\ufffd.t");
    String blob = "b".repeat(40);
    try (JobQueue q =
        JobQueue.open(dir.resolve("q.db"), 2, Duration.ofSeconds(60), Clock.systemUTC())) {
      assertEquals(
          2, q.enqueueFiles("c", List.of(new JobFile(raw, blob), new JobFile(replaced, null))));
      assertEquals(0, q.enqueueFiles("c", List.of(new JobFile(raw, blob))), "duplicates collapse");
      List<Job> jobs = q.list(Optional.empty(), 10);
      assertEquals(List.of(replaced, raw), jobs.stream().map(Job::file).toList());
      assertEquals(blob, jobs.get(1).blob());
      Job claimed = q.claim("w", Duration.ofSeconds(30)).orElseThrow();
      assertEquals(raw, claimed.file());
      assertEquals(blob, claimed.blob());
    }
    // Stored canonically: a valid UTF-8 name as TEXT (as before), any other as a BLOB.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("q.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT typeof(file) FROM jobs ORDER BY id")) {
      rs.next();
      assertEquals("blob", rs.getString(1));
      rs.next();
      assertEquals("text", rs.getString(1));
    }
  }
}
