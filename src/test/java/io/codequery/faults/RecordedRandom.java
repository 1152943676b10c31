package io.codequery.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The run's seeded random source, which also writes down every value it hands out ({@code
 * nextInt(4)=2}), so that two runs with one seed can be compared draw by draw: the faults drawn and
 * all their parameters. Only the calls the suite makes are recorded; a call nested inside another
 * (as {@link Random#nextBytes} calls {@link Random#nextInt()}) is part of the outer one.
 */
final class RecordedRandom extends Random {
  private static final long serialVersionUID = 1L;

  private final List<String> draws = new ArrayList<>();

  RecordedRandom(long seed) {
    super(seed);
  }

  @Override
  public int nextInt(int bound) {
    int x = super.nextInt(bound);
    draws.add("nextInt(" + bound + ")=" + x);
    return x;
  }

  @Override
  public boolean nextBoolean() {
    boolean x = super.nextBoolean();
    draws.add("nextBoolean()=" + x);
    return x;
  }

  @Override
  public long nextLong() {
    long x = super.nextLong();
    draws.add("nextLong()=" + x);
    return x;
  }

  @Override
  public void nextBytes(byte[] bytes) {
    super.nextBytes(bytes);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    draws.add("nextBytes[" + bytes.length + "]=crc32:" + Long.toHexString(crc.getValue()));
  }

  /** The draws since the last call, space-separated, and forgets them. */
  String takeDraws() {
    String s = String.join(" ", draws);
    draws.clear();
    return s;
  }
}
