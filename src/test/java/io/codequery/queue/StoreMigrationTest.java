package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.project.RepoPath;
import io.codequery.store.Document;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import io.codequery.store.NewWorker;
import io.codequery.store.Outcome;
import io.codequery.store.RecordedRun;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerState;
import io.codequery.store.WriteFixtureStore;
import io.codequery.testing.SettableClock;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by an earlier code-query (the committed fixture {@code store-v3.db}, made by
 * {@link WriteFixtureStore} with the code of schema 3) is migrated in place and loses nothing.
 */
class StoreMigrationTest {
  private static final String A = "a".repeat(40);

  @TempDir Path dir;

  Path fixture(int version) throws Exception {
    Path db = dir.resolve(".code-query/queue.db");
    Files.createDirectories(db.getParent());
    try (InputStream in =
        StoreMigrationTest.class.getResourceAsStream(
            "/io/codequery/store/store-v" + version + ".db")) {
      Files.copy(in, db);
    }
    return db;
  }

  static int userVersion(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void a_schema_3_store_is_migrated_in_place_with_every_job_kept() throws Exception {
    Path db = fixture(3);
    assertEquals(3, userVersion(db), "the fixture is what schema 3 wrote");
    SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
    try (JobQueue q = JobQueue.open(db, 2, Duration.ofSeconds(60), clock)) {
      List<Job> jobs =
          q.list(Optional.empty(), 100).stream().sorted(Comparator.comparing(Job::id)).toList();
      assertEquals(8, jobs.size());
      Job done = jobs.get(0);
      assertEquals(
          List.of(WriteFixtureStore.C1, "src/A.java", A, JobState.DONE, 0, 1234L),
          List.of(
              done.commit(),
              done.file().display(),
              done.blob(),
              done.state(),
              done.exitCode(),
              done.durationMs()));
      assertEquals("documentation of A", done.output());
      assertEquals(Outcome.DOCUMENTED, done.outcome());
      Job failed = jobs.get(1);
      assertEquals(
          List.of(JobState.FAILED, "exit code 3"), List.of(failed.state(), failed.error()));
      Job running = jobs.get(2);
      assertEquals(JobState.RUNNING, running.state());
      assertEquals("pid-1-aa", running.leaseOwner());
      Job retry = jobs.get(3);
      assertEquals(RepoPath.of("docs/ünï\nname.md"), retry.file());
      assertEquals(JobState.PENDING, retry.state());
      assertEquals(Instant.parse("2026-11-28T12:01:01Z"), retry.notBefore());
      assertTrue(retry.error().startsWith("timed out after 600 s"), retry.error());
      assertEquals(WriteFixtureStore.NOT_UTF8, jobs.get(4).file());
      assertEquals(WriteFixtureStore.C2, jobs.get(6).commit());
      assertNull(jobs.get(7).blob(), "queued by name alone");
      assertTrue(jobs.stream().allMatch(j -> !j.force()));
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        assertEquals(
            Optional.of(new RecordedRun(4242, 987654, "boot-id-of-the-fixture")),
            ClaimJobs.recordedRun(c, running));
      }

      // The done job's output is the document it wrote: searchable at once, its processor unknown.
      Document doc = q.document(RepoPath.of("src/A.java")).orElseThrow();
      assertEquals(
          List.of(
              "documentation of A", WriteFixtureStore.C1, A, ImportJobOutputs.IMPORTED_PROCESSOR),
          List.of(doc.text(), doc.commit(), doc.blob(), doc.processor()));
      assertEquals(1, q.documents().size());
      SearchOutcome found = q.search(new SearchRequest("documentation", 10, null));
      assertEquals(1, assertInstanceOf(SearchOutcome.Hits.class, found).hits().size());

      // And the queue goes on: every due job is claimed (the running one's lease has expired; its
      // recorded run is of another boot, so there is nothing of it to end).
      List<String> claimed = new ArrayList<>();
      Optional<Job> next;
      while ((next = q.claim("new-worker", Duration.ofSeconds(30))).isPresent()) {
        claimed.add(next.get().describe());
        q.complete(next.get(), new JobResult(0, 1, ""));
      }
      assertEquals(6, claimed.size(), claimed.toString());
      assertEquals(0, q.enqueue(WriteFixtureStore.C1, List.of("src/B.java")), "keys kept");
    }
    assertEquals(JobQueue.SCHEMA_VERSION, userVersion(db));
  }

  @Test
  void a_schema_4_store_gains_the_worker_registry_in_place_with_every_job_kept() throws Exception {
    Path db = fixture(4);
    assertEquals(4, userVersion(db), "the fixture is what schema 4 wrote");
    Map<String, Long> before = rowsByState(db);
    assertEquals(8L, before.values().stream().mapToLong(Long::longValue).sum(), before.toString());
    SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
    try (JobQueue q = JobQueue.open(db, 2, Duration.ofSeconds(60), clock)) {
      assertEquals(before, rowsByState(db), "every job kept as it was");
      assertEquals(List.of(), q.workers().workers(), "no worker registered yet");
      // The fixture's running job was claimed as pid-1-aa: a worker of that lease owner holds it.
      WorkerRecord w =
          q.workers()
              .register(
                  new NewWorker(
                      "host",
                      "machine/boot/pid:[1]",
                      1,
                      -1,
                      dir.toString(),
                      "test",
                      "pid-1-aa",
                      Duration.ofSeconds(1),
                      Duration.ofSeconds(600)));
      assertEquals(1, w.jobsRunning());
      assertEquals(WorkerState.RUNNING, w.state());
    }
    assertEquals(JobQueue.SCHEMA_VERSION, userVersion(db));
  }

  private static Map<String, Long> rowsByState(Path db) throws Exception {
    Map<String, Long> rows = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT state, COUNT(*) FROM jobs GROUP BY state")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getLong(2));
      }
    }
    return rows;
  }
}
