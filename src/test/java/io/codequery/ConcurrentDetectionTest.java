package io.codequery;

import static io.codequery.testing.ProjectFiles.pidFileText;
import static io.codequery.testing.ProjectFiles.writeConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.DetectMain;
import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight detector threads and three detector processes, full and minimal, run while a real worker is
 * stopped and started again, round after round. Every answer is checked against the worker's known
 * life: no false "running", no lost PID file, and while a worker is up and settled nothing but
 * "running" with its PID.
 *
 * <p>Times are {@link System#nanoTime}, which on Linux is CLOCK_MONOTONIC and so comparable between
 * processes on one machine.
 */
@Tag("slow")
@EnabledOnOs(OS.LINUX)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConcurrentDetectionTest {
  private static final int THREADS = 8;
  private static final int PROCESSES = 3;

  /**
   * Even rounds stop the worker with SIGTERM (it withdraws its files), odd ones with SIGKILL (it
   * cannot).
   */
  private static final int ROUNDS = 6;

  /** One detection: started at t0, answered at t1. */
  record Observation(String who, long t0, long t1, String outcome, int pid) {}

  /**
   * One worker's life: launched before its process existed, settled once its PID file named it,
   * terminating from the SIGTERM on, exited after it was reaped.
   */
  record Life(int pid, long launched, long settled, long terminating, long exited, boolean killed) {
    boolean overlaps(Observation o, long from, long to) {
      return o.t1() >= from && o.t0() <= to;
    }

    boolean settledThroughout(Observation o) {
      return o.t0() >= settled && o.t1() <= terminating;
    }
  }

  @TempDir Path root;

  @Test
  void detectors_in_threads_and_processes_never_give_a_false_answer_while_the_worker_restarts()
      throws Exception {
    writeConfig(root, 1);
    Path stop = root.resolve("stop-detectors");
    ConcurrentLinkedQueue<Observation> seen = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();

    List<Process> processes = new ArrayList<>();
    List<CompletableFuture<String>> outputs = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      List<String> cmd = RealWorker.javaCommand();
      cmd.addAll(
          List.of(
              DetectMain.class.getName(),
              i % 2 == 0 ? "full" : "minimal",
              root.toString(),
              stop.toString()));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      processes.add(p);
      outputs.add(RealWorker.drain(p));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> threads = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      boolean full = i % 2 == 0;
      String who = (full ? "full" : "minimal") + "-thread-" + i;
      threads.add(
          pool.submit(
              () -> {
                try {
                  while (!done.get()) {
                    long t0 = System.nanoTime();
                    Detection d =
                        full
                            ? new WorkerDetector(root).detect()
                            : new MinimalWorkerDetector(root).detect();
                    long t1 = System.nanoTime();
                    seen.add(new Observation(who, t0, t1, d.outcome(), d.pid().orElse(-1)));
                    LockSupport.parkNanos(2_000_000);
                  }
                } catch (Throwable t) {
                  failures.add(t);
                }
              }));
    }

    List<Life> lives = new ArrayList<>();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        long launched = System.nanoTime();
        try (RealWorker w = RealWorker.launch(root)) {
          w.awaitReady(Duration.ofSeconds(90));
          // No lost PID file: it names the live worker (a worker repairs it within one heartbeat).
          await()
              .atMost(Duration.ofSeconds(2))
              .until(() -> (w.pid() + "\n").equals(pidFileText(root)));
          long settled = System.nanoTime();
          // Let every thread detect the settled worker a few times.
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      seen.stream()
                              .filter(o -> o.t0() >= settled)
                              .map(Observation::who)
                              .distinct()
                              .count()
                          == THREADS);
          assertEquals(
              w.pid() + "\n",
              pidFileText(root),
              "round " + round + ": the live worker's PID file was lost");
          long terminating = System.nanoTime();
          boolean killed = round % 2 == 1;
          if (killed) {
            w.kill9(); // leaves a stale PID file for the full detectors to race over
          } else {
            assertEquals(0, w.terminate());
          }
          lives.add(new Life(w.pid(), launched, settled, terminating, System.nanoTime(), killed));
        }
      }
    } finally {
      done.set(true);
      Files.writeString(stop, "stop");
      pool.shutdown();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
      for (Process p : processes) {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    for (Future<?> f : threads) {
      f.get();
    }
    assertEquals(List.of(), List.copyOf(failures));

    List<Observation> all = new ArrayList<>(seen);
    for (int i = 0; i < PROCESSES; i++) {
      assertEquals(0, processes.get(i).exitValue(), "detector process " + i);
      List<Observation> fromProcess =
          parse("process-" + i, outputs.get(i).get(60, TimeUnit.SECONDS));
      assertTrue(
          fromProcess.stream().anyMatch(o -> o.outcome().equals("running")),
          "detector process "
              + i
              + " never saw the worker running: "
              + fromProcess.size()
              + " detections");
      all.addAll(fromProcess);
    }

    List<String> false_ = new ArrayList<>();
    for (Observation o : all) {
      String wrong = judge(o, lives);
      if (wrong != null) {
        false_.add(wrong + ": " + o);
      }
    }
    Map<String, Long> counts =
        all.stream().collect(Collectors.groupingBy(Observation::outcome, Collectors.counting()));
    assertEquals(List.of(), false_.stream().limit(20).toList(), "false answers among " + counts);
    assertTrue(counts.getOrDefault("running", 0L) > 0, counts.toString());
    System.out.println(
        "ConcurrentDetectionTest: " + lives.size() + " worker lives, answers " + counts);
  }

  /** Why an observation is false given the workers' lives, or null where it is true. */
  private static String judge(Observation o, List<Life> lives) {
    Life own = lives.stream().filter(l -> l.pid() == o.pid()).findFirst().orElse(null);
    for (Life l : lives) {
      if (l.settledThroughout(o) && !(o.outcome().equals("running") && o.pid() == l.pid())) {
        return "worker " + l.pid() + " was up and settled throughout";
      }
    }
    switch (o.outcome()) {
      case "running":
        if (own == null) {
          return "running for a PID that was never a worker";
        }
        return own.overlaps(o, own.launched(), own.exited())
            ? null
            : "running while the worker was not alive";
      case "stale":
      case "unknown":
        // Only for a worker on its way out (the PID file was read just before it withdrew it), or
        // for a killed one whose PID file was left behind (stale only: it is gone for good), or
        // (unknown only) a worker starting up: it holds worker.lock before it has recorded its
        // identity, and a live lock holder is never "stale" or "not_running".
        if (own == null) {
          return o.outcome() + " for a PID that was never a worker";
        }
        if (own.overlaps(o, own.terminating(), own.exited())) {
          return null;
        }
        if (o.outcome().equals("unknown") && own.overlaps(o, own.launched(), own.settled())) {
          return null;
        }
        return own.killed() && o.outcome().equals("stale") && o.t1() >= own.exited()
            ? null
            : o.outcome() + " outside the worker's exit";
      case "not_running":
        return null;
      default:
        return "never expected";
    }
  }

  private static List<Observation> parse(String who, String text) {
    List<Observation> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split(" ");
      out.add(
          new Observation(
              who, Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], Integer.parseInt(f[3])));
    }
    return out;
  }
}
