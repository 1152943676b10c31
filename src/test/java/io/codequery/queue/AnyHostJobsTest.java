package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.project.RepoPath;
import io.codequery.store.Job;
import io.codequery.store.JobFile;
import io.codequery.store.JobState;
import io.codequery.store.Outcome;
import io.codequery.testing.SettableClock;
import io.codequery.testing.SharedClones;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs runnable on any host: clones of one remote share one store (SQLite here; the PostgreSQL case
 * is {@code PgAnyHostTest}); a host claims a job of a commit another host made.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class AnyHostJobsTest {
  @TempDir Path tmp;
  SettableClock clock = new SettableClock();
  SharedClones clones;
  JobQueue store;
  final List<QueueTask> tasks = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    clones = SharedClones.create(tmp.resolve("git"));
    Files.createDirectories(tmp.resolve("store"));
    store = JobQueue.open(tmp.resolve("store/queue.db"), 2, Duration.ofSeconds(60), clock);
  }

  @AfterEach
  void tearDown() {
    tasks.forEach(QueueTask::close);
    if (store != null) {
      store.close();
    }
  }

  /** The worker's queue consumer of the host whose checkout is {@code clone}, on the store. */
  private QueueTask hostTask(Path clone) throws IOException {
    ProjectLayout layout = ProjectLayout.of(clone);
    Files.createDirectories(layout.dir());
    JobRunner runner =
        new JobRunner(
            layout.root(), null, "", Duration.ofSeconds(60), JobRunner.DEFAULT_OUTPUT_LIMIT);
    QueueTask task =
        new QueueTask(
            store,
            runner,
            new WorkerLog(layout.logFile(), clock),
            "owner-" + clone.getFileName(),
            QueueTask.DEFAULT_LEASE,
            Duration.ofSeconds(10));
    tasks.add(task);
    return task;
  }

  private static String log(Path clone) throws IOException {
    Path f = ProjectLayout.of(clone).logFile();
    return Files.exists(f) ? Files.readString(f) : "";
  }

  private static long count(String text, String what) {
    return text.lines().filter(l -> l.contains(what)).count();
  }

  private void enqueue(Path clone, String commit, String... files) throws IOException {
    List<JobFile> jobFiles = new ArrayList<>();
    for (String f : files) {
      jobFiles.add(new JobFile(RepoPath.of(f), SharedClones.blobOf(clone, commit, f)));
    }
    store.enqueueFiles(commit, jobFiles);
  }

  private Job only() {
    List<Job> all = store.list(Optional.empty(), 10);
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }

  @Test
  void a_host_without_the_pushed_commit_fetches_it_and_documents_the_file() throws Exception {
    Path b = clones.cloneAs("b"); // cloned before A's push: it has not fetched A's commit
    Path a = clones.cloneAs("a");
    String commit = SharedClones.commitFile(a, "src/Pushed.java", "class Pushed {}\n");
    SharedClones.git(a, "push", "-q", "origin", "main");
    enqueue(a, commit, "src/Pushed.java");
    assertFalse(SharedClones.holds(b, commit), "B has not fetched A's commit");

    QueueTask onB = hostTask(b);
    assertTrue(onB.runOnce());

    Job job = only();
    assertEquals(JobState.DONE, job.state(), onB.lastRecorded());
    assertEquals(Outcome.DOCUMENTED, job.outcome());
    assertTrue(
        store.document(RepoPath.of("src/Pushed.java")).orElseThrow().text().contains("Pushed"),
        "documented from the fetched blob");
    assertTrue(SharedClones.holds(b, commit), "B's clone has the commit now");
    assertFalse(Files.exists(b.resolve("src/Pushed.java")), "B's working tree is left alone");
    String log = log(b);
    assertEquals(1, count(log, "fetched origin in "), log);
    assertTrue(log.contains("for commit " + commit), log);
    assertEquals(0, count(log, "is not in this clone"), log);
  }

  @Test
  void a_host_whose_remote_lacks_the_commit_releases_its_jobs_for_a_while_uncounted()
      throws Exception {
    Path a = clones.cloneAs("a");
    Path c = clones.cloneAs("c");
    // A commits but does not push: C's remote has never seen the commit.
    SharedClones.commitFile(a, "one.txt", "one\n");
    String commit = SharedClones.commitFile(a, "two.txt", "two\n");
    enqueue(a, commit, "one.txt", "two.txt");

    QueueTask onC = hostTask(c);
    assertTrue(onC.runOnce());
    assertTrue(onC.runOnce());
    assertFalse(onC.runOnce(), "both released for later: nothing due now");
    for (Job job : store.list(Optional.empty(), 10)) {
      assertEquals(JobState.PENDING, job.state(), job.toString());
      assertEquals(0, job.attempts(), "a release is not an attempt");
      assertNull(job.leaseOwner());
      assertEquals(job.updatedAt().plus(FetchMissing.RETRY_AFTER), job.notBefore());
      assertNull(job.error(), "not a failure");
    }
    assertTrue(
        onC.lastRecorded().startsWith("left " + commit + ":two.txt for a host that has its commit"),
        onC.lastRecorded());
    String log = log(c);
    assertEquals(1, count(log, "fetched origin in "), "one fetch for the commit, not one per job");
    assertEquals(1, count(log, "commit " + commit + " is not in this clone"), log);
    assertTrue(log.contains("push it to origin"), "says what to do: " + log);

    QueueTask onA = hostTask(a);
    assertFalse(onA.runOnce(), "not even the host that has it before the delay");
    clock.advance(FetchMissing.RETRY_AFTER);
    assertTrue(onA.runOnce());
    assertTrue(onA.runOnce());
    for (Job job : store.list(Optional.empty(), 10)) {
      assertEquals(JobState.DONE, job.state(), job.toString());
      assertEquals(1, job.attempts());
    }
    assertEquals(0, count(log(a), "fetch"), "A had the commit: no fetch");
  }

  @Test
  void a_clone_with_no_remote_does_not_fetch_and_says_to_add_one() throws Exception {
    Path a = clones.cloneAs("a");
    Path lone = tmp.resolve("lone");
    Files.createDirectories(lone);
    SharedClones.git(lone, "init", "-q", "-b", "main");
    String commit = SharedClones.commitFile(a, "x.txt", "x\n");
    enqueue(a, commit, "x.txt");

    QueueTask onLone = hostTask(lone.toRealPath());
    assertTrue(onLone.runOnce());
    Job job = only();
    assertEquals(JobState.PENDING, job.state());
    assertEquals(0, job.attempts());
    String log = log(lone);
    assertEquals(0, count(log, "fetched"), log);
    assertTrue(log.contains("no remote to fetch it from"), log);
    assertTrue(log.contains("git remote add"), log);
  }
}
