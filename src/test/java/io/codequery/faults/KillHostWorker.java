package io.codequery.faults;

import io.codequery.testing.NamespacedHosts.Host;

/**
 * {@code kill -9} of a host's worker while it holds jobs: listed dead within the bound, its jobs
 * done by the others (the run checks), and a new worker started on that host as a supervisor would.
 */
final class KillHostWorker implements ClusterFault {
  @Override
  public void apply(ClusterFixture fx) throws Exception {
    Host host = fx.drawHost();
    String worker = fx.cluster.currentWorker(host);
    fx.cluster.awaitRunningJobsOf(worker);
    fx.cluster.signalWorker(host, "KILL");
    fx.expectListedDead(worker, "killed", ClusterFixture.KILLED_BOUND);
    fx.cluster.startWorker(host);
  }
}
