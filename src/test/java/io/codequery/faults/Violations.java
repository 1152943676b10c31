package io.codequery.faults;

import io.codequery.log.WorkerLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every invariant violation of a run, with the iteration and fault it happened in. Thread-safe:
 * commands running on {@link Bounded}'s pool threads report here too.
 */
final class Violations {
  record Violation(int iteration, FaultKind kind, Invariant invariant, String detail) {
    @Override
    public String toString() {
      return "#" + iteration + " " + kind + " [" + invariant.label + "] " + detail;
    }
  }

  private final List<Violation> all = new ArrayList<>();
  private volatile int iteration = -1;
  private volatile FaultKind kind = FaultKind.SETUP;

  /** Where the violations reported from now on happen. */
  void at(int iteration, FaultKind kind) {
    this.iteration = iteration;
    this.kind = kind;
  }

  synchronized void add(Invariant invariant, String detail) {
    Violation v = new Violation(iteration, kind, invariant, detail);
    all.add(v);
    System.err.println("[faults] VIOLATION " + v);
  }

  /** Records a violation unless {@code ok}. */
  void check(boolean ok, Invariant invariant, String detail) {
    if (!ok) {
      add(invariant, detail);
    }
  }

  /** The run itself failed ({@code what}): a violation, with the stack trace to find out why. */
  void harness(String what, Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    add(Invariant.HARNESS, what + ": " + w);
  }

  synchronized List<Violation> all() {
    return List.copyOf(all);
  }

  /** The first bytes of a hostile file, quoted and escaped for a violation's detail. */
  static String printable(byte[] b) {
    String s = new String(b, 0, Math.min(b.length, 24), StandardCharsets.ISO_8859_1);
    return "\"" + WorkerLog.escape(s) + (b.length > 24 ? "…(" + b.length + " bytes)" : "") + "\"";
  }
}
