package io.codequery.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The catalogue of cluster faults: the class that applies each, and what it does. */
enum ClusterFaultKind {
  KILL9_WORKER(new KillHostWorker(), "kill -9 of a host's worker holding jobs; started again"),
  STOP_PAST_LEASE(
      new FreezeHostWorker(),
      "kill -STOP of a host's worker holding jobs until the others took them over, then -CONT"),
  LINK_DOWN(new CutHostLink(), "a host's link down until the others took its jobs over, then up"),
  POSTGRES_RESTART(new RestartPostgres(), "the shared PostgreSQL restarted with jobs in flight"),
  CLOCK_SKEW(new SkewHostClock(), "a host's worker started with its clock 10 minutes off"),
  CONCURRENT_MIGRATION(
      new MigrateConcurrently(), "three hosts open one new database at once (first migrations)");

  final ClusterFault fault;
  final String description;

  ClusterFaultKind(ClusterFault fault, String description) {
    this.fault = fault;
    this.description = description;
  }

  /**
   * The kinds of a run of {@code trials}: every kind once per round of {@code values().length},
   * each round in a seeded order (so a short run still meets each kind).
   */
  static List<ClusterFaultKind> draw(Random rnd, int trials, List<ClusterFaultKind> from) {
    List<ClusterFaultKind> out = new ArrayList<>();
    while (out.size() < trials) {
      List<ClusterFaultKind> round = new ArrayList<>(from);
      Collections.shuffle(round, rnd);
      out.addAll(round.subList(0, Math.min(round.size(), trials - out.size())));
    }
    return out;
  }
}
