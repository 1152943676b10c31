package io.codequery.cli;

import java.io.PrintWriter;

/**
 * Progress of a run of jobs. On a terminal one line redrawn in place — a bar, {@code n/total} and
 * the name of the file being worked on; elsewhere (a pipe, a log) one plain line per finished item.
 * The total is what was due when the run began plus what arrived since: it grows only when work
 * arrives, never jumps to catch up with the count.
 */
final class Progress {
  private static final int BAR = 24;

  /** Room for the name on an 80-column line after the bar and the counts. */
  private static final int NAME = 40;

  private final PrintWriter out;
  private final boolean terminal;
  private long total;
  private long finished;
  private boolean drawn;

  Progress(PrintWriter out, boolean terminal, long due) {
    this.out = out;
    this.terminal = terminal;
    this.total = due;
  }

  /** The total now: at least what was due at the start, plus what arrived since. */
  long total() {
    return total;
  }

  /** {@code name} (escaped already) is being worked on now. */
  void started(String name) {
    // A job beyond the total arrived after the start: count it in before drawing, so the total
    // never shows less than the item in hand.
    total = Math.max(total, finished + 1);
    if (terminal) {
      draw(finished, name);
    }
  }

  /**
   * {@code name} is done with {@code verdict} ("done", "failed", …); {@code stillDue} is what the
   * queue holds due now, so what arrived meanwhile joins the total.
   */
  void finished(String verdict, String name, String detail, long stillDue) {
    finished++;
    total = Math.max(total, finished + stillDue);
    if (terminal) {
      draw(finished, name);
    } else {
      out.println(
          "["
              + finished
              + "/"
              + total
              + "] "
              + verdict
              + " "
              + name
              + (detail.isEmpty() ? "" : " " + detail));
      out.flush();
    }
  }

  /** Ends the redrawn line, if there is one. */
  void end() {
    if (drawn) {
      out.println();
      out.flush();
      drawn = false;
    }
  }

  private void draw(long n, String name) {
    int filled = total == 0 ? BAR : (int) Math.min(BAR, BAR * n / total);
    out.print(
        "\r["
            + "#".repeat(filled)
            + " ".repeat(BAR - filled)
            + "] "
            + n
            + "/"
            + total
            + " "
            + fit(name));
    out.flush();
    drawn = true;
  }

  /** The name padded or cut to its column; a long path keeps its end (the file's own name). */
  static String fit(String name) {
    int length = name.codePointCount(0, name.length());
    if (length <= NAME) {
      return name + " ".repeat(NAME - length);
    }
    // Cut at a code point, never inside a surrogate pair.
    return "…" + name.substring(name.offsetByCodePoints(0, length - (NAME - 1)));
  }
}
