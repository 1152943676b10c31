package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.StartResult;
import io.codequery.worker.StartWorker;
import io.codequery.worker.StopResult;
import io.codequery.worker.StopWorker;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "restart",
    description = "Stop the worker (if it runs), then start it.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:running (restarted)",
      "1:the stop left it running, or the new worker failed to start",
      "2:refused before stopping: as `worker start`",
      "4:not stopped, no signal sent: as `worker stop` (nothing started)"
    })
final class RestartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  private Integer timeoutSeconds;
  private int waitSeconds = StartCommand.DEFAULT_WAIT_SECONDS;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      description =
          "Seconds to wait after SIGTERM before SIGKILL (default:"
              + " processing.stop_timeout_seconds, 10).")
  void setTimeoutSeconds(Integer seconds) {
    timeoutSeconds =
        seconds == null
            ? null
            : OptionChecks.atLeast(
                spec, "--timeout", seconds, 0, "seconds to wait after SIGTERM before SIGKILL");
  }

  @Option(
      names = "--wait-seconds",
      paramLabel = "S",
      defaultValue = "" + StartCommand.DEFAULT_WAIT_SECONDS,
      description = "How long to wait for the new worker (default: ${DEFAULT-VALUE}).")
  void setWaitSeconds(int seconds) {
    waitSeconds =
        OptionChecks.atLeast(spec, "--wait-seconds", seconds, 1, "seconds to wait for the worker");
  }

  @Option(
      names = "--json",
      description =
          "Print one JSON object: {\"stop\": {…}, \"start\": {…}} as `worker stop --json` and"
              + " `worker start --json` print them (start null where the stop failed).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ProjectOption.Choice choice = Main.projectChoice(spec);
    ProjectLayout layout = ProjectLayout.of(choice.root());
    ProjectTrust.require(layout); // first: a refusal must leave the running worker alone
    int timeout =
        timeoutSeconds != null ? timeoutSeconds : Configs.load(layout, spec).stopTimeoutSeconds();
    StopResult stop = new StopWorker(layout, Duration.ofSeconds(timeout)).run();
    int stopStatus = ExitStatus.of(stop);
    StartResult start =
        stopStatus == ExitStatus.OK
            ? new StartWorker(layout, Duration.ofSeconds(waitSeconds)).run()
            : null;
    int status = start == null ? stopStatus : ExitStatus.of(start);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stop", JsonOut.stop(stop));
      Map<String, Object> started = start == null ? null : JsonOut.start(start);
      m.put("start", started);
      m.put("project_root", layout.root().toString());
      spec.commandLine().getOut().println(JsonOut.write(m));
      return status;
    }
    if (start == null) {
      spec.commandLine().getErr().println(Render.stop(stop));
      return status;
    }
    spec.commandLine().getOut().println(Render.stop(stop));
    (status == ExitStatus.OK ? spec.commandLine().getOut() : spec.commandLine().getErr())
        .println(Render.start(start) + Render.chosenProject(choice, layout));
    return status;
  }
}
