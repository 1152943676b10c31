package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.CliProcess;
import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code queue add --all} on a real repository of 20,000 files, in a JVM of its own,
 * while a batch's transaction is open (held up by another writer): the queue keeps whole batches
 * only and passes SQLite's integrity check, and running it again queues exactly what is missing.
 * (Ctrl-C between batches, which ends the run after the batch in hand and says so, is {@code
 * BackfillTest}'s.)
 */
class BackfillInterruptTest {
  private static final int FILES = 20_000;

  @TempDir Path tmp;

  static void sh(Path dir, String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), script);
    assertEquals(0, p.exitValue(), script);
  }

  static long count(Path db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void ctrl_c_leaves_whole_batches_and_a_second_run_finishes_the_work() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("big")).toRealPath();
    for (int d = 0; d < FILES / 500; d++) {
      Path dir = Files.createDirectories(root.resolve("d" + d));
      for (int f = 0; f < 500; f++) {
        Files.writeString(dir.resolve("f" + f + ".txt"), "file " + d + " " + f + "\n");
      }
    }
    sh(root, "git init -q . && git add -A");
    sh(root, "git -c user.name=t -c user.email=t@example.invalid commit -qm big");
    Files.createDirectories(root.resolve(".code-query"));

    Path db = root.resolve(".code-query/queue.db");
    List<String> cmd = new ArrayList<>(RealWorker.javaCommand());
    cmd.addAll(List.of("io.codequery.cli.Main", "queue", "add", "--all"));
    Process p =
        new ProcessBuilder(cmd)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(db) || !p.isAlive());
    long seen;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db + "?busy_timeout=0")) {
      // Take the write lock the moment a batch is in: the backfill's next transaction now waits
      // for it, so Ctrl-C lands inside a transaction, the hard case.
      seen = lockAfterFirstBatch(c, p);
      sh(root, "kill -INT " + p.pid());
      // It waits (10 s) for the batch in hand, which cannot end while the lock is held; then the
      // JVM halts with that transaction open.
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(130, p.exitValue(), "ended by SIGINT");
      try (Statement st = c.createStatement()) {
        st.execute("ROLLBACK");
      }
    }
    assertTrue(seen > 0 && seen < FILES, "interrupted midway: " + seen + " queued");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertEquals("ok", rs.getString(1));
    }
    long queued = count(db, "SELECT COUNT(*) FROM jobs");
    assertEquals(seen, queued, "nothing of the interrupted transaction stayed");
    assertEquals(0, queued % 500, "whole batches only: " + queued);

    CliProcess.Result again = CliProcess.in(root).run("queue", "add", "--all", "--json");
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("\"queued\":" + (FILES - queued)), again.out());
    assertEquals(FILES, count(db, "SELECT COUNT(*) FROM jobs"));
    assertEquals(FILES, count(db, "SELECT COUNT(DISTINCT file) FROM jobs"));
  }

  /**
   * Waits until the backfill's first batch is committed, then holds the write lock ({@code BEGIN
   * IMMEDIATE} on {@code c}); returns how many jobs were in the queue then.
   */
  private static long lockAfterFirstBatch(Connection c, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertTrue(p.isAlive(), "the backfill ended before a batch could be held up");
      try (Statement st = c.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
        long n = 0;
        try (ResultSet rs =
            st.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'jobs'")) {
          if (rs.next() && rs.getLong(1) == 1) {
            try (ResultSet jobs = st.executeQuery("SELECT COUNT(*) FROM jobs")) {
              jobs.next();
              n = jobs.getLong(1);
            }
          }
        }
        if (n > 0) {
          return n;
        }
        st.execute("ROLLBACK");
      } catch (SQLException busy) {
        // the backfill holds the lock right now: look again
        try (Statement st = c.createStatement()) {
          st.execute("ROLLBACK");
        } catch (SQLException notInATransaction) {
          // BEGIN itself was refused
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no batch within 120 s");
  }
}
