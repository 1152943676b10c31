package io.codequery.store;

import io.codequery.project.RepoPath;
import java.time.Instant;

/**
 * One file of one commit, as the queue last saw it. A snapshot: the row may have moved on since.
 *
 * <p>{@code version} changes on every claim; completing, failing, releasing or extending a job is
 * accepted only while the row still carries the version of that claim (so a worker whose lease
 * expired and was reclaimed cannot overwrite the new claimant's result).
 *
 * @param file project-relative path as git's bytes, '/'-separated, validated by {@link
 *     PathRules#checkPath(RepoPath)}
 * @param blob the git blob id of the file's content at {@code commit}, as the commit's listing gave
 *     it; null for jobs queued by name alone (then the working-tree file is documented)
 * @param attempts how many times the job has been claimed to run (a release gives one back)
 * @param notBefore the job is not claimed before this time (retry delay); the epoch when none
 * @param leaseOwner who runs it; null unless running
 * @param leaseUntil when the running claim expires; null unless running
 * @param exitCode the command's exit status; null if none was recorded (built-in, never started…)
 * @param durationMs how long the last run took; null if none was recorded
 * @param output the last run's combined output (bounded); null if none
 * @param error why the last run failed; null if it did not
 * @param force run even if its content is already documented ({@code queue add --force})
 * @param outcome what became of a done job's result; null while it is not done (and for jobs done
 *     before the documentation store existed)
 * @param note why a job was done without running, or why its document was not stored; else null
 */
public record Job(
    long id,
    String commit,
    RepoPath file,
    String blob,
    JobState state,
    int attempts,
    Instant notBefore,
    String leaseOwner,
    Instant leaseUntil,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Integer exitCode,
    Long durationMs,
    String output,
    String error,
    boolean force,
    Outcome outcome,
    String note) {

  /** {@code commit:file} (the file's display form), as the worker's heartbeat shows the job. */
  public String describe() {
    return commit + ":" + file.display();
  }
}
