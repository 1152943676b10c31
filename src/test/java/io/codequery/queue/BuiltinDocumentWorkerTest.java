package io.codequery.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.store.JobState;
import io.codequery.testing.RealWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real worker with no {@code processing.command}, two job slots and six files: with Universal
 * Ctags its documents carry outlines; with ctags hidden from its PATH they carry the facts, and
 * worker.log says why once — not once per file, not once per slot.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class BuiltinDocumentWorkerTest {
  static final List<String> FILES = List.of("A.java", "b.py", "c.c", "d.sh", "E.md", "F.java");

  @TempDir Path dir;
  Path root;

  @BeforeEach
  void project() throws Exception {
    root = dir.resolve("project");
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"concurrency\": 2, \"heartbeat_seconds\": 1}}");
    Files.writeString(root.resolve("A.java"), "class A {\n  void a() {}\n}\n");
    Files.writeString(root.resolve("F.java"), "class F {\n  void f() {}\n}\n");
    Files.writeString(root.resolve("b.py"), "def b():\n    pass\n");
    Files.writeString(root.resolve("c.c"), "int c(void) { return 0; }\n");
    Files.writeString(root.resolve("d.sh"), "d() { :; }\n");
    Files.writeString(root.resolve("E.md"), "# E\n## e\n");
    try (JobQueue q = queue()) {
      q.enqueue("c0ffee", FILES);
    }
  }

  JobQueue queue() {
    return JobQueue.open(
        root.resolve(".code-query/queue.db"), 0, Duration.ofSeconds(60), Clock.systemUTC());
  }

  /** The documents of the six jobs once all are done. */
  List<String> documentsWhenDone() {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              try (JobQueue q = queue()) {
                return q.list(Optional.empty(), 100).stream()
                    .filter(j -> j.state() == JobState.DONE)
                    .count();
              }
            },
            done -> done == FILES.size());
    try (JobQueue q = queue()) {
      return q.list(Optional.empty(), 100).stream()
          .map(j -> q.document(j.file()).orElseThrow().text())
          .toList();
    }
  }

  List<String> logLinesWith(String text) throws Exception {
    return Files.readAllLines(root.resolve(".code-query/worker.log"), StandardCharsets.UTF_8)
        .stream()
        .filter(l -> l.contains(text))
        .toList();
  }

  @Test
  void with_universal_ctags_every_document_has_an_outline_and_the_log_names_ctags_once()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      List<String> documents = documentsWhenDone();
      for (String d : documents) {
        assertTrue(d.contains("\n## Outline\n\n- "), d);
      }
      assertEquals(1, logLinesWith("[builtin] outlines by Universal Ctags").size());
      assertEquals(0, w.terminate());
    }
  }

  @Test
  void with_ctags_hidden_from_the_path_documents_have_the_facts_and_the_log_says_why_once()
      throws Exception {
    Path emptyBin = Files.createDirectories(dir.resolve("bin"));
    try (RealWorker w = RealWorker.start(root, Map.of("PATH", emptyBin.toString()))) {
      List<String> documents = documentsWhenDone();
      for (String d : documents) {
        assertTrue(d.contains("\n- Lines: "), d);
        assertTrue(
            d.endsWith("\nNo outline: Universal Ctags was not available (worker.log says why).\n"),
            d);
      }
      List<String> said = logLinesWith("[builtin]");
      assertEquals(1, said.size(), said.toString());
      assertTrue(said.get(0).contains("ctags is not on the PATH"), said.get(0));
      assertEquals(0, w.terminate());
    }
  }
}
