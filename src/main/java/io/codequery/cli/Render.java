package io.codequery.cli;

import io.codequery.Detection;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.project.SpoolCount;
import io.codequery.store.StoreHealth;
import io.codequery.worker.RegisteredStop;
import io.codequery.worker.RunResult;
import io.codequery.worker.StartResult;
import io.codequery.worker.StopResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Human text for the library's results: one line a person understands at a glance, led by a symbol
 * ({@code ✓} it is so, {@code ✗} it is not or it failed, {@code ?} cannot tell), then indented
 * details. Only the CLI prints symbols.
 */
final class Render {
  private Render() {}

  static String status(Detection d) {
    if (d instanceof Detection.Running r) {
      return "✓ running — PID " + r.processId();
    }
    if (d instanceof Detection.Stale s) {
      return "✗ not running — "
          + (s.cleanedUp() ? "removed stale PID file" : "stale PID file")
          + " (PID "
          + s.processId()
          + ": "
          + s.reason()
          + ")";
    }
    if (d instanceof Detection.Invalid i) {
      return "✗ not running — "
          + (i.cleanedUp() ? "removed invalid PID file" : "invalid PID file")
          + " ("
          + i.reason()
          + ")";
    }
    if (d instanceof Detection.NotRunning) {
      return "✗ not running — no PID file";
    }
    return "? unknown — " + d.reason();
  }

  static String start(StartResult r) {
    if (r instanceof StartResult.Started s) {
      return "✓ started — PID " + s.pid() + "\n  log: " + s.logFile();
    }
    if (r instanceof StartResult.AlreadyRunning a) {
      return a.raced()
          ? "✓ already running — PID "
              + a.pid()
              + " (another start got there first)\n  log: "
              + a.logFile()
          : "✓ already running — PID " + a.pid();
    }
    StartResult.Failed f = (StartResult.Failed) r;
    String tail =
        f.logUnreadable().isPresent()
            ? "  (log " + f.logFile() + " unreadable: " + f.logUnreadable().get() + ")"
            : "  last lines of " + f.logFile() + ":\n    " + String.join("\n    ", f.logTail());
    return "✗ " + f.reason() + "\n" + tail;
  }

  static String stop(StopResult r) {
    if (r instanceof StopResult.Stopped s) {
      return "✓ stopped — PID "
          + s.pid()
          + " in "
          + String.format(Locale.ROOT, "%.1f", s.took().toMillis() / 1000.0)
          + " s"
          + s.killedAfter()
              .map(t -> " (killed with SIGKILL after " + t.toSeconds() + " s)")
              .orElse("");
    }
    if (r instanceof StopResult.NotRunning n) {
      Detection d = n.detection();
      return "✓ not running"
          + (d.cleanedUp() ? " (removed a " + d.outcome() + " PID file: " + d.reason() + ")" : "");
    }
    if (r instanceof StopResult.GoneBeforeSignal g) {
      return "✓ not running (PID " + g.pid() + " exited or changed during the check)";
    }
    if (r instanceof StopResult.Unverified u) {
      return "? cannot verify the worker, no signal sent — " + u.detection().reason();
    }
    if (r instanceof StopResult.Refused f) {
      return "✗ not stopping PID " + f.pid() + ", no signal sent — " + f.reason();
    }
    if (r instanceof StopResult.PermissionDenied p) {
      return "✗ " + permissionDenied(p) + "; no signal sent. Run stop as that user, or as root.";
    }
    return "✗ the worker (PID " + ((StopResult.StillRunning) r).pid() + ") is still running";
  }

  /** {@code worker health}'s store line. */
  static String store(StoreHealth s) {
    if (!s.reachable()) {
      return "store: ✗ " + s.url() + " unreachable: " + s.problem();
    }
    return "store: "
        + s.url()
        + String.format(Locale.ROOT, " (answered in %.1f ms", s.latencyMillis())
        + (s.schemaVersion() == null
            ? "; not created yet: the worker creates it)"
            : "; schema version " + s.schemaVersion() + ")");
  }

  static String stop(RegisteredStop r) {
    if (r instanceof RegisteredStop.Signalled s) {
      return stop(s.result());
    }
    if (r instanceof RegisteredStop.Requested q) {
      String who = "worker " + q.worker().workerId() + " on " + WorkerLog.escape(q.worker().host());
      return q.stopped()
          ? "✓ stopped — " + who + " ended on request (no signal sent)"
          : "✗ stop requested — "
              + who
              + " has not stopped within "
              + q.waited().toSeconds()
              + " s; it stops at its next heartbeat (no signal crosses a host)";
    }
    if (r instanceof RegisteredStop.NotRunning n) {
      return "✓ not running — worker " + n.worker().workerId() + ": " + n.reason();
    }
    if (r instanceof RegisteredStop.NoSuchWorker n) {
      return "✗ no registered worker has the id "
          + WorkerLog.escape(n.id())
          + " (`code-query worker list` shows them)";
    }
    RegisteredStop.Ambiguous a = (RegisteredStop.Ambiguous) r;
    return "✗ the id "
        + WorkerLog.escape(a.id())
        + " names several workers ("
        + String.join(", ", a.matches())
        + "); give more of it";
  }

  /** "permission denied: you (NAME) may not signal the worker, PID N, which runs as …". */
  static String permissionDenied(StopResult.PermissionDenied p) {
    String runsAs;
    if (p.workerUid().isEmpty()) {
      runsAs = p.workerUser().map(n -> ", which runs as " + n).orElse("");
    } else {
      int uid = p.workerUid().getAsInt();
      runsAs =
          ", which runs as "
              + p.workerUser().map(n -> n + " (uid " + uid + ")").orElse("uid " + uid);
    }
    return "permission denied: you ("
        + p.caller()
        + ") may not signal the worker, PID "
        + p.pid()
        + runsAs;
  }

  /**
   * For a command that creates or starts something: an indented line naming the project that
   * discovery chose, and why ("" where {@code --project-root} named it).
   */
  static String chosenProject(ProjectOption.Choice choice, ProjectLayout layout) {
    return choice
        .discoveredBecause()
        .map(
            why ->
                "\n  project: " + layout.root() + " (" + why + "; --project-root chooses another)")
        .orElse("");
  }

  static String run(RunResult r) {
    if (r instanceof RunResult.MissingMarker m) {
      return "✗ this JVM lacks the worker marker "
          + m.marker()
          + " among its first arguments; detectors could not verify it.\n"
          + "  Start the worker with `code-query worker start` or `code-query worker run`.";
    }
    if (r instanceof RunResult.AlreadyRunning a) {
      return "✗ another worker already runs for " + a.root() + " (it holds " + a.lockFile() + ")";
    }
    if (r instanceof RunResult.StoppedOnRequest) {
      return "✓ stopped: a stop was requested through the worker registry";
    }
    return "✓ stood down: another worker holds the lock now";
  }

  /**
   * Lines about the hooks' spool, none when it is empty: commits not yet queued, and records set
   * aside as unreadable (with where to look and what to do).
   */
  static List<String> spool(SpoolCount spool, ProjectLayout layout) {
    List<String> lines = new ArrayList<>();
    if (spool.waiting() > 0) {
      lines.add(
          "  spool: "
              + spool.waiting()
              + " commit(s) recorded by the hooks, not yet queued (the worker takes them in;"
              + " without one, `code-query queue process`)");
    }
    if (spool.rejected() > 0) {
      lines.add(
          "  spool: "
              + spool.rejected()
              + " record(s) set aside as unreadable in "
              + layout.spoolDir().resolve("rejected")
              + " — "
              + layout.logFile()
              + " says why; re-queue their commits with `code-query queue add COMMIT`, then"
              + " delete them");
    }
    return lines;
  }
}
