package io.codequery.faults;

/**
 * The shared PostgreSQL restarted (a fast shutdown: every session ends) while jobs are in flight:
 * the workers reconnect and the batch ends with nothing lost (the run checks), every host's worker
 * listed live again.
 */
final class RestartPostgres implements ClusterFault {
  @Override
  public void apply(ClusterFixture fx) throws Exception {
    String worker = fx.cluster.currentWorker(fx.drawHost());
    fx.cluster.awaitRunningJobsOf(worker);
    fx.server.restart();
  }
}
