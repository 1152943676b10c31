package io.codequery.sqlstore;

import io.codequery.store.Job;
import io.codequery.store.JobResult;
import io.codequery.store.RecordedRun;
import io.codequery.store.Skip;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The writes of a claim's holder, written once: each is {@link JobTable#update fenced} by the
 * claim, so a holder whose claim was taken over (its lease ran out, its worker was reaped) changes
 * nothing. Each store runs them in its own transactions and hands in the operation's time as SQL;
 * the claim itself, and how a claim fences the one before it, stay each store's own.
 */
public final class ClaimWrites {
  private final JobTable jobs;
  private final SqlDialect dialect;
  private final int maxOutputChars;
  private final int maxErrorChars;

  /**
   * @param maxOutputChars how much of a command's output a job keeps
   * @param maxErrorChars how much of a failure's reason a job keeps
   */
  public ClaimWrites(JobTable jobs, int maxOutputChars, int maxErrorChars) {
    this.jobs = jobs;
    this.dialect = jobs.dialect();
    this.maxOutputChars = maxOutputChars;
    this.maxErrorChars = maxErrorChars;
  }

  /** The end of the claim, as assignments: no owner, no lease. */
  private String unleased() {
    return "lease_owner = NULL, " + jobs.leaseUntil() + " = NULL, ";
  }

  /**
   * Records a skip of {@code job} where it need not run ({@link UnneededRun}), looking under the
   * order per path (shared): a change ingested in between may have decided otherwise.
   */
  public Skip skip(Connection c, Job job, String processor, String at) throws SQLException {
    dialect.lockOrder(c, false);
    Optional<UnneededRun> unneeded = UnneededRun.of(c, dialect, job, processor);
    if (unneeded.isEmpty()) {
      return new Skip.Run();
    }
    if (jobs.update(
            c,
            job,
            "state = 'done', "
                + unleased()
                + "updated_at = "
                + at
                + ", outcome = ?, note = ?, error = NULL",
            unneeded.get().outcome().id(),
            unneeded.get().note())
        != 1) {
      return new Skip.Lost();
    }
    return new Skip.Skipped(jobs.find(c, job.id()).orElseThrow());
  }

  /**
   * Marks {@code job} done with {@code result}, and stores its document unless refused ({@link
   * StoreJobDocument}, under the order per path, shared); the job as written, empty where the fence
   * refused the write.
   */
  public Optional<Job> complete(Connection c, Job job, JobResult result, String at)
      throws SQLException {
    String done =
        "state = 'done', "
            + unleased()
            + "updated_at = "
            + at
            + ", exit_code = ?, duration_ms = ?, output = ?, error = NULL, note = NULL,"
            + " outcome = NULL";
    Object[] values = {
      result.exitCode(), result.durationMs(), TextBounds.bound(result.output(), maxOutputChars)
    };
    if (result.document() == null) {
      return jobs.updateReturning(c, job, done, values);
    }
    dialect.lockOrder(c, false);
    if (jobs.update(c, job, done, values) != 1) {
      return Optional.empty();
    }
    StoreJobDocument.run(c, dialect, job, result.document(), result.durationMs(), at);
    return jobs.find(c, job.id());
  }

  /**
   * Ends {@code job}'s run as failed: pending again after {@code retryDelay} where {@code
   * retryable} and its attempts are within {@code maxRetries} (the reason says so), else failed for
   * good; {@code result} may be null (no run to record). The job as written, or empty.
   */
  public Optional<Job> fail(
      Connection c,
      Job job,
      String at,
      String reason,
      boolean retryable,
      JobResult result,
      int maxRetries,
      Duration retryDelay)
      throws SQLException {
    boolean retry = retryable && job.attempts() <= maxRetries;
    String error =
        TextBounds.bound(
            retry
                ? reason + " (attempt " + job.attempts() + " of " + (maxRetries + 1) + "; retrying)"
                : reason,
            maxErrorChars);
    Integer exit = result == null ? null : result.exitCode();
    Long duration = result == null ? null : result.durationMs();
    String output = result == null ? null : TextBounds.bound(result.output(), maxOutputChars);
    String ran = ", exit_code = ?, duration_ms = ?, output = ?, error = ?";
    if (retry) {
      return finish(
          c,
          job,
          "state = 'pending', not_before = "
              + dialect.millisAfter(at, "?")
              + ", "
              + unleased()
              + "updated_at = "
              + at
              + ran,
          retryDelay.toMillis(),
          exit,
          duration,
          output,
          error);
    }
    return finish(
        c,
        job,
        "state = 'failed', " + unleased() + "updated_at = " + at + ran,
        exit,
        duration,
        output,
        error);
  }

  /**
   * Hands {@code job} back, pending again after {@code delay}, its attempt uncounted. The job as
   * written, or empty.
   */
  public Optional<Job> release(Connection c, Job job, String at, Duration delay)
      throws SQLException {
    return finish(
        c,
        job,
        "state = 'pending', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,"
            + " not_before = "
            + dialect.millisAfter(at, "?")
            + ", "
            + unleased()
            + "updated_at = "
            + at,
        delay.toMillis());
  }

  /** Renews {@code job}'s lease for {@code lease} from {@code at}; true where the claim holds. */
  public boolean extendLease(Connection c, Job job, String at, Duration lease) throws SQLException {
    return jobs.update(
            c,
            job,
            jobs.leaseUntil() + " = " + dialect.millisAfter(at, "?") + ", updated_at = " + at,
            lease.toMillis())
        == 1;
  }

  /**
   * Lets {@code job}'s lease run out now (a millisecond before {@code at}), so that the next claim
   * takes it; true where the claim held.
   */
  public boolean expireLease(Connection c, Job job, String at) throws SQLException {
    return jobs.update(
            c,
            job,
            jobs.leaseUntil() + " = " + dialect.millisBefore(at, "1") + ", updated_at = " + at)
        == 1;
  }

  /** Records the run {@code job}'s command started as; true where the claim holds. */
  public boolean recordRun(Connection c, Job job, RecordedRun run) throws SQLException {
    return jobs.update(
            c,
            job,
            "run_pid = ?, run_start_ticks = ?, run_boot_id = ?",
            run.pid(),
            run.startTicks(),
            run.bootId())
        == 1;
  }

  private Optional<Job> finish(Connection c, Job job, String set, Object... values)
      throws SQLException {
    return jobs.update(c, job, set, values) == 1 ? jobs.find(c, job.id()) : Optional.empty();
  }
}
