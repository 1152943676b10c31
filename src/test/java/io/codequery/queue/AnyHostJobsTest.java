package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void on_a_store_no_other_clone_shares_a_commit_no_fetch_brings_fails_its_jobs_with_the_reason()
      throws Exception {
    // The embedded store is this project's alone: no other host will ever run the job, so waiting
    // for one would never end (a blob pruned after an amend). It fails, as it always has — after
    // one fetch for the commit, however many of its files are queued. (On a shared store the job
    // is left for another host instead: PgAnyHostTest.)
    Path a = clones.cloneAs("a");
    Path c = clones.cloneAs("c");
    SharedClones.commitFile(a, "one.txt", "one\n");
    String commit = SharedClones.commitFile(a, "two.txt", "two\n");
    enqueue(a, commit, "one.txt", "two.txt");

    QueueTask onC = hostTask(c);
    assertTrue(onC.runOnce());
    assertTrue(onC.runOnce());
    assertFalse(onC.runOnce(), "both failed: nothing due");
    for (Job job : store.list(Optional.empty(), 10)) {
      assertEquals(JobState.FAILED, job.state(), job.toString());
      assertEquals(1, job.attempts());
      assertTrue(job.error().contains("is not in this clone"), job.error());
    }
    assertTrue(
        onC.lastRecorded().startsWith("failed " + commit + ":two.txt (attempt 1): "),
        onC.lastRecorded());
    String log = log(c);
    assertEquals(1, count(log, "fetched origin in "), "one fetch for the commit, not one per job");
    assertEquals(1, count(log, "commit " + commit + " is not in this clone"), log);
    assertTrue(log.contains("push it to origin"), "says what to do: " + log);
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
    assertEquals(JobState.FAILED, job.state(), "the project's own store: no other host runs it");
    assertEquals(1, job.attempts());
    String log = log(lone);
    assertEquals(0, count(log, "] fetched"), log);
    assertTrue(log.contains("no remote to fetch it from"), log);
    assertTrue(log.contains("git remote add"), log);
  }
}
