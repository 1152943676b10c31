package io.codequery.cli;

import io.codequery.CodeQueryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Errors become one clear line and exit status 2 — on stderr, or with {@code --json} as {@code
 * {"error": "…"}} on stdout — and bugs keep their stack trace. Domain errors ({@link
 * CodeQueryException}, {@link IOException}) come from running a command; usage errors (an unknown
 * option, a value out of range) from parsing it.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed)
      throws Exception {
    if (e instanceof CodeQueryException || e instanceof IOException) {
      report(cl, jsonRequested(parsed), e.getMessage());
      return ExitStatus.USAGE;
    }
    throw e;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    if (jsonRequested(args)) {
      report(cl, true, e.getMessage());
      return ExitStatus.USAGE;
    }
    PrintWriter err = cl.getErr();
    if (!cl.getSubcommands().isEmpty()
        && String.valueOf(e.getMessage()).startsWith("Missing required subcommand")) {
      // `code-query` or `code-query worker` alone: the list of commands is the answer.
      err.println(
          "✗ `"
              + cl.getCommandSpec().qualifiedName()
              + "` needs a command: "
              + String.join(", ", cl.getSubcommands().keySet()));
      err.println();
      cl.usage(err);
    } else {
      err.println("✗ " + e.getMessage());
      UnmatchedArgumentException.printSuggestions(e, err);
      err.println("  see `" + cl.getCommandSpec().qualifiedName() + " --help`");
    }
    err.flush();
    return ExitStatus.USAGE;
  }

  private static void report(CommandLine cl, boolean json, String message) {
    if (json) {
      cl.getOut().println(JsonOut.write(JsonOut.error(message)));
      cl.getOut().flush();
    } else {
      cl.getErr().println("✗ " + message);
      cl.getErr().flush();
    }
  }

  /** Whether the command that ran was given {@code --json}. */
  private static boolean jsonRequested(ParseResult parsed) {
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return leaf.hasMatchedOption("--json");
  }

  /** Parsing failed, so there is no parse result to ask: look for the word. */
  private static boolean jsonRequested(String[] args) {
    return Arrays.asList(args).contains("--json");
  }
}
