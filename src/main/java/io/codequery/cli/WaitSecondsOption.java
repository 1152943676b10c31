package io.codequery.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --wait-seconds S} of {@code worker start} and {@code worker restart}: one definition. */
final class WaitSecondsOption {
  static final int DEFAULT_WAIT_SECONDS = 30;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private int seconds = DEFAULT_WAIT_SECONDS;

  @Option(
      names = "--wait-seconds",
      paramLabel = "S",
      defaultValue = "" + DEFAULT_WAIT_SECONDS,
      description = "How long to wait for the worker to report ready (default: ${DEFAULT-VALUE}).")
  void setSeconds(int value) {
    seconds =
        OptionChecks.atLeast(spec, "--wait-seconds", value, 1, "seconds to wait for the worker");
  }

  Duration duration() {
    return Duration.ofSeconds(seconds);
  }
}
