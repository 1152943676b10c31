package io.codequery.faults;

import static org.awaitility.Awaitility.await;

import io.codequery.testing.HostCluster;
import io.codequery.testing.NamespacedHosts;
import io.codequery.testing.NamespacedHosts.Host;
import io.codequery.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the cluster fault run shares: three namespaced hosts with a worker each, the PostgreSQL
 * server and database they share, the seeded random source, and the violations so far.
 */
final class ClusterFixture {
  /**
   * How soon a worker that stopped heartbeating (frozen, cut off) is listed dead: three heartbeats,
   * plus the reaper's period and slack for two loaded cores.
   */
  static final Duration DEAD_BOUND = Duration.ofSeconds(3L * HostCluster.HEARTBEAT_SECONDS + 4);

  /** How soon a killed worker is listed dead: its session lock is gone at once (cluster.md). */
  static final Duration KILLED_BOUND = Duration.ofSeconds(1);

  record Violation(int trial, ClusterFaultKind kind, ClusterInvariant invariant, String detail) {
    @Override
    public String toString() {
      return "#" + trial + " " + kind + " [" + invariant.label + "] " + detail;
    }
  }

  final NamespacedHosts hosts;
  final TestPostgres pg;
  final TestPostgres.Server server;
  final HostCluster cluster;
  final RecordedRandom rnd;
  private final List<Violation> violations = new ArrayList<>();
  private int trial;
  private ClusterFaultKind kind;

  ClusterFixture(
      NamespacedHosts hosts,
      TestPostgres pg,
      TestPostgres.Server server,
      HostCluster cluster,
      RecordedRandom rnd) {
    this.hosts = hosts;
    this.pg = pg;
    this.server = server;
    this.cluster = cluster;
    this.rnd = rnd;
  }

  void at(int trial, ClusterFaultKind kind) {
    this.trial = trial;
    this.kind = kind;
  }

  void check(boolean ok, ClusterInvariant invariant, String detail) {
    if (!ok) {
      Violation v = new Violation(trial, kind, invariant, detail);
      violations.add(v);
      System.err.println("[cluster faults] VIOLATION " + v);
    }
  }

  List<Violation> violations() {
    return List.copyOf(violations);
  }

  /** A host drawn from the random source. */
  Host drawHost() {
    return hosts.host(rnd.nextInt(hosts.hosts().size()));
  }

  /** Waits up to {@code bound} for {@code worker} to be listed dead; a violation if it is not. */
  void expectListedDead(String worker, String why) {
    expectListedDead(worker, why, DEAD_BOUND);
  }

  /** Waits up to {@code bound} for {@code worker} to be listed dead; a violation if it is not. */
  void expectListedDead(String worker, String why, Duration bound) {
    try {
      await()
          .atMost(bound)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.listedState(worker).equals("dead"));
    } catch (ConditionTimeoutException e) {
      check(
          false,
          ClusterInvariant.LISTED_TRUTHFULLY,
          worker
              + " ("
              + why
              + ") not listed dead within "
              + bound
              + ": "
              + cluster.listedState(worker));
    }
  }

  /** Waits until none of {@code jobs} runs under {@code worker}'s claims (60 s). */
  void awaitTakenOver(Set<Long> jobs, String worker) throws Exception {
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.noneHeldBy(jobs, worker));
    } catch (ConditionTimeoutException e) {
      check(
          false,
          ClusterInvariant.NO_LOST_JOB,
          "jobs of "
              + worker
              + " not taken over in 60 s:\n"
              + cluster.rows(jobs)
              + cluster.listed());
      throw e;
    }
  }
}
