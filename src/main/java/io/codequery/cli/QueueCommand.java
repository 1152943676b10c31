package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.config.Config;
import io.codequery.hooks.CommitFiles;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.IngestSpool;
import io.codequery.queue.JobQueue;
import io.codequery.queue.ListingChanges;
import io.codequery.queue.QueueStatus;
import io.codequery.queue.QueueTask;
import io.codequery.queue.WakeWorker;
import io.codequery.store.IngestOptions;
import io.codequery.store.Ingested;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.PathChange;
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

  private JobQueue open(ProjectLayout layout, Config config) {
    return JobQueue.open(layout, config, Clock.systemUTC());
  }

  @Command(name = "status", description = "Counts of jobs by state.")
  int status(@Option(names = "--json", description = "Print one JSON object.") boolean json) {
    ProjectLayout layout = layout();
    PrintWriter out = spec.commandLine().getOut();
    if (Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)) {
      Configs.load(layout, spec); // a broken config is said here too
    }
    // One reading and one JSON for this command and the MCP server's queue_status.
    QueueStatus status = QueueStatus.read(layout, Clock.systemUTC());
    if (json) {
      out.println(JsonOut.write(status.json()));
    } else {
      List<String> parts = new ArrayList<>();
      status.jobs().forEach((state, n) -> parts.add(n + " " + state.id()));
      out.println(String.join(", ", parts));
      Render.spool(status.spool(), layout).forEach(out::println);
    }
    return 0;
  }

  @Command(name = "list", description = "Jobs, newest first.")
  int list(
      @Option(
              names = "--state",
              paramLabel = "STATE",
              description = "Only jobs in STATE: pending, running, done or failed.")
          String state,
      @Option(
              names = "--limit",
              defaultValue = "50",
              description = "At most this many (default: ${DEFAULT-VALUE}).")
          int limit,
      @Option(names = "--json", description = "Print a JSON array.") boolean json) {
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
    List<Job> jobs = List.of();
    if (Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)) {
      Configs.load(layout, spec); // a broken config is said here too
      try (JobQueue q = JobQueue.openReadOnly(layout.queueDatabase(), Clock.systemUTC())) {
        jobs = q.list(filter, Math.max(1, limit));
      }
    }
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
      return 0;
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
    return 0;
  }

  @Command(name = "retry", description = "Put failed jobs back to pending.")
  int retry() {
    ProjectLayout layout = layout();
    int n = 0;
    if (Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)) {
      try (JobQueue q = open(layout, Configs.load(layout, spec))) {
        n = q.retryFailed();
      }
    }
    if (n > 0) {
      WakeWorker.request(layout);
    }
    spec.commandLine().getOut().println("✓ " + n + " failed job(s) back to pending");
    return 0;
  }

  @Command(
      name = "process",
      description = "Process the waiting jobs now, in the foreground (for use without a worker).")
  int process() {
    ProjectLayout layout = layout();
    ProjectTrust.require(layout); // it runs config.json's command as this user
    Config config = Configs.load(layout, spec);
    PrintWriter out = spec.commandLine().getOut();
    Clock clock = Clock.systemUTC();
    WorkerLog log = new WorkerLog(layout.logFile(), clock);
    JobQueue queue = open(layout, config);
    new IngestSpool(layout.spoolDir(), queue, log, config.mode(), clock).run();
    long total = queue.counts().get(JobState.PENDING);
    boolean terminal = System.console() != null;
    int done = 0;
    int failed = 0;
    try (QueueTask task = QueueTask.open(queue, layout, config, clock)) {
      int n = 0;
      while (task.runOnce()) {
        n++;
        String line = task.lastRecorded();
        if (line.startsWith("done") || line.startsWith("skipped")) {
          done++;
        } else {
          failed++;
        }
        if (terminal) {
          int width = 30;
          int filled = total == 0 ? width : (int) Math.min(width, width * n / Math.max(1, total));
          out.printf(
              "\r[%s%s] %d/%d %-40.40s",
              "#".repeat(filled),
              " ".repeat(width - filled),
              n,
              Math.max(n, total),
              WorkerLog.escape(line));
          out.flush();
        } else {
          out.println("[" + n + "/" + Math.max(n, total) + "] " + WorkerLog.escape(line));
        }
      }
      if (terminal && n > 0) {
        out.println();
      }
      long waiting = queue.counts().get(JobState.PENDING);
      out.println(
          "✓ processed "
              + n
              + " job(s): "
              + done
              + " done, "
              + failed
              + " failed or to retry"
              + (waiting > 0 ? "; " + waiting + " wait for a retry later" : ""));
    }
    return failed == 0 ? 0 : 1;
  }

  @Command(
      name = "add",
      description =
          "Queue the files of a commit (as the git hook does), deletions and renames included;"
              + " with --all, every file tracked at HEAD (a backfill).")
  int add(
      @Parameters(index = "0", defaultValue = "HEAD", paramLabel = "COMMIT") String commit,
      @Option(
              names = "--all",
              description =
                  "Every file tracked at HEAD whose content is not documented yet; documents of"
                      + " files no longer tracked leave.")
          boolean all,
      @Option(names = "--force", description = "Document again even what is documented already.")
          boolean force,
      @Option(names = "--json", description = "Print one JSON object.") boolean json) {
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
    try (JobQueue q = open(layout, config)) {
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
        return 0;
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
    return 0;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl >= 0 ? s.substring(0, nl) : s;
  }
}
