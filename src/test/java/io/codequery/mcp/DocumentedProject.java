package io.codequery.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.codequery.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real git repository whose files were documented by {@code queue add --all} and {@code queue
 * process} (a command that writes each file's path as a heading, then the file), and the CLI run
 * in-process on it: what the MCP tools are compared with.
 */
final class DocumentedProject {
  final Path root;

  /** One CLI call: its exit code and output. */
  record Run(int code, String out, String err) {
    JsonElement json() {
      return JsonParser.parseString(out);
    }
  }

  private DocumentedProject(Path root) {
    this.root = root;
  }

  static DocumentedProject create(Path dir) throws Exception {
    Path root = Files.createDirectories(dir).toRealPath();
    DocumentedProject p = new DocumentedProject(root);
    p.sh("git init -q -b main .");
    Files.createDirectories(root.resolve("src/worker"));
    Files.writeString(
        root.resolve("src/worker/Loop.java"), "class Loop { /* the heartbeat of the worker */ }\n");
    Files.writeString(root.resolve("README.md"), "A project about a worker and its queue.\n");
    Files.writeString(root.resolve("notes.txt"), "unrelated text\n");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(
        root.resolve("docs/guide.md"), "How to search the documentation: words and prefixes.\n");
    p.sh("git add -A && git -c user.name=t -c user.email=t@example.invalid commit -qm first");
    Files.createDirectories(root.resolve(".code-query"));
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"max_retries\": 0, \"command\": [\"sh\", \"-c\","
            + " \"echo \\\"# $1\\\"; cat \\\"$2\\\"\", \"sh\", \"{path}\", \"{file}\"]}}");
    Run add = p.cli("queue", "add", "--all");
    assertEquals(0, add.code(), add.toString());
    Run process = p.cli("queue", "process");
    assertEquals(0, process.code(), process.toString());
    return p;
  }

  /** {@code code-query ARGS --project-root ROOT}, in this JVM. */
  Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The root first: a question may end with `-- QUERY`.
    List<String> all = new ArrayList<>(List.of("--project-root", root.toString()));
    all.addAll(List.of(args));
    int code = Main.execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  void sh(String script) throws Exception {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), script);
    assertEquals(0, p.exitValue(), script + ": " + out);
  }
}
