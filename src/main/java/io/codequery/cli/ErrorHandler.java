package io.codequery.cli;

import io.codequery.CodeQueryException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Domain errors become one clear line and exit status 2; bugs keep their stack trace. */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int EXIT_ERROR = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed)
      throws Exception {
    if (e instanceof CodeQueryException || e instanceof IOException) {
      cl.getErr().println("✗ " + e.getMessage());
      cl.getErr().flush();
      return EXIT_ERROR;
    }
    throw e;
  }
}
