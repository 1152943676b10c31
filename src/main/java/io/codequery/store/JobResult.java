package io.codequery.store;

/**
 * What one run of a job produced.
 *
 * @param exitCode the command's exit status, or null where no process ran (built-in processor, or
 *     the command never started)
 * @param durationMs wall time of the run
 * @param output combined stdout and stderr, already bounded (head and tail; see {@link JobRunner});
 *     may be ""
 */
public record JobResult(Integer exitCode, long durationMs, String output) {
  public JobResult {
    output = output == null ? "" : output;
  }
}
