package io.codequery.cli;

import io.codequery.Detection;
import io.codequery.WorkerDetector;
import io.codequery.WorkerInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "info",
    description =
        "PID, state, start time, CPU, memory, threads and command line of the running worker.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:running (described)",
      "1, 3:not running, as `worker status` (what status would say is printed)",
      "2:a bad option or --project-root",
      "4:unknown, or it could not be described"
    })
final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    WorkerDetector detector = new WorkerDetector(Main.projectRoot(spec));
    Detection d = detector.detect();
    var out = spec.commandLine().getOut();
    Optional<WorkerInfo> info = d.isRunning() ? detector.getWorkerInfo() : Optional.empty();
    if (info.isEmpty()) {
      // Not running, or it vanished between the two looks: report what status would.
      Detection now = info.isEmpty() && d.isRunning() ? detector.detect() : d;
      out.println(
          json ? JsonOut.write(JsonOut.detection(now, detector.pidFile())) : Render.status(now));
      out.flush();
      // Running, yet no facts about it: as unknown.
      return now.isRunning() ? ExitStatus.UNKNOWN : ExitStatus.of(now);
    }
    WorkerInfo i = info.get();
    if (json) {
      Map<String, Object> mem = new LinkedHashMap<>();
      mem.put("rss", i.rssBytes());
      mem.put("vms", i.vmsBytes());
      mem.put("percent", i.memoryPercent());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pid", i.pid());
      m.put("status", i.state());
      m.put("create_time", i.startTime().toEpochMilli() / 1000.0);
      m.put("start_time", i.startTime().toString());
      m.put("cpu_percent", i.cpuPercent());
      m.put("memory_info", mem);
      m.put("num_threads", i.threadCount());
      m.put("cmdline", i.commandLine());
      out.println(JsonOut.write(m));
    } else {
      out.println("✓ running — PID " + i.pid());
      out.println("  state: " + i.state());
      out.println("  started: " + i.startTime());
      out.printf("  cpu: %.2f %% (average since start)%n", i.cpuPercent());
      out.printf(
          "  memory: rss %.1f MiB, vms %.1f MiB, %.2f %% of RAM%n",
          i.rssBytes() / 1048576.0, i.vmsBytes() / 1048576.0, i.memoryPercent());
      out.println("  threads: " + i.threadCount());
      out.println("  command: " + String.join(" ", i.commandLine()));
    }
    out.flush();
    return ExitStatus.OK;
  }
}
