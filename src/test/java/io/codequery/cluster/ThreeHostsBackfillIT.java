package io.codequery.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.HostCluster;
import io.codequery.testing.NamespacedHosts;
import io.codequery.testing.NamespacedHosts.Host;
import io.codequery.testing.SharedRemote;
import io.codequery.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's "Done when": three namespaced hosts (own network, PID and UTS namespaces, own clone of
 * one remote) share one PostgreSQL over their links and finish a 1,000-file backfill while one
 * worker is killed with SIGKILL (and started again, as a supervisor would), one is frozen past the
 * point where the others take its jobs over (then continued: its late results are rejected by the
 * fence), and one host is cut off (its link down, later up). Nothing is lost, nothing is completed
 * twice, {@code worker list} tells each of these within cluster.md's bounds (a killed worker dead
 * within 1 s through its session lock; a frozen or cut-off one within 3 heartbeats), the cut-off
 * host fences itself, and no processor run is signalled by a worker of another host.
 */
class ThreeHostsBackfillIT {
  static final int FILES = 1_000;
  static final int HEARTBEAT_SECONDS = HostCluster.HEARTBEAT_SECONDS;

  /**
   * How soon a worker that stopped heartbeating (frozen, cut off) is listed dead: three heartbeat
   * intervals, plus one for the reaper's own period and slack for two loaded cores.
   */
  static final Duration DEAD_BOUND = Duration.ofSeconds(3 * HEARTBEAT_SECONDS + 4);

  /** A killed worker is listed dead at once: its session lock is gone (cluster.md: ≤ 1 s). */
  static final Duration KILLED_BOUND = Duration.ofSeconds(1);

  @TempDir Path tmp;

  @Test
  void three_hosts_finish_a_backfill_through_a_kill_a_freeze_and_a_partition() throws Exception {
    NamespacedHosts.assumeAvailable();
    SharedRemote remote = SharedRemote.withFiles(tmp, FILES);
    try (NamespacedHosts hosts = NamespacedHosts.create(List.of("host-a", "host-b", "host-c"))) {
      TestPostgres pg = TestPostgres.listeningOn(hosts.serverAddresses());
      TestPostgres.Server server = pg.server();
      server.trustClientsFrom(hosts.subnet());
      HostCluster cluster =
          HostCluster.create(tmp, remote, hosts, server, pg.createDatabase("three_hosts"));
      try {
        run(cluster, hosts);
      } finally {
        cluster.stopAll();
      }
    }
  }

  private void run(HostCluster cluster, NamespacedHosts hosts) throws Exception {
    Host a = hosts.host(0);
    Host b = hosts.host(1);
    Host c = hosts.host(2);
    for (Host h : hosts.hosts()) {
      cluster.startWorker(h);
    }
    cluster.enqueueBackfill();
    Map<String, Duration> figures = new HashMap<>();

    // 1. kill -9 of host-a's worker: listed dead in bound; a new worker there takes its place.
    cluster.awaitDone(100);
    String killed = cluster.currentWorker(a);
    long killedAt = System.nanoTime();
    cluster.signalWorker(a, "KILL");
    await()
        .atMost(KILLED_BOUND)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.listedState(killed).equals("dead"));
    figures.put("killed worker listed dead", Duration.ofNanos(System.nanoTime() - killedAt));
    cluster.startWorker(a);

    // 2. kill -STOP of host-b's worker until the others have taken its jobs over, then -CONT.
    cluster.awaitDone(300);
    String frozen = cluster.currentWorker(b);
    Set<Long> frozenJobs = freezeHoldingJobs(cluster, b, frozen);
    long frozenAt = System.nanoTime();
    try {
      await()
          .atMost(DEAD_BOUND)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.listedState(frozen).equals("dead"));
      figures.put("frozen worker listed dead", Duration.ofNanos(System.nanoTime() - frozenAt));
      awaitTakenOver(cluster, frozenJobs, frozen);
    } finally {
      cluster.signalWorker(b, "CONT");
    }
    // Its late results meet the fence: each discarded, and the worker lives on as a new life.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> cluster.discardedIn(b).containsAll(cluster.describe(frozenJobs)));
    cluster.awaitNewLife(b, frozen);

    // 3. host-c cut off while running long commands (20 s): it fences itself, ending them before
    // a reaper could let another host take them; listed dead; its jobs done elsewhere; joined
    // again.
    cluster.awaitDone(500);
    cluster.configure(c, "20", HostCluster.CONCURRENCY);
    String cutOff = cluster.restartWorker(c);
    // Cut it while a slot watches its running command: a slot still in a store call (recording the
    // run) cannot look at the fence until that call gives up; its command waits behind the record.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.recordedRunsOf(cutOff), held -> !held.isEmpty());
    int fencesBefore = cluster.selfFences(c).size();
    c.linkDown();
    long cutAt = System.nanoTime();
    Set<Long> cutOffJobs;
    try {
      // Read after the cut: what it holds now it cannot give back.
      cutOffJobs = cluster.runningJobsOf(cutOff);
      Set<String> cutPaths = new HashSet<>();
      cluster
          .describe(cluster.recordedRunsOf(cutOff))
          .forEach(j -> cutPaths.add(j.substring(j.indexOf(':') + 1)));
      await()
          .atMost(DEAD_BOUND)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.selfFences(c).size() > fencesBefore);
      figures.put("cut-off host fenced itself", Duration.ofNanos(System.nanoTime() - cutAt));
      // Its commands ended (each wrote its ledger line on TERM), before anyone took the jobs.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cluster.signalledOn(c).containsAll(cutPaths));
      assertTrue(
          cluster.runningJobsOf(cutOff).containsAll(cutOffJobs),
          "its jobs were taken over before it had ended their commands:\n"
              + cluster.rows(cutOffJobs));
      await()
          .atMost(DEAD_BOUND)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.listedState(cutOff).equals("dead"));
      figures.put("cut-off host listed dead", Duration.ofNanos(System.nanoTime() - cutAt));
      awaitTakenOver(cluster, cutOffJobs, cutOff);
      figures.put("cut-off host's jobs elsewhere", Duration.ofNanos(System.nanoTime() - cutAt));
    } finally {
      c.linkUp();
    }
    cluster.configure(c, HostCluster.JOB_SECONDS, HostCluster.CONCURRENCY);
    cluster.awaitNewLife(c, cutOff);
    cluster.restartWorker(c);

    // 4. The backfill ends: every job done once, on the store's word and on the workers' logs.
    cluster.awaitDone(FILES, Duration.ofSeconds(120));
    assertEquals(Map.of("done", (long) FILES), cluster.jobStates(), "every job done, none else");
    Map<String, List<String>> doneBy = cluster.completionsByJob();
    List<String> twice = new ArrayList<>();
    doneBy.forEach(
        (job, where) -> {
          if (where.size() > 1) {
            twice.add(job + " completed by " + where);
          }
        });
    assertEquals(List.of(), twice, "no job completed by two owners");
    // One kill can cost one log line at most per slot (completed, killed before it was logged).
    assertTrue(doneBy.size() >= FILES - 2, "completions logged: " + doneBy.size());
    // The cut-off host and the frozen one live on as new lives, listed live.
    for (Host h : hosts.hosts()) {
      String id = cluster.awaitNewLife(h, "");
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.listedState(id).equals("live"));
    }
    // A processor run is signalled only by its own host's worker, after that worker lost the job.
    List<String> foreign = cluster.signalsWithoutOwnLoss();
    assertEquals(List.of(), foreign, "processor runs signalled by no worker of their host");
    // A run killed by a foreign worker would end by signal: a failure, retried. There is none.
    assertEquals(List.of(), cluster.failures(), "no job failed on any host");
    Set<String> cutOffDone = new HashSet<>(cluster.describe(cutOffJobs));
    cutOffDone.retainAll(cluster.completionsOn(c));
    assertEquals(Set.of(), cutOffDone, "jobs taken from the cut-off host completed by it");
    System.out.println(
        "three hosts: "
            + figures
            + "; fence rejections: "
            + cluster.rejections()
            + "; completions per host: "
            + cluster.completionsPerHost()
            + "; signalled runs: "
            + cluster.ledgerEntries());
  }

  /**
   * Waits (60 s) until no job of {@code jobs} runs under {@code worker}'s claims; else says why.
   */
  private static void awaitTakenOver(HostCluster cluster, Set<Long> jobs, String worker)
      throws Exception {
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.noneHeldBy(jobs, worker));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "jobs of " + worker + " not taken over:\n" + cluster.rows(jobs) + cluster.listed(), e);
    }
  }

  /**
   * Stops {@code worker} (SIGSTOP) at a moment it holds jobs, read after the signal (a job it
   * finished just before is not one it holds frozen); tries again (CONT, a moment, STOP) where it
   * held none then, 20 times at most.
   */
  private static Set<Long> freezeHoldingJobs(HostCluster cluster, Host host, String worker)
      throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      cluster.awaitRunningJobsOf(worker);
      cluster.signalWorker(host, "STOP");
      Set<Long> held = cluster.runningJobsOf(worker);
      if (!held.isEmpty()) {
        return held;
      }
      cluster.signalWorker(host, "CONT");
    }
    throw new IllegalStateException(host.name() + " held no job at any of 20 freezes");
  }
}
