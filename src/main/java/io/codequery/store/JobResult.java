package io.codequery.store;

/**
 * What one run of a job produced.
 *
 * @param exitCode the command's exit status, or null where no process ran (built-in processor, or
 *     the command never started)
 * @param durationMs wall time of the run
 * @param output what the run said besides its document (the command's stderr), already bounded; may
 *     be ""
 * @param document the document the run wrote, or null where it wrote none (a failure)
 */
public record JobResult(Integer exitCode, long durationMs, String output, NewDocument document) {
  public JobResult {
    output = output == null ? "" : output;
  }

  /** A result without a document. */
  public JobResult(Integer exitCode, long durationMs, String output) {
    this(exitCode, durationMs, output, null);
  }
}
