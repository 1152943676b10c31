package io.codequery.testing;

import io.codequery.Detection;
import io.codequery.MinimalWorkerDetector;
import io.codequery.WorkerDetection;
import io.codequery.WorkerDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A detector in a process of its own, for tests that need another JVM (another user, a bare class
 * path, concurrent processes). Imports nothing but java.base and io.codequery's front door, so it
 * runs with only target/classes beside it.
 *
 * <pre>
 * DetectMain minimal|full ROOT            prints "outcome pid cleaned_up reason"
 * DetectMain minimal|full ROOT STOP_FILE  loops until STOP_FILE exists, one line per detection:
 *                                         "t0 t1 outcome pid" (System.nanoTime before and after)
 * DetectMain cwd                          prints WorkerDetection.isWorkerRunning(null)
 * </pre>
 */
public final class DetectMain {
  private DetectMain() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("cwd")) {
      System.out.println(WorkerDetection.isWorkerRunning(null));
      return;
    }
    boolean full = args[0].equals("full");
    Path root = Path.of(args[1]);
    if (args.length == 2) {
      Detection d = detect(full, root);
      System.out.println(
          d.outcome()
              + " "
              + (d.pid().isPresent() ? d.pid().getAsInt() : "-")
              + " "
              + d.cleanedUp()
              + " "
              + d.reason());
      return;
    }
    Path stop = Path.of(args[2]);
    StringBuilder out = new StringBuilder();
    while (!Files.exists(stop)) {
      long t0 = System.nanoTime();
      Detection d = detect(full, root);
      long t1 = System.nanoTime();
      out.append(t0)
          .append(' ')
          .append(t1)
          .append(' ')
          .append(d.outcome())
          .append(' ')
          .append(d.pid().isPresent() ? d.pid().getAsInt() : -1)
          .append('\n');
      if (out.length() > 8192) {
        System.out.print(out);
        out.setLength(0);
      }
      // Pace the loop so that eleven detectors on two cores leave room for the worker to start.
      LockSupport.parkNanos(2_000_000);
    }
    System.out.print(out);
    System.out.flush();
  }

  private static Detection detect(boolean full, Path root) {
    return full ? new WorkerDetector(root).detect() : new MinimalWorkerDetector(root).detect();
  }
}
