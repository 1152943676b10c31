package io.codequery;

import io.codequery.project.ProjectLayout;
import java.nio.file.Path;

/**
 * The detector for hot paths such as git hooks: {@code java.base} only (no OSHI, SQLite, JSON or
 * logging classes are loaded), read-only (it never removes or writes anything), and still verifying
 * identity with {@link ProcessHandle} and, on Linux, {@code /proc}.
 *
 * <p>It applies the same rules as {@link WorkerDetector} and gives the same outcome, except that a
 * stale or invalid PID file is reported and left in place. Thread-safe.
 */
public final class MinimalWorkerDetector {
  private final ProjectLayout layout;
  private final DecideOutcome.Reads reads;

  public MinimalWorkerDetector(Path projectRoot) {
    this.layout = ProjectLayout.of(projectRoot);
    this.reads = DecideOutcome.Reads.cached(layout);
  }

  public Detection detect() {
    return DecideOutcome.decide(layout, reads).detection();
  }

  /** True only for a live, verified worker of this project. */
  public static boolean isWorkerRunning(Path projectRoot) {
    return new MinimalWorkerDetector(projectRoot).detect().isRunning();
  }
}
