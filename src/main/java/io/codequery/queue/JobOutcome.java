package io.codequery.queue;

import io.codequery.store.JobResult;
import java.time.Duration;

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

  /**
   * The job's content is not in this clone (its commit was made on another host) and a fetch did
   * not bring it: hand the job back, due again after {@code retryAfter}, uncounted — another host,
   * or this one once the commit is pushed, runs it.
   */
  record NotHere(String reason, Duration retryAfter, JobResult result) implements JobOutcome {}
}
