package io.codequery.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@link FaultKind#DB_LOCKED}: another process's connection holds {@code queue.db} in an exclusive
 * transaction for 0.5–3 s while files are committed and {@code queue status} asks. The status
 * answers or refuses with a message; the worker keeps running.
 */
final class LockQueueDatabase implements Fault {
  @Override
  public void apply(FaultFixture fx, FaultKind kind) throws Exception {
    fx.workers.ensure();
    Path db = fx.project.cq.resolve("queue.db");
    if (!Files.exists(db)) {
      fx.commits.commit(1);
      Poll.until(Duration.ofSeconds(30), () -> Files.exists(db));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = c.createStatement()) {
        // The worker writes now and then (its registry beats every heartbeat): wait for its
        // transaction to end rather than fail to take the lock (#23 of seed 202611289 once did).
        st.execute("PRAGMA busy_timeout = 10000");
        st.execute("BEGIN EXCLUSIVE");
      }
      fx.commits.commit(1 + fx.rnd.nextInt(2));
      CompletableFuture<Bounded.Result> q =
          fx.commands.cliAsync(
              "queue", "status", "--json", "--project-root", fx.project.root.toString());
      Thread.sleep(500 + fx.rnd.nextInt(2500));
      try (Statement st = c.createStatement()) {
        st.execute("ROLLBACK");
      }
      Bounded.Result r = fx.commands.await(q, "queue status while locked");
      fx.violations.check(
          r.code() == 0 || r.code() == 2 && !r.err().isBlank(),
          Invariant.LOCKED_DATABASE,
          "queue status while locked: " + r.oneLine());
    }
    Detection d = fx.workers.status();
    fx.violations.check(
        d.running(), Invariant.LIVE_WORKER_DETECTED, "after a locked database: " + d);
  }
}
