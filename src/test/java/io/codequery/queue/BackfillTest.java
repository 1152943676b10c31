package io.codequery.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.project.RepoPath;
import io.codequery.store.IngestOptions;
import io.codequery.store.JobResult;
import io.codequery.store.NewDocument;
import io.codequery.store.PathChange;
import io.codequery.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backfill on a real repository: whole batches, a clean stop, untracked documents removed. */
class BackfillTest {
  @TempDir Path tmp;
  Path root;
  JobQueue store;

  void sh(String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), script + ": " + out);
  }

  @BeforeEach
  void repository() throws Exception {
    root = Files.createDirectory(tmp.resolve("r")).toRealPath();
    for (int i = 0; i < 1_200; i++) {
      Files.writeString(root.resolve("f" + i + ".txt"), "file " + i + "\n");
    }
    Files.createSymbolicLink(root.resolve("link"), Path.of("f1.txt"));
    sh("git init -q . && git add -A && git -c user.name=t -c user.email=t@x.invalid commit -qm c");
    store =
        JobQueue.open(
            root.resolve(".code-query/queue.db"), 2, Duration.ofSeconds(60), new SettableClock());
  }

  @Test
  void a_stop_between_batches_leaves_whole_batches_and_a_second_run_finishes() {
    List<Backfill.Progress> seen = new ArrayList<>();
    Backfill.Result first =
        Backfill.run(store, root, "HEAD", "p", false, seen::add, () -> seen.size() > 1);
    assertTrue(first.interrupted());
    assertEquals(Backfill.BATCH, first.ingested().queued());
    assertEquals(List.of(new Backfill.Progress(0, 1_200), new Backfill.Progress(500, 1_200)), seen);
    assertEquals(1, first.symlinks());
    assertEquals(1_200, first.files());
    Backfill.Result second = Backfill.run(store, root, "HEAD", "p", false, p -> {}, () -> false);
    assertFalse(second.interrupted());
    assertEquals(700, second.ingested().queued());
    assertEquals(1_200, store.depth());
  }

  @Test
  void documents_of_files_no_longer_tracked_leave() throws Exception {
    store.ingest(
        "c".repeat(40),
        List.of(new PathChange.Document(RepoPath.of("old.txt"), "a".repeat(40))),
        IngestOptions.DEFAULT);
    store.complete(
        store.claim("w", Duration.ofSeconds(30)).orElseThrow(),
        new JobResult(0, 1, "", new NewDocument("old", 3, false, "p")));
    assertTrue(store.document(RepoPath.of("old.txt")).isPresent());
    Backfill.Result r = Backfill.run(store, root, "HEAD", "p", false, p -> {}, () -> false);
    assertEquals(1, r.ingested().removed());
    assertTrue(store.document(RepoPath.of("old.txt")).isEmpty());
  }
}
