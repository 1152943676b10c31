package io.codequery.pgstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.store.Beat;
import io.codequery.store.Job;
import io.codequery.store.NewWorker;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerState;
import io.codequery.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-life session lock on a real server: a life whose lock session ends is dead at once for
 * every reader and for the reaper, while a server restart (which ends every session) kills nobody
 * and the lock is taken again at the next heartbeat. A session ended by the server ({@code
 * pg_terminate_backend}) is what a killed worker's closed socket leads to.
 */
class PgWorkerLockTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  /** Long enough that no heartbeat age can make a life dead within a test. */
  private static final Duration BEAT = Duration.ofSeconds(60);

  private static final Duration LEASE = Duration.ofSeconds(600);

  private static PostgresStore open(String jdbcUrl) {
    return PgTestStores.open(jdbcUrl, 2, Duration.ofSeconds(60), () -> Duration.ZERO);
  }

  static NewWorker worker(String host, String claimOwner) {
    return new NewWorker(
        host,
        "machine-" + host + "/boot-1/pid:[4026531836]",
        4242,
        123_456,
        "/srv/project",
        "1.2.3",
        claimOwner,
        BEAT,
        Duration.ofSeconds(600));
  }

  @Test
  void a_life_whose_lock_session_ends_is_dead_at_once_and_its_jobs_are_claimable()
      throws Exception {
    String url = PG.server().jdbcUrl(PG.createDatabase("lock_gone"));
    try (PostgresStore alpha = open(url);
        PostgresStore beta = open(url)) {
      alpha.enqueue("c1", List.of("a.txt"));
      WorkerRecord dies = alpha.register(worker("alpha", "pid-1-aaaa"));
      WorkerRecord lives = beta.register(worker("beta", "pid-2-bbbb"));
      Job held = alpha.claim("pid-1-aaaa-s1", LEASE).orElseThrow();
      assertEquals(WorkerState.RUNNING, beta.worker(dies.workerId()).orElseThrow().state());
      assertEquals(List.of(), beta.reap(), "both hold their locks; nobody is dead");

      long ended = System.nanoTime();
      assertEquals(1, terminateLockSession(url, dies.workerId()));
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> beta.worker(dies.workerId()).orElseThrow().state() == WorkerState.DEAD);
      System.out.printf(
          "lock session ended -> listed dead in %d ms%n", (System.nanoTime() - ended) / 1_000_000);
      assertEquals(WorkerState.RUNNING, beta.worker(lives.workerId()).orElseThrow().state());

      List<WorkerRecord> reaped = beta.reap();
      assertEquals(List.of(dies.workerId()), reaped.stream().map(WorkerRecord::workerId).toList());
      Job again = beta.claim("pid-2-bbbb-s1", LEASE).orElseThrow();
      assertEquals(held.id(), again.id(), "the dead life's job is claimable at once");
      assertInstanceOf(Beat.Ended.class, alpha.heartbeat(dies.workerId(), true));
      assertInstanceOf(Beat.Recorded.class, beta.heartbeat(lives.workerId(), true));
    }
  }

  @Test
  void a_server_restart_kills_nobody_and_the_lock_is_taken_again_at_the_next_heartbeat()
      throws Exception {
    TestPostgres.Server server = TestPostgres.privateServer();
    try {
      server.createDatabase("restarted");
      String url = server.jdbcUrl("restarted");
      try (PostgresStore alpha = open(url)) {
        WorkerRecord life = alpha.register(worker("alpha", "pid-1-aaaa"));
        server.restart();
        try (PostgresStore beta = open(url)) {
          // Every lock went with the restart: the life is judged by its heartbeat, still young.
          assertEquals(List.of(), beta.reap());
          assertEquals(WorkerState.RUNNING, beta.worker(life.workerId()).orElseThrow().state());
          // The worker's pool reconnects; its heartbeat takes its lock again.
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> alpha.heartbeat(life.workerId(), true) instanceof Beat.Recorded);
          Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> lockSessions(url, life.workerId()) == 1);
          assertEquals(1, terminateLockSession(url, life.workerId()));
          Awaitility.await()
              .atMost(Duration.ofSeconds(5))
              .until(() -> beta.worker(life.workerId()).orElseThrow().state() == WorkerState.DEAD);
        }
      }
    } finally {
      server.close();
    }
  }

  @Test
  void a_stopped_life_releases_its_lock_and_stays_stopped() throws Exception {
    String url = PG.server().jdbcUrl(PG.createDatabase("lock_stop"));
    try (PostgresStore alpha = open(url)) {
      WorkerRecord life = alpha.register(worker("alpha", "pid-1-aaaa"));
      assertEquals(1, lockSessions(url, life.workerId()));
      alpha.markStopped(life.workerId());
      assertEquals(0, lockSessions(url, life.workerId()));
      assertEquals(WorkerState.STOPPED, alpha.worker(life.workerId()).orElseThrow().state());
      assertEquals(List.of(), alpha.reap());
      Optional<WorkerRecord> after = alpha.worker(life.workerId());
      assertTrue(after.isPresent() && after.get().state() == WorkerState.STOPPED);
    }
  }

  /**
   * A server that ends idle sessions ({@code idle_session_timeout}, set by a careful DBA) must not
   * end the lock session, which waits idle by design: the worker would read as dead.
   */
  @Test
  void an_idle_session_timeout_does_not_end_the_lock_session() throws Exception {
    String database = PG.createDatabase("idle_timeout");
    String url = PG.server().jdbcUrl(database);
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute("ALTER DATABASE " + database + " SET idle_session_timeout = '1s'");
    }
    try (PostgresStore alpha = open(url)) {
      WorkerRecord life = alpha.register(worker("alpha", "pid-1-aaaa"));
      assertEquals(1, lockSessions(url, life.workerId()));
      long since = System.nanoTime();
      // Three timeouts' worth of idleness: the lock session must still hold its lock.
      Awaitility.await()
          .pollDelay(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> System.nanoTime() - since >= Duration.ofSeconds(3).toNanos());
      assertEquals(1, lockSessions(url, life.workerId()), "the lock session outlived the timeout");
      assertEquals(WorkerState.RUNNING, alpha.worker(life.workerId()).orElseThrow().state());
    }
  }

  private static final String LOCK_OF =
      " FROM pg_locks l JOIN code_query.workers w ON l.locktype = 'advisory' AND l.classid ="
          + " (w.lock_key >> 32)::oid AND l.objid = (w.lock_key & 4294967295)::oid AND"
          + " l.objsubid = 1 AND l.granted WHERE w.worker_id = ?";

  /** How many sessions hold {@code workerId}'s lock. */
  private static int lockSessions(String url, String workerId) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("SELECT count(*)" + LOCK_OF)) {
      ps.setString(1, workerId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Ends the session holding {@code workerId}'s lock, as the server does when its client dies. */
  static int terminateLockSession(String url, String workerId) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(l.pid))" + LOCK_OF)) {
      ps.setString(1, workerId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
