package io.codequery.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The claim protocol and its fence, after db-scheduler: read candidates, then take one with {@code
 * UPDATE … WHERE id = ? AND version = ?} and check the update count; a count of 0 means another
 * claimant won and the next candidate is tried. Every claim bumps the row's version, and every
 * later write of that claim ({@link #update}) names the version it got: a worker whose lease
 * expired and whose job was claimed again cannot overwrite the new claimant's result.
 *
 * <p>Delivery is at least once: a running job whose lease expired (its worker died or hung) is
 * claimable again; a job whose lease expired more often than the retry budget allows is marked
 * failed instead of being handed out forever.
 */
final class ClaimJobs {
  private static final int CANDIDATES = 16;
  private static final int ROUNDS = 8;

  private final int maxRetries;

  ClaimJobs(int maxRetries) {
    this.maxRetries = maxRetries;
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

  private static List<Job> candidates(Connection c, long now) throws SQLException {
    List<Job> candidates = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + JobRows.COLUMNS
                + " FROM jobs WHERE (state = 'pending' AND not_before <= ?)"
                + " OR (state = 'running' AND lease_until < ?) ORDER BY id LIMIT "
                + CANDIDATES)) {
      ps.setLong(1, now);
      ps.setLong(2, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          candidates.add(JobRows.job(rs));
        }
      }
    }
    return candidates;
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
        return Optional.of(
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
                candidate.error()));
      }
      // n == 0: another claimant took it (or its owner extended the lease) between our read and
      // our update; try the next one.
    }
    return Optional.empty();
  }

  /**
   * The fence: {@code UPDATE jobs SET <set> WHERE id = ? AND version = ? AND state = 'running'}
   * changes the row only while the claim that produced {@code job} still holds it. Returns the
   * update count.
   */
  static int update(Connection c, Job job, String set, Object... values) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE jobs SET " + set + " WHERE id = ? AND version = ? AND state = 'running'")) {
      int i = JobRows.bind(ps, values);
      ps.setLong(i++, job.id());
      ps.setLong(i, job.version());
      return ps.executeUpdate();
    }
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
                + " not_before <= ?) OR (state = 'running' AND lease_until < ?))")) {
      int i = JobRows.bind(ps, values);
      ps.setLong(i++, candidate.id());
      ps.setLong(i++, candidate.version());
      ps.setLong(i++, now);
      ps.setLong(i, now);
      return ps.executeUpdate();
    }
  }
}
