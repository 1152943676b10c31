package io.codequery.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.child.EndProcesses;
import io.codequery.queue.JobQueue;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.testing.Processes;
import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed with SIGKILL mid-job: its job's command must not run on unobserved, and the job
 * must never run twice at once. Real worker JVMs, real {@code sleep}s.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class OrphanedJobTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  Path root;
  Path runs;

  @BeforeEach
  void setUp() throws Exception {
    root = dir.toRealPath();
    runs = root.resolve("runs.txt");
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(root.resolve("a.txt"), "a\n");
    // Each run appends "<run> <pid>" for its shell and its two sleeps (the run named by the shell's
    // PID), then waits for them.
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"heartbeat_seconds\": 1, \"stop_timeout_seconds\": 5, \"command\":"
            + " [\"sh\", \"-c\", \"echo \\\"$$ $$\\\" >> \\\"$0\\\"; sleep 300 &"
            + " echo \\\"$$ $!\\\" >> \\\"$0\\\"; sleep 300 & echo"
            + " \\\"$$ $!\\\" >> \\\"$0\\\"; wait\", \""
            + runs
            + "\"]}}");
  }

  private JobQueue queue() {
    return JobQueue.open(
        root.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(60), Clock.systemUTC());
  }

  /** The PIDs each run recorded, by run, in order of first appearance. */
  private List<List<Long>> runs() throws Exception {
    List<String> markers = new ArrayList<>();
    List<List<Long>> pids = new ArrayList<>();
    if (!Files.exists(runs)) {
      return pids;
    }
    for (String line : Files.readAllLines(runs)) {
      String[] f = line.trim().split(" ");
      if (f.length != 2) {
        continue;
      }
      int i = markers.indexOf(f[0]);
      if (i < 0) {
        markers.add(f[0]);
        pids.add(new ArrayList<>());
        i = markers.size() - 1;
      }
      pids.get(i).add(Long.parseLong(f[1]));
    }
    return pids;
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(EndProcesses::running).orElse(false);
  }

  @Test
  void after_kill_9_the_next_worker_ends_the_old_run_before_running_the_job_again()
      throws Exception {
    Process stranger = Processes.sleep();
    List<Long> firstRun;
    try {
      try (RealWorker first = RealWorker.start(root)) {
        try (JobQueue q = queue()) {
          q.enqueue("c1", List.of("a.txt"));
        }
        await().atMost(WAIT).until(() -> runs().size() == 1 && runs().get(0).size() == 3);
        firstRun = runs().get(0);
        first.kill9();
      }
      long shell = firstRun.get(0);
      // The parent-death signal ended the shell; its two sleeps were re-parented and live on.
      await().atMost(WAIT).until(() -> !running(shell));
      assertTrue(running(firstRun.get(1)) && running(firstRun.get(2)), "the orphans to be found");

      try (RealWorker second = RealWorker.start(root)) {
        await().atMost(WAIT).until(() -> runs().size() == 2 && runs().get(1).size() == 3);
        // The old run was ended before the job ran again: never two runs at once.
        for (long pid : firstRun) {
          assertFalse(
              running(pid), "PID " + pid + " of the first run still runs beside the second");
        }
        try (JobQueue q = queue()) {
          Job job = q.list(Optional.empty(), 10).get(0);
          assertEquals(JobState.RUNNING, job.state());
          assertEquals(2, job.attempts());
        }
        List<Long> secondRun = runs().get(1);
        assertEquals(0, second.terminate());
        for (long pid : secondRun) {
          assertFalse(running(pid), "PID " + pid + " of the second run outlived its worker's stop");
        }
      }
      assertTrue(stranger.isAlive(), "an unrelated sleep was touched");
    } finally {
      Processes.kill(stranger);
    }
  }
}
