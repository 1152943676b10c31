package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.codequery.testing.CliProject;
import io.codequery.testing.CliProject.Run;
import io.codequery.testing.RealWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs search | show | status | list} and {@code queue add --all [--force]} through the CLI,
 * on real git repositories and real SQLite files: the JSON of documentation.md, the exit codes (0
 * found, 1 nothing found or not documented, 2 usage or error), and what a backfill runs.
 */
class DocsCliTest {
  @TempDir Path tmp;
  CliProject project;
  Path root;
  Path runs;

  /** A command that counts its runs in {@code runs} and documents a file with its own words. */
  void config(String extraProcessing) throws Exception {
    project.config(
        "{\"processing\": {\"max_retries\": 0, \"command\": "
            + CliProject.headingThenFile("echo run >> '" + runs + "'; ")
            + extraProcessing
            + "}}");
  }

  long runCount() throws Exception {
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  @BeforeEach
  void repository() throws Exception {
    runs = tmp.resolve("runs.txt");
    project =
        CliProject.committed(
            tmp.resolve("project"),
            Map.of(
                "src/worker/Loop.java", "class Loop { /* the heartbeat */ }\n",
                "README.md", "A project about a worker and its queue.\n",
                "notes.txt", "unrelated text\n"));
    root = project.root();
    config("");
  }

  @Test
  void a_backfill_then_a_search_finds_the_documents_and_says_so_in_json() throws Exception {
    Run add = project.cli("queue", "add", "--all", "--json");
    assertEquals(0, add.code(), add.toString());
    JsonObject added = add.json();
    assertEquals(3, added.get("files").getAsInt());
    assertEquals(3, added.get("queued").getAsInt());
    assertFalse(added.get("interrupted").getAsBoolean());
    assertEquals(0, project.cli("queue", "process").code());
    assertEquals(3, runCount());

    Run found = project.cli("docs", "search", "worker", "--json");
    assertEquals(0, found.code(), found.toString());
    JsonObject o = found.json();
    assertEquals(List.of("query", "results"), List.copyOf(o.keySet()));
    assertEquals("worker", o.get("query").getAsString());
    JsonArray results = o.getAsJsonArray("results");
    assertEquals(2, results.size());
    JsonObject first = results.get(0).getAsJsonObject();
    assertEquals(List.of("path", "commit", "score", "snippet"), List.copyOf(first.keySet()));
    assertEquals("src/worker/Loop.java", first.get("path").getAsString(), "a path weighs more");
    assertEquals(40, first.get("commit").getAsString().length());
    assertTrue(first.get("score").getAsDouble() > 0);
    JsonObject second = results.get(1).getAsJsonObject();
    assertTrue(second.get("snippet").getAsString().contains("**worker**"), second.toString());

    Run text = project.cli("docs", "search", "heartbeat");
    assertEquals(0, text.code());
    assertTrue(text.out().startsWith("src/worker/Loop.java  (score "), text.out());

    Run none = project.cli("docs", "search", "zebra", "--json");
    assertEquals(1, none.code(), "nothing found");
    assertEquals(0, none.json().getAsJsonArray("results").size());
    assertEquals(1, project.cli("docs", "search", "zebra").code());

    Run globbed = project.cli("docs", "search", "worker", "--path", "*.md", "--json");
    assertEquals(1, globbed.json().getAsJsonArray("results").size());
  }

  @Test
  void the_quick_start_ends_with_a_search_that_finds_something_with_a_real_worker()
      throws Exception {
    Files.delete(root.resolve(".code-query/config.json")); // the built-in processor
    try (RealWorker w = RealWorker.start(root)) {
      assertEquals(0, project.cli("queue", "add", "--all").code());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> project.cli("docs", "status", "--json").json().get("stale").getAsInt() == 0);
      Run found = project.cli("docs", "search", "worker");
      assertEquals(0, found.code(), found.toString());
      assertTrue(found.out().contains("src/worker/Loop.java"), found.out());
      // A commit after: the worker documents the new file, the search follows (the built-in
      // document holds facts, not the text: its path is what is found).
      Files.writeString(root.resolve("zebra.txt"), "stripes\n");
      project.commitAll("zebra");
      assertEquals(0, project.cli("queue", "add").code());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> project.cli("docs", "search", "zebra").code() == 0);
      assertEquals(0, w.terminate());
    }
  }

  @Test
  void a_second_backfill_of_an_unchanged_tree_runs_no_command() throws Exception {
    project.cli("queue", "add", "--all");
    project.cli("queue", "process");
    long before = runCount();
    Run again = project.cli("queue", "add", "--all", "--json");
    assertEquals(0, again.json().get("queued").getAsInt());
    assertEquals(3, again.json().get("already_documented").getAsInt());
    Run p = project.cli("queue", "process");
    assertEquals(0, p.code());
    assertEquals(before, runCount(), "no command ran");
    Run forced = project.cli("queue", "add", "--all", "--force", "--json");
    assertEquals(3, forced.json().get("queued").getAsInt());
    project.cli("queue", "process");
    assertEquals(before + 3, runCount(), "--force documents again");
  }

  /**
   * Back on a commit that a backfill saw before, after another branch documented a file anew: the
   * file is stale, and {@code queue add --all} (and {@code --force}) must document it again. The
   * job of (HEAD, file) exists from the first backfill, older than the other branch's job:
   * re-queued in place, it was skipped as overtaken and the file stayed stale for good.
   */
  @Test
  void a_backfill_on_a_commit_seen_before_documents_what_another_branch_changed() throws Exception {
    project.cli("queue", "add", "--all", "--force");
    assertEquals(0, project.cli("queue", "process").code());
    project.sh("git checkout -q -b feature");
    Files.writeString(root.resolve("README.md"), "A feature branch about zebras.\n");
    project.commitTracked("feature");
    project.cli("queue", "add");
    assertEquals(0, project.cli("queue", "process").code());
    project.sh("git checkout -q main");
    assertEquals(1, project.cli("docs", "status", "--json").json().get("stale").getAsInt());
    long before = runCount();

    Run add = project.cli("queue", "add", "--all", "--json");
    assertEquals(1, add.json().get("queued").getAsInt(), add.toString());
    assertEquals(2, add.json().get("already_documented").getAsInt(), add.toString());
    assertEquals(0, project.cli("queue", "process").code());
    assertEquals(before + 1, runCount(), "the stale file's command ran");
    assertEquals(0, project.cli("docs", "status", "--json").json().get("stale").getAsInt());
    assertEquals(
        1, project.cli("docs", "search", "zebras").code(), "the other branch's text left search");

    // Again with --force, after the other branch documented the file once more.
    project.sh("git checkout -q feature");
    Files.writeString(root.resolve("README.md"), "Zebras again.\n");
    project.commitTracked("feature 2");
    project.cli("queue", "add");
    assertEquals(0, project.cli("queue", "process").code());
    project.sh("git checkout -q main");
    Run forced = project.cli("queue", "add", "--all", "--force", "--json");
    assertEquals(3, forced.json().get("queued").getAsInt(), forced.toString());
    assertEquals(0, project.cli("queue", "process").code());
    assertEquals(0, project.cli("docs", "status", "--json").json().get("stale").getAsInt());
    assertEquals(1, project.cli("docs", "search", "zebras").code());
  }

  /**
   * The README's promise: a new command makes a new processor, and a backfill then redoes every
   * file — with no commit in between too, where the jobs of (HEAD, file) exist already.
   */
  @Test
  void a_backfill_after_the_command_changed_documents_every_file_again() throws Exception {
    project.cli("queue", "add", "--all");
    assertEquals(0, project.cli("queue", "process").code());
    long before = runCount();
    config(", \"stdin\": \"content\"");
    Run add = project.cli("queue", "add", "--all", "--json");
    assertEquals(3, add.json().get("queued").getAsInt(), add.toString());
    assertEquals(0, project.cli("queue", "process").code());
    assertEquals(before + 3, runCount(), "each file documented by the new processor");
    Run again = project.cli("queue", "add", "--all", "--json");
    assertEquals(0, again.json().get("queued").getAsInt(), again.toString());
    assertEquals(3, again.json().get("already_documented").getAsInt(), again.toString());
  }

  @Test
  void a_modified_renamed_and_deleted_file_are_followed() throws Exception {
    project.cli("queue", "add", "--all");
    project.cli("queue", "process");
    long before = runCount();
    Files.writeString(root.resolve("README.md"), "A project about a worker, changed.\n");
    project.sh("git mv src/worker/Loop.java src/worker/MainLoop.java && git rm -q notes.txt");
    project.commitAll("second");
    Run stale = project.cli("docs", "list", "--stale", "--json");
    assertEquals(0, stale.code());
    List<String> stalePaths = new ArrayList<>();
    stale
        .json()
        .getAsJsonArray("documents")
        .forEach(d -> stalePaths.add(d.getAsJsonObject().get("path").getAsString()));
    assertEquals(List.of("README.md", "notes.txt", "src/worker/Loop.java"), stalePaths);

    Run add = project.cli("queue", "add", "--json");
    assertEquals(0, add.code(), add.toString());
    assertEquals(1, add.json().get("removed").getAsInt());
    assertEquals(1, add.json().get("moved").getAsInt());
    assertEquals(0, project.cli("queue", "process").code());
    assertEquals(
        before + 1, runCount(), "only the modified file ran; the rename moved its document");

    Run moved = project.cli("docs", "show", "src/worker/MainLoop.java", "--json");
    assertEquals(0, moved.code(), moved.toString());
    JsonObject d = moved.json();
    assertEquals(
        List.of(
            "path",
            "commit",
            "blob",
            "processor",
            "documented_at",
            "text",
            "truncated",
            "written_bytes"),
        List.copyOf(d.keySet()));
    assertTrue(d.get("text").getAsString().contains("the heartbeat"), d.toString());
    assertTrue(d.get("processor").getAsString().startsWith("command:sha256:"));
    assertEquals(
        1, project.cli("docs", "show", "notes.txt").code(), "a deleted file is not documented");
    assertEquals(1, project.cli("docs", "show", "src/worker/Loop.java", "--json").code());
    assertEquals(1, project.cli("docs", "list", "--stale").code(), "nothing stale any more");
    JsonObject status = project.cli("docs", "status", "--json").json();
    assertEquals(
        List.of("tracked", "documented", "stale", "pending", "failed", "skipped", "commit"),
        List.copyOf(status.keySet()));
    assertEquals(2, status.get("tracked").getAsInt());
    assertEquals(2, status.get("documented").getAsInt());
    assertEquals(0, status.get("stale").getAsInt());
    assertEquals(1, status.get("skipped").getAsInt(), "the renamed file's job: done at once");
    assertEquals(
        1, project.cli("docs", "search", "unrelated").code(), "the deleted file left search");
  }

  @Test
  void docs_show_refuses_a_path_out_of_the_repository_without_reading_it() throws Exception {
    Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
    for (String bad : List.of("../../etc/passwd", "/etc/passwd", "etc/passwd", "src/../../x")) {
      Run r = project.cli("docs", "show", bad, "--json");
      assertEquals(2, r.code(), bad + ": " + r);
      String error = r.json().get("error").getAsString();
      assertTrue(error.contains("refused"), error);
      assertFalse(r.out().contains("root:"), "nothing was read");
    }
    Run text = project.cli("docs", "show", "etc/passwd");
    assertEquals(2, text.code());
    assertTrue(text.err().contains("symbolic link etc"), text.err());
  }

  @Test
  void the_committed_content_is_documented_even_when_the_file_is_gone_and_placeholders_work()
      throws Exception {
    Files.writeString(
        project.configFile(),
        "{\"processing\": {\"stdin\": \"content\", \"command\": [\"sh\", \"-c\","
            + " \"echo path=$1 blob=$2; cat\", \"sh\", \"{path}\", \"{blob}\"]}}");
    Files.delete(root.resolve("notes.txt")); // deleted after its commit, before its job
    project.cli("queue", "add");
    assertEquals(0, project.cli("queue", "process").code());
    String blob =
        new String(
                new ProcessBuilder("git", "rev-parse", "HEAD:notes.txt")
                    .directory(root.toFile())
                    .start()
                    .getInputStream()
                    .readAllBytes(),
                StandardCharsets.UTF_8)
            .strip();
    JsonObject d = project.cli("docs", "show", "notes.txt", "--json").json();
    assertEquals("path=notes.txt blob=" + blob + "\nunrelated text\n", d.get("text").getAsString());
    assertEquals(blob, d.get("blob").getAsString());
  }

  @Test
  void a_command_printing_megabytes_or_bytes_that_are_not_utf8_is_kept_bounded_and_readable()
      throws Exception {
    Files.writeString(
        project.configFile(),
        "{\"processing\": {\"command\": [\"sh\", \"-c\", \"case $1 in README.md) printf"
            + " 'caf\\\\351 \\\\377\\\\376 ok';; *) head -c 5000000 /dev/zero | tr '\\\\0' x;;"
            + " esac\", \"sh\", \"{path}\"]}}");
    project.cli("queue", "add");
    Run p = project.cli("queue", "process");
    assertEquals(0, p.code(), p.toString());
    JsonObject latin = project.cli("docs", "show", "README.md", "--json").json();
    assertEquals("caf\uFFFD \uFFFD\uFFFD ok", latin.get("text").getAsString());
    JsonObject huge = project.cli("docs", "show", "notes.txt", "--json").json();
    assertTrue(huge.get("truncated").getAsBoolean());
    assertEquals(5_000_000, huge.get("written_bytes").getAsLong());
    assertTrue(huge.get("text").getAsString().contains("bytes omitted"));
    assertTrue(huge.get("text").getAsString().length() < 600_000);
    Run shown = project.cli("docs", "show", "notes.txt");
    assertTrue(shown.out().strip().endsWith("keeps their head and tail]"), "said so");
  }

  @Test
  void usage_errors_and_a_query_without_words_exit_2_with_one_json_error() {
    Run r = project.cli("docs", "search", "\"*(", "--json");
    assertEquals(2, r.code());
    assertTrue(r.json().get("error").getAsString().startsWith("nothing to search for"));
    Run limit = project.cli("docs", "search", "worker", "--limit", "0", "--json");
    assertEquals(2, limit.code());
    assertTrue(limit.json().get("error").getAsString().contains("--limit"));
    Run nothing = project.cli("docs", "status", "--json");
    assertEquals(0, nothing.code(), "a project without a store has nothing documented yet");
    assertEquals(3, nothing.json().get("stale").getAsInt());
  }

  /**
   * A query of thousands of words held the index for minutes (3,000 one-letter prefixes: 90 s; a
   * phrase of 3,000 words: 4 min): it is refused at once in one line naming the count and the
   * bound, and a query of the bound's words is searched.
   */
  @Test
  void a_query_of_too_many_words_is_refused_in_one_line() throws Exception {
    project.cli("queue", "add", "--all");
    project.cli("queue", "process");
    String many = "\"w".repeat(65);
    Run r = project.cli("docs", "search", many, "--json");
    assertEquals(2, r.code(), r.toString());
    String error = r.json().get("error").getAsString();
    assertTrue(error.contains("65 words") && error.contains("at most 64"), error);
    Run text = project.cli("docs", "search", "w* ".repeat(2_000));
    assertEquals(2, text.code(), text.toString());
    assertEquals(1, text.err().strip().lines().count(), text.err());
    Run bound = project.cli("docs", "search", "worker ".repeat(64), "--json");
    assertEquals(0, bound.code(), bound.toString());
  }

  @Test
  void a_repository_without_a_commit_has_nothing_tracked_and_no_documents() throws Exception {
    project = CliProject.init(tmp.resolve("empty"));
    Run s = project.cli("docs", "status", "--json");
    assertEquals(0, s.code(), s.toString());
    assertEquals(0, s.json().get("tracked").getAsInt());
    assertEquals(1, project.cli("docs", "list").code());
    assertEquals(1, project.cli("docs", "search", "anything").code());
  }
}
