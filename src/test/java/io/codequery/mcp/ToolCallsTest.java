package io.codequery.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.CliProject;
import io.codequery.testing.RealWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each tool's answer, in this JVM, against the CLI's {@code --json} for the same question on the
 * same real repository and store: equal JSON (as the server sends it), and an error exactly where
 * the CLI exits 2 (or, for {@code get_doc}, where {@code docs show} prints {@code {"error"}}).
 */
class ToolCallsTest {
  @TempDir static Path shared;
  static CliProject project;
  static ToolCalls calls;

  @TempDir Path tmp;

  @BeforeAll
  static void documentedProject() throws Exception {
    project = DocumentedProject.create(shared.resolve("project"));
    Files.createSymbolicLink(project.root().resolve("etc"), Path.of("/etc"));
    calls = new ToolCalls(ProjectLayout.of(project.root()), Clock.systemUTC());
  }

  /** The answer as the server sends it (its JSON mapper), read back. */
  static JsonElement sent(ToolAnswer a) throws Exception {
    return JsonParser.parseString(new ObjectMapper().writeValueAsString(a.json()));
  }

  static Map<String, Object> args(Object... nameAndValue) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < nameAndValue.length; i += 2) {
      m.put((String) nameAndValue[i], nameAndValue[i + 1]);
    }
    return m;
  }

  static void assertSameAnswer(CliProject.Run cli, ToolAnswer mcp) throws Exception {
    assertEquals(cli.json(), sent(mcp), "CLI: " + cli);
    assertTrue(mcp.json().containsKey("error") == mcp.isError(), mcp.toString());
  }

  static Stream<Arguments> searches() {
    return Stream.of(
        Arguments.of("worker", null, null),
        Arguments.of("heartbeat", null, null),
        Arguments.of("zebra", null, null),
        Arguments.of("worker", 1, null),
        Arguments.of("worker", null, "*.md"),
        Arguments.of("documentation", 5, "docs"),
        Arguments.of("work*", null, null),
        Arguments.of("\"the heartbeat\"", null, null),
        Arguments.of("worker OR unrelated", null, null),
        Arguments.of("worker NOT queue", null, null),
        Arguments.of("AND(", null, null),
        Arguments.of("\"unterminated", null, null),
        Arguments.of("NEAR/ worker", null, null),
        Arguments.of("*", null, null),
        Arguments.of("!!! ???", null, null),
        Arguments.of("-v", null, null),
        Arguments.of("a\0worker", null, null),
        Arguments.of("'; DROP TABLE documents; --", null, null),
        Arguments.of("worker", null, "[unclosed"));
  }

  @ParameterizedTest
  @MethodSource("searches")
  void search_docs_answers_what_docs_search_json_prints(String query, Integer limit, String glob)
      throws Exception {
    List<String> cli = new ArrayList<>(List.of("docs", "search", "--json"));
    Map<String, Object> a = args("query", query);
    if (limit != null) {
      cli.addAll(List.of("--limit", limit.toString()));
      a.put("limit", limit);
    }
    if (glob != null) {
      cli.addAll(List.of("--path", glob));
      a.put("path", glob);
    }
    cli.addAll(List.of("--", query));
    CliProject.Run run = project.cli(cli.toArray(String[]::new));
    ToolAnswer answer = calls.searchDocs(a);
    assertSameAnswer(run, answer);
    assertEquals(run.code() == 2, answer.isError(), "an error where the CLI exits 2: " + run);
  }

  @Test
  void a_search_finds_the_documents_the_processor_wrote() throws Exception {
    JsonObject found = sent(calls.searchDocs(args("query", "heartbeat"))).getAsJsonObject();
    assertEquals(1, found.getAsJsonArray("results").size(), found.toString());
    JsonObject hit = found.getAsJsonArray("results").get(0).getAsJsonObject();
    assertEquals("src/worker/Loop.java", hit.get("path").getAsString());
    assertTrue(hit.get("snippet").getAsString().contains("**heartbeat**"), hit.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "src/worker/Loop.java",
        "./src//worker/Loop.java",
        "README.md",
        "../../etc/passwd",
        "src/../../etc/passwd",
        "/etc/passwd",
        "etc/passwd",
        "nope.txt",
        "src",
        ".",
        "a\0b",
        " "
      })
  void get_doc_answers_what_docs_show_json_prints(String path) throws Exception {
    CliProject.Run run = project.cli("docs", "show", "--json", "--", path);
    ToolAnswer answer = calls.getDoc(args("path", path));
    assertSameAnswer(run, answer);
    assertEquals(run.code() != 0, answer.isError(), run.toString());
  }

  @Test
  void get_doc_reads_the_document_and_refuses_paths_out_of_the_repository() throws Exception {
    JsonObject doc = sent(calls.getDoc(args("path", "src/worker/Loop.java"))).getAsJsonObject();
    assertEquals(
        "# src/worker/Loop.java\nclass Loop { /* the heartbeat of the worker */ }\n",
        doc.get("text").getAsString());
    for (String outside : List.of("../../etc/passwd", "/etc/passwd", "etc/passwd")) {
      ToolAnswer refused = calls.getDoc(args("path", outside));
      assertTrue(refused.isError(), outside);
      String error = (String) refused.json().get("error");
      assertTrue(error.contains("refused"), error);
      assertFalse(error.contains("root:"), "nothing of the file is read: " + error);
    }
  }

  @Test
  void docs_status_and_queue_status_answer_what_the_cli_prints() throws Exception {
    assertSameAnswer(project.cli("docs", "status", "--json"), calls.docsStatus(Map.of()));
    assertSameAnswer(project.cli("queue", "status", "--json"), calls.queueStatus(Map.of()));
    JsonObject queue = sent(calls.queueStatus(Map.of())).getAsJsonObject();
    assertEquals(4, queue.get("done").getAsInt(), queue.toString());
  }

  @Test
  void worker_status_of_a_running_worker_is_what_worker_status_json_prints() throws Exception {
    CliProject p = DocumentedProject.create(tmp.resolve("running"));
    ToolCalls c = new ToolCalls(ProjectLayout.of(p.root()), Clock.systemUTC());
    assertSameAnswer(p.cli("worker", "status", "--json"), c.workerStatus(Map.of()));
    try (RealWorker w = RealWorker.start(p.root())) {
      ToolAnswer running = c.workerStatus(Map.of());
      assertSameAnswer(p.cli("worker", "status", "--json"), running);
      assertEquals("running", running.json().get("outcome"));
      assertEquals(w.pid(), running.json().get("pid"));
    }
  }

  @Test
  void worker_status_reports_a_stale_pid_file_and_leaves_it_where_the_cli_removes_it()
      throws Exception {
    CliProject p = DocumentedProject.create(tmp.resolve("stale"));
    ToolCalls c = new ToolCalls(ProjectLayout.of(p.root()), Clock.systemUTC());
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path pidFile = ProjectLayout.of(p.root()).pidFile();
    Files.writeString(pidFile, gone.pid() + "\n");

    ToolAnswer stale = c.workerStatus(Map.of());
    assertEquals("stale", stale.json().get("outcome"), stale.toString());
    assertEquals(false, stale.json().get("cleaned_up"));
    assertFalse(stale.isError());
    assertTrue(Files.exists(pidFile), "the tool only looks: the stale PID file is still there");
    assertEquals(stale.json(), c.workerStatus(Map.of()).json(), "and says so again");

    JsonObject cli = p.cli("worker", "status", "--json").json().getAsJsonObject();
    assertEquals("stale", cli.get("outcome").getAsString());
    assertTrue(cli.get("cleaned_up").getAsBoolean(), "the CLI cleans up: " + cli);
    assertFalse(Files.exists(pidFile));
    assertEquals(sent(c.workerStatus(Map.of())), p.cli("worker", "status", "--json").json());
  }

  @Test
  void a_broken_store_is_an_error_naming_it_as_the_cli_says_it() throws Exception {
    CliProject p = DocumentedProject.create(tmp.resolve("broken"));
    ToolCalls c = new ToolCalls(ProjectLayout.of(p.root()), Clock.systemUTC());
    Path db = ProjectLayout.of(p.root()).queueDatabase();
    for (String suffix : List.of("-wal", "-shm")) {
      Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
    }
    Files.writeString(db, "this is not an SQLite database, and much longer than its header is\n");

    Map<List<String>, Function<Map<String, Object>, ToolAnswer>> questions =
        Map.of(
            List.of("docs", "search", "--json", "worker"), c::searchDocs,
            List.of("docs", "show", "--json", "README.md"), c::getDoc,
            List.of("docs", "status", "--json"), c::docsStatus,
            List.of("queue", "status", "--json"), c::queueStatus);
    Map<String, Object> searchArgs = args("query", "worker");
    Map<String, Object> showArgs = args("path", "README.md");
    for (var q : questions.entrySet()) {
      List<String> cli = q.getKey();
      Map<String, Object> a =
          cli.get(1).equals("search")
              ? searchArgs
              : cli.get(1).equals("show") ? showArgs : Map.of();
      ToolAnswer answer = q.getValue().apply(a);
      assertTrue(answer.isError(), cli + ": " + answer);
      String error = (String) answer.json().get("error");
      assertTrue(error.contains(db.toString()) || error.contains("queue.db"), error);
      CliProject.Run run = p.cli(cli.toArray(String[]::new));
      assertEquals(2, run.code(), run.toString());
      assertEquals(run.json(), sent(answer), cli.toString());
    }
    assertFalse(c.workerStatus(Map.of()).isError(), "the other tools still answer");
  }

  @Test
  void a_broken_config_fails_queue_status_as_it_fails_the_cli() throws Exception {
    CliProject p = DocumentedProject.create(tmp.resolve("config"));
    ToolCalls c = new ToolCalls(ProjectLayout.of(p.root()), Clock.systemUTC());
    Path config = ProjectLayout.of(p.root()).configFile();
    Path hookConf = config.resolveSibling("hook.conf");
    assertTrue(Files.exists(hookConf), "the CLI's config loads on the way wrote it");
    Files.writeString(config, "{\"processing\": {\"max_retries\": \"many\"}}");
    ToolAnswer answer = c.queueStatus(Map.of());
    assertTrue(answer.isError(), answer.toString());
    assertTrue(Files.exists(hookConf), "the tool only reads: hook.conf is the CLI's to withdraw");
    CliProject.Run run = p.cli("queue", "status", "--json");
    assertEquals(2, run.code(), run.toString());
    assertEquals(run.json(), sent(answer));
    assertFalse(Files.exists(hookConf), "the CLI withdraws it for a broken config");
  }

  @Test
  void a_query_of_too_many_words_is_an_error_as_the_cli_exits_2() throws Exception {
    String many = "w* ".repeat(65);
    ToolAnswer answer = calls.searchDocs(args("query", many));
    assertTrue(answer.isError(), answer.toString());
    assertTrue(((String) answer.json().get("error")).contains("at most 64"), answer.toString());
    assertSameAnswer(project.cli("docs", "search", "--json", "--", many), answer);
  }

  @Test
  void wrong_arguments_are_refused_naming_the_tool_and_the_argument() {
    record Bad(
        Function<Map<String, Object>, ToolAnswer> call, Map<String, Object> a, String says) {}
    List<Bad> bad =
        List.of(
            new Bad(calls::searchDocs, Map.of(), "search_docs: the argument \"query\" is required"),
            new Bad(
                calls::searchDocs, args("query", 5), "\"query\" must be a string, found a number"),
            new Bad(calls::searchDocs, args("query", ""), "\"query\" must not be empty"),
            new Bad(calls::searchDocs, args("query", "x", "limit", 0), "\"limit\" must be from 1"),
            new Bad(calls::searchDocs, args("query", "x", "limit", 1001), "found 1001"),
            new Bad(
                calls::searchDocs, args("query", "x", "limit", 2.5), "a whole number, found 2.5"),
            new Bad(calls::searchDocs, args("query", "x", "limit", "3"), "must be a number"),
            new Bad(calls::searchDocs, args("query", "x", "path", List.of()), "found an array"),
            new Bad(calls::searchDocs, args("query", "x", "limt", 3), "unknown: limt"),
            new Bad(calls::getDoc, Map.of(), "get_doc: the argument \"path\" is required"),
            new Bad(calls::getDoc, args("path", true), "found a boolean"),
            new Bad(calls::docsStatus, args("x", 1), "docs_status takes no arguments; unknown: x"),
            new Bad(calls::workerStatus, args("cleanup", true), "worker_status takes no"),
            new Bad(calls::queueStatus, args("state", "x"), "queue_status takes no"));
    for (Bad b : bad) {
      ToolAnswer a = b.call().apply(b.a());
      assertTrue(a.isError(), b.a() + ": " + a);
      String error = (String) a.json().get("error");
      assertTrue(error.contains(b.says()), error + " should say: " + b.says());
    }
    assertEquals(
        sent0(calls.searchDocs(args("query", "worker", "limit", 1))),
        sent0(calls.searchDocs(args("query", "worker", "limit", 1.0))),
        "1.0 is the whole number 1, as JSON Schema counts it");
  }

  private static JsonElement sent0(ToolAnswer a) {
    try {
      return sent(a);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
