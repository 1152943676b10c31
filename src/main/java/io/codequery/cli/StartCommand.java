package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.StartResult;
import io.codequery.worker.StartWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "start",
    description = "Start the worker in the background and wait until it is ready (idempotent).",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:running (started, or already running)",
      "1:the worker failed to start (the reason and the log's last lines are printed)",
      "2:refused: a bad option or --project-root, a broken config, an untrusted project, a link"
          + " or FIFO among its files"
    })
final class StartCommand implements Callable<Integer> {
  static final int DEFAULT_WAIT_SECONDS = 30;

  @Spec CommandSpec spec;

  private int waitSeconds = DEFAULT_WAIT_SECONDS;

  @Option(
      names = "--wait-seconds",
      paramLabel = "S",
      defaultValue = "" + DEFAULT_WAIT_SECONDS,
      description = "How long to wait for the worker to report ready (default: ${DEFAULT-VALUE}).")
  void setWaitSeconds(int seconds) {
    waitSeconds =
        OptionChecks.atLeast(spec, "--wait-seconds", seconds, 1, "seconds to wait for the worker");
  }

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ProjectOption.Choice choice = Main.projectChoice(spec);
    ProjectLayout layout = ProjectLayout.of(choice.root());
    ProjectTrust.require(layout); // whose command the worker would run: refused here, exit 2
    Configs.load(layout, spec); // a broken config is reported here, not hidden in the worker's log
    StartResult r = new StartWorker(layout, Duration.ofSeconds(waitSeconds)).run();
    int status = ExitStatus.of(r);
    if (json) {
      Map<String, Object> m = JsonOut.start(r);
      m.put("project_root", layout.root().toString());
      spec.commandLine().getOut().println(JsonOut.write(m));
    } else {
      (status == ExitStatus.OK ? spec.commandLine().getOut() : spec.commandLine().getErr())
          .println(Render.start(r) + Render.chosenProject(choice, layout));
    }
    return status;
  }
}
