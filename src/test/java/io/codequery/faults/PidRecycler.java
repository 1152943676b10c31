package io.codequery.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Real PID recycling: drives the kernel's PID allocator round until a dead worker's PID is handed
 * to a fresh process. Every thread takes an ID from the same allocator as processes, and creating
 * one costs microseconds where a fork and exec costs milliseconds; so threads carry the allocator
 * to just before the target, and real processes are spawned for the last step. Linux allocates PIDs
 * cyclically (next = last + 1, wrapping to 300 past pid_max), and {@code ns_last_pid} tells where
 * it stands. Other processes on the machine take PIDs too: the walk repeats until it hits, within a
 * time bound.
 */
final class PidRecycler {
  private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");
  private static final int RESERVED = 300;

  record Outcome(Optional<Process> process, long threads, long spawns, long millis, int rounds) {}

  private PidRecycler() {}

  static boolean supported() {
    return Files.isReadable(LAST_PID);
  }

  static Outcome recycle(int target, Duration bound, Callable<Process> spawn) throws Exception {
    int max = Os.pidMax();
    long t0 = System.nanoTime();
    long deadline = t0 + bound.toNanos();
    long threads = 0;
    long spawns = 0;
    int rounds = 0;
    int previous = lastPid();
    while (System.nanoTime() < deadline) {
      int last = lastPid();
      if (last < previous) {
        rounds++;
      }
      previous = last;
      int distance =
          target > last ? target - last - 1 : (max - last - 1) + Math.max(0, target - RESERVED);
      if (distance > 0) {
        // PIDs in use are skipped, so n threads can move the allocator more than n: approach by
        // halves, then one step at a time.
        int n = distance > 256 ? Math.min(distance / 2, 4096) : 1;
        burn(n);
        threads += n;
        continue;
      }
      if (ProcessHandle.of(target).isPresent()) {
        // Someone else holds it: go round once more.
        burn(64);
        threads += 64;
        continue;
      }
      Process p = spawn.call();
      spawns++;
      if (p.pid() == target) {
        return new Outcome(
            Optional.of(p), threads, spawns, (System.nanoTime() - t0) / 1_000_000, rounds);
      }
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    return new Outcome(
        Optional.empty(), threads, spawns, (System.nanoTime() - t0) / 1_000_000, rounds);
  }

  private static void burn(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(() -> {});
      t.start();
      t.join();
    }
  }

  private static int lastPid() throws IOException {
    return Integer.parseInt(Os.sysctl(LAST_PID.toString()));
  }
}
