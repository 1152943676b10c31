package io.codequery.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "code-query",
    mixinStandardHelpOptions = true,
    version = "code-query worker 0.1.0",
    description =
        "Runs a project's background documentation worker and knows whether it is running.",
    subcommands = {
      InitCommand.class,
      WorkerCommand.class,
      QueueCommand.class,
      DocsCommand.class,
      McpCommand.class,
      HooksCommand.class,
      TrustCommand.class
    })
final class CodeQueryCommand {
  @Mixin ProjectOption project;

  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new CodeQueryCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ErrorHandler());
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
