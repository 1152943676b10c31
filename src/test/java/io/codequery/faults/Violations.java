package io.codequery.faults;

import java.util.ArrayList;
import java.util.List;

/** Every invariant violation of a run, with the iteration and fault it happened in. */
final class Violations {
  record Violation(int iteration, FaultKind kind, String invariant, String detail) {
    @Override
    public String toString() {
      return "#" + iteration + " " + kind + " [" + invariant + "] " + detail;
    }
  }

  private final List<Violation> all = new ArrayList<>();
  private volatile int iteration = -1;
  private volatile FaultKind kind = FaultKind.SETUP;

  void at(int iteration, FaultKind kind) {
    this.iteration = iteration;
    this.kind = kind;
  }

  synchronized void add(String invariant, String detail) {
    Violation v = new Violation(iteration, kind, invariant, detail);
    all.add(v);
    System.err.println("[faults] VIOLATION " + v);
  }

  /** Records a violation unless {@code ok}. */
  void check(boolean ok, String invariant, String detail) {
    if (!ok) {
      add(invariant, detail);
    }
  }

  synchronized List<Violation> all() {
    return List.copyOf(all);
  }
}
