package io.codequery;

import io.codequery.log.WorkerLog;
import io.codequery.pidfile.PidFileMutex;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The full detector: verifies the worker's identity, removes stale and invalid PID files (logging
 * one line for each in {@code worker.log}), and describes the worker in detail.
 *
 * <p>Thread- and process-safe. Cleanup is serialised with every write of the PID file and decided
 * again under that serialisation, so a PID file that a new worker wrote after this check began is
 * never removed. Nothing is ever removed for an {@link Detection.Unknown} outcome.
 */
public final class WorkerDetector {
  private static final Duration MUTEX_TIMEOUT = Duration.ofSeconds(5);

  private final ProjectLayout layout;
  private final WorkerLog log;
  private final DecideOutcome.Reads reads;

  public WorkerDetector(Path projectRoot) {
    this(projectRoot, Clock.systemUTC());
  }

  public WorkerDetector(Path projectRoot, Clock clock) {
    this.layout = ProjectLayout.of(projectRoot);
    this.log = new WorkerLog(layout.logFile(), clock);
    this.reads = DecideOutcome.Reads.cached(layout);
  }

  public ProjectLayout layout() {
    return layout;
  }

  public Path pidFile() {
    return layout.pidFile();
  }

  /** Detects, and cleans up a stale or invalid PID file. */
  public Detection detect() {
    DecideOutcome.Result first = DecideOutcome.decide(layout, reads);
    Detection d = first.detection();
    if (!(d instanceof Detection.Stale) && !(d instanceof Detection.Invalid)) {
      return d;
    }
    return cleanUp(first);
  }

  /** True only for a live, verified worker of this project. */
  public boolean isWorkerRunning() {
    return detect().isRunning();
  }

  /** Pid, state, start time, CPU, memory, threads and command line of a running worker. */
  public Optional<WorkerInfo> getWorkerInfo() {
    Detection d = detect();
    if (!(d instanceof Detection.Running r)) {
      return Optional.empty();
    }
    return WorkerInfo.of(r.processId());
  }

  private Detection cleanUp(DecideOutcome.Result first) {
    Detection verdict;
    try (PidFileMutex mutex = PidFileMutex.acquire(layout.pidMutexFile(), MUTEX_TIMEOUT)) {
      // Decide again under the mutex: a worker may have written a new PID file since the first
      // look, and workers write only while holding this mutex. Nothing is removed on the word of
      // a cached record: the second look reads it afresh.
      DecideOutcome.Result again = DecideOutcome.decide(layout);
      verdict = again.detection();
      if (!(verdict instanceof Detection.Stale) && !(verdict instanceof Detection.Invalid)) {
        return verdict;
      }
      if (again.fileKey() == null || !sameFile(again.fileKey())) {
        return withCleanup(verdict, false, "PID file changed during the check; left in place");
      }
      Files.delete(layout.pidFile()); // unlink(2): removes a link itself, never its target
    } catch (NoSuchFileException e) {
      return new Detection.NotRunning("PID file was removed by another process during the check");
    } catch (IOException e) {
      return withCleanup(first.detection(), false, "PID file not removed: " + why(e));
    }
    String what =
        verdict instanceof Detection.Stale s
            ? "removed stale PID file (PID " + s.processId() + ": " + s.reason() + ")"
            : "removed invalid PID file (" + verdict.reason() + ")";
    log.tryAppend("detector", what + " pid_file=" + layout.pidFile());
    return withCleanup(verdict, true, null);
  }

  /** AccessDeniedException's message is the bare path: say what went wrong, and what to do. */
  private static String why(IOException e) {
    if (e instanceof AccessDeniedException a) {
      return "permission denied on "
          + a.getFile()
          + "; run as the owner of "
          + ProjectLayout.DIR
          + "/ to clean it up";
    }
    return String.valueOf(e.getMessage());
  }

  private boolean sameFile(Object key) {
    try {
      BasicFileAttributes now =
          Files.readAttributes(
              layout.pidFile(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return now.isRegularFile() && Objects.equals(now.fileKey(), key);
    } catch (IOException e) {
      return false;
    }
  }

  private static Detection withCleanup(Detection d, boolean removed, String note) {
    if (d instanceof Detection.Stale s) {
      return s.withCleanup(removed, note);
    }
    if (d instanceof Detection.Invalid i) {
      return i.withCleanup(removed, note);
    }
    return d;
  }
}
