package io.codequery.cli;

import io.codequery.Detection;
import io.codequery.WorkerDetector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description =
        "Is the worker running? Cleans up a stale or invalid PID file and says so.%n"
            + "Exit: 0 running, 1 stale/invalid (cleaned up), 3 not running, 4 unknown.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    WorkerDetector detector = new WorkerDetector(Main.projectRoot(spec));
    Detection d = detector.detect();
    var out = spec.commandLine().getOut();
    out.println(json ? JsonOut.write(JsonOut.detection(d, detector.pidFile())) : Render.status(d));
    out.flush();
    return d.exitCode();
  }
}
