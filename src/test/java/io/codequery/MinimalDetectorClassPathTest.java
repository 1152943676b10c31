package io.codequery;

import static io.codequery.testing.ProjectFiles.deadPid;
import static io.codequery.testing.ProjectFiles.writePidFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.testing.ClassDirs;
import io.codequery.testing.DetectMain;
import io.codequery.testing.RealWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal detector runs in a JVM whose class path holds target/classes and the one-class probe
 * only: no OSHI, Gson, SQLite or picocli jar. Every class it loads comes from java.base or from our
 * own classes, and none of our cli, config, worker, heartbeat or OSHI-backed classes.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MinimalDetectorClassPathTest {
  private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: (.*)");

  @TempDir Path root;

  @Test
  void the_minimal_detector_verifies_a_real_worker_with_java_base_and_our_own_classes_only()
      throws Exception {
    try (RealWorker w = RealWorker.start(root)) {
      List<String[]> loaded = new ArrayList<>();
      String out = runMinimal(loaded);
      assertTrue(out.startsWith("running " + w.pid() + " "), out);
      assertOnlyJavaBaseAndDetectionClasses(loaded);
    }
  }

  @Test
  void the_minimal_detector_judges_a_stale_pid_file_with_java_base_and_our_own_classes_only()
      throws Exception {
    writePidFile(root, deadPid() + "\n");
    List<String[]> loaded = new ArrayList<>();
    String out = runMinimal(loaded);
    assertTrue(out.startsWith("stale "), out);
    assertOnlyJavaBaseAndDetectionClasses(loaded);
  }

  private String runMinimal(List<String[]> loaded) throws Exception {
    Path classes = ClassDirs.mainClasses();
    Path probe = ClassDirs.probeOnly();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(RealWorker.processTableFlag());
    cmd.addAll(
        List.of(
            "-Xshare:off", // so every JDK class names its module as its source
            "-Xlog:class+load=info:stdout",
            "-cp",
            classes + ":" + probe,
            DetectMain.class.getName(),
            "minimal",
            root.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    var text = RealWorker.drain(p);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
    String all = text.join();
    assertEquals(0, p.exitValue(), all);
    String result = null;
    for (String line : all.split("\n")) {
      Matcher m = LOADED.matcher(line);
      if (m.find()) {
        loaded.add(new String[] {m.group(1), m.group(2)});
      } else if (!line.startsWith("[")) {
        result = line;
      }
    }
    assertTrue(loaded.size() > 100, "class loading was not logged:\n" + all);
    List<String> names = loaded.stream().map(c -> c[0]).toList();
    assertTrue(
        names.contains("io.codequery.MinimalWorkerDetector")
            && names.contains("io.codequery.process.IdentityVerifier"),
        "the log does not show the detector's own classes:\n" + names);
    return String.valueOf(result);
  }

  private static void assertOnlyJavaBaseAndDetectionClasses(List<String[]> loaded) {
    List<String> offending = new ArrayList<>();
    for (String[] c : loaded) {
      String name = c[0];
      String source = c[1];
      boolean jdk = name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.");
      boolean ours = name.startsWith("io.codequery.");
      if (!jdk && !ours) {
        offending.add(name + " from " + source);
      }
      // Lambdas and other hidden classes name their host class as the source; the host is checked
      // itself.
      boolean hostedByJdk =
          source.startsWith("java.") || source.startsWith("jdk.") || source.startsWith("sun.");
      if (jdk
          && !source.startsWith("jrt:/java.base")
          && !hostedByJdk
          && !source.contains("__JVM")) {
        offending.add(name + " from " + source + " (outside java.base)");
      }
      if (ours
          && !(source.startsWith("file:")
              || source.startsWith("__JVM")
              || source.contains("io.codequery"))) {
        offending.add(name + " from " + source);
      }
      if (name.startsWith("io.codequery.cli.")
          || name.startsWith("io.codequery.config.")
          || name.startsWith("io.codequery.worker.")
          || name.startsWith("io.codequery.heartbeat.")
          || name.startsWith("io.codequery.log.")
          || name.equals("io.codequery.WorkerInfo")
          || name.equals("io.codequery.WorkerDetector")
          || name.equals("io.codequery.HealthCheck")) {
        offending.add(name + " (not needed by the minimal detector)");
      }
    }
    assertEquals(List.of(), offending);
  }
}
