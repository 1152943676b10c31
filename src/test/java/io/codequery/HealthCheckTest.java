package io.codequery;

import static io.codequery.testing.ProjectFiles.deadPid;
import static io.codequery.testing.ProjectFiles.pidFileExists;
import static io.codequery.testing.ProjectFiles.signal;
import static io.codequery.testing.ProjectFiles.writeConfig;
import static io.codequery.testing.ProjectFiles.writePidFile;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.heartbeat.Heartbeat;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The specification's health check, with "responsive" meaning a fresh heartbeat and a process not
 * stopped.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthCheckTest {
  private static final List<String> ALL =
      List.of(
          "pid_file_exists",
          "pid_file_readable",
          "process_exists",
          "process_is_worker",
          "process_responsive");

  @TempDir Path root;

  private static List<String> failing(HealthReport r) {
    return r.checks().entrySet().stream()
        .filter(e -> !e.getValue())
        .map(Map.Entry::getKey)
        .collect(Collectors.toList());
  }

  @Test
  void a_running_worker_with_fresh_heartbeats_is_healthy_on_every_check() throws Exception {
    writeConfig(root, 1);
    try (RealWorker w = RealWorker.start(root)) {
      HealthReport r = HealthCheck.run(root);
      assertEquals(
          ALL, List.copyOf(r.checks().keySet()), "the specification's checks, in its order");
      assertEquals(List.of(), failing(r));
      assertEquals("healthy", r.status());
      assertTrue(r.isHealthy());
      assertTrue(r.isRunning());
      assertEquals(w.pid(), r.detection().pid().getAsInt());
      assertEquals(1L, r.heartbeatIntervalSeconds());
      assertNotNull(r.heartbeatAgeSeconds());
      assertNotNull(r.uptimeSeconds());
      assertEquals("idle", r.workerState());
      assertEquals(ProjectLayout.of(root).logFile(), r.logFile());
    }
  }

  @Test
  void no_pid_file_is_unhealthy_with_every_check_failing() {
    HealthReport r = HealthCheck.run(root);
    assertEquals("unhealthy", r.status());
    assertEquals(ALL, failing(r));
    assertEquals("not_running", r.detection().outcome());
    assertNull(r.heartbeatAgeSeconds());
    assertNull(r.uptimeSeconds());
  }

  @Test
  void a_stale_pid_file_is_removed_and_reported_as_no_process() throws Exception {
    writePidFile(root, deadPid() + "\n");
    HealthReport r = HealthCheck.run(root);
    assertEquals("stale", r.detection().outcome());
    assertTrue(r.detection().cleanedUp());
    assertEquals(ALL, failing(r));
  }

  @Test
  void a_pid_reused_by_another_process_exists_but_is_not_the_worker() throws Exception {
    Process sleep = Processes.sleep();
    try {
      writePidFile(root, sleep.pid() + "\n");
      HealthReport r = HealthCheck.run(root);
      assertEquals(
          List.of(
              "pid_file_exists", "pid_file_readable", "process_is_worker", "process_responsive"),
          failing(r));
      assertTrue(r.checks().get("process_exists"));
      assertFalse(pidFileExists(root), "the stale file was cleaned up");
    } finally {
      Processes.kill(sleep);
    }
  }

  @Test
  void a_pid_file_that_is_not_a_regular_file_exists_but_is_not_readable_and_stays()
      throws Exception {
    Files.createDirectories(ProjectLayout.of(root).pidFile());
    HealthReport r = HealthCheck.run(root);
    assertEquals("unknown", r.detection().outcome());
    assertEquals(
        List.of("pid_file_readable", "process_exists", "process_is_worker", "process_responsive"),
        failing(r));
    assertTrue(Files.isDirectory(ProjectLayout.of(root).pidFile()));
  }

  @Test
  void a_process_claiming_to_be_the_worker_without_proof_exists_but_is_not_the_worker()
      throws Exception {
    Process forged = Processes.forgedWorker(root.toRealPath().toString());
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Processes.cmdline(forged.pid()).stream()
                      .anyMatch(a -> a.startsWith("-Dcode-query.worker=")));
      writePidFile(root, forged.pid() + "\n");
      HealthReport r = HealthCheck.run(root);
      assertEquals("unknown", r.detection().outcome());
      assertEquals(List.of("process_is_worker", "process_responsive"), failing(r));
    } finally {
      Processes.kill(forged);
    }
  }

  @Test
  void a_stopped_worker_is_unresponsive_within_two_intervals_and_healthy_again_after_sigcont()
      throws Exception {
    writeConfig(root, 1);
    try (RealWorker w = RealWorker.start(root)) {
      assertTrue(HealthCheck.run(root).isHealthy());
      signal(w.pid(), "STOP");
      try {
        await()
            .atMost(Duration.ofSeconds(2))
            .until(() -> !HealthCheck.run(root).checks().get("process_responsive"));
        HealthReport stopped = HealthCheck.run(root);
        assertEquals(List.of("process_responsive"), failing(stopped));
        assertEquals("unhealthy", stopped.status());
        assertTrue(stopped.isRunning(), "a stopped worker is still this project's worker");
      } finally {
        signal(w.pid(), "CONT");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> HealthCheck.run(root).isHealthy());
    }
  }

  @Test
  void a_heartbeat_is_fresh_up_to_one_and_a_half_intervals_and_stale_after() throws Exception {
    writeConfig(root, 3600); // one heartbeat at start, the next in an hour: the record stays put
    try (RealWorker w = RealWorker.start(root)) {
      Heartbeat beat =
          Heartbeat.parse(
                  Files.readString(ProjectLayout.of(root).heartbeatFile(), StandardCharsets.UTF_8))
              .orElseThrow();
      assertEquals(w.pid(), beat.pid());
      long limit = beat.timeMillis() + (long) (1.5 * beat.intervalMillis());

      HealthReport fresh = HealthCheck.run(root, at(limit), layout -> 7);
      assertEquals(List.of(), failing(fresh));
      assertEquals(7, fresh.queueDepth());
      assertEquals(5400.0, fresh.heartbeatAgeSeconds(), 0.001);

      HealthReport late = HealthCheck.run(root, at(limit + 1), layout -> null);
      assertEquals(List.of("process_responsive"), failing(late));
      assertTrue(late.isRunning());
    }
  }

  @Test
  void a_heartbeat_left_by_another_pid_does_not_count() throws Exception {
    writeConfig(root, 3600);
    try (RealWorker w = RealWorker.start(root)) {
      Path hb = ProjectLayout.of(root).heartbeatFile();
      Heartbeat beat = Heartbeat.parse(Files.readString(hb, StandardCharsets.UTF_8)).orElseThrow();
      Files.write(
          hb,
          new Heartbeat(w.pid() + 1, beat.timeMillis(), beat.intervalMillis(), "idle", "", "")
              .format());
      HealthReport r = HealthCheck.run(root, at(beat.timeMillis()), layout -> null);
      assertEquals(List.of("process_responsive"), failing(r));
      assertNull(r.heartbeatAgeSeconds());
    }
  }

  private static Clock at(long epochMillis) {
    return Clock.fixed(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }
}
