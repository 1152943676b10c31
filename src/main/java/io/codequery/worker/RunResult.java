package io.codequery.worker;

import java.nio.file.Path;

/**
 * How {@link RunWorker#run} ended where it returned. (On SIGTERM or SIGINT it does not return: the
 * shutdown hook ends the JVM, see {@link RunWorker.Events#stoppedBySignal()}.)
 */
public sealed interface RunResult
    permits RunResult.StoodDown, RunResult.MissingMarker, RunResult.AlreadyRunning {

  /** Another worker took over this worker's lock file; this one handed back its jobs and ended. */
  record StoodDown() implements RunResult {}

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
