package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.cli.Main;
import io.codequery.queue.JobQueue;
import io.codequery.store.NewWorker;
import io.codequery.store.StopRequest;
import io.codequery.store.WorkerRecord;
import io.codequery.store.WorkerState;
import io.codequery.testing.RealWorker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker list} and {@code worker stop --worker ID} against real worker JVMs beating every
 * second: live with its jobs, dead at once after {@code kill -9}, late then hung while frozen
 * ({@code SIGSTOP}), stopped after a graceful stop, and a stop requested through the registry
 * honoured at the next heartbeat.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class WorkerListTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  Path root;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    root = dir.toRealPath();
    Files.createDirectories(root.resolve(".code-query"));
    for (String f : List.of("a.txt", "b.txt", "c.txt")) {
      Files.writeString(root.resolve(f), f + "\n");
    }
    config("\"heartbeat_seconds\": 1, \"stop_timeout_seconds\": 5");
  }

  void config(String processing) throws Exception {
    Files.writeString(
        root.resolve(".code-query/config.json"), "{\"processing\": {" + processing + "}}");
  }

  JobQueue queue() {
    return JobQueue.open(
        root.resolve(".code-query/queue.db"), 0, Duration.ofSeconds(60), Clock.systemUTC());
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  JsonObject listJson() throws Exception {
    Run r = cli("worker", "list", "--json", "--project-root", root.toString());
    assertEquals(0, r.code(), r.err());
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  /** The listed worker whose PID is {@code pid} (the newest such life). */
  JsonObject listed(int pid) throws Exception {
    for (JsonElement w : listJson().getAsJsonArray("workers")) {
      if (w.getAsJsonObject().get("pid").getAsLong() == pid) {
        return w.getAsJsonObject();
      }
    }
    throw new AssertionError("no worker with PID " + pid + " listed: " + listJson());
  }

  String stateOf(int pid) throws Exception {
    return listed(pid).get("state").getAsString();
  }

  static void signal(String sig, int pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Integer.toString(pid)).start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "kill -" + sig + " " + pid);
  }

  @Test
  void a_running_worker_is_listed_live_on_this_host_with_its_jobs_under_the_designs_keys()
      throws Exception {
    config("\"heartbeat_seconds\": 1, \"concurrency\": 2, \"command\": [\"sleep\", \"30\"]");
    try (RealWorker w = RealWorker.start(root)) {
      try (JobQueue q = queue()) {
        q.enqueue("c1", List.of("a.txt", "b.txt"));
      }
      await().atMost(WAIT).until(() -> listed(w.pid()).get("jobs_running").getAsLong() == 2);
      JsonObject all = listJson();
      List<String> top = new ArrayList<>(all.keySet());
      assertEquals(List.of("store", "workers"), top);
      assertEquals(
          "sqlite:" + root.resolve(".code-query/queue.db"), all.get("store").getAsString());
      JsonObject me = listed(w.pid());
      List<String> keys = new ArrayList<>(me.keySet());
      assertEquals(
          List.of(
              "worker_id",
              "host",
              "pid",
              "root",
              "state",
              "heartbeat_age_seconds",
              "jobs_running",
              "version",
              "this_host"),
          keys);
      assertEquals("live", me.get("state").getAsString());
      assertEquals(root.toString(), me.get("root").getAsString());
      assertTrue(me.get("this_host").getAsBoolean());
      assertEquals(36, me.get("worker_id").getAsString().length());
      assertTrue(me.get("heartbeat_age_seconds").getAsDouble() < 1.5, me.toString());
      assertFalse(me.get("version").getAsString().isEmpty());

      Run human = cli("worker", "list", "--project-root", root.toString());
      assertEquals(0, human.code(), human.err());
      String line =
          human.out().lines().filter(l -> l.contains(" " + w.pid() + " ")).findFirst().orElse("");
      assertTrue(line.startsWith(me.get("worker_id").getAsString().substring(0, 8)), human.out());
      assertTrue(line.contains(" live ") && line.contains(" * "), human.out());
    }
  }

  @Test
  void a_killed_worker_is_listed_dead_at_once_and_reaped_by_the_next_worker() throws Exception {
    String firstId;
    int firstPid;
    try (RealWorker w = RealWorker.start(root)) {
      await().atMost(WAIT).until(() -> stateOf(w.pid()).equals("live"));
      firstId = listed(w.pid()).get("worker_id").getAsString();
      firstPid = w.pid();
      w.kill9();
      long killed = System.nanoTime();
      await().atMost(Duration.ofSeconds(2)).until(() -> stateOf(firstPid).equals("dead"));
      System.out.printf(
          "killed worker listed dead after %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    }
    try (JobQueue q = queue()) {
      assertEquals(
          WorkerState.RUNNING,
          q.workers().worker(firstId).orElseThrow().state(),
          "dead by the local detector's verdict; the registry has not been told yet");
    }
    // A new worker reaps the silent life once it is three heartbeats old.
    try (RealWorker next = RealWorker.start(root)) {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                try (JobQueue q = queue()) {
                  return q.workers().worker(firstId).orElseThrow().state() == WorkerState.DEAD;
                }
              });
      assertEquals("live", stateOf(next.pid()));
      assertEquals("dead", stateOf(firstPid));
      assertTrue(next.terminate() == 0);
    }
  }

  @Test
  void a_frozen_worker_is_late_then_hung_and_live_again_once_it_resumes() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      await().atMost(WAIT).until(() -> stateOf(w.pid()).equals("live"));
      signal("STOP", w.pid());
      try {
        long frozen = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(w.pid()).equals("late"));
        long late = System.nanoTime();
        await().atMost(Duration.ofSeconds(8)).until(() -> stateOf(w.pid()).equals("hung"));
        long hung = System.nanoTime();
        JsonObject seen = listed(w.pid());
        assertTrue(
            seen.get("heartbeat_age_seconds").getAsDouble() >= 3.0, // rounded to 0.1 s
            "hung only past three heartbeats: " + seen);
        assertTrue(seen.get("this_host").getAsBoolean());
        System.out.printf(
            "frozen worker: late after %d ms, hung after %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(late - frozen),
            TimeUnit.NANOSECONDS.toMillis(hung - frozen));
      } finally {
        signal("CONT", w.pid());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> stateOf(w.pid()).equals("live"));
    }
  }

  @Test
  void a_graceful_stop_is_listed_stopped() throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      await().atMost(WAIT).until(() -> stateOf(w.pid()).equals("live"));
      assertEquals(0, w.terminate());
      assertEquals("stopped", stateOf(w.pid()));
      assertEquals(0, listed(w.pid()).get("jobs_running").getAsLong());
    }
  }

  @Test
  void worker_stop_with_an_id_prefix_stops_a_worker_of_this_host_through_the_verified_signals()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      await().atMost(WAIT).until(() -> stateOf(w.pid()).equals("live"));
      String id = listed(w.pid()).get("worker_id").getAsString();
      Run r =
          cli("worker", "stop", "--worker", id.substring(0, 8), "--project-root", root.toString());
      assertEquals(0, r.code(), r.out() + r.err());
      assertTrue(r.out().startsWith("✓ stopped — PID " + w.pid()), r.out());
      assertTrue(w.process().waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, w.process().exitValue());
      assertEquals("stopped", stateOf(w.pid()));
      Run again = cli("worker", "stop", "--worker", id, "--project-root", root.toString());
      assertEquals(0, again.code(), again.err());
      assertTrue(again.out().startsWith("✓ not running — worker " + id), again.out());
    }
  }

  @Test
  void a_stop_requested_through_the_registry_is_honoured_at_the_next_heartbeat() throws Exception {
    config("\"heartbeat_seconds\": 1, \"command\": [\"sleep\", \"30\"]");
    try (RealWorker w = RealWorker.start(root)) {
      try (JobQueue q = queue()) {
        q.enqueue("c1", List.of("a.txt"));
      }
      await().atMost(WAIT).until(() -> listed(w.pid()).get("jobs_running").getAsLong() == 1);
      String id = listed(w.pid()).get("worker_id").getAsString();
      long asked = System.nanoTime();
      try (JobQueue q = queue()) {
        assertEquals(StopRequest.REQUESTED, q.workers().requestStop(id));
      }
      assertTrue(w.process().waitFor(20, TimeUnit.SECONDS), "stopped on request");
      System.out.printf(
          "stop request honoured: worker exited %d ms after the request%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
      assertEquals(0, w.process().exitValue(), w.output());
      assertTrue(w.output().contains("stopped: a stop was requested"), w.output());
      assertEquals("stopped", stateOf(w.pid()));
      assertFalse(Files.exists(root.resolve(".code-query/worker.pid")), "its files withdrawn");
      try (JobQueue q = queue()) {
        assertEquals(
            "pending", q.list(Optional.empty(), 10).get(0).state().id(), "its job was handed back");
      }
    }
  }

  @Test
  void worker_stop_of_another_hosts_worker_requests_a_stop_and_sends_no_signal() throws Exception {
    WorkerRecord remote;
    try (JobQueue q = queue()) {
      // A worker of another host: its PID is this test JVM's, which must never be signalled.
      remote =
          q.workers()
              .register(
                  new NewWorker(
                      "elsewhere",
                      "another-machine/another-boot/pid:[1]",
                      ProcessHandle.current().pid(),
                      -1,
                      "/srv/elsewhere",
                      "1.0",
                      "pid-1-remote",
                      Duration.ofSeconds(1),
                      Duration.ofSeconds(600)));
    }
    Run r =
        cli(
            "worker",
            "stop",
            "--worker",
            remote.workerId(),
            "--timeout",
            "1",
            "--json",
            "--project-root",
            root.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    JsonObject j = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("stop_requested", j.get("outcome").getAsString());
    assertFalse(j.get("signalled").getAsBoolean());
    assertEquals(remote.workerId(), j.get("worker_id").getAsString());
    assertEquals("elsewhere", j.get("host").getAsString());
    try (JobQueue q = queue()) {
      assertTrue(q.workers().worker(remote.workerId()).orElseThrow().stopRequested());
    }
    JsonObject listedRemote = listJson().getAsJsonArray("workers").get(0).getAsJsonObject();
    assertFalse(listedRemote.get("this_host").getAsBoolean());

    Run none = cli("worker", "stop", "--worker", "zzzz", "--project-root", root.toString());
    assertEquals(2, none.code(), none.out() + none.err());
    assertTrue(none.err().contains("no registered worker has the id zzzz"), none.err());
  }

  @Test
  void a_worker_reaped_while_frozen_registers_again_as_a_new_life_when_it_resumes()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      await().atMost(WAIT).until(() -> stateOf(w.pid()).equals("live"));
      String before = listed(w.pid()).get("worker_id").getAsString();
      signal("STOP", w.pid());
      try {
        await().atMost(Duration.ofSeconds(8)).until(() -> stateOf(w.pid()).equals("hung"));
        // Another worker's reaper (here: this test's) finds it silent past three heartbeats.
        try (JobQueue q = queue()) {
          assertEquals(
              List.of(before), q.workers().reap().stream().map(WorkerRecord::workerId).toList());
        }
        assertEquals("dead", stateOf(w.pid()), "marked dead: dead, whatever the process does");
      } finally {
        signal("CONT", w.pid());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !listed(w.pid()).get("worker_id").getAsString().equals(before));
      JsonObject after = listed(w.pid());
      assertEquals("live", after.get("state").getAsString(), after.toString());
      assertTrue(w.process().isAlive(), "it lives on");
      assertTrue(
          Files.readString(root.resolve(".code-query/worker.log"))
              .contains("the registry holds worker " + before + " as ended"));
      assertEquals(0, w.terminate());
    }
  }
}
