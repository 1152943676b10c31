package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.worker.StopResult;
import io.codequery.worker.StopWorker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin StopTimeoutOption timeout;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    StopResult r = new StopWorker(layout, timeout.timeout(layout)).run();
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
