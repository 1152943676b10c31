package io.codequery;

import java.nio.file.Path;

/** The specification's standalone function, for callers that want one call and a boolean. */
public final class WorkerDetection {
  private WorkerDetection() {}

  /**
   * Whether this project's worker runs, cleaning up a stale PID file as {@link WorkerDetector}
   * does.
   *
   * @param projectRoot the project root; {@code null} means the current directory
   */
  public static boolean isWorkerRunning(Path projectRoot) {
    Path root = projectRoot == null ? Path.of("").toAbsolutePath() : projectRoot;
    return new WorkerDetector(root).isWorkerRunning();
  }
}
