package io.codequery.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.codequery.testing.CliProject;
import io.codequery.testing.CliProject.Run;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real git repository whose files were documented by {@code queue add --all} and {@code queue
 * process} (a command that writes each file's path as a heading, then the file), and the CLI run
 * in-process on it: what the MCP tools are compared with.
 */
final class DocumentedProject {
  private DocumentedProject() {}

  static CliProject create(Path dir) throws Exception {
    CliProject p =
        CliProject.committed(
            dir,
            Map.of(
                "src/worker/Loop.java", "class Loop { /* the heartbeat of the worker */ }\n",
                "README.md", "A project about a worker and its queue.\n",
                "notes.txt", "unrelated text\n",
                "docs/guide.md", "How to search the documentation: words and prefixes.\n"));
    p.config(
        "{\"processing\": {\"max_retries\": 0, \"command\": "
            + CliProject.HEADING_THEN_FILE
            + "}}");
    Run add = p.cli("queue", "add", "--all");
    assertEquals(0, add.code(), add.toString());
    Run process = p.cli("queue", "process");
    assertEquals(0, process.code(), process.toString());
    return p;
  }
}
