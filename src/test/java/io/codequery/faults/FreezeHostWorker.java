package io.codequery.faults;

import static org.awaitility.Awaitility.await;

import io.codequery.testing.NamespacedHosts.Host;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code kill -STOP} of a host's worker while it holds jobs, until it is listed dead and the other
 * hosts have taken those jobs over, then {@code -CONT}: each late result it then reports is
 * rejected by the fence (logged as discarded), and it lives on as a new life.
 */
final class FreezeHostWorker implements ClusterFault {
  @Override
  public void apply(ClusterFixture fx) throws Exception {
    Host host = fx.drawHost();
    String worker = fx.cluster.currentWorker(host);
    Set<Long> held = Set.of();
    // Read after the STOP: a job it finished just before is not one it holds frozen.
    for (int attempt = 0; attempt < 20 && held.isEmpty(); attempt++) {
      fx.cluster.awaitRunningJobsOf(worker);
      fx.cluster.signalWorker(host, "STOP");
      held = fx.cluster.runningJobsOf(worker);
      if (held.isEmpty()) {
        fx.cluster.signalWorker(host, "CONT");
      }
    }
    fx.check(!held.isEmpty(), ClusterInvariant.HARNESS, "held no job at any of 20 freezes");
    try {
      fx.expectListedDead(worker, "frozen");
      fx.awaitTakenOver(held, worker);
    } finally {
      fx.cluster.signalWorker(host, "CONT");
    }
    Set<String> late = fx.cluster.describe(held);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> fx.cluster.discardedIn(host).containsAll(late));
    } catch (ConditionTimeoutException e) {
      Set<String> missing = new HashSet<>(late);
      missing.removeAll(fx.cluster.discardedIn(host));
      fx.check(false, ClusterInvariant.LATE_RESULT_FENCED, "not logged as discarded: " + missing);
    }
    fx.cluster.awaitNewLife(host, worker);
  }
}
