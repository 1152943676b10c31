package io.codequery.worker;

import java.nio.file.Path;

/**
 * How {@link RunWorker#run} ended where it returned. (On SIGTERM or SIGINT it does not return: the
 * shutdown hook ends the JVM, see {@link RunWorker.Events#stoppedBySignal()}.)
 */
public sealed interface RunResult
    permits RunResult.StoodDown,
        RunResult.StoppedOnRequest,
        RunResult.MissingMarker,
        RunResult.AlreadyRunning {

  /** Another worker took over this worker's lock file; this one handed back its jobs and ended. */
  record StoodDown() implements RunResult {}

  /**
   * A stop was requested through the worker registry ({@code worker stop --worker ID}): the worker
   * stopped as on SIGTERM (its jobs finished or handed back, its files withdrawn).
   */
  record StoppedOnRequest() implements RunResult {}

  /**
   * This JVM lacks the worker marker among its first arguments: detectors could not verify it, so
   * it did not start.
   *
   * @param marker the argument that must come first
   */
  record MissingMarker(String marker) implements RunResult {}

  /** Another worker holds the lock for this project: this one did not start. */
  record AlreadyRunning(Path root, Path lockFile) implements RunResult {}
}
