package io.codequery.faults;

import io.codequery.testing.NamespacedHosts.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A host's worker started again with its wall clock 10 minutes ahead or behind (libfaketime; the
 * monotonic clock left alone, as a drifted host's is): every time decision is the database's, so it
 * is listed live, takes its share, and makes nobody else look dead (the run checks).
 */
final class SkewHostClock implements ClusterFault {
  private static Path libfaketime() {
    for (String arch : List.of("x86_64-linux-gnu", "aarch64-linux-gnu")) {
      Path lib = Path.of("/usr/lib", arch, "faketime", "libfaketimeMT.so.1");
      if (Files.isReadable(lib)) {
        return lib;
      }
    }
    return Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1");
  }

  @Override
  public void apply(ClusterFixture fx) throws Exception {
    Host host = fx.drawHost();
    String offset = fx.rnd.nextBoolean() ? "+600s" : "-600s";
    fx.check(
        Files.isReadable(libfaketime()),
        ClusterInvariant.HARNESS,
        "no " + libfaketime() + ": apt-get install faketime (.ci/run does)");
    String before = fx.cluster.currentWorker(host);
    fx.cluster.signalWorker(host, "TERM");
    fx.cluster.process(host).waitFor(Duration.ofSeconds(30));
    // libfaketime preloaded, not the faketime wrapper: the wrapper forks and names a semaphore
    // after its PID, which is 1 on every host here (their /dev/shm is one). The monotonic clock
    // is shifted too (libfaketime's default): with FAKETIME_DONT_FAKE_MONOTONIC=1, libfaketime
    // 0.9.10 turns the JVM's timed waits (pthread_cond_timedwait on the monotonic clock) into
    // immediate returns, and the skewed worker spun at 100 % CPU for the rest of a long run. A
    // constant shift of the monotonic clock changes nothing: only its differences are read.
    fx.cluster.startWorker(
        host, List.of(), Map.of("LD_PRELOAD", libfaketime().toString(), "FAKETIME", offset));
    fx.check(
        !fx.cluster.currentWorker(host).equals(before),
        ClusterInvariant.HARNESS,
        "no new worker on " + host.name());
  }
}
