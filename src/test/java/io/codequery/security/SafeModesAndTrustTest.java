package io.codequery.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.codequery.MinimalWorkerDetector;
import io.codequery.cli.Main;
import io.codequery.pidfile.PidFileTrust;
import io.codequery.testing.RealWorker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeModesAndTrustTest {
  @TempDir Path tmp;

  static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  @Test
  void everything_the_worker_creates_is_not_writable_by_others_even_with_umask_zero()
      throws Exception {
    Path root = tmp.toRealPath();
    List<String> cmd = new ArrayList<>(RealWorker.javaCommand());
    cmd.add(1, "-Dcode-query.worker=" + root);
    cmd.addAll(
        List.of("io.codequery.cli.Main", "worker", "run", "--project-root", root.toString()));
    String quoted =
        String.join(" ", cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
    Process p =
        new ProcessBuilder("sh", "-c", "umask 000; exec " + quoted)
            .redirectErrorStream(true)
            .start();
    try {
      Path dir = root.resolve(".code-query");
      List<String> names =
          List.of(
              ".",
              "worker.pid",
              "worker.identity",
              "worker.heartbeat",
              "worker.lock",
              "worker.pid.lock",
              "worker.log");
      // Running, and its first heartbeat written (that may come a moment after the PID file).
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  MinimalWorkerDetector.isWorkerRunning(root)
                      && names.stream()
                          .allMatch(n -> Files.exists(dir.resolve(n), LinkOption.NOFOLLOW_LINKS)));
      for (String name : names) {
        Path f = dir.resolve(name);
        assertTrue(Files.exists(f, LinkOption.NOFOLLOW_LINKS), f + " exists");
        assertEquals(0, mode(f) & 0022, f + " has mode " + Integer.toOctalString(mode(f)));
      }
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static String stop(Path root) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            new String[] {"worker", "stop", "--project-root", root.toString()},
            new PrintWriter(out),
            new PrintWriter(err));
    return code + " " + out + err;
  }

  @Test
  void root_refuses_to_signal_on_a_pid_file_others_can_write_or_another_user_owns()
      throws Exception {
    assumeTrue(PidFileTrust.effectiveUid() == 0, "needs root");
    Path root = tmp.toRealPath();
    try (RealWorker w = RealWorker.start(root)) {
      Path pid = root.resolve(".code-query/worker.pid");
      Files.setPosixFilePermissions(pid, PosixFilePermissions.fromString("rw-rw-rw-"));
      String r = stop(root);
      assertTrue(r.startsWith("4 "), r);
      assertTrue(r.contains("writable by other users") && r.contains("no signal sent"), r);
      assertTrue(w.process().isAlive());

      Files.setPosixFilePermissions(pid, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setAttribute(root.resolve(".code-query"), "unix:uid", 65534);
      r = stop(root);
      assertTrue(r.startsWith("4 ") && r.contains("owned by nobody (uid 65534)"), r);
      assertTrue(w.process().isAlive());

      Files.setAttribute(root.resolve(".code-query"), "unix:uid", 0);
      r = stop(root);
      assertTrue(r.startsWith("0 ✓ stopped"), r);
      assertTrue(w.process().waitFor(30, TimeUnit.SECONDS));
    }
  }
}
