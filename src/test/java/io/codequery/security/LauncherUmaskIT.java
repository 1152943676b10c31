package io.codequery.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.MinimalWorkerDetector;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launcher narrows the caller's umask before it runs Java (or Maven): it ORs in 022 and keeps a
 * stricter one. Seen from outside, in {@code /proc/<pid>/status} of the worker JVM it execs into.
 */
@EnabledOnOs(OS.LINUX)
@Tag("slow")
class LauncherUmaskIT {
  @TempDir Path tmp;

  static String launcher() {
    String l = System.getProperty("codequery.launcher");
    assertTrue(
        l != null && Files.isExecutable(Path.of(l)), "system property codequery.launcher: " + l);
    return l;
  }

  @ParameterizedTest(name = "umask {0} becomes {1}")
  @CsvSource({"000, 0022", "002, 0022", "077, 0077", "007, 0027"})
  void the_launcher_only_ever_narrows_the_umask(String callers, String expected) throws Exception {
    Path root = Files.createDirectories(tmp.toRealPath().resolve("project"));
    Path out = tmp.resolve("worker.out");
    // `exec` all the way down: the shell, the launcher and the JVM are one process.
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "umask " + callers + " && exec \"$0\" worker run --project-root \"$1\"",
                launcher(),
                root.toString())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> MinimalWorkerDetector.isWorkerRunning(root) || !p.isAlive());
      assertTrue(p.isAlive(), () -> "the worker exited: " + read(out));
      String status =
          Files.readString(
              Path.of("/proc", Long.toString(p.pid()), "status"), StandardCharsets.UTF_8);
      String umask =
          status.lines().filter(l -> l.startsWith("Umask:")).findFirst().orElseThrow().substring(6);
      assertEquals(expected, umask.strip());
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<" + e + ">";
    }
  }
}
