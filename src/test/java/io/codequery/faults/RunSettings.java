package io.codequery.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a run is asked to do, from the {@code faults.*} system properties (docs/RELIABILITY.md).
 *
 * @param seed the seed of every random choice of the run
 * @param iterations how many faults to draw
 * @param recycles real PID recyclings, at evenly spaced iterations
 * @param recycleBound the time bound of one PID recycling
 * @param deadlineMinutes stop drawing faults after this long (0: no limit)
 * @param only the names of the only kinds to draw (empty: the whole catalogue)
 */
record RunSettings(
    long seed,
    int iterations,
    int recycles,
    Duration recycleBound,
    long deadlineMinutes,
    Set<String> only) {

  static RunSettings fromSystemProperties() {
    return new RunSettings(
        Long.getLong("faults.seed", 202611289L),
        Integer.getInteger("faults.iterations", 120),
        Integer.getInteger("faults.recycles", 1),
        Duration.ofSeconds(Long.getLong("faults.recycle.seconds", 90)),
        Long.getLong("faults.deadline.minutes", 0),
        Stream.of(System.getProperty("faults.only", "").split(","))
            .filter(x -> !x.isBlank())
            .collect(Collectors.toUnmodifiableSet()));
  }

  /** The iterations at which a PID recycling takes the place of a drawn fault. */
  List<Integer> recycleIterations() {
    List<Integer> at = new ArrayList<>();
    for (int r = 0; r < recycles; r++) {
      at.add((int) ((long) (r + 1) * iterations / (recycles + 1)));
    }
    return List.copyOf(at);
  }

  /** Whether {@code -Dfaults.only} lets {@code kind} be drawn. */
  boolean admits(FaultKind kind) {
    return only.isEmpty() || only.contains(kind.name());
  }
}
