package io.codequery.cli;

import io.codequery.Detection;
import io.codequery.project.ProjectLayout;
import io.codequery.project.SpoolCount;
import java.util.ArrayList;
import java.util.List;

/** Human one-liners for detections and the spool. */
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
