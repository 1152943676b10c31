package io.codequery.faults;

/**
 * {@link FaultKind#COMMIT}: plain work, 1–3 files committed through the real {@code post-commit}
 * hook, so that the no-lost-job invariant has something to check.
 */
final class CommitThroughHook implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    fx.commits.commit(1 + fx.rnd.nextInt(3));
  }
}
