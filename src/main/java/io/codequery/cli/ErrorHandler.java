package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.docs.DocsJson;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Domain errors become one clear line and exit status 2 (with {@code --json}: {@code {"error":
 * "…"}} on stdout); bugs keep their stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int EXIT_ERROR = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed)
      throws Exception {
    if (e instanceof CodeQueryException || e instanceof IOException) {
      if (jsonRequested(parsed)) {
        cl.getOut().println(JsonOut.write(DocsJson.error(e.getMessage())));
        cl.getOut().flush();
      } else {
        cl.getErr().println("✗ " + e.getMessage());
        cl.getErr().flush();
      }
      return EXIT_ERROR;
    }
    throw e;
  }

  /** Whether the command that ran was given {@code --json}: then its error is JSON too. */
  private static boolean jsonRequested(ParseResult parsed) {
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return leaf.hasMatchedOption("--json");
  }
}
