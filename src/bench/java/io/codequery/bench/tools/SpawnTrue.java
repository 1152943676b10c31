package io.codequery.bench.tools;

/**
 * The queue's floor: one JVM that spawns {@code true} N times, one after another, and prints the
 * mean wall time per spawn in nanoseconds. argv: N
 */
public final class SpawnTrue {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    for (int i = 0; i < 50; i++) { // warm-up: the first spawns load classes
      new ProcessBuilder("true").start().waitFor();
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Process p = new ProcessBuilder("true").start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("true failed");
      }
    }
    System.out.println((System.nanoTime() - start) / n);
  }
}
