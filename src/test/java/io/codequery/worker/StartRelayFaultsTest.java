package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.cli.Main;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import io.codequery.testing.WorkerProject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker start} launches the worker through a relay ({@link WorkerLaunch}): whatever dies at
 * whatever point — the worker, the relay, the {@code worker start} JVM itself — the processes of
 * the project stay bounded (at most the one worker; no relay outlives the start that made it), and
 * a start reports what became of the worker, not of its relay.
 */
@EnabledOnOs(OS.LINUX)
class StartRelayFaultsTest {
  @TempDir Path dir;
  @RegisterExtension final WorkerProject project = WorkerProject.heartbeat(1);
  Path root;

  @BeforeEach
  void init() throws Exception {
    root = project.create(dir);
  }

  /** The relays of this project: {@code sh} processes whose command line names its worker. */
  private List<ProcessHandle> relays() {
    return Processes.workersOf(root).stream()
        .filter(
            p -> p.info().command().map(c -> c.endsWith("/sh") || c.endsWith("dash")).orElse(false))
        .toList();
  }

  /** The one relay this project has, once it is there (its child is the worker). */
  private ProcessHandle awaitRelay() {
    List<ProcessHandle> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              found.clear();
              found.addAll(relays());
              return found.size() == 1 && found.get(0).children().findAny().isPresent();
            });
    return found.get(0);
  }

  private Path pidFile() {
    return root.resolve(".code-query/worker.pid");
  }

  @Test
  void a_relay_killed_while_the_worker_starts_does_not_make_the_start_fail() throws Exception {
    for (int attempt = 0; ; attempt++) {
      CompletableFuture<StartResult> start =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new StartWorker(ProjectLayout.of(root), Duration.ofSeconds(60)).run();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      ProcessHandle relay = awaitRelay();
      ProcessHandle worker = relay.children().findFirst().orElseThrow();
      // Frozen while its relay dies, so that the relay surely dies before the worker is ready.
      Processes.freeze(worker.pid());
      boolean readyBefore = Files.exists(pidFile());
      relay.destroyForcibly();
      await().atMost(Duration.ofSeconds(10)).until(() -> !relay.isAlive());
      Processes.signal(worker.pid(), "CONT");
      StartResult r = start.get(90, TimeUnit.SECONDS);
      if (readyBefore && attempt < 3) {
        // The worker was ready before it was frozen (a very slow test thread): try again.
        new StopWorker(ProjectLayout.of(root), Duration.ofSeconds(30)).run();
        continue;
      }
      StartResult.Started started = assertInstanceOf(StartResult.Started.class, r, r.toString());
      assertEquals(worker.pid(), started.pid());
      assertTrue(new MinimalWorkerDetector(root).detect().isRunning());
      assertEquals(List.of(worker.pid()), pids(Processes.workersOf(root)));
      return;
    }
  }

  @Test
  void a_start_killed_while_it_waits_leaves_no_relay_behind() throws Exception {
    List<String> cmd = new ArrayList<>(RealWorker.javaCommand());
    cmd.addAll(List.of(Main.class.getName(), "worker", "start", "--project-root", root.toString()));
    Process starter =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      ProcessHandle relay = awaitRelay();
      long worker = relay.children().findFirst().orElseThrow().pid();
      starter.destroyForcibly();
      starter.waitFor(10, TimeUnit.SECONDS);
      // The worker goes on (it has a session of its own); its relay has nothing left to do.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertEquals(List.of(), pids(relays()), "relays left"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> new MinimalWorkerDetector(root).detect().isRunning());
      assertEquals(List.of(worker), pids(Processes.workersOf(root)));
    } finally {
      starter.destroyForcibly();
    }
  }

  @Test
  void starts_whose_worker_dies_at_each_point_leave_nothing_behind() throws Exception {
    // 0: as soon as it exists; then at points of its start-up; -1: once ready.
    for (int delayMillis : new int[] {0, 50, 150, 400, -1}) {
      CompletableFuture<StartResult> start =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new StartWorker(ProjectLayout.of(root), Duration.ofSeconds(60)).run();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      long worker;
      if (delayMillis >= 0) {
        worker = awaitRelay().children().findFirst().orElseThrow().pid();
        Thread.sleep(delayMillis);
      } else {
        assertInstanceOf(StartResult.Started.class, start.get(90, TimeUnit.SECONDS));
        worker = new MinimalWorkerDetector(root).detect().pid().getAsInt();
      }
      Optional<ProcessHandle> h = ProcessHandle.of(worker);
      h.ifPresent(ProcessHandle::destroyForcibly);
      StartResult r = start.get(90, TimeUnit.SECONDS);
      assertTrue(
          r instanceof StartResult.Failed || r instanceof StartResult.Started,
          "delay " + delayMillis + ": " + r);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertEquals(
                      List.of(),
                      pids(Processes.workersOf(root)),
                      "delay " + delayMillis + ": processes left"));
      assertFalse(new MinimalWorkerDetector(root).detect().isRunning());
      assertEquals(
          List.of(), ProcessHandle.current().children().filter(this::ofThisProject).toList());
    }
  }

  @Test
  void concurrent_starts_leave_one_worker_and_no_relay() throws Exception {
    List<CompletableFuture<StartResult>> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      starts.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new StartWorker(ProjectLayout.of(root), Duration.ofSeconds(60)).run();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (CompletableFuture<StartResult> s : starts) {
      StartResult r = s.get(120, TimeUnit.SECONDS);
      assertTrue(
          r instanceof StartResult.Started || r instanceof StartResult.AlreadyRunning,
          r.toString());
    }
    long worker = new MinimalWorkerDetector(root).detect().pid().getAsInt();
    // The workers that lost the race for the lock exit at once; no relay is left.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertEquals(List.of(worker), pids(Processes.workersOf(root))));
  }

  private boolean ofThisProject(ProcessHandle p) {
    return Processes.workersOf(root).contains(p);
  }

  private static List<Long> pids(List<ProcessHandle> handles) {
    return handles.stream().map(ProcessHandle::pid).flatMap(Stream::of).sorted().toList();
  }
}
