package io.codequery.worker;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What {@code worker start} found or did: exactly one of three results. */
public sealed interface StartResult
    permits StartResult.Started, StartResult.AlreadyRunning, StartResult.Failed {

  /** The worker's PID: the one running, or the one that failed to start. */
  int pid();

  /** This call launched the worker, and it reported ready. */
  record Started(int pid, Path logFile) implements StartResult {}

  /**
   * A worker was running already.
   *
   * @param raced false where it ran before this call; true where this call launched one but another
   *     start's worker got the lock first (this call's worker then stood down)
   */
  record AlreadyRunning(int pid, boolean raced, Path logFile) implements StartResult {}

  /**
   * The launched worker died during start-up or did not report ready in time.
   *
   * @param reason what happened, in words a user can act on
   * @param logTail the last lines of the log, where it could be read (the worker says there why)
   * @param logUnreadable why the log could not be read, where it could not
   */
  record Failed(
      int pid, String reason, Path logFile, List<String> logTail, Optional<String> logUnreadable)
      implements StartResult {
    public Failed {
      logTail = List.copyOf(logTail);
    }
  }
}
