package io.codequery.faults;

/**
 * One fault of the cluster catalogue ({@link ClusterFaultKind}): applied on a namespaced host (or
 * the shared PostgreSQL) while a batch of jobs is in flight. It draws its parameters from {@link
 * ClusterFixture#rnd}, applies itself, checks what it expects right then, and leaves every host
 * with a live worker; the run checks the invariants of the batch ({@link
 * ClusterFaultInjectionTest}). Implementations hold no state.
 */
@FunctionalInterface
interface ClusterFault {
  void apply(ClusterFixture fx) throws Exception;
}
