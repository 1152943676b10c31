package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.worker.StopResult;
import io.codequery.worker.StopWorker;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stop",
    description = "Stop the verified worker: SIGTERM, wait, then SIGKILL.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped, or not running",
      "1:still running",
      "2:a bad option or --project-root, a broken config",
      "4:no signal sent: the worker cannot be verified, or you may not signal it"
    })
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private Integer timeoutSeconds;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      description =
          "Seconds to wait after SIGTERM before SIGKILL; 0 sends SIGKILL at once (default:"
              + " processing.stop_timeout_seconds, 10).")
  void setTimeoutSeconds(Integer seconds) {
    timeoutSeconds =
        seconds == null
            ? null
            : OptionChecks.atLeast(
                spec, "--timeout", seconds, 0, "seconds to wait after SIGTERM before SIGKILL");
  }

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    int timeout =
        timeoutSeconds != null ? timeoutSeconds : Configs.load(layout, spec).stopTimeoutSeconds();
    StopResult r = new StopWorker(layout, Duration.ofSeconds(timeout)).run();
    int status = ExitStatus.of(r);
    if (json) {
      spec.commandLine().getOut().println(JsonOut.write(JsonOut.stop(r)));
    } else {
      (status == ExitStatus.OK ? spec.commandLine().getOut() : spec.commandLine().getErr())
          .println(Render.stop(r));
    }
    return status;
  }
}
