package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.StartWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "start",
    description =
        "Start the worker in the background and wait until it is ready (idempotent).%n"
            + "Exit: 0 running (started or already), 1 it failed to start.")
final class StartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--wait-seconds",
      paramLabel = "S",
      defaultValue = "30",
      description = "How long to wait for the worker to report ready (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Override
  public Integer call() throws IOException {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    ProjectTrust.require(layout); // whose command the worker would run: refused here, exit 2
    Configs.load(layout, spec); // a broken config is reported here, not hidden in the worker's log
    StartWorker.Outcome o =
        new StartWorker(layout, Duration.ofSeconds(Math.max(1, waitSeconds))).run();
    (o.exitCode() == 0 ? spec.commandLine().getOut() : spec.commandLine().getErr())
        .println(o.message());
    return o.exitCode();
  }
}
