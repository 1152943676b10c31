package io.codequery.queue;

import io.codequery.sqlstore.JobTable;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.RecordedRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The claim protocol and its fence, after db-scheduler: read candidates, then take one with {@code
 * UPDATE … WHERE id = ? AND version = ?} and check the update count; a count of 0 means another
 * claimant won and the next candidate is tried. Every claim bumps the row's version, and every
 * later write of that claim ({@link #update}) names the version it got: a worker whose lease
 * expired and whose job was claimed again cannot overwrite the new claimant's result.
 *
 * <p>Delivery is at least once: a running job whose lease expired (its worker died or hung) is
 * claimable again, and is handed out only once what its last run left running has been ended
 * ({@code endSurvivors}, after the claim's update fenced that run's late results), so a job never
 * runs twice at once; a job whose lease expired more often than the retry budget allows is marked
 * failed instead of being handed out forever.
 *
 * <p>Two jobs of one file never run at once, and they run in the order they were queued (commit
 * order): a job is not claimed while another job of its file is running under a live lease, or
 * while an older job of its file is still pending or running. The check is part of the conditional
 * update itself, so two slots racing for two jobs of one file cannot both win.
 */
final class ClaimJobs {
  private static final int CANDIDATES = 16;
  private static final int ROUNDS = 8;

  /** No other job of this row's file is running under a live lease, none older is unfinished. */
  static final String FILE_IS_FREE =
      "NOT EXISTS (SELECT 1 FROM jobs o WHERE o.file = jobs.file AND o.id <> jobs.id AND"
          + " ((o.state = 'running' AND o.lease_until >= ?) OR (o.id < jobs.id AND o.state IN"
          + " ('pending', 'running'))))";

  private final int maxRetries;
  private final BiPredicate<Job, RecordedRun> endSurvivors;

  /**
   * @param endSurvivors ends what a recorded run of a job left running; true when nothing is left
   */
  ClaimJobs(int maxRetries, BiPredicate<Job, RecordedRun> endSurvivors) {
    this.maxRetries = maxRetries;
    this.endSurvivors = endSurvivors;
  }

  /** The oldest due job, claimed for {@code owner}; empty when none is due (or all were lost). */
  Optional<Job> claim(Connection c, String owner, Duration lease, long now) throws SQLException {
    // Every candidate can be lost to faster claimants while we wait for the write lock; that says
    // nothing about the rest of the queue, so look again (a few rounds, then give up).
    for (int round = 0; round < ROUNDS; round++) {
      List<Job> candidates = candidates(c, now);
      if (candidates.isEmpty()) {
        return Optional.empty();
      }
      Optional<Job> won = claimOne(c, candidates, owner, lease, now);
      if (won.isPresent()) {
        return won;
      }
    }
    return Optional.empty();
  }

  /**
   * The oldest due jobs whose file is free: pending ones whose retry time has come, and running
   * ones whose lease expired, merged in id order. Each kind is read walking the (state, id) index
   * in id order and stops at the first {@value #CANDIDATES} (a backfill leaves tens of thousands
   * pending: reading and sorting them all cost milliseconds per claim).
   */
  private static List<Job> candidates(Connection c, long now) throws SQLException {
    List<Job> candidates = new ArrayList<>(due(c, DUE_PENDING, now));
    candidates.addAll(due(c, DUE_EXPIRED, now));
    candidates.sort(Comparator.comparingLong(Job::id));
    return candidates.size() > CANDIDATES ? candidates.subList(0, CANDIDATES) : candidates;
  }

  /** The candidates query for due jobs matching {@code condition} (two parameters: now, now). */
  static String dueSql(String condition) {
    return "SELECT "
        + JobRows.JOBS.columns()
        + " FROM jobs INDEXED BY jobs_state_id WHERE "
        + condition
        + " AND "
        + FILE_IS_FREE
        + " ORDER BY id LIMIT "
        + CANDIDATES;
  }

  static final String DUE_PENDING = "state = 'pending' AND not_before <= ?";
  static final String DUE_EXPIRED = "state = 'running' AND lease_until < ?";

  private static List<Job> due(Connection c, String condition, long now) throws SQLException {
    List<Job> due = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(dueSql(condition))) {
      ps.setLong(1, now);
      ps.setLong(2, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          due.add(JobRows.JOBS.job(rs));
        }
      }
    }
    return due;
  }

  private Optional<Job> claimOne(
      Connection c, List<Job> candidates, String owner, Duration lease, long now)
      throws SQLException {
    for (Job candidate : candidates) {
      if (candidate.state() == JobState.RUNNING && candidate.attempts() > maxRetries) {
        // Its workers died (or hung past the lease) on every attempt: stop handing it out.
        String reason =
            "abandoned by its worker "
                + candidate.attempts()
                + " times (lease of "
                + candidate.leaseOwner()
                + " expired); not retried again";
        take(
            c,
            candidate,
            now,
            "state = 'failed', lease_owner = NULL, lease_until = NULL, error = ?, updated_at = ?",
            reason,
            now);
        continue;
      }
      Optional<RecordedRun> lastRun =
          candidate.state() == JobState.RUNNING ? recordedRun(c, candidate) : Optional.empty();
      long leaseUntil = now + lease.toMillis();
      int n =
          take(
              c,
              candidate,
              now,
              "state = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = ?,"
                  + " updated_at = ?",
              owner,
              leaseUntil,
              now);
      if (n == 1) {
        Job claimed =
            new Job(
                candidate.id(),
                candidate.commit(),
                candidate.file(),
                candidate.blob(),
                JobState.RUNNING,
                candidate.attempts() + 1,
                candidate.notBefore(),
                owner,
                Instant.ofEpochMilli(leaseUntil),
                candidate.version() + 1,
                candidate.createdAt(),
                Instant.ofEpochMilli(now),
                candidate.exitCode(),
                candidate.durationMs(),
                candidate.output(),
                candidate.error(),
                candidate.force(),
                candidate.outcome(),
                candidate.note());
        // The claim is ours (its version fences the previous holder's late writes); before the job
        // runs again, end what its previous run left running, so it never runs twice at once.
        if (lastRun.isPresent() && !endSurvivors.test(candidate, lastRun.get())) {
          // Some process of that run would not die: hand the claim back, expired, and try again
          // later (each such attempt counts against the retry budget).
          update(c, claimed, "lease_until = ?", now - 1);
          continue;
        }
        return Optional.of(claimed);
      }
      // n == 0: another claimant took it (or its owner extended the lease) between our read and
      // our update; try the next one.
    }
    return Optional.empty();
  }

  /** The run recorded for {@code job}'s current claim, if its command started. */
  static Optional<RecordedRun> recordedRun(Connection c, Job job) throws SQLException {
    return JobRows.JOBS.recordedRun(c, job);
  }

  /** The fence of a claim's writes: {@link JobTable#update}. Returns the update count. */
  static int update(Connection c, Job job, String set, Object... values) throws SQLException {
    return JobRows.JOBS.update(c, job, set, values);
  }

  /**
   * The claim's conditional update: changes {@code candidate}'s row only if it is still as read
   * (same version) and still due (pending, or running with its lease expired at {@code now}), and
   * bumps the version so that the previous holder's late writes are refused. Returns the count.
   */
  private static int take(Connection c, Job candidate, long now, String set, Object... values)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET "
                + set
                + ", version = version + 1 WHERE id = ? AND version = ? AND ((state = 'pending' AND"
                + " not_before <= ?) OR (state = 'running' AND lease_until < ?)) AND "
                + FILE_IS_FREE)) {
      int i = JobRows.JOBS.bind(ps, values);
      ps.setLong(i++, candidate.id());
      ps.setLong(i++, candidate.version());
      ps.setLong(i++, now);
      ps.setLong(i++, now);
      ps.setLong(i, now);
      return ps.executeUpdate();
    }
  }
}
