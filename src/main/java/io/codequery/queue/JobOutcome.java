package io.codequery.queue;

import io.codequery.store.JobResult;

/** How one run of a job ended, as {@link JobRunner} reports it. */
public sealed interface JobOutcome {
  /** The run as far as it went. */
  JobResult result();

  /** The command (or the built-in processor) succeeded. */
  record Succeeded(JobResult result) implements JobOutcome {}

  /**
   * The run failed. {@code retryable} failures can heal (non-zero exit, timeout); the others cannot
   * (file deleted since the commit, program not found, path escaping the project).
   */
  record Failed(String reason, boolean retryable, JobResult result) implements JobOutcome {}

  /**
   * The run was stopped before it finished (worker shutting down, lease lost): hand the job back.
   */
  record Abandoned(String reason, JobResult result) implements JobOutcome {}
}
