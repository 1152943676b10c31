package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.CliProcess;
import io.codequery.testing.RealWorker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code queue add --all} on a real repository of 20,000 files, in a JVM of its own, interrupted
 * for real: Ctrl-C ends it after the batch in hand and says so; {@code kill -9} in the middle of a
 * batch leaves no part of it. Either way the queue holds whole batches only and passes SQLite's
 * integrity check, and running it again queues exactly what is missing.
 *
 * <p>To interrupt it midway whatever the machine's speed, the process is frozen ({@code SIGSTOP})
 * as soon as it says how many files it will queue — before its first batch or within one — and
 * signalled while frozen.
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

  static void assertSound(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertEquals("ok", rs.getString(1));
    }
    long queued = count(db, "SELECT COUNT(*) FROM jobs");
    assertTrue(queued < FILES, "interrupted before the end: " + queued);
    assertEquals(0, queued % 500, "whole batches only: " + queued);
  }

  /** A backfill frozen once it has said how many files it will queue; its output so far. */
  record Frozen(Process process, List<String> lines) {
    static Frozen start(Path root) throws Exception {
      // SIGINT back to its default first: a test run started in the background of a
      // non-interactive shell (`.ci/run &`) ignores it, every child inherits that, and a JVM
      // keeps an ignored SIGINT ignored — Ctrl-C would then do nothing.
      List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
      cmd.addAll(RealWorker.javaCommand());
      cmd.addAll(List.of("io.codequery.cli.Main", "queue", "add", "--all"));
      Process p =
          new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith("0/" + FILES + " files")) {
                      sh(root, "kill -STOP " + p.pid());
                    }
                  }
                } catch (Exception e) {
                  lines.add("reader: " + e);
                }
              });
      reader.setDaemon(true);
      reader.start();
      await().atMost(Duration.ofSeconds(120)).until(() -> stopped(p) || !p.isAlive());
      assertTrue(p.isAlive(), "it ended before it could be frozen: " + lines);
      return new Frozen(p, lines);
    }

    private static boolean stopped(Process p) throws Exception {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    }

    String output() {
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }
  }

  @Test
  void ctrl_c_or_kill_9_leave_whole_batches_and_a_run_after_finishes_the_work() throws Exception {
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

    // Ctrl-C: the batch in hand ends, then the backfill stops and says so.
    Frozen first = Frozen.start(root);
    sh(root, "kill -INT " + first.process().pid() + " && kill -CONT " + first.process().pid());
    assertTrue(first.process().waitFor(60, TimeUnit.SECONDS));
    assertEquals(130, first.process().exitValue(), "ended by SIGINT: " + first.output());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> first.output().contains("run `code-query queue add --all` again to finish"));
    assertTrue(first.output().contains("✗ interrupted: " + FILES + " tracked file(s)"));
    assertSound(db);

    // kill -9 wherever it is (inside a batch's transaction, or between two): nothing half done.
    Frozen second = Frozen.start(root);
    sh(root, "kill -KILL " + second.process().pid());
    assertTrue(second.process().waitFor(60, TimeUnit.SECONDS));
    assertSound(db);

    long queued = count(db, "SELECT COUNT(*) FROM jobs");
    CliProcess.Result again = CliProcess.in(root).run("queue", "add", "--all", "--json");
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("\"queued\":" + (FILES - queued)), again.out());
    assertEquals(FILES, count(db, "SELECT COUNT(*) FROM jobs"));
    assertEquals(FILES, count(db, "SELECT COUNT(DISTINCT file) FROM jobs"));
  }
}
