package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.codequery.testing.WorkerProject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker start | stop | restart --json} against real worker JVMs: one object per call, the
 * same keys for every outcome, and the exit status saying which.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class StartStopJsonTest {
  private static final List<String> START_KEYS =
      List.of("outcome", "pid", "reason", "log_file", "log_tail");
  private static final List<String> STOP_KEYS =
      List.of("outcome", "pid", "reason", "signalled", "killed", "seconds", "cleaned_up");

  @TempDir Path dir;

  @RegisterExtension
  final WorkerProject project =
      WorkerProject.processing("\"heartbeat_seconds\": 1, \"stop_timeout_seconds\": 5");

  private Path root;

  @BeforeEach
  void project() throws IOException {
    root = project.create(dir);
  }

  private CliSurfaceTest.Run cli(String... words) {
    return CliSurfaceTest.cli(
        CliSurfaceTest.with(words, "--json", "--project-root", root.toString()));
  }

  @Test
  void start_start_restart_stop_each_print_one_object_with_the_outcome() {
    CliSurfaceTest.Run started = cli("worker", "start");
    assertEquals(0, started.code(), started::toString);
    JsonObject s = started.json();
    assertEquals(
        List.of("outcome", "pid", "reason", "log_file", "log_tail", "project_root"),
        List.copyOf(s.keySet()));
    assertEquals("started", s.get("outcome").getAsString(), s::toString);
    int pid = s.get("pid").getAsInt();
    assertTrue(ProcessHandle.of(pid).isPresent(), s::toString);
    assertEquals(
        root.resolve(".code-query/worker.log").toString(), s.get("log_file").getAsString());
    assertEquals(0, s.getAsJsonArray("log_tail").size());
    assertEquals(root.toString(), s.get("project_root").getAsString());

    JsonObject again = cli("worker", "start").json();
    assertEquals("already_running", again.get("outcome").getAsString(), again::toString);
    assertEquals(pid, again.get("pid").getAsInt());

    CliSurfaceTest.Run restarted = cli("worker", "restart");
    assertEquals(0, restarted.code(), restarted::toString);
    JsonObject r = restarted.json();
    assertEquals(List.of("stop", "start", "project_root"), List.copyOf(r.keySet()));
    JsonObject rStop = r.getAsJsonObject("stop");
    JsonObject rStart = r.getAsJsonObject("start");
    assertEquals(STOP_KEYS, List.copyOf(rStop.keySet()));
    assertEquals(START_KEYS, List.copyOf(rStart.keySet()));
    assertEquals("stopped", rStop.get("outcome").getAsString(), r::toString);
    assertEquals(pid, rStop.get("pid").getAsInt());
    assertEquals("started", rStart.get("outcome").getAsString(), r::toString);
    int second = rStart.get("pid").getAsInt();
    assertNotEquals(pid, second);

    CliSurfaceTest.Run stopped = cli("worker", "stop");
    assertEquals(0, stopped.code(), stopped::toString);
    JsonObject t = stopped.json();
    assertEquals(STOP_KEYS, List.copyOf(t.keySet()));
    assertEquals("stopped", t.get("outcome").getAsString(), t::toString);
    assertEquals(second, t.get("pid").getAsInt());
    assertTrue(t.get("signalled").getAsBoolean());
    assertFalse(t.get("killed").getAsBoolean(), "the worker ends on SIGTERM: " + t);
    assertTrue(t.get("seconds").getAsDouble() >= 0, t::toString);
    // Ended; where `worker start` let go of it (its relay is gone) the worker is init's child, and
    // until init reaps it, it is a zombie that ProcessHandle still calls alive.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false));

    assertEquals("not_running", cli("worker", "stop").json().get("outcome").getAsString());
  }

  @Test
  void a_start_that_fails_is_exit_1_with_the_reason_and_the_log_tail_in_the_object()
      throws IOException {
    // The lock file is a directory: the worker JVM starts, cannot lock, and exits.
    Files.createDirectory(root.resolve(".code-query/worker.lock"));

    CliSurfaceTest.Run r = cli("worker", "start");

    assertEquals(1, r.code(), r::toString);
    assertEquals("", r.err(), "with --json nothing goes to stderr: " + r);
    JsonObject j = r.json();
    assertEquals("failed", j.get("outcome").getAsString(), j::toString);
    assertTrue(
        j.get("reason").getAsString().contains("exited with status 2 during start-up"),
        j::toString);
    assertTrue(j.get("log_tail").toString().contains("worker.lock"), "the tail names the cause");
  }
}
