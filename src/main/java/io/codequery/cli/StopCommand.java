package io.codequery.cli;

import io.codequery.project.ProjectLayout;
import io.codequery.storage.OpenStore;
import io.codequery.store.Store;
import io.codequery.worker.RegisteredStop;
import io.codequery.worker.StopRegisteredWorker;
import io.codequery.worker.StopResult;
import io.codequery.worker.StopWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stop",
    description = {
      "Stop the verified worker: SIGTERM, wait, then SIGKILL.",
      "With --worker ID: the registered worker of that id (or id prefix, see `worker list`):"
          + " one of this host through the same verified signals, one of another host by a stop"
          + " request it honours at its next heartbeat (no signal crosses a host)."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped, or not running",
      "1:still running (--worker of another host: asked, but not stopped within --timeout)",
      "2:a bad option or --project-root, a broken config; --worker names no worker, or several",
      "4:no signal sent: the worker cannot be verified, or you may not signal it"
    })
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StopTimeoutOption timeout;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(
      names = "--worker",
      paramLabel = "ID",
      description =
          "Stop this registered worker (an id or a unique prefix, as `worker list` shows)")
  String workerId;

  @Override
  public Integer call() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    Duration timeout = this.timeout.timeout(layout);
    if (workerId != null) {
      return stopRegistered(layout, timeout);
    }
    StopResult r = new StopWorker(layout, timeout).run();
    int status = ExitStatus.of(r);
    if (json) {
      spec.commandLine().getOut().println(JsonOut.write(JsonOut.stop(r)));
    } else {
      (status == ExitStatus.OK ? spec.commandLine().getOut() : spec.commandLine().getErr())
          .println(Render.stop(r));
    }
    return status;
  }

  /** {@code --worker ID}: through the registry in the project's configured store. */
  private int stopRegistered(ProjectLayout layout, Duration timeout) {
    RegisteredStop r;
    try (Store store = OpenStore.open(layout, Configs.load(layout, spec), Clock.systemUTC())) {
      r = new StopRegisteredWorker(OpenStore.registry(store), timeout).run(workerId);
    }
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
