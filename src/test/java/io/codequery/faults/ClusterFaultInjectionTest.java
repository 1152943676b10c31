package io.codequery.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.codequery.testing.HostCluster;
import io.codequery.testing.NamespacedHosts;
import io.codequery.testing.NamespacedHosts.Host;
import io.codequery.testing.SharedRemote;
import io.codequery.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded cluster fault run (issue 12, "Faults"): three namespaced hosts with a worker each
 * share one PostgreSQL; each trial pushes a commit of 60 to 120 changed files, queues it, applies
 * one fault of {@link ClusterFaultKind} while those jobs are in flight, waits for the batch to end
 * and checks the {@link ClusterInvariant}s: every job of the batch done, none completed twice (the
 * workers' logs), no job command signalled by a worker of another host (the job command's ledger),
 * every host's worker listed live again. The short profile (one trial per kind) runs in {@code mvn
 * verify}; {@code -Dfaults.cluster.trials=N} runs more, {@code faults.cluster.seed} replays.
 */
class ClusterFaultInjectionTest {
  static final long SEED = Long.getLong("faults.cluster.seed", 2026112812L);
  static final int TRIALS =
      Integer.getInteger("faults.cluster.trials", ClusterFaultKind.values().length);
  static final int DEADLINE_MINUTES = Integer.getInteger("faults.cluster.deadline.minutes", 0);
  static final int FILES = 1_000;

  /** {@code faults.cluster.only}: comma-separated kinds to draw from (default: all). */
  static final List<ClusterFaultKind> ONLY =
      System.getProperty("faults.cluster.only", "").isBlank()
          ? List.of(ClusterFaultKind.values())
          : Arrays.stream(System.getProperty("faults.cluster.only").split(","))
              .map(String::strip)
              .map(ClusterFaultKind::valueOf)
              .toList();

  @TempDir Path tmp;

  @Test
  void seeded_cluster_faults_lose_nothing_and_complete_nothing_twice() throws Exception {
    NamespacedHosts.assumeAvailable();
    SharedRemote remote = SharedRemote.withFiles(tmp, FILES);
    RecordedRandom rnd = new RecordedRandom(SEED);
    Map<ClusterFaultKind, Integer> ran = new EnumMap<>(ClusterFaultKind.class);
    Map<ClusterFaultKind, Long> seconds = new EnumMap<>(ClusterFaultKind.class);
    List<String> draws = new ArrayList<>();
    long started = System.nanoTime();
    ClusterFixture fx;
    try (NamespacedHosts hosts = NamespacedHosts.create(List.of("host-a", "host-b", "host-c"))) {
      TestPostgres pg = TestPostgres.listeningOn(hosts.serverAddresses());
      TestPostgres.Server server = pg.server();
      server.trustClientsFrom(hosts.subnet());
      HostCluster cluster =
          HostCluster.create(tmp, remote, hosts, server, pg.createDatabase("cluster_faults"));
      fx = new ClusterFixture(hosts, pg, server, cluster, rnd);
      try {
        for (Host h : hosts.hosts()) {
          cluster.startWorker(h);
        }
        List<ClusterFaultKind> kinds = ClusterFaultKind.draw(rnd, TRIALS, ONLY);
        draws.add("#0 order " + rnd.takeDraws());
        for (int trial = 1; trial <= kinds.size(); trial++) {
          if (DEADLINE_MINUTES > 0
              && System.nanoTime() - started > Duration.ofMinutes(DEADLINE_MINUTES).toNanos()) {
            break;
          }
          ClusterFaultKind kind = kinds.get(trial - 1);
          fx.at(trial, kind);
          long t0 = System.nanoTime();
          runTrial(fx, trial, kind);
          ran.merge(kind, 1, Integer::sum);
          seconds.merge(kind, Duration.ofNanos(System.nanoTime() - t0).toSeconds(), Long::sum);
          draws.add("#" + trial + " " + kind + " " + rnd.takeDraws());
        }
      } finally {
        cluster.stopAll();
      }
    }
    String summary =
        "cluster faults: seed "
            + SEED
            + ", trials "
            + ran.values().stream().mapToInt(Integer::intValue).sum()
            + " "
            + ran
            + ", seconds per kind "
            + seconds
            + ", "
            + Duration.ofNanos(System.nanoTime() - started).toSeconds()
            + " s, violations "
            + fx.violations().size();
    System.out.println(summary);
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Files.writeString(
          target.resolve("cluster-faults-summary.txt"),
          summary
              + "\n"
              + String.join("\n", fx.violations().stream().map(Object::toString).toList())
              + "\n",
          StandardCharsets.UTF_8);
      Files.write(target.resolve("cluster-faults-draws.txt"), draws, StandardCharsets.UTF_8);
    }
    assertEquals(
        List.of(),
        fx.violations(),
        "replay: -Dfaults.cluster.seed=" + SEED + " -Dfaults.cluster.trials=" + TRIALS);
  }

  private static void runTrial(ClusterFixture fx, int trial, ClusterFaultKind kind)
      throws Exception {
    HostCluster cluster = fx.cluster;
    int size = 60 + fx.rnd.nextInt(61);
    int first = fx.rnd.nextInt(FILES - size);
    List<Integer> files = new ArrayList<>();
    for (int i = first; i < first + size; i++) {
      files.add(i);
    }
    // The hosts do not pull: a worker lacking the commit fetches it from the remote.
    Set<String> batch = cluster.commitAndQueue(files, "trial " + trial, false);
    Set<String> failedBefore = new HashSet<>(cluster.failures());
    try {
      kind.fault.apply(fx);
    } catch (ConditionTimeoutException | IllegalStateException e) {
      fx.check(false, ClusterInvariant.HARNESS, kind + " could not be applied: " + e);
    }
    // The batch ends: every job done (the store), none completed twice (the logs).
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> notDone(cluster, batch).isEmpty());
    } catch (ConditionTimeoutException e) {
      fx.check(false, ClusterInvariant.NO_LOST_JOB, "not done: " + notDone(cluster, batch));
    }
    Map<String, List<String>> completions = cluster.completionsByJob();
    for (String job : batch) {
      List<String> by = completions.getOrDefault(job, List.of());
      fx.check(by.size() <= 1, ClusterInvariant.NO_DOUBLE_COMPLETION, job + " completed by " + by);
    }
    fx.check(
        cluster.signalsWithoutOwnLoss().isEmpty(),
        ClusterInvariant.NO_FOREIGN_SIGNAL,
        "signalled without its own worker losing the job: " + cluster.signalsWithoutOwnLoss());
    List<String> newlyFailed = new ArrayList<>(cluster.failures());
    newlyFailed.removeAll(failedBefore); // log lines carry their time: each is one event
    fx.check(
        newlyFailed.isEmpty(),
        ClusterInvariant.NO_FOREIGN_SIGNAL,
        "a job failed (a run ended by a signal?): " + newlyFailed);
    // Every host's worker listed live again (a frozen or cut-off one as its new life).
    for (Host h : fx.hosts.hosts()) {
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> cluster.listedState(cluster.currentWorker(h)).equals("live"));
      } catch (ConditionTimeoutException e) {
        fx.check(
            false,
            ClusterInvariant.LISTED_TRUTHFULLY,
            h.name() + "'s worker not listed live: " + cluster.listed());
      }
    }
  }

  /** The jobs of {@code batch} ({@code commit:path}) that the store does not hold as done. */
  private static Set<String> notDone(HostCluster cluster, Set<String> batch) throws Exception {
    Set<String> left = new HashSet<>(batch);
    try (Connection c = cluster.connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT commit_id || ':' || convert_from(file, 'UTF8') FROM code_query.jobs"
                    + " WHERE state = 'done' AND commit_id || ':' || convert_from(file, 'UTF8')"
                    + " = ANY (?)")) {
      st.setArray(1, c.createArrayOf("text", batch.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          left.remove(rs.getString(1));
        }
      }
    }
    return left;
  }
}
