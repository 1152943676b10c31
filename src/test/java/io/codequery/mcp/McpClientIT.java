package io.codequery.mcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code code-query mcp} through the real launcher, driven by the official TypeScript MCP client
 * ({@code @modelcontextprotocol/sdk} from the npm registry, installed here into {@code
 * target/mcp-client} from the committed {@code src/test/mcp-client} lock file): it lists the tools
 * and calls each on a real git repository whose documents a real worker wrote, and every answer is
 * compared with what the CLI prints with {@code --json} for the same question. Bad calls are
 * answered as errors and the server answers on; it ends by itself when the client closes stdin.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class McpClientIT {
  private static final Duration SLOW = Duration.ofSeconds(120);
  private static Path client;

  @TempDir Path tmp;
  private final List<Path> workers = new ArrayList<>();

  record Run(int code, String out, String err) {
    JsonElement json() {
      return JsonParser.parseString(out);
    }
  }

  /** A tool call (or, with {@code method}, any request) and the CLI call asking the same. */
  record Step(String tool, Map<String, Object> arguments, String method, List<String> cli) {
    static Step call(String tool, Map<String, Object> arguments, String... cli) {
      return new Step(tool, arguments, null, cli.length == 0 ? null : List.of(cli));
    }

    static Step request(String method) {
      return new Step(null, null, method, null);
    }
  }

  @BeforeAll
  static void installTheTypeScriptClient() throws Exception {
    Path source = Path.of(property("codequery.mcp-client"));
    client = Files.createDirectories(Path.of(property("codequery.target"), "mcp-client"));
    boolean current =
        Files.exists(client.resolve("node_modules/@modelcontextprotocol/sdk/package.json"))
            && Files.exists(client.resolve("package-lock.json"))
            && Files.mismatch(
                    source.resolve("package-lock.json"), client.resolve("package-lock.json"))
                == -1;
    for (String file : List.of("package.json", "package-lock.json", "drive.mjs")) {
      Files.copy(source.resolve(file), client.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (current) {
      return;
    }
    Run npm = run(client, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
    assertEquals(0, npm.code(), () -> "npm ci in " + client + " failed:\n" + npm);
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertTrue(value != null && !value.isBlank(), "system property " + name + " (set by the pom)");
    return value;
  }

  @AfterEach
  void stopWorkers() throws Exception {
    for (Path root : workers) {
      codeQuery(root, "worker", "stop");
    }
  }

  private static Run run(Path cwd, List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("mcp-it-", ".out");
    Path err = Files.createTempFile("mcp-it-", ".err");
    try {
      Process p;
      try {
        p =
            new ProcessBuilder(cmd)
                .directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
      } catch (IOException e) {
        throw new AssertionError(
            cmd.get(0)
                + " cannot be started ("
                + e.getMessage()
                + "): this test needs Node.js 18+ and npm on the PATH (.ci/run installs them)",
            e);
      }
      if (!p.waitFor(SLOW.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish within " + SLOW);
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Run codeQuery(Path root, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(System.getProperty("codequery.launcher"), "--project-root", root.toString()));
    cmd.addAll(List.of(args));
    return run(root, cmd);
  }

  /** A git repository with four committed files and a command that documents each with itself. */
  private Path project(String name) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(name)).toRealPath();
    Files.createDirectories(root.resolve("src/worker"));
    Files.writeString(
        root.resolve("src/worker/Loop.java"), "class Loop { /* the heartbeat of the worker */ }\n");
    Files.writeString(root.resolve("README.md"), "A project about a worker and its queue.\n");
    Files.writeString(root.resolve("notes.txt"), "unrelated text\n");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(
        root.resolve("docs/guide.md"), "How to search the documentation: words and prefixes.\n");
    Run git =
        run(
            root,
            List.of(
                "sh",
                "-c",
                "git init -q -b main . && git add -A"
                    + " && git -c user.name=t -c user.email=t@example.invalid commit -qm first"));
    assertEquals(0, git.code(), git::toString);
    Run init = codeQuery(root, "init");
    assertEquals(0, init.code(), init::toString);
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"max_retries\": 0, \"command\": [\"sh\", \"-c\","
            + " \"echo \\\"# $1\\\"; cat \\\"$2\\\"\", \"sh\", \"{path}\", \"{file}\"]}}");
    return root;
  }

  /**
   * Runs the TypeScript client on {@code steps} against {@code code-query mcp} for {@code root}.
   */
  private JsonObject drive(Path root, List<Step> steps) throws Exception {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("command", System.getProperty("codequery.launcher"));
    plan.put("args", List.of("mcp", "--project-root", root.toString()));
    String javaHome = System.getProperty("java.home");
    plan.put("env", Map.of("JAVA_HOME", javaHome));
    List<Map<String, Object>> planned = new ArrayList<>();
    for (Step s : steps) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (s.tool() != null) {
        m.put("tool", s.tool());
        m.put("arguments", s.arguments());
      } else {
        m.put("method", s.method());
      }
      planned.add(m);
    }
    plan.put("steps", planned);
    Path file = tmp.resolve("plan-" + System.nanoTime() + ".json");
    Files.writeString(file, new GsonBuilder().serializeNulls().create().toJson(plan));
    Run node = run(client, List.of("node", "drive.mjs", file.toString()));
    assertEquals(0, node.code(), node::toString);
    JsonObject out = JsonParser.parseString(node.out()).getAsJsonObject();
    assertEquals(
        new JsonArray(), out.getAsJsonArray("client_errors"), "protocol only on stdout: " + out);
    assertTrue(
        out.get("stderr").getAsString().contains("input closed, server ended"),
        "the server ended by itself once stdin closed: " + out.get("stderr"));
    assertTrue(out.get("close_ms").getAsLong() < 2000, "no SIGTERM was needed: " + out);
    return out;
  }

  /** The answer the client got at step {@code i}, checked against the CLI where it has one. */
  private static void assertSameAsCli(Path root, List<Step> steps, JsonObject out, int i)
      throws Exception {
    Step step = steps.get(i);
    JsonObject answer = out.getAsJsonArray("steps").get(i).getAsJsonObject();
    assertTrue(answer.has("result"), step + ": " + answer);
    JsonObject result = answer.getAsJsonObject("result");
    JsonElement text =
        JsonParser.parseString(
            result.getAsJsonArray("content").get(0).getAsJsonObject().get("text").getAsString());
    assertEquals(text, result.get("structuredContent"), "text and structured content agree");
    Run cli = codeQuery(root, step.cli().toArray(String[]::new));
    assertEquals(cli.json(), text, step + " vs code-query " + step.cli() + ": " + cli);
    boolean isError = result.has("isError") && result.get("isError").getAsBoolean();
    assertEquals(text.getAsJsonObject().has("error"), isError, step.toString());
    assertEquals(cli.code() == 2 || step.tool().equals("get_doc") && cli.code() == 1, isError);
  }

  @Test
  void an_assistant_lists_the_tools_and_each_answers_what_the_cli_prints() throws Exception {
    Path root = project("documented");
    Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
    Run start = codeQuery(root, "worker", "start");
    assertEquals(0, start.code(), start::toString);
    workers.add(root);
    Run add = codeQuery(root, "queue", "add", "--all");
    assertEquals(0, add.code(), add::toString);
    await("the worker documents the four files")
        .atMost(SLOW)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonObject s = codeQuery(root, "docs", "status", "--json").json().getAsJsonObject();
              return s.get("documented").getAsInt() == 4 && s.get("pending").getAsInt() == 0;
            });

    List<Step> steps =
        List.of(
            Step.call(
                "search_docs",
                Map.of("query", "heartbeat"),
                "docs",
                "search",
                "--json",
                "--",
                "heartbeat"),
            Step.call(
                "search_docs",
                Map.of("query", "worker", "limit", 1, "path", "*.md"),
                "docs",
                "search",
                "--json",
                "--limit",
                "1",
                "--path",
                "*.md",
                "--",
                "worker"),
            Step.call("no_such_tool", Map.of()),
            Step.call("search_docs", Map.of()),
            Step.call("search_docs", Map.of("query", "worker", "limit", "ten")),
            Step.call(
                "search_docs", Map.of("query", "zebra"), "docs", "search", "--json", "--", "zebra"),
            Step.call(
                "search_docs",
                Map.of("query", "AND(\"*"),
                "docs",
                "search",
                "--json",
                "--",
                "AND(\"*"),
            Step.call(
                "search_docs", Map.of("query", "!!!"), "docs", "search", "--json", "--", "!!!"),
            Step.call(
                "get_doc",
                Map.of("path", "src/worker/Loop.java"),
                "docs",
                "show",
                "--json",
                "--",
                "src/worker/Loop.java"),
            Step.call(
                "get_doc",
                Map.of("path", "../../etc/passwd"),
                "docs",
                "show",
                "--json",
                "--",
                "../../etc/passwd"),
            Step.call(
                "get_doc",
                Map.of("path", "/etc/passwd"),
                "docs",
                "show",
                "--json",
                "--",
                "/etc/passwd"),
            Step.call(
                "get_doc",
                Map.of("path", "etc/passwd"),
                "docs",
                "show",
                "--json",
                "--",
                "etc/passwd"),
            Step.call(
                "get_doc", Map.of("path", "nope.txt"), "docs", "show", "--json", "--", "nope.txt"),
            Step.call("get_doc", Map.of("path", 42)),
            Step.call("worker_status", Map.of("cleanup", true)),
            Step.request("resources/list"),
            Step.call("docs_status", Map.of(), "docs", "status", "--json"),
            Step.call("worker_status", Map.of(), "worker", "status", "--json"),
            Step.call("queue_status", Map.of(), "queue", "status", "--json"),
            Step.call(
                "search_docs",
                Map.of("query", "heartbeat"),
                "docs",
                "search",
                "--json",
                "--",
                "heartbeat"));
    JsonObject out = drive(root, steps);

    assertEquals("code-query", out.getAsJsonObject("server").get("name").getAsString());
    Set<String> names = new TreeSet<>();
    for (JsonElement t : out.getAsJsonArray("tools")) {
      JsonObject tool = t.getAsJsonObject();
      names.add(tool.get("name").getAsString());
      assertTrue(tool.get("description").getAsString().length() > 40, tool.toString());
      JsonObject schema = tool.getAsJsonObject("inputSchema");
      assertEquals("object", schema.get("type").getAsString());
      assertFalse(schema.get("additionalProperties").getAsBoolean(), tool.toString());
      assertTrue(tool.getAsJsonObject("annotations").get("readOnlyHint").getAsBoolean());
    }
    assertEquals(
        Set.of("search_docs", "get_doc", "docs_status", "worker_status", "queue_status"), names);

    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).cli() != null) {
        assertSameAsCli(root, steps, out, i);
      }
    }
    JsonArray answers = out.getAsJsonArray("steps");
    JsonObject unknownTool = answers.get(2).getAsJsonObject().getAsJsonObject("error");
    assertEquals(-32602, unknownTool.get("code").getAsInt(), unknownTool.toString());
    assertTrue(unknownTool.get("message").getAsString().contains("\"no_such_tool\""));
    for (int i : new int[] {3, 4, 13, 14}) {
      JsonObject result = answers.get(i).getAsJsonObject().getAsJsonObject("result");
      assertTrue(result.get("isError").getAsBoolean(), steps.get(i) + ": " + result);
    }
    String missing =
        answers
            .get(3)
            .getAsJsonObject()
            .getAsJsonObject("result")
            .getAsJsonArray("content")
            .get(0)
            .getAsJsonObject()
            .get("text")
            .getAsString();
    assertTrue(missing.contains("query"), missing);
    JsonObject noResources = answers.get(15).getAsJsonObject().getAsJsonObject("error");
    assertEquals(-32601, noResources.get("code").getAsInt(), noResources.toString());
    JsonObject running =
        answers
            .get(17)
            .getAsJsonObject()
            .getAsJsonObject("result")
            .getAsJsonObject("structuredContent");
    assertEquals("running", running.get("outcome").getAsString(), running.toString());
    assertEquals(
        answers.get(0), answers.get(19), "after the bad calls, the same question, the same answer");
  }

  @Test
  void a_broken_store_is_a_tool_error_naming_it_and_the_server_answers_on() throws Exception {
    Path root = project("broken");
    Files.writeString(
        root.resolve(".code-query/queue.db"), "not an SQLite database, but long enough to look\n");
    List<Step> steps =
        List.of(
            Step.call(
                "search_docs",
                Map.of("query", "worker"),
                "docs",
                "search",
                "--json",
                "--",
                "worker"),
            Step.call(
                "get_doc",
                Map.of("path", "README.md"),
                "docs",
                "show",
                "--json",
                "--",
                "README.md"),
            Step.call("docs_status", Map.of(), "docs", "status", "--json"),
            Step.call("queue_status", Map.of(), "queue", "status", "--json"),
            Step.call("worker_status", Map.of(), "worker", "status", "--json"));
    JsonObject out = drive(root, steps);
    for (int i = 0; i < steps.size(); i++) {
      assertSameAsCli(root, steps, out, i);
    }
    for (int i = 0; i < 4; i++) {
      JsonObject answer =
          out.getAsJsonArray("steps").get(i).getAsJsonObject().getAsJsonObject("result");
      assertTrue(answer.get("isError").getAsBoolean(), answer.toString());
      String error = answer.getAsJsonObject("structuredContent").get("error").getAsString();
      assertTrue(error.contains(root.resolve(".code-query/queue.db").toString()), error);
    }
  }
}
