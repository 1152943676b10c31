package io.codequery.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FaultKindTest {
  @Test
  void the_draw_picks_only_available_kinds_that_weigh_something_and_in_proportion() {
    Random rnd = new Random(7L);
    Map<FaultKind, Integer> seen = new EnumMap<>(FaultKind.class);
    int draws = 200_000;
    for (int i = 0; i < draws; i++) {
      FaultKind k = FaultKind.draw(rnd, kind -> kind.needs == FaultKind.Needs.NOTHING);
      assertEquals(FaultKind.Needs.NOTHING, k.needs, k + " needs " + k.needs);
      assertNotEquals(0, k.weight, k + " weighs nothing");
      seen.merge(k, 1, Integer::sum);
    }
    int total = 0;
    for (FaultKind k : FaultKind.values()) {
      if (k.weight > 0 && k.needs == FaultKind.Needs.NOTHING) {
        total += k.weight;
      }
    }
    for (FaultKind k : seen.keySet()) {
      double expected = (double) k.weight / total;
      double actual = (double) seen.get(k) / draws;
      assertTrue(
          Math.abs(actual - expected) < 0.01, k + ": drawn " + actual + ", weight " + expected);
    }
  }

  @Test
  void one_draw_is_one_value_from_the_random_source() {
    // A replay depends on it: the faults' own draws follow the kind's in one sequence.
    Random a = new Random(20261128L);
    Random b = new Random(20261128L);
    FaultKind.draw(a, kind -> true);
    b.nextInt(1);
    assertEquals(b.nextLong(), a.nextLong());
  }

  @Test
  void a_long_run_of_2000_draws_is_expected_to_exercise_each_round_2_fault_over_40_times() {
    int total = 0;
    for (FaultKind k : FaultKind.values()) {
      total += k.weight;
    }
    for (FaultKind k :
        List.of(
            FaultKind.PID_FILE_REMOVED,
            FaultKind.LOCK_FILE_REMOVED,
            FaultKind.LONG_JOB_HEALTH,
            FaultKind.ORPHANED_JOB,
            FaultKind.HOSTILE_LINK,
            FaultKind.HOSTILE_FIFO,
            FaultKind.UNTRUSTED_CONFIG)) {
      double expected = 2000.0 * k.weight / total;
      assertTrue(expected >= 45, k + " is expected " + expected + " times in 2000 draws");
    }
  }
}
