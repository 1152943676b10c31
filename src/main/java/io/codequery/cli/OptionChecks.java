package io.codequery.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks for numeric options, refused at parse time with the option named (exit 2). */
final class OptionChecks {
  private OptionChecks() {}

  /**
   * {@code value} where it is at least {@code min}.
   *
   * @param meaning what the option sets, for the message ("seconds to wait for the worker")
   * @throws ParameterException naming the option, the value and the range
   */
  static int atLeast(CommandSpec spec, String option, int value, int min, String meaning) {
    if (value < min) {
      throw new ParameterException(
          spec.commandLine(),
          option
              + " "
              + value
              + ": must be "
              + (min == 0 ? "0 or more" : min == 1 ? "1 or more" : "at least " + min)
              + " ("
              + meaning
              + ")");
    }
    return value;
  }
}
