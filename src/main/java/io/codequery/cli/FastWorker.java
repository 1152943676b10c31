package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.config.ConfigLoader;
import io.codequery.config.HookSettings;
import io.codequery.project.ProjectLayout;
import io.codequery.project.ProjectRoots;
import io.codequery.queue.ConsumeSpoolAndQueue;
import io.codequery.queue.JobQueue;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.RunWorker;
import io.codequery.worker.StartWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code worker start} and {@code worker run} without picocli, whose model of every command
 * (annotations read through proxies and reflection) was most of a worker's start-up: the same steps
 * as {@link StartCommand} and {@link RunCommand}, in the same order. Only their plain forms are
 * taken ({@code --project-root} and, for start, {@code --wait-seconds}); anything else — and any
 * refusal of the checks that come first (an untrusted project, a broken config), which are
 * read-only or idempotent — goes down the full path, which runs them again and explains itself.
 */
final class FastWorker {
  private FastWorker() {}

  /** The exit status, or {@link FastStatus#NOT_HANDLED}. */
  static int run(String[] args) {
    Path root = null;
    Integer waitSeconds = null;
    int words = 0;
    String verb = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--project-root") && i + 1 < args.length && root == null) {
        root = Path.of(args[++i]);
      } else if (a.startsWith("--project-root=") && root == null) {
        root = Path.of(a.substring("--project-root=".length()));
      } else if (a.equals("--wait-seconds") && i + 1 < args.length && waitSeconds == null) {
        waitSeconds = seconds(args[++i]);
        if (waitSeconds == null) {
          return FastStatus.NOT_HANDLED;
        }
      } else if (words == 0 && a.equals("worker")) {
        words++;
      } else if (words == 1 && (a.equals("start") || a.equals("run"))) {
        verb = a;
        words++;
      } else {
        return FastStatus.NOT_HANDLED;
      }
    }
    if (words != 2 || (waitSeconds != null && !verb.equals("start"))) {
      return FastStatus.NOT_HANDLED;
    }
    if (verb.equals("run")) {
      // On the other core while the checks run: the worker opens its queue before it is ready.
      JobQueue.warmUpInBackground();
    }
    ProjectLayout layout =
        ProjectLayout.of(root != null ? root : ProjectRoots.discover(Path.of("")));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    Config config;
    try {
      // Before the worker exists: it would run config.json's command as this user.
      ProjectTrust.require(layout);
      ConfigLoader.Loaded loaded = HookSettings.load(layout.configFile(), layout.name());
      loaded.warnings().forEach(w -> err.println("! " + w));
      config = loaded.config();
    } catch (RuntimeException e) {
      return FastStatus.NOT_HANDLED; // refused: the full path says why, exactly as it always has
    }
    try {
      if (verb.equals("run")) {
        RunWorker worker =
            new RunWorker(
                layout,
                Duration.ofSeconds(config.heartbeatSeconds()),
                Duration.ofSeconds(config.stopTimeoutSeconds()),
                Clock.systemUTC(),
                System.out,
                System.err);
        return worker.run(() -> ConsumeSpoolAndQueue.open(layout, config, Clock.systemUTC()));
      }
      StartWorker.Outcome o =
          new StartWorker(
                  layout, Duration.ofSeconds(Math.max(1, waitSeconds == null ? 30 : waitSeconds)))
              .run();
      (o.exitCode() == 0 ? out : err).println(o.message());
      return o.exitCode();
    } catch (IOException | CodeQueryException e) {
      // As the full path's ErrorHandler says it: one line, status 2.
      err.println("✗ " + e.getMessage());
      return ErrorHandler.EXIT_ERROR;
    }
  }

  private static Integer seconds(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
