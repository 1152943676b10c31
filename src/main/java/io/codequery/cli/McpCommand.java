package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.mcp.ServeMcp;
import io.codequery.project.ProjectLayout;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code code-query mcp}: the MCP server on stdin/stdout ({@link ServeMcp}), for an AI assistant to
 * start. Standard output carries the protocol alone: {@link System#out} is pointed at stderr for as
 * long as the server runs, so that nothing printed by mistake can corrupt a message.
 */
@Command(
    name = "mcp",
    description = {
      "Serve the documentation to AI assistants: a Model Context Protocol server on stdin/stdout"
          + " with the tools search_docs, get_doc, docs_status, worker_status and queue_status."
          + " It ends when stdin closes. Give --project-root: an assistant starts it in a"
          + " directory of its own choosing.",
      "Exit: 0 when stdin closed, 2 when the project root is no project."
    })
final class McpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Path root = Main.projectRoot(spec).toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve(ProjectLayout.DIR))
        && !Files.exists(root.resolve(".git"))) {
      throw new CodeQueryException(
          root
              + " is not a code-query project (no "
              + ProjectLayout.DIR
              + "/) nor a git repository: start the server with --project-root DIR");
    }
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    PrintStream log =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    PrintStream stdout = System.out;
    System.setOut(log);
    try {
      new ServeMcp(
              root,
              version(),
              new FileInputStream(FileDescriptor.in),
              protocol,
              log,
              Clock.systemUTC())
          .run();
    } finally {
      System.setOut(stdout);
    }
    return 0;
  }

  /** The version picocli prints for --version, without the product's name before it. */
  private String version() {
    String[] lines = spec.root().version();
    String v = lines.length == 0 ? "" : lines[0].strip();
    return v.isEmpty() ? "unknown" : v.substring(v.lastIndexOf(' ') + 1);
  }
}
