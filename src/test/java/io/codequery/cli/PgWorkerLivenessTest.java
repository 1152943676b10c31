package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.codequery.pgstore.PostgresStore;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerState;
import io.codequery.testing.CliProject;
import io.codequery.testing.CliProject.Run;
import io.codequery.testing.RealWorker;
import io.codequery.testing.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker JVM on a real PostgreSQL store, and what happens to it for real: killed with {@code
 * kill -9} (every other host sees it dead at once, through its session lock), cut off from the
 * store while a job's command runs (it fences itself: the command is ended before anyone could take
 * the job over, and the job is done once after the server is back), and the server restarted in the
 * middle of a queue (every job done once, the worker alive).
 */
class PgWorkerLivenessTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @TempDir Path tmp;
  CliProject project;
  Path root;

  /** The project on {@code storeUrl}, its documentation command {@code processor} (a sh script). */
  void config(String storeUrl, int heartbeatSeconds, String processor, int concurrency)
      throws Exception {
    Path script = tmp.resolve("processor.sh");
    Files.writeString(script, processor);
    project.storeConfig(
        storeUrl,
        "\"max_retries\": 2, \"retry_delay_seconds\": 1, \"heartbeat_seconds\": "
            + heartbeatSeconds
            + ", \"concurrency\": "
            + concurrency
            + ", \"command\": [\"sh\", \""
            + script
            + "\", \"{path}\"]");
  }

  @BeforeEach
  void repository() throws Exception {
    Map<String, String> files = new HashMap<>();
    for (int i = 1; i <= 12; i++) {
      files.put("src/F" + i + ".java", "class F" + i + " {}\n");
    }
    project = CliProject.committed(tmp.resolve("project"), files);
    root = project.root();
  }

  private static PostgresStore otherHost(String url) {
    return PostgresStore.open(
        "jdbc:" + url, new Properties(), url, new PostgresStore.Options(0, Duration.ofSeconds(60)));
  }

  /** The worker of {@code pid} in {@code worker list --json}, if listed. */
  Optional<JsonObject> listed(int pid) {
    Run list = project.cli("worker", "list", "--json");
    assertEquals(0, list.code(), list.toString());
    for (JsonElement w : list.json().getAsJsonArray("workers")) {
      if (w.getAsJsonObject().get("pid").getAsLong() == pid) {
        return Optional.of(w.getAsJsonObject());
      }
    }
    return Optional.empty();
  }

  String stateOf(int pid) {
    return listed(pid).map(w -> w.get("state").getAsString()).orElse("unlisted");
  }

  /** Commits only.txt ("two") and queues its one job. */
  void queueOnlyTxt() throws Exception {
    Files.writeString(root.resolve("only.txt"), "one file\n");
    project.commit("two", "only.txt");
    Run add = project.cli("queue", "add", "HEAD", "--json");
    assertEquals(0, add.code(), add.toString());
    assertEquals(1, project.cli("queue", "status", "--json").json().get("pending").getAsInt());
  }

  String log() throws IOException {
    Path log = root.resolve(".code-query/worker.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /**
   * kill -9: the registry itself — what a worker of another host sees, with no PID-file verdict of
   * this host joined in — says dead as soon as the server ended the killed worker's session, long
   * before three heartbeats (15 s here) could; and so does {@code worker list}.
   */
  @Test
  void a_killed_worker_is_dead_in_the_registry_within_a_second_or_so() throws Exception {
    String url = PG.server().url(PG.createDatabase("killed"));
    config(url, 5, "echo \"# $1\"\n", 1);
    try (PostgresStore elsewhere = otherHost(url);
        RealWorker worker = RealWorker.start(root)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(worker.pid()).equals("live"));
      String id = listed(worker.pid()).orElseThrow().get("worker_id").getAsString();
      long killed = System.nanoTime();
      worker.kill9();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> elsewhere.worker(id).map(WorkerRecord::state),
              s -> s.equals(Optional.of(WorkerState.DEAD)));
      long ms = (System.nanoTime() - killed) / 1_000_000;
      System.out.printf("kill -9 -> dead in the registry (another host's view) in %d ms%n", ms);
      assertEquals("dead", stateOf(worker.pid()));
      assertEquals(1, elsewhere.reap().size(), "the reaper marks it dead (its lock is gone)");
    }
  }

  /**
   * The store stops while a job's command (a shell and its sleeping child) runs: the worker fences
   * itself — one line in worker.log naming the store — and ends the command's whole tree well
   * before its lease (30 s) or a reaper (3 heartbeats) could hand the job to another worker; once
   * the server is back it hands the job back, runs it again and it is done exactly once, by a
   * worker that never died.
   */
  @Test
  void a_worker_cut_off_from_the_store_ends_its_command_and_the_job_is_done_once_after()
      throws Exception {
    TestPostgres.Server server = TestPostgres.privateServer();
    try {
      server.createDatabase("fenced");
      String url = server.url("fenced");
      Path runs = tmp.resolve("runs");
      Path shell = tmp.resolve("shell.pid");
      Path child = tmp.resolve("child.pid");
      // only.txt's first run sleeps (a shell and its child) until it is ended; any other run, and
      // its second, documents at once.
      config(
          url,
          2,
          "if [ \"$1\" = only.txt ]; then n=$(cat '"
              + runs
              + "' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '"
              + runs
              + "'\nif [ $n -eq 1 ]; then echo $$ > '"
              + shell
              + "'; sleep 600 & echo $! > '"
              + child
              + "'; wait; fi; fi\necho \"# $1\"\n",
          1);
      queueOnlyTxt();
      try (RealWorker worker = RealWorker.start(root)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Files.exists(child) && Files.readString(child).strip().length() > 0);
        long shellPid = Long.parseLong(Files.readString(shell).strip());
        long childPid = Long.parseLong(Files.readString(child).strip());
        assertTrue(ProcessHandle.of(childPid).isPresent(), "the job's command runs");

        long stopped = System.nanoTime();
        server.stop();
        await()
            .atMost(Duration.ofSeconds(25))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> ProcessHandle.of(shellPid).isEmpty() && ProcessHandle.of(childPid).isEmpty());
        long ended = (System.nanoTime() - stopped) / 1_000_000;
        System.out.printf("store stopped -> the job's command tree ended in %d ms%n", ended);
        assertTrue(
            ended < Duration.ofSeconds(25).toMillis(),
            "ended before the lease (30 s) could run out");
        String fenced =
            log().lines().filter(l -> l.contains("fenced: the store at")).findFirst().orElse("");
        assertTrue(fenced.contains("127.0.0.1:" + server.port() + "/fenced"), log());
        assertTrue(fenced.contains("check that the PostgreSQL server runs"), fenced);
        assertTrue(worker.process().isAlive(), "the worker lives on, fenced");

        server.startAgain();
        await()
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .until(
                () -> project.cli("queue", "status", "--json").json().get("done").getAsInt() == 1);
        assertEquals("2", Files.readString(runs).strip(), "run once fenced, once to its end");
        assertEquals(
            1,
            log().lines().filter(l -> l.contains(" done ") && l.contains(":only.txt ")).count(),
            log());
        assertTrue(log().contains("answers again"), log());
        assertEquals(
            1,
            log().lines().filter(l -> l.contains("fenced: the store at")).count(),
            "fenced once for one outage, not again by the beat that waited for the server:\n"
                + log());
        assertTrue(worker.process().isAlive(), "the worker never died of it");
        await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(worker.pid()).equals("live"));
      }
    } finally {
      server.close();
    }
  }

  /**
   * The job's command ends while the server is down, so its completion fails: the slot keeps the
   * result and records it once the server is back, within the claim's lease — the job is done by
   * its one run, not run again after its lease (30 s) ran out, as it was before the result was
   * kept.
   */
  @Test
  void a_completion_the_stopped_server_refused_is_recorded_once_it_is_back() throws Exception {
    TestPostgres.Server server = TestPostgres.privateServer();
    try {
      server.createDatabase("completion");
      String url = server.url("completion");
      Path runs = tmp.resolve("runs");
      Path started = tmp.resolve("started");
      Path go = tmp.resolve("go");
      // only.txt's command counts its runs, says it started, and ends once the test says go.
      config(
          url,
          10,
          "if [ \"$1\" = only.txt ]; then echo x >> '"
              + runs
              + "'; touch '"
              + started
              + "'; while [ ! -e '"
              + go
              + "' ]; do sleep 0.1; done; fi\necho \"# $1\"\n",
          1);
      queueOnlyTxt();
      try (RealWorker worker = RealWorker.start(root)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
        server.stop();
        Files.writeString(go, "");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> log().contains("only.txt is not recorded yet; it is kept"));
        server.startAgain();
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () -> project.cli("queue", "status", "--json").json().get("done").getAsInt() == 1);
        assertEquals(1, Files.readAllLines(runs).size(), "run once, its result kept:\n" + log());
        assertEquals(
            1,
            log().lines().filter(l -> l.contains(" done ") && l.contains(":only.txt ")).count(),
            log());
        JsonObject status = project.cli("queue", "status", "--json").json();
        assertEquals(0, status.get("failed").getAsInt(), status.toString());
        assertTrue(worker.process().isAlive(), "the worker never died of it");
      }
    } finally {
      server.close();
    }
  }

  /**
   * The server restarts while a queue of jobs runs on two slots: the pool, the LISTEN connection
   * and the lock session reconnect; every job is done, none twice; the worker stays alive and is
   * then seen dead at once when killed (its lock was taken again).
   */
  @Test
  void a_postgresql_restart_mid_run_loses_nothing_and_the_worker_lives_on() throws Exception {
    TestPostgres.Server server = TestPostgres.privateServer();
    try {
      server.createDatabase("restarted");
      String url = server.url("restarted");
      config(url, 2, "sleep 0.5\necho \"# $1\"\n", 2);
      Run add = project.cli("queue", "add", "HEAD", "--json");
      assertEquals(0, add.code(), add.toString());
      try (RealWorker worker = RealWorker.start(root)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> project.cli("queue", "status", "--json").json().get("done").getAsInt() >= 3);
        server.restart();
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(
                () -> project.cli("queue", "status", "--json").json().get("done").getAsInt() == 12);
        JsonObject status = project.cli("queue", "status", "--json").json();
        assertEquals(0, status.get("failed").getAsInt(), status.toString());
        String log = log();
        for (int i = 1; i <= 12; i++) {
          String file = "src/F" + i + ".java";
          assertEquals(
              1,
              log.lines().filter(l -> l.contains(" done ") && l.contains(":" + file + " ")).count(),
              file + " done once:\n" + log);
        }
        assertTrue(worker.process().isAlive(), "the worker never died of the restart");
        await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(worker.pid()).equals("live"));
        String id = listed(worker.pid()).orElseThrow().get("worker_id").getAsString();
        try (PostgresStore elsewhere = otherHost(url)) {
          worker.kill9();
          await()
              .atMost(Duration.ofSeconds(5))
              .until(
                  () -> elsewhere.worker(id).map(WorkerRecord::state),
                  s -> s.equals(Optional.of(WorkerState.DEAD)));
        }
      }
    } finally {
      server.close();
    }
  }
}
