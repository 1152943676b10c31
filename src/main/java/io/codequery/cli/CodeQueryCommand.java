package io.codequery.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/**
 * The command tree. {@code -h/--help} and {@code -V/--version} are inherited by every command, and
 * {@code help [COMMAND...]} describes any of them: help works at every level, with exit status 0.
 */
@Command(
    name = "code-query",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    usageHelpWidth = 100,
    description =
        "Runs a project's background documentation worker and knows whether it is running.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:success",
      "1:it did not work out (each command's help says when)",
      "2:a usage error or a refusal, in one line naming the value at fault",
      "3, 4:see `worker status`, `worker stop` and `hooks status`"
    },
    footerHeading = "%n",
    footer = {
      "`code-query help COMMAND` (or `code-query COMMAND --help`) describes a command.",
      "Add --json to a command that reports to get one JSON object on stdout."
    },
    subcommands = {
      InitCommand.class,
      WorkerCommand.class,
      QueueCommand.class,
      DocsCommand.class,
      McpCommand.class,
      HooksCommand.class,
      TrustCommand.class,
      CompletionCommand.class,
      HelpCommand.class
    })
final class CodeQueryCommand {
  @Mixin ProjectOption project;

  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new CodeQueryCommand());
    cl.setOut(out);
    cl.setErr(err);
    ErrorHandler errors = new ErrorHandler();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
