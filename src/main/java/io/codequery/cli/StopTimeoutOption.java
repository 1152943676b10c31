package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --timeout S} of {@code worker stop} and {@code worker restart}: one definition. */
final class StopTimeoutOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  private Integer seconds;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      description =
          "Seconds to wait after SIGTERM before SIGKILL; 0 sends SIGKILL at once (default:"
              + " processing.stop_timeout_seconds, 10).")
  void setSeconds(Integer value) {
    seconds =
        value == null
            ? null
            : OptionChecks.atLeast(
                spec, "--timeout", value, 0, "seconds to wait after SIGTERM before SIGKILL");
  }

  /** The option's value, else the project's {@code processing.stop_timeout_seconds}. */
  Duration timeout(ProjectLayout layout) {
    return Duration.ofSeconds(
        seconds != null ? seconds : Configs.load(layout, spec).stopTimeoutSeconds());
  }
}
