package io.codequery.faults;

import io.codequery.testing.NamespacedHosts.Host;
import java.util.HashSet;
import java.util.Set;

/**
 * A host's link down while its worker holds jobs, until it is listed dead and the other hosts have
 * taken those jobs over, then up: the cut-off worker completes none of those jobs and lives on as a
 * new life. (Its commands, 0.15 s long, have ended by the time it could fence itself; {@code
 * ThreeHostsBackfillIT} cuts a host running long commands and checks the self-fence.)
 */
final class CutHostLink implements ClusterFault {
  @Override
  public void apply(ClusterFixture fx) throws Exception {
    Host host = fx.drawHost();
    String worker = fx.cluster.currentWorker(host);
    fx.cluster.awaitRunningJobsOf(worker);
    host.linkDown();
    Set<Long> held;
    try {
      held = fx.cluster.runningJobsOf(worker); // read after the cut: it cannot give these back
      fx.expectListedDead(worker, "cut off");
      fx.awaitTakenOver(held, worker);
    } finally {
      host.linkUp();
    }
    fx.cluster.awaitNewLife(host, worker);
    Set<String> doneByIt = new HashSet<>(fx.cluster.describe(held));
    doneByIt.retainAll(fx.cluster.completionsOn(host));
    fx.check(
        doneByIt.isEmpty(),
        ClusterInvariant.LATE_RESULT_FENCED,
        "taken over, yet completed by the cut-off host: " + doneByIt);
  }
}
