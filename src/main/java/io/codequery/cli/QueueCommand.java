package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.hooks.CommitFiles;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.IngestSpool;
import io.codequery.queue.ListingChanges;
import io.codequery.queue.QueueStatus;
import io.codequery.queue.QueueTask;
import io.codequery.queue.WakeWorker;
import io.codequery.storage.OpenStore;
import io.codequery.store.IngestOptions;
import io.codequery.store.Ingested;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.PathChange;
import io.codequery.store.Store;
import io.codequery.store.StoreUrl;
import io.codequery.trust.ProjectTrust;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "queue", description = "Look at and work on the job queue (.code-query/queue.db).")
final class QueueCommand {
  @Spec CommandSpec spec;

  private ProjectLayout layout() {
    return ProjectLayout.of(Main.projectRoot(spec));
  }

  private Store open(ProjectLayout layout, Config config) {
    return OpenStore.open(layout, config, Clock.systemUTC());
  }

  /** True where the project has a store to work on: its SQLite file, or a PostgreSQL server. */
  private static boolean hasStore(ProjectLayout layout, Config config) {
    return Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)
        || OpenStore.locate(layout, config) instanceof StoreUrl.Postgres;
  }

  @Command(
      name = "status",
      description = "Counts of jobs by state, and of the commits the hooks recorded.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {"0:counted", "2:a bad --project-root, a broken config or queue"})
  int status(@Option(names = "--json", description = "Print one JSON object.") boolean json) {
    ProjectLayout layout = layout();
    PrintWriter out = spec.commandLine().getOut();
    if (Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)) {
      Configs.load(layout, spec); // a broken config is said here too
    }
    // One reading and one JSON for this command and the MCP server's queue_status.
    QueueStatus status = QueueStatus.read(layout, OpenStore.reader(layout, Clock.systemUTC()));
    if (json) {
      out.println(JsonOut.write(status.json()));
    } else {
      List<String> parts = new ArrayList<>();
      status.jobs().forEach((state, n) -> parts.add(n + " " + state.id()));
      out.println(String.join(", ", parts));
      Render.spool(status.spool(), layout).forEach(out::println);
    }
    return ExitStatus.OK;
  }

  @Command(
      name = "list",
      description = "Jobs, newest first.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {"0:listed (also where none)", "2:a bad option, --project-root or queue"})
  int list(
      @Option(
              names = "--state",
              paramLabel = "STATE",
              description = "Only jobs in STATE: pending, running, done or failed.")
          String state,
      @Option(
              names = "--limit",
              paramLabel = "N",
              defaultValue = "50",
              description = "At most this many, 1 or more (default: ${DEFAULT-VALUE}).")
          int limit,
      @Option(names = "--json", description = "Print a JSON array.") boolean json) {
    OptionChecks.atLeast(
        spec.subcommands().get("list").getCommandSpec(),
        "--limit",
        limit,
        1,
        "how many jobs to list at most");
    ProjectLayout layout = layout();
    Optional<JobState> filter = Optional.empty();
    if (state != null) {
      try {
        filter = Optional.of(JobState.of(state.toLowerCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new CodeQueryException(
            "--state " + state + ": expected pending, running, done or failed");
      }
    }
    if (Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)) {
      Configs.load(layout, spec); // a broken config is said here too
    }
    Optional<JobState> only = filter;
    List<Job> jobs =
        OpenStore.reader(layout, Clock.systemUTC())
            .read(q -> q.list(only, limit))
            .orElse(List.of());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Job j : jobs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("state", j.state().id());
        m.put("commit", j.commit());
        // The exact name when it is text; else its display form, marked as such.
        m.put("file", j.file().text().orElse(j.file().display()));
        if (!j.file().isUtf8()) {
          m.put("file_escaped", true);
        }
        m.put("attempts", j.attempts());
        m.put("exit_code", j.exitCode());
        m.put("duration_ms", j.durationMs());
        m.put("error", j.error());
        m.put("outcome", j.outcome() == null ? null : j.outcome().id());
        m.put("note", j.note());
        m.put("updated_at", j.updatedAt().toString());
        rows.add(m);
      }
      out.println(JsonOut.write(rows));
      return ExitStatus.OK;
    }
    if (jobs.isEmpty()) {
      out.println("no jobs" + (state != null ? " in state " + state : ""));
    }
    for (Job j : jobs) {
      String commit = j.commit().length() > 10 ? j.commit().substring(0, 10) : j.commit();
      out.printf(
          "%6d  %-7s  %s  %s%s%n",
          j.id(),
          j.state().id(),
          commit,
          j.file().display(),
          j.error() != null && j.state() != JobState.DONE
              ? "  — " + WorkerLog.escape(firstLine(j.error()))
              : j.note() != null ? "  — " + WorkerLog.escape(firstLine(j.note())) : "");
    }
    return ExitStatus.OK;
  }

  @Command(
      name = "retry",
      description = "Put failed jobs back to pending; a running worker takes them at once.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {"0:done (also where none failed)", "2:a bad --project-root, config or queue"})
  int retry(
      @Option(names = "--json", description = "Print one JSON object: {\"retried\": N}.")
          boolean json) {
    ProjectLayout layout = layout();
    int n = 0;
    Config config = Configs.load(layout, spec);
    if (hasStore(layout, config)) {
      try (Store q = open(layout, config)) {
        n = q.retryFailed();
      }
    }
    if (n > 0) {
      WakeWorker.request(layout);
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("retried", n);
      spec.commandLine().getOut().println(JsonOut.write(m));
    } else {
      spec.commandLine().getOut().println("✓ " + n + " failed job(s) back to pending");
    }
    return ExitStatus.OK;
  }

  @Command(
      name = "process",
      description =
          "Process the waiting jobs now, in the foreground (for use without a worker): a progress"
              + " bar with the file being worked on on a terminal, plain lines otherwise.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {
        "0:every job done (also where none waited)",
        "1:some failed or wait for a retry",
        "2:refused: an untrusted project (see `code-query trust`), a broken config or queue"
      })
  int process() {
    ProjectLayout layout = layout();
    ProjectTrust.require(layout); // it runs config.json's command as this user
    Config config = Configs.load(layout, spec);
    PrintWriter out = spec.commandLine().getOut();
    Clock clock = Clock.systemUTC();
    WorkerLog log = new WorkerLog(layout.logFile(), clock);
    Store queue = open(layout, config);
    new IngestSpool(layout.spoolDir(), queue, log, config.mode(), clock).run();
    Progress progress = new Progress(out, System.console() != null, queue.due());
    int done = 0;
    int failed = 0;
    try (QueueTask task = QueueTask.open(queue, layout, config, clock)) {
      while (task.runOnce(job -> progress.started(job.file().display()))) {
        Optional<Job> after = task.lastRecordedJob();
        String verdict;
        String detail = "";
        if (after.isPresent() && after.get().state() == JobState.DONE) {
          done++;
          verdict = "done";
          Long ms = after.get().durationMs();
          detail = ms == null ? "" : "(" + ms + " ms)";
        } else {
          failed++;
          verdict =
              after.isEmpty()
                  ? "discarded"
                  : after.get().state() == JobState.PENDING ? "will retry" : "failed";
          String error = after.map(Job::error).orElse(null);
          detail = error == null ? "" : "— " + WorkerLog.escape(firstLine(error));
        }
        String name = after.map(j -> j.file().display()).orElse("");
        progress.finished(verdict, name, detail, queue.due());
      }
      progress.end();
      long waiting = queue.counts().get(JobState.PENDING);
      out.println(
          "✓ processed "
              + (done + failed)
              + " job(s): "
              + done
              + " done, "
              + failed
              + " failed or to retry"
              + (waiting > 0 ? "; " + waiting + " wait for a retry later" : ""));
    }
    return failed == 0 ? ExitStatus.OK : ExitStatus.FAILED;
  }

  @Command(
      name = "add",
      description =
          "Queue the files of a commit (as the git hook does), deletions and renames included;"
              + " with --all, every file tracked at HEAD (a backfill). A running worker takes them"
              + " at once.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {
        "0:queued (also where every job was queued already)",
        "2:not a commit (git's own message is shown), a bad --project-root, config or queue"
      })
  int add(
      @Parameters(
              index = "0",
              arity = "0..1",
              defaultValue = "HEAD",
              paramLabel = "COMMIT",
              description = "The commit whose files to queue (default: ${DEFAULT-VALUE}).")
          String commit,
      @Option(
              names = "--all",
              description =
                  "Every file tracked at HEAD whose content is not documented yet; documents of"
                      + " files no longer tracked leave.")
          boolean all,
      @Option(names = "--force", description = "Document again even what is documented already.")
          boolean force,
      @Option(
              names = "--json",
              description =
                  "Print one JSON object: commit, files, queued, removed, moved,"
                      + " skipped_submodules, skipped_symlinks.")
          boolean json) {
    ProjectLayout layout = layout();
    Config config = Configs.load(layout, spec);
    if (all) {
      if (!"HEAD".equals(commit)) {
        throw new CodeQueryException(
            "--all queues every file tracked at HEAD; leave out the commit " + commit);
      }
      return AddAll.run(layout, config, force, json, spec.commandLine().getOut());
    }
    CommitFiles.Listing listing = CommitFiles.of(layout.root(), commit);
    try (Store q = open(layout, config)) {
      List<PathChange> changes = ListingChanges.of(listing, refused -> {});
      Ingested done =
          changes.isEmpty()
              ? Ingested.NOTHING
              : q.ingest(listing.commit(), changes, new IngestOptions(force, null));
      int n = done.queued();
      long gitlinks = listing.skipped(CommitFiles.Kind.GITLINK);
      long symlinks = listing.skipped(CommitFiles.Kind.SYMLINK);
      if (n > 0) {
        WakeWorker.request(layout);
      }
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", listing.commit());
        m.put("files", listing.documented().size());
        m.put("queued", n);
        m.put("removed", done.removed());
        m.put("moved", done.moved());
        m.put("skipped_submodules", gitlinks);
        m.put("skipped_symlinks", symlinks);
        spec.commandLine().getOut().println(JsonOut.write(m));
        return ExitStatus.OK;
      }
      spec.commandLine()
          .getOut()
          .println(
              "✓ queued "
                  + n
                  + " new job(s) for "
                  + listing.documented().size()
                  + " file(s) of "
                  + listing.commit()
                  + (done.removed() > 0 ? "; " + done.removed() + " document(s) removed" : "")
                  + (done.moved() > 0 ? "; " + done.moved() + " document(s) moved" : "")
                  + (gitlinks > 0 ? "; " + gitlinks + " submodule(s) skipped" : "")
                  + (symlinks > 0 ? "; " + symlinks + " symbolic link(s) skipped" : ""));
    }
    return ExitStatus.OK;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl >= 0 ? s.substring(0, nl) : s;
  }
}
