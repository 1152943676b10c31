package io.codequery.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "code-query",
    mixinStandardHelpOptions = true,
    version = "code-query worker 0.1.0",
    description = "Runs a project's background documentation worker and knows whether it is running.",
    subcommands = {InitCommand.class, WorkerCommand.class})
public final class Main {
  @Mixin ProjectOption project;

  public static void main(String[] args) {
    System.exit(execute(args, stdout(), stderr()));
  }

  /** Runs the CLI with the given streams; returns the exit status. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static Path projectRoot(CommandSpec spec) {
    return ((Main) spec.root().userObject()).project.resolve();
  }

  static PrintWriter stdout() {
    return new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
  }

  static PrintWriter stderr() {
    return new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
  }
}
