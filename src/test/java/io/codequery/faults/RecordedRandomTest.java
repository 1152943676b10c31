package io.codequery.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordedRandomTest {
  @Test
  void it_hands_out_exactly_what_a_plain_random_of_the_same_seed_would() {
    // Seeds of earlier runs (recorded in docs/RELIABILITY.md) must replay the same faults.
    Random plain = new Random(20261128L);
    RecordedRandom recorded = new RecordedRandom(20261128L);
    for (int i = 0; i < 1000; i++) {
      assertEquals(plain.nextInt(794), recorded.nextInt(794));
      assertEquals(plain.nextBoolean(), recorded.nextBoolean());
      assertEquals(plain.nextLong(), recorded.nextLong());
      byte[] a = new byte[4096 + i];
      byte[] b = new byte[4096 + i];
      plain.nextBytes(a);
      recorded.nextBytes(b);
      assertArrayEquals(a, b);
    }
  }

  @Test
  void it_writes_down_each_call_once_and_forgets_what_it_has_handed_over() {
    RecordedRandom r = new RecordedRandom(1L);
    Random plain = new Random(1L);
    int x = plain.nextInt(10);
    boolean y = plain.nextBoolean();
    long z = plain.nextLong();
    r.nextInt(10);
    r.nextBoolean();
    r.nextLong();
    r.nextBytes(new byte[3]);
    String draws = r.takeDraws();
    assertEquals(
        "nextInt(10)=" + x + " nextBoolean()=" + y + " nextLong()=" + z + " nextBytes[3]=crc32:",
        draws.substring(0, draws.lastIndexOf(':') + 1));
    assertEquals("", r.takeDraws());
  }
}
