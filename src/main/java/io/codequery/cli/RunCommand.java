package io.codequery.cli;

import io.codequery.config.Config;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.ConsumeSpoolAndQueue;
import io.codequery.storage.OpenStore;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.RunResult;
import io.codequery.worker.RunWorker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    description =
        "Run the worker in the foreground until SIGTERM or SIGINT (what `worker start` launches).",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped cleanly (SIGTERM, SIGINT), or stood down for another worker",
      "2:refused: as `worker start`; or this JVM lacks the worker marker (use the launcher)",
      "75:another worker holds the lock for this project"
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    // Before the worker exists: it would run config.json's command as this user.
    ProjectTrust.require(layout);
    Config c = Configs.load(layout, spec);
    return runWorker(
        layout,
        c,
        line -> spec.commandLine().getOut().println(line),
        line -> spec.commandLine().getErr().println(line));
  }

  /**
   * Runs the worker in this JVM until it ends, says how it ended (a stop on request on {@code out},
   * other ends but standing down on {@code err}) and returns the exit status: the one way for this
   * command and {@link FastWorker}.
   */
  static int runWorker(ProjectLayout layout, Config c, Consumer<String> out, Consumer<String> err)
      throws IOException {
    RunWorker worker =
        new RunWorker(
            layout,
            Duration.ofSeconds(c.heartbeatSeconds()),
            Duration.ofSeconds(c.stopTimeoutSeconds()),
            Duration.ofSeconds(c.jobTimeoutSeconds()),
            Version.number(),
            Clock.systemUTC(),
            printingEvents());
    RunResult r =
        worker.run(
            () ->
                ConsumeSpoolAndQueue.open(
                    OpenStore.open(layout, c, Clock.systemUTC()), layout, c, Clock.systemUTC()));
    if (r instanceof RunResult.StoppedOnRequest) {
      out.accept(Render.run(r));
    } else if (!(r instanceof RunResult.StoodDown)) {
      err.accept(Render.run(r));
    }
    return ExitStatus.of(r);
  }

  /** The worker's events as the CLI reports them (also for {@link FastWorker}). */
  static RunWorker.Events printingEvents() {
    return new RunWorker.Events() {
      @Override
      public void ready(int pid) {
        // `worker start` and the tests wait for this line in the log.
        System.out.println("ready pid=" + pid);
        System.out.flush();
      }

      @Override
      public void stoppedBySignal() {
        System.out.flush();
        System.err.flush();
        // A JVM ends with status 143 on SIGTERM; a clean stop is status 0.
        Runtime.getRuntime().halt(ExitStatus.OK);
      }
    };
  }
}
