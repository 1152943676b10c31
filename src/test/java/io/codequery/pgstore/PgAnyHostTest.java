package io.codequery.pgstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.project.RepoPath;
import io.codequery.queue.JobRunner;
import io.codequery.queue.QueueTask;
import io.codequery.store.Job;
import io.codequery.store.JobFile;
import io.codequery.store.JobState;
import io.codequery.store.Store;
import io.codequery.testing.SettableClock;
import io.codequery.testing.SharedClones;
import io.codequery.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs runnable on any host, on PostgreSQL: three clones of one remote, each with its own
 * connection pool to one database. B lacks a pushed commit (fetches it and documents the file) and
 * an unpushed one (releases its job for 30 s on the database's clock, uncounted), which A, who made
 * it, runs once the delay is over.
 */
class PgAnyHostTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  /** The delay a job is released for when its commit cannot be had here (FetchMissing's). */
  private static final Duration RELEASED_FOR = Duration.ofSeconds(30);

  @TempDir Path tmp;
  final SettableClock clock = new SettableClock();
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private QueueTask hostTask(String url, Supplier<Duration> shift, Path clone) throws IOException {
    Store store = PgTestStores.open(url, 2, Duration.ofSeconds(60), shift);
    open.add(store);
    ProjectLayout layout = ProjectLayout.of(clone);
    Files.createDirectories(layout.dir());
    QueueTask task =
        new QueueTask(
            store,
            new JobRunner(
                layout.root(), null, "", Duration.ofSeconds(60), JobRunner.DEFAULT_OUTPUT_LIMIT),
            new WorkerLog(layout.logFile()),
            "owner-" + clone.getFileName(),
            QueueTask.DEFAULT_LEASE,
            Duration.ofSeconds(10));
    open.add(task);
    return task;
  }

  @Test
  void a_pushed_commit_is_fetched_and_an_unpushed_one_left_for_its_host() throws Exception {
    SharedClones clones = SharedClones.create(tmp.resolve("git"));
    Path b = clones.cloneAs("b");
    Path a = clones.cloneAs("a");
    String pushed = SharedClones.commitFile(a, "pushed.txt", "pushed\n");
    SharedClones.git(a, "push", "-q", "origin", "main");
    String unpushed = SharedClones.commitFile(a, "local.txt", "local\n");

    String url = PG.server().jdbcUrl(PG.createDatabase("anyhost"));
    Supplier<Duration> shift = PgTestStores.shiftOf(clock);
    QueueTask onA = hostTask(url, shift, a);
    QueueTask onB = hostTask(url, shift, b);
    Store store = PgTestStores.open(url, 2, Duration.ofSeconds(60), shift);
    open.add(store);
    store.enqueueFiles(
        pushed,
        List.of(
            new JobFile(RepoPath.of("pushed.txt"), SharedClones.blobOf(a, pushed, "pushed.txt"))));
    store.enqueueFiles(
        unpushed,
        List.of(
            new JobFile(RepoPath.of("local.txt"), SharedClones.blobOf(a, unpushed, "local.txt"))));

    assertTrue(onB.runOnce());
    Job fetched = onB.lastRecordedJob().orElseThrow();
    assertEquals(JobState.DONE, fetched.state(), onB.lastRecorded());
    assertEquals(pushed, fetched.commit());
    assertTrue(
        store.document(RepoPath.of("pushed.txt")).orElseThrow().text().contains("pushed"),
        "documented on B from the fetched blob");

    assertTrue(onB.runOnce());
    Job left = onB.lastRecordedJob().orElseThrow();
    assertEquals(unpushed, left.commit());
    assertEquals(JobState.PENDING, left.state(), onB.lastRecorded());
    assertEquals(0, left.attempts(), "not counted");
    assertNull(left.leaseOwner());
    assertNull(left.error());
    assertEquals(
        left.updatedAt().plus(RELEASED_FOR), left.notBefore(), "30 s on the database's clock");
    String logOfB = Files.readString(ProjectLayout.of(b).logFile());
    assertTrue(logOfB.contains("commit " + unpushed + " is not in this clone"), logOfB);

    assertFalse(onA.runOnce(), "not due before the delay, even on the host that has it");
    clock.advance(RELEASED_FOR);
    assertTrue(onA.runOnce());
    Job done = store.get(left.id()).orElseThrow();
    assertEquals(JobState.DONE, done.state(), onA.lastRecorded());
    assertEquals(1, done.attempts());
    assertTrue(store.document(RepoPath.of("local.txt")).isPresent(), "documented on A");
  }
}
