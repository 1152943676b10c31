package io.codequery.faults;

import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The figures the summary reports: how often each fault ran and the time it took (checks included),
 * and the details the faults noted (which kill phase was hit, PID recycling, commits). Written by
 * the run's own thread only.
 */
final class RunFigures {
  private final Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
  private final Map<FaultKind, Long> millis = new EnumMap<>(FaultKind.class);
  private final Map<String, Integer> notes = new TreeMap<>();

  void counted(FaultKind kind) {
    counts.merge(kind, 1, Integer::sum);
  }

  void timed(FaultKind kind, long ms) {
    millis.merge(kind, ms, Long::sum);
  }

  /** One more occurrence of {@code what}. */
  void note(String what) {
    notes.merge(what, 1, Integer::sum);
  }

  /** {@code what} is the largest value seen so far. */
  void noteMax(String what, int value) {
    notes.merge(what, value, Math::max);
  }

  void put(String what, int value) {
    notes.put(what, value);
  }

  int count(FaultKind kind) {
    return counts.getOrDefault(kind, 0);
  }

  long millis(FaultKind kind) {
    return millis.getOrDefault(kind, 0L);
  }

  /** A copy of the notes, sorted as the summary prints them. */
  SortedMap<String, Integer> notes() {
    return new TreeMap<>(notes);
  }
}
