package io.codequery.cli;

import io.codequery.Detection;

/** Human one-liners for detections. */
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
}
