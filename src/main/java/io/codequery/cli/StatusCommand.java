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
    description = "Is the worker running? Cleans up a stale or invalid PID file and says so.",
    exitCodeListHeading = "%nExit status (as LSB init scripts' `status`):%n",
    exitCodeList = {
      "0:running",
      "1:not running: the PID file was stale or invalid (removed, and said so)",
      "2:a bad option or --project-root",
      "3:not running (no PID file)",
      "4:unknown: it cannot be established (the reason is printed; nothing removed)"
    })
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
    return ExitStatus.of(d);
  }
}
