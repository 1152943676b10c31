package io.codequery.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.HostCluster;
import io.codequery.testing.NamespacedHosts;
import io.codequery.testing.NamespacedHosts.Host;
import io.codequery.testing.SharedRemote;
import io.codequery.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's cluster numbers, measured on three namespaced hosts sharing one PostgreSQL (run by
 * {@code bench/cluster.sh}, not by {@code mvn verify}: no {@code Test} suffix): how soon a killed
 * worker and a cut-off host are listed dead, how soon a cut-off host's jobs run elsewhere, and
 * sleep-bound throughput with 1, 2, 4 slots on one host and with 1, 2, 3 hosts of one slot, as
 * ratios to linear. Writes {@code target/cluster-numbers.txt}, one figure a line.
 */
class ClusterNumbers {
  static final String SLEEP_JOB = "0.5";
  static final int JOBS_PER_SLOT = 16;

  @TempDir Path tmp;
  final List<String> table = new ArrayList<>();

  @Test
  void cluster_numbers() throws Exception {
    NamespacedHosts.assumeAvailable();
    SharedRemote remote = SharedRemote.withFiles(tmp, 1_000);
    try (NamespacedHosts hosts = NamespacedHosts.create(List.of("host-a", "host-b", "host-c"))) {
      TestPostgres pg = TestPostgres.listeningOn(hosts.serverAddresses());
      TestPostgres.Server server = pg.server();
      server.trustClientsFrom(hosts.subnet());
      HostCluster cluster =
          HostCluster.create(tmp, remote, hosts, server, pg.createDatabase("cluster_numbers"));
      try {
        liveness(cluster, hosts);
        throughput(cluster, hosts);
      } finally {
        cluster.stopAll();
      }
    }
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Files.write(target.resolve("cluster-numbers.txt"), table, StandardCharsets.UTF_8);
    }
    table.forEach(System.out::println);
    assertTrue(table.size() == 8, table.toString()); // every figure measured
  }

  private void liveness(HostCluster cluster, NamespacedHosts hosts) throws Exception {
    for (Host h : hosts.hosts()) {
      cluster.startWorker(h);
    }
    List<Integer> files = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      files.add(i);
    }
    cluster.commitAndQueue(files, "liveness");
    Host a = hosts.host(0);
    String killed = cluster.currentWorker(a);
    cluster.awaitRunningJobsOf(killed);
    cluster.signalWorker(a, "KILL");
    long t0 = System.nanoTime();
    awaitDead(cluster, killed);
    double dead = seconds(t0);
    row("killed worker listed dead", dead, "s", "<= 1 s", dead <= 1.0);

    Host c = hosts.host(2);
    String cut = cluster.currentWorker(c);
    cluster.awaitRunningJobsOf(cut);
    c.linkDown();
    long t1 = System.nanoTime();
    try {
      Set<Long> held = cluster.runningJobsOf(cut);
      awaitDead(cluster, cut);
      double lost = seconds(t1) / HostCluster.HEARTBEAT_SECONDS;
      row("host lost (link down) listed dead", lost, "heartbeats", "<= 3", lost <= 3.0);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> cluster.noneHeldBy(held, cut));
      double elsewhere = seconds(t1);
      // lease 30 s (QueueTask.DEFAULT_LEASE) + 1 heartbeat
      row("its jobs running elsewhere", elsewhere, "s", "<= 31 s", elsewhere <= 31.0);
    } finally {
      c.linkUp();
    }
    cluster.awaitDone(600, Duration.ofSeconds(180));
    cluster.stopAll();
  }

  private void throughput(HostCluster cluster, NamespacedHosts hosts) throws Exception {
    double base = 0;
    int round = 0;
    for (int[] shape : new int[][] {{1, 1}, {1, 2}, {1, 4}, {2, 1}, {3, 1}}) {
      int hostCount = shape[0];
      int slots = shape[1];
      cluster.configure(SLEEP_JOB, slots);
      List<Host> used = hosts.hosts().subList(0, hostCount);
      for (Host h : used) {
        cluster.startWorker(h);
      }
      int total = JOBS_PER_SLOT * hostCount * slots;
      List<Integer> files = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        files.add(600 + i);
      }
      long done0 = cluster.jobStates().getOrDefault("done", 0L);
      long t0 = System.nanoTime();
      cluster.commitAndQueue(files, "throughput " + round++);
      await()
          .atMost(Duration.ofSeconds(300))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> cluster.jobStates().getOrDefault("done", 0L) >= done0 + total);
      double perSecond = total / seconds(t0);
      if (base == 0) {
        base = perSecond;
      }
      double ratio = perSecond / (base * hostCount * slots);
      row(
          String.format(
              Locale.ROOT,
              "sleep-bound jobs/s, %d host(s) x %d slot(s), vs linear",
              hostCount,
              slots),
          ratio,
          String.format(Locale.ROOT, "x (%.2f jobs/s)", perSecond),
          ">= 0.9",
          ratio >= 0.9);
      cluster.stopAll();
    }
  }

  private static void awaitDead(HostCluster cluster, String worker) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> cluster.listedState(worker).equals("dead"));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private void row(String figure, double value, String unit, String target, boolean met) {
    table.add(
        String.format(
            Locale.ROOT,
            "%s | %.2f %s | target %s | %s",
            figure,
            value,
            unit,
            target,
            met ? "met" : "missed"));
  }
}
