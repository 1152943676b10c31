package io.codequery.pgstore;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.log.WorkerLog;
import io.codequery.queue.JobRunner;
import io.codequery.queue.QueueTask;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.testing.SettableClock;
import io.codequery.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slot records where its job's command runs before the command may start. A store that holds that
 * call (here: a row lock another session keeps, as real as a link that dropped mid-call) must not
 * hold the job with it: once the job must end (the worker stops, or fences itself), the slot stops
 * waiting, the command never starts, and the job goes back to pending once the store answers.
 */
class PgSlotInStoreCallTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @TempDir Path tmp;

  @Test
  void a_job_that_must_end_while_its_run_is_being_recorded_never_starts() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("project")).toRealPath();
    Files.writeString(root.resolve("a.txt"), "hello\n");
    Path ran = tmp.resolve("ran");
    Path script = tmp.resolve("document.sh");
    Files.writeString(script, "touch '" + ran + "'\necho \"# $1\"\n");
    String database = PG.createDatabase("stuck");
    String url = PG.server().jdbcUrl(database);
    SettableClock clock = new SettableClock();
    try (PostgresStore store =
            PgTestStores.open(url, 2, Duration.ofSeconds(60), PgTestStores.shiftOf(clock));
        Connection holder = DriverManager.getConnection(url)) {
      store.enqueue("c0ffee", List.of("a.txt"));
      holder.setAutoCommit(false);
      JobRunner runner =
          new JobRunner(
              root,
              List.of("sh", script.toString(), "{path}"),
              "sonnet",
              Duration.ofSeconds(120),
              JobRunner.DEFAULT_OUTPUT_LIMIT);
      WorkerLog log = new WorkerLog(tmp.resolve("worker.log"), clock);
      try (QueueTask task =
          new QueueTask(store, runner, log, "slot", QueueTask.DEFAULT_LEASE, Duration.ZERO)) {
        // Once claimed, the job's row is locked by another session: recording the run waits.
        CompletableFuture<Boolean> slot =
            CompletableFuture.supplyAsync(() -> task.runOnce(job -> lock(holder, job)));
        ProcessHandle gated =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> gatedCommand(script), Optional::isPresent)
                .orElseThrow();
        Thread.sleep(2_000); // the record waits on the lock; the command waits at its gate
        assertTrue(gated.isAlive());
        assertFalse(Files.exists(ran));

        task.requestStop(); // the job must end now (as when the fence falls)
        await().atMost(Duration.ofSeconds(10)).until(() -> !gated.isAlive());
        assertFalse(Files.exists(ran), "the command never started");
        assertFalse(slot.isDone(), "the hand-back waits for the store, which still holds the row");

        holder.rollback(); // the store answers again
        assertTrue(slot.get(30, TimeUnit.SECONDS));
        Job job = store.list(Optional.empty(), 10).get(0);
        assertEquals(JobState.PENDING, job.state(), "handed back");
        assertFalse(Files.exists(ran), "the command never started");
        String logged = Files.readString(tmp.resolve("worker.log"));
        assertTrue(
            logged.contains("run of c0ffee:a.txt not recorded yet; the job is ended first"),
            logged);
      }
    }
  }

  private static void lock(Connection holder, Job job) {
    try (PreparedStatement st =
        holder.prepareStatement("SELECT 1 FROM code_query.jobs WHERE id = ? FOR UPDATE")) {
      st.setLong(1, job.id());
      st.executeQuery().close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The job's command, held at its start gate (its argv names the script). */
  private static Optional<ProcessHandle> gatedCommand(Path script) {
    return ProcessHandle.current()
        .descendants()
        .filter(
            p ->
                p.info().arguments().map(a -> List.of(a).contains(script.toString())).orElse(false))
        .findFirst();
  }
}
