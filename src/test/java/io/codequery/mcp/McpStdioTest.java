package io.codequery.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.project.ProjectLayout;
import io.codequery.testing.CliProject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code code-query mcp} as a process, spoken to in raw JSON-RPC lines: only protocol on stdout,
 * bad lines and bad calls answered while the server keeps serving, a clean end when stdin closes,
 * and a start that loads no process-inspection library and starts no worker.
 */
@Tag("slow")
class McpStdioTest {
  @TempDir static Path shared;
  static CliProject project;

  @TempDir Path tmp;

  @BeforeAll
  static void documentedProject() throws Exception {
    project = DocumentedProject.create(shared.resolve("project"));
  }

  static String call(int id, String tool, String argumentsJson) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + argumentsJson
        + "}}";
  }

  static String text(JsonObject response) {
    return response
        .getAsJsonObject("result")
        .getAsJsonArray("content")
        .get(0)
        .getAsJsonObject()
        .get("text")
        .getAsString();
  }

  @Test
  void bad_lines_and_bad_calls_are_answered_and_the_server_keeps_serving() throws Exception {
    try (McpProcess mcp =
        McpProcess.start(tmp, List.of(), "--project-root", project.root().toString())) {
      JsonObject init = mcp.initialize();
      assertEquals(
          "code-query",
          init.getAsJsonObject("result").getAsJsonObject("serverInfo").get("name").getAsString());

      mcp.send("this is not JSON");
      mcp.send("");
      mcp.send("{\"id\": 40, \"no\": \"method\"}");
      mcp.send("[1, 2, 3]");
      mcp.sendRaw(
          (call(41, "get_doc", "{\"path\":\"README.md\"}") + "\r\n")
              .getBytes(StandardCharsets.UTF_8));
      mcp.send(call(42, "no_such_tool", "{}"));
      mcp.send("{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"tools/call\",\"params\":{}}");
      mcp.send(call(44, "search_docs", "{}"));
      mcp.send(call(45, "search_docs", "{\"query\":\"worker\",\"limit\":0}"));
      mcp.send(call(46, "get_doc", "{\"path\":\"../../etc/passwd\"}"));
      mcp.send("{\"jsonrpc\":\"2.0\",\"id\":47,\"method\":\"no/such/method\"}");
      mcp.send(call(48, "search_docs", "{\"query\":\"heartbeat\"}"));

      JsonObject found = mcp.response("48");
      assertEquals(
          project.cli("docs", "search", "--json", "heartbeat").json(),
          JsonParser.parseString(text(found)),
          "after every bad line and call, a good call is answered as the CLI answers it");
      JsonObject doc = mcp.response("41");
      assertTrue(text(doc).contains("A project about a worker"), "CR LF ends a line too: " + doc);

      JsonObject unknownTool = mcp.response("42").getAsJsonObject("error");
      assertEquals(-32602, unknownTool.get("code").getAsInt());
      assertTrue(
          unknownTool.get("message").getAsString().startsWith("unknown tool \"no_such_tool\""),
          unknownTool.toString());
      assertTrue(unknownTool.get("message").getAsString().contains("search_docs, get_doc"));
      assertEquals(-32602, mcp.response("43").getAsJsonObject("error").get("code").getAsInt());
      assertEquals(-32600, mcp.response("40").getAsJsonObject("error").get("code").getAsInt());
      assertEquals(-32601, mcp.response("47").getAsJsonObject("error").get("code").getAsInt());
      for (String id : List.of("44", "45", "46")) {
        JsonObject r = mcp.response(id).getAsJsonObject("result");
        assertTrue(r.get("isError").getAsBoolean(), id + ": " + r);
      }
      assertTrue(text(mcp.response("44")).contains("query"), mcp.response("44").toString());
      assertTrue(text(mcp.response("46")).contains("refused"));

      assertEquals(0, mcp.closeInput(), "ends with status 0 once stdin closes");
      List<Integer> idless =
          mcp.stdout.stream()
              .map(l -> JsonParser.parseString(l).getAsJsonObject())
              .filter(o -> o.get("id").isJsonNull())
              .map(o -> o.getAsJsonObject("error").get("code").getAsInt())
              .toList();
      // JSON-RPC 2.0: -32700 for what is not JSON; a JSON array (a batch, which MCP does not
      // take) is JSON, so -32600, an invalid request.
      assertEquals(
          List.of(-32700, -32600), idless, "not JSON, and a JSON array: errors without an id");
      for (String line : mcp.stdout) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertEquals("2.0", o.get("jsonrpc").getAsString(), "protocol only on stdout: " + line);
        assertTrue(o.has("result") ^ o.has("error"), line);
      }
      assertEquals(
          12, mcp.stdout.size(), "initialize, 3 refused lines (not the blank one), 8 calls");
      assertTrue(mcp.stderrText().contains("input closed, server ended"), mcp.stderrText());
    }
  }

  @Test
  void a_client_that_closes_stdin_right_after_its_requests_still_gets_every_answer()
      throws Exception {
    try (McpProcess mcp =
        McpProcess.start(tmp, List.of(), "--project-root", project.root().toString())) {
      mcp.send(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
              + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
              + "\"clientInfo\":{\"name\":\"printf\",\"version\":\"1\"}}}\n"
              + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
              + call(2, "search_docs", "{\"query\":\"heartbeat\"}")
              + "\n"
              + call(3, "get_doc", "{\"path\":\"README.md\"}")
              + "\n"
              + call(4, "docs_status", "{}"));
      assertEquals(0, mcp.closeInput(), "as `printf … | code-query mcp` does");
      for (String id : List.of("1", "2", "3", "4")) {
        assertTrue(mcp.response(id).has("result"), id);
      }
      assertEquals(
          project.cli("docs", "status", "--json").json(),
          JsonParser.parseString(text(mcp.response("4"))));
    }
  }

  @Test
  void the_server_starts_no_worker_and_loads_no_process_inspection_library() throws Exception {
    Path classes = tmp.resolve("classes.txt");
    try (McpProcess mcp =
        McpProcess.start(
            tmp,
            List.of("-Xlog:class+load=info:file=" + classes),
            "--project-root",
            project.root().toString())) {
      mcp.initialize();
      mcp.send(call(1, "worker_status", "{}"));
      mcp.send(call(2, "docs_status", "{}"));
      mcp.send(call(3, "queue_status", "{}"));
      assertEquals(
          "not_running",
          JsonParser.parseString(text(mcp.response("1")))
              .getAsJsonObject()
              .get("outcome")
              .getAsString());
      mcp.response("2");
      mcp.response("3");
      assertEquals(0, mcp.closeInput());
    }
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains("io.codequery.mcp.ServeMcp"), "the log is of the server");
    assertFalse(loaded.contains(" oshi."), "no OSHI");
    // The class itself: picocli's look at the `worker run` command loads its callback interface
    // (RunWorker$Events), which runs nothing.
    assertFalse(loaded.contains("io.codequery.worker.RunWorker "), "no worker code");
    assertFalse(loaded.contains("io.codequery.worker.WorkerLoop "), "no worker loop");
    assertFalse(loaded.contains("io.codequery.WorkerDetector "), "the minimal detector only");
    assertFalse(Files.exists(ProjectLayout.of(project.root()).pidFile()), "no worker started");
  }

  @Test
  void a_directory_that_is_no_project_is_refused_before_anything_is_served() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    try (McpProcess mcp = McpProcess.start(tmp, List.of(), "--project-root", empty.toString())) {
      assertEquals(2, mcp.closeInput());
      assertEquals(List.of(), mcp.stdout, "nothing on the protocol stream");
      String err = mcp.stderrText();
      assertTrue(err.contains(empty.toString()) && err.contains("--project-root"), err);
    }
  }
}
