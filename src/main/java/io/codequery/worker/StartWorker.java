package io.codequery.worker;

import io.codequery.Detection;
import io.codequery.WorkerDetector;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code worker start}: launch a detached worker unless one runs, and wait until it is ready. */
public final class StartWorker {
  /** Less free space than this is a full disk: the worker could not write its files. */
  private static final long FULL_BELOW_BYTES = 64 * 1024;

  /** How many of the log's last lines a failure carries. */
  private static final int TAIL_LINES = 15;

  /** Enough for the last {@link #TAIL_LINES} lines of the log, however long they are. */
  private static final int TAIL_BYTES = 16 * 1024;

  private final ProjectLayout layout;
  private final Duration wait;

  public StartWorker(ProjectLayout layout, Duration wait) {
    this.layout = layout;
    this.wait = wait;
  }

  public StartResult run() throws IOException {
    WorkerDetector detector = new WorkerDetector(layout.root());
    Detection before = detector.detect();
    if (before instanceof Detection.Running r) {
      return new StartResult.AlreadyRunning(r.processId(), false, layout.logFile());
    }
    WorkerLaunch.Launched child = WorkerLaunch.spawn(layout);
    try {
      return await(detector, child);
    } finally {
      child.release();
    }
  }

  private StartResult await(WorkerDetector detector, WorkerLaunch.Launched child) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Detection now = detector.detect();
      if (now instanceof Detection.Running r) {
        return r.processId() == child.pid()
            ? new StartResult.Started(r.processId(), layout.logFile())
            : new StartResult.AlreadyRunning(r.processId(), true, layout.logFile());
      }
      if (!child.running()) {
        OptionalInt status = child.exitStatus();
        if (status.isPresent() && status.getAsInt() == RunWorker.EXIT_ALREADY_RUNNING) {
          // Another worker holds the lock; it may not have published its PID file yet.
          if (System.nanoTime() < deadline) {
            pause();
            continue;
          }
        }
        return failed(
            (int) child.pid(),
            "the worker exited"
                + (status.isPresent()
                    ? " with status " + status.getAsInt()
                    : " (its status is unknown: the relay that started it was killed)")
                + " during start-up"
                + diskFull());
      }
      if (System.nanoTime() > deadline) {
        return failed(
            (int) child.pid(),
            "the worker (PID "
                + child.pid()
                + ") did not report ready within "
                + wait.toSeconds()
                + " s; it may still be starting — check `code-query worker status`");
      }
      pause();
    }
  }

  private StartResult.Failed failed(int pid, String reason) {
    try {
      String text =
          new String(StrictFiles.readTail(layout.logFile(), TAIL_BYTES), StandardCharsets.UTF_8);
      List<String> lines = text.lines().toList();
      List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
      return new StartResult.Failed(pid, reason, layout.logFile(), last, Optional.empty());
    } catch (IOException e) {
      return new StartResult.Failed(
          pid, reason, layout.logFile(), List.of(), Optional.of(String.valueOf(e.getMessage())));
    }
  }

  /**
   * The worker reports why it died in worker.log; on a full disk that report is lost with the rest
   * of the write, and the log's tail tells nothing. Say it here.
   */
  private String diskFull() {
    try {
      long free = Files.getFileStore(layout.dir()).getUsableSpace();
      return free < FULL_BELOW_BYTES
          ? ": the file system holding "
              + layout.dir()
              + " is full ("
              + free
              + " bytes free; no space left"
              + " for the PID file, log or queue) — free some space and start again"
          : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void pause() {
    try {
      // A look costs microseconds (the detector keeps what it read); readiness is seen within 5 ms.
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the worker", e);
    }
  }
}
