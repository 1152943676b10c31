package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.worker.StopWorker;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stop",
    description =
        "Stop the verified worker: SIGTERM, wait, then SIGKILL.%nExit: 0 stopped or not running, 1"
            + " still running, 4 the worker cannot be verified (no signal sent).")
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      description =
          "Seconds to wait after SIGTERM before SIGKILL (default: processing.stop_timeout_seconds,"
              + " 10).")
  Integer timeoutSeconds;

  @Override
  public Integer call() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    int timeout =
        timeoutSeconds != null ? timeoutSeconds : Configs.load(layout, spec).stopTimeoutSeconds();
    StopWorker.Outcome o = new StopWorker(layout, Duration.ofSeconds(Math.max(0, timeout))).run();
    (o.exitCode() == 0 ? spec.commandLine().getOut() : spec.commandLine().getErr())
        .println(o.message());
    return o.exitCode();
  }
}
