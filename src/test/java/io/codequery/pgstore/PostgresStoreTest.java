package io.codequery.pgstore;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.JobState;
import io.codequery.store.JobStore;
import io.codequery.store.NewDocument;
import io.codequery.store.NewWorker;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import io.codequery.store.WorkerState;
import io.codequery.testing.TestPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the PostgreSQL store does beyond the shared contract: hosts at once, real leases. */
class PostgresStoreTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  private static final String PROCESSOR = "builtin:test";

  private static PostgresStore open(String database) {
    return PgTestStores.open(
        PG.server().jdbcUrl(database), 2, Duration.ofSeconds(60), () -> Duration.ZERO);
  }

  @Test
  void is_shared_with_other_hosts_under_its_name() {
    try (PostgresStore store = open(PG.createDatabase("shared"))) {
      // The one answer behind two decisions: a missing commit waits for another host rather than
      // failing, and a worker cut off from the store fences itself.
      assertEquals(Optional.of(store.where()), store.sharedWithOtherHosts());
    }
  }

  @Test
  void three_hosts_starting_at_once_migrate_the_schema_once() throws Exception {
    String database = PG.createDatabase("migrate");
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService hosts = Executors.newFixedThreadPool(3);
    List<Future<PostgresStore>> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      started.add(
          hosts.submit(
              () -> {
                go.await();
                return open(database);
              }));
    }
    go.countDown();
    List<PostgresStore> stores = new ArrayList<>();
    try {
      for (Future<PostgresStore> f : started) {
        stores.add(f.get(60, TimeUnit.SECONDS));
      }
      try (Connection c = DriverManager.getConnection(PG.server().jdbcUrl(database));
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM"
                      + " code_query.schema_version")) {
        rs.next();
        assertEquals(PgSchema.VERSION, rs.getInt(1), "each step recorded once");
        assertEquals(PgSchema.VERSION, rs.getInt(2));
        assertEquals(PgSchema.VERSION, rs.getInt(3));
      }
      for (PostgresStore s : stores) {
        assertEquals(PgSchema.VERSION, s.schemaVersion());
      }
    } finally {
      stores.forEach(PostgresStore::close);
      hosts.shutdownNow();
    }
  }

  /**
   * A store made by the code before the worker registry (schema version 1, jobs in it) gains the
   * {@code workers} table when this code opens it, and keeps its jobs.
   */
  @Test
  void a_store_of_schema_version_1_gains_the_worker_registry_and_keeps_its_jobs() throws Exception {
    String database = PG.createDatabase("v1");
    try (PostgresStore made = open(database)) {
      made.enqueue("c", List.of("a.txt", "b.txt"));
    }
    // Back to what version 1 held: no workers table, one step recorded.
    try (Connection c = DriverManager.getConnection(PG.server().jdbcUrl(database));
        Statement st = c.createStatement()) {
      st.executeUpdate("DROP TABLE code_query.workers");
      st.executeUpdate("DROP SEQUENCE code_query.worker_lock_keys");
      st.executeUpdate("DELETE FROM code_query.schema_version WHERE version > 1");
    }
    try (PostgresStore store = open(database)) {
      assertEquals(PostgresStore.SCHEMA_VERSION, store.schemaVersion());
      assertEquals(2, store.depth(), "the jobs are kept");
      String id =
          store
              .register(
                  new NewWorker(
                      "alpha",
                      "machine/boot/pid:[1]",
                      7,
                      -1,
                      "/srv/p",
                      "1",
                      "pid-7-x",
                      Duration.ofSeconds(1),
                      Duration.ofMinutes(10)))
              .workerId();
      assertEquals(WorkerState.RUNNING, store.worker(id).orElseThrow().state());
    }
  }

  @Test
  void a_user_who_may_only_read_the_store_opens_it_and_searches() throws Exception {
    String database = PG.createDatabase("reader");
    try (PostgresStore owner = open(database)) {
      owner.enqueue("c", List.of("a.txt"));
      Job job = owner.claim("w", Duration.ofSeconds(30)).orElseThrow();
      owner.complete(
          job, new JobResult(0, 1, "", new NewDocument("a readable text", 15, false, PROCESSOR)));
    }
    try (Connection c = DriverManager.getConnection(PG.server().jdbcUrl(database));
        Statement st = c.createStatement()) {
      st.executeUpdate("DROP ROLE IF EXISTS reader");
      st.executeUpdate("CREATE ROLE reader LOGIN");
      st.executeUpdate("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
      st.executeUpdate("GRANT USAGE ON SCHEMA code_query TO reader");
      st.executeUpdate("GRANT SELECT ON ALL TABLES IN SCHEMA code_query TO reader");
    }
    Properties reader = new Properties();
    reader.setProperty("user", "reader");
    String url = PG.server().jdbcUrl(database).replace("?user=postgres", "");
    try (PostgresStore store =
        PostgresStore.open(
            url, reader, url, new PostgresStore.Options(2, Duration.ofSeconds(60)))) {
      assertEquals(PgSchema.VERSION, store.schemaVersion());
      SearchOutcome.Hits hits =
          assertInstanceOf(
              SearchOutcome.Hits.class, store.search(new SearchRequest("readable", 10, null)));
      assertEquals(1, hits.hits().size());
    }
  }

  @Test
  void a_schema_newer_than_this_code_is_refused_naming_the_store() throws Exception {
    String database = PG.createDatabase("newer");
    open(database).close();
    try (Connection c = DriverManager.getConnection(PG.server().jdbcUrl(database));
        Statement st = c.createStatement()) {
      st.executeUpdate("INSERT INTO code_query.schema_version (version) VALUES (99)");
    }
    CodeQueryException e = assertThrows(CodeQueryException.class, () -> open(database));
    assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    assertTrue(e.getMessage().contains("upgrade code-query"), e.getMessage());
  }

  @Test
  void three_hosts_claiming_from_one_store_claim_each_job_once() throws Exception {
    String database = PG.createDatabase("hosts");
    List<PostgresStore> hosts = List.of(open(database), open(database), open(database));
    int jobs = 300;
    hosts.get(0).enqueue("c", IntStream.range(0, jobs).mapToObj(i -> "f" + i).toList());
    ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService slots = Executors.newFixedThreadPool(9);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 9; t++) {
        PostgresStore host = hosts.get(t % 3);
        String owner = "host-" + (t % 3) + "-slot-" + t;
        running.add(
            slots.submit(
                () -> {
                  go.await();
                  Optional<Job> job;
                  while ((job = host.claim(owner, Duration.ofSeconds(30))).isPresent()) {
                    claimed.add(job.get().id());
                    assertTrue(host.complete(job.get(), new JobResult(0, 1, "")).isPresent());
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : running) {
        f.get(3, TimeUnit.MINUTES);
      }
    } finally {
      slots.shutdownNow();
    }
    Set<Long> unique = new HashSet<>(claimed);
    assertEquals(claimed.size(), unique.size(), "a job was claimed twice");
    assertEquals(jobs, unique.size());
    assertEquals(jobs, hosts.get(1).counts().get(JobState.DONE));
    hosts.forEach(PostgresStore::close);
  }

  @Test
  void a_lease_runs_out_on_the_database_s_clock_and_the_late_result_is_discarded() {
    try (PostgresStore store = open(PG.createDatabase("lease"))) {
      store.enqueue("c", List.of("a.txt"));
      Job frozen = store.claim("frozen-worker", Duration.ofSeconds(1)).orElseThrow();
      assertTrue(store.claim("other", Duration.ofSeconds(30)).isEmpty(), "a live lease holds");
      Job taken =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> store.claim("other", Duration.ofSeconds(30)), Optional::isPresent)
              .orElseThrow();
      assertEquals(frozen.id(), taken.id());
      assertTrue(taken.version() > frozen.version(), "a new lease token");
      assertTrue(store.complete(frozen, new JobResult(0, 1, "late")).isEmpty(), "fenced");
      assertFalse(store.extendLease(frozen, Duration.ofSeconds(30)));
      assertTrue(store.complete(taken, new JobResult(0, 1, "on time")).isPresent());
      assertEquals("on time", store.get(taken.id()).orElseThrow().output());
    }
  }

  @Test
  void nul_characters_a_command_printed_are_kept_as_replacement_characters() {
    try (PostgresStore store = open(PG.createDatabase("nul"))) {
      store.enqueue("c", List.of("a.txt"));
      Job job = store.claim("w", Duration.ofSeconds(30)).orElseThrow();
      Job done =
          store
              .complete(
                  job,
                  new JobResult(
                      0, 1, "out\0put", new NewDocument("doc\0text", 8, false, PROCESSOR)))
              .orElseThrow();
      assertEquals("out\uFFFDput", done.output());
      assertEquals("doc\uFFFDtext", store.document(RepoPath.of("a.txt")).orElseThrow().text());
    }
  }

  @Test
  void hostile_queries_and_globs_are_data_never_sql_nor_an_error() {
    try (PostgresStore store = open(PG.createDatabase("hostile"))) {
      store.enqueue("c", List.of("src/a.sql"));
      Job job = store.claim("w", Duration.ofSeconds(30)).orElseThrow();
      store.complete(
          job, new JobResult(0, 1, "", new NewDocument("drop table text", 15, false, PROCESSOR)));
      for (String q :
          List.of(
              "'); DROP TABLE documents; --",
              "drop & table",
              "table:*",
              "a <-> b",
              "!! drop",
              "\\' drop",
              "drop\0table")) {
        SearchOutcome out = store.search(new SearchRequest(q, 10, null));
        assertInstanceOf(SearchOutcome.Hits.class, out, q);
      }
      for (String glob : List.of("[z-a]", "[", "src/[", "(", "\\", "src/*.sql", "[[:alpha:]")) {
        assertInstanceOf(
            SearchOutcome.Hits.class, store.search(new SearchRequest("drop", 10, glob)), glob);
      }
      assertEquals(
          1,
          ((SearchOutcome.Hits) store.search(new SearchRequest("drop", 10, "src/*.sql")))
              .hits()
              .size());
      assertEquals(1, store.documents().size(), "the table is still there");
    }
  }

  @Test
  void a_listening_host_hears_of_another_host_s_jobs_within_a_second() throws Exception {
    String database = PG.createDatabase("listen");
    try (PostgresStore idle = open(database);
        PostgresStore other = open(database)) {
      AtomicInteger heard = new AtomicInteger();
      try (JobStore.Subscription s = idle.listenForJobs(heard::incrementAndGet)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() >= 1); // listening now
        int before = heard.get();
        long start = System.nanoTime();
        other.enqueue("c", List.of("a.txt"));
        await()
            .atMost(Duration.ofSeconds(1))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> heard.get() > before);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("LISTEN/NOTIFY wake-up after enqueue: " + ms + " ms");
        other.enqueue("c", List.of("a.txt")); // nothing new: no notification
        Thread.sleep(500);
        assertEquals(before + 1, heard.get(), "an ingest that queued nothing notifies no one");
      }
    }
  }

  @Test
  void after_a_server_restart_the_store_and_its_listener_carry_on_and_nothing_is_lost() {
    String database = PG.createDatabase("restart");
    try (PostgresStore store = open(database)) {
      AtomicInteger heard = new AtomicInteger();
      store.enqueue("c", List.of("before.txt"));
      Job running = store.claim("w", Duration.ofSeconds(60)).orElseThrow();
      try (JobStore.Subscription s = store.listenForJobs(heard::incrementAndGet)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() >= 1);
        PG.server().restart();
        // The listener listens again, and says so: jobs may have come while it could not hear.
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.get() >= 2);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> store.enqueue("c", List.of("after.txt")) == 1);
        assertTrue(store.complete(running, new JobResult(0, 1, "")).isPresent(), "claim held");
        Job next = store.claim("w", Duration.ofSeconds(60)).orElseThrow();
        assertEquals("after.txt", next.file().display());
      }
    }
  }

  @Test
  void an_unreachable_store_says_where_and_what_to_check_within_seconds() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String where = "127.0.0.1:" + closedPort + "/nothing";
    long start = System.nanoTime();
    CodeQueryException e =
        assertThrows(
            CodeQueryException.class,
            () ->
                PostgresStore.open(
                    "jdbc:postgresql://" + where + "?user=postgres",
                    new Properties(),
                    where,
                    new PostgresStore.Options(2, Duration.ofSeconds(60))));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
    assertTrue(
        e.getMessage().startsWith("cannot reach the PostgreSQL store at " + where), e.getMessage());
    assertTrue(e.getMessage().contains("check that the server runs"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  /**
   * The claim's cost does not grow with the jobs done: half-way through a backfill (2,000 jobs
   * done, 2,000 to do) it reads a few index entries and rows (schema step 3's indexes of the
   * unfinished jobs); before them it walked the primary key past every job done (30 ms at 5,000).
   */
  @Test
  void a_claim_reads_the_unfinished_jobs_not_every_job_done() throws Exception {
    String database = PG.createDatabase("claimcost");
    try (PostgresStore store = open(database)) {
      store.enqueue("c1", IntStream.range(0, 4_000).mapToObj(i -> "f" + i).toList());
    }
    try (Connection c = DriverManager.getConnection(PG.server().jdbcUrl(database));
        Statement st = c.createStatement()) {
      st.execute("SET search_path = code_query");
      // Done as a worker leaves them, in one statement (2,000 claims would take a while).
      st.executeUpdate(
          "UPDATE jobs SET state = 'done' WHERE id IN (SELECT id FROM jobs ORDER BY id"
              + " LIMIT 2000)");
      st.execute("ANALYZE jobs");
      String plan;
      try (PreparedStatement ps =
          c.prepareStatement(
              "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + PgClaims.claimStatement("now()"))) {
        ps.setString(1, "w");
        ps.setLong(2, 60_000);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          plan = rs.getString(1);
        }
      }
      Matcher removed = Pattern.compile("\"Rows Removed by Filter\": (\\d+)").matcher(plan);
      long skipped = 0;
      while (removed.find()) {
        skipped += Long.parseLong(removed.group(1));
      }
      Matcher hit = Pattern.compile("\"Shared Hit Blocks\": (\\d+)").matcher(plan);
      Matcher read = Pattern.compile("\"Shared Read Blocks\": (\\d+)").matcher(plan);
      assertTrue(hit.find() && read.find(), plan);
      long buffers = Long.parseLong(hit.group(1)) + Long.parseLong(read.group(1));
      assertTrue(skipped < 10, "rows read and passed over: " + skipped + "\n" + plan);
      assertTrue(buffers < 100, "buffers read by the claim: " + buffers + "\n" + plan);
      try (ResultSet rs = st.executeQuery("SELECT state FROM jobs WHERE file = 'f2000'::bytea")) {
        rs.next();
        assertEquals("running", rs.getString(1), "the EXPLAIN ANALYZE claimed the oldest to do");
      }
    }
  }
}
