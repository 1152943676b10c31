package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.config.ConfigLoader;
import io.codequery.config.HookSettings;
import io.codequery.project.ProjectLayout;
import io.codequery.project.ProjectRoots;
import io.codequery.queue.JobQueue;
import io.codequery.trust.ProjectTrust;
import io.codequery.worker.StartResult;
import io.codequery.worker.StartWorker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code worker start} and {@code worker run} without picocli, whose model of every command
 * (annotations read through proxies and reflection) was most of a worker's start-up: the same steps
 * as {@link StartCommand} and {@link RunCommand}, in the same order, with the same output. Only
 * their plain forms are taken ({@code --project-root} and, for start, {@code --wait-seconds});
 * anything else ({@code --json}, a bad value) — and any refusal of the checks that come first (an
 * unusable {@code --project-root}, an untrusted project, a broken config), which are read-only or
 * idempotent — goes down the full path, which runs them again and explains itself.
 */
final class FastWorker {
  private FastWorker() {}

  /** The exit status, or {@link FastStatus#NOT_HANDLED}. */
  static int run(String[] args) {
    String typedRoot = null;
    Integer waitSeconds = null;
    int words = 0;
    String verb = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--project-root") && i + 1 < args.length && typedRoot == null) {
        typedRoot = args[++i];
      } else if (a.startsWith("--project-root=") && typedRoot == null) {
        typedRoot = a.substring("--project-root=".length());
      } else if (a.equals("--wait-seconds") && i + 1 < args.length && waitSeconds == null) {
        waitSeconds = seconds(args[++i]);
        if (waitSeconds == null || waitSeconds < 1) {
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
    ProjectOption.Choice choice;
    if (typedRoot == null) {
      choice = ProjectOption.Choice.discovered(ProjectRoots.discover(Path.of("")));
    } else {
      Path dir = Path.of(typedRoot);
      if (ProjectRootArgument.problem(typedRoot, dir).isPresent()) {
        return FastStatus.NOT_HANDLED; // the full path says what is wrong with it
      }
      choice = new ProjectOption.Choice(dir, Optional.empty());
    }
    ProjectLayout layout = ProjectLayout.of(choice.root());
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
        return RunCommand.runWorker(layout, config, out::println, err::println);
      }
      int wait = waitSeconds == null ? WaitSecondsOption.DEFAULT_WAIT_SECONDS : waitSeconds;
      StartResult r = new StartWorker(layout, Duration.ofSeconds(wait)).run();
      int status = ExitStatus.of(r);
      (status == ExitStatus.OK ? out : err)
          .println(Render.start(r) + Render.chosenProject(choice, layout));
      return status;
    } catch (IOException | CodeQueryException e) {
      // As the full path's ErrorHandler says it: one line, status 2.
      err.println("✗ " + e.getMessage());
      return ExitStatus.USAGE;
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
