package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.StartWorker;
import io.codequery.worker.StopWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "restart", description = "Stop the worker (if it runs), then start it.")
final class RestartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      description = "Seconds to wait after SIGTERM before SIGKILL.")
  Integer timeoutSeconds;

  @Option(
      names = "--wait-seconds",
      paramLabel = "S",
      defaultValue = "30",
      description = "How long to wait for the new worker.")
  int waitSeconds;

  @Override
  public Integer call() throws IOException {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    ProjectTrust.require(layout); // first: a refusal must leave the running worker alone
    int timeout =
        timeoutSeconds != null ? timeoutSeconds : Configs.load(layout, spec).stopTimeoutSeconds();
    StopWorker.Outcome stop =
        new StopWorker(layout, Duration.ofSeconds(Math.max(0, timeout))).run();
    if (stop.exitCode() != 0) {
      spec.commandLine().getErr().println(stop.message());
      return stop.exitCode();
    }
    spec.commandLine().getOut().println(stop.message());
    StartWorker.Outcome start =
        new StartWorker(layout, Duration.ofSeconds(Math.max(1, waitSeconds))).run();
    (start.exitCode() == 0 ? spec.commandLine().getOut() : spec.commandLine().getErr())
        .println(start.message());
    return start.exitCode();
  }
}
