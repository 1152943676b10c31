package io.codequery.cli;

import io.codequery.config.Config;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.ConsumeSpoolAndQueue;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.RunWorker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    description =
        "Run the worker in the foreground until SIGTERM or SIGINT (what `worker start` launches).")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    // Before the worker exists: it would run config.json's command as this user.
    ProjectTrust.require(layout);
    Config c = Configs.load(layout, spec);
    RunWorker worker =
        new RunWorker(
            layout,
            Duration.ofSeconds(c.heartbeatSeconds()),
            Duration.ofSeconds(c.stopTimeoutSeconds()),
            Clock.systemUTC(),
            System.out,
            System.err);
    return worker.run(() -> ConsumeSpoolAndQueue.open(layout, c, Clock.systemUTC()));
  }
}
