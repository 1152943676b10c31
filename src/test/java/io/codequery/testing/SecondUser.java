package io.codequery.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The second user of the security tests: nobody (65534), whom root becomes through {@code setpriv
 * --reuid=65534 --regid=65534 --clear-groups}. nobody cannot read root's {@code ~/.m2} nor a 0700
 * temp directory, so what it runs and reads is put where every user may read it.
 */
public final class SecondUser {
  /** nobody's user and group id. */
  public static final String NOBODY = "65534";

  private static final long CALL_SECONDS = 60;

  private SecondUser() {}

  /** Whether this JVM may become nobody: it runs as root, and setpriv is installed. */
  public static boolean available() {
    return "root".equals(System.getProperty("user.name"))
        && Files.isExecutable(Path.of("/usr/bin/setpriv"));
  }

  /**
   * The command line of {@code code-query args} as nobody: this JVM's {@code java} with a small
   * heap, on {@code classPath} (which nobody must be able to read).
   */
  public static List<String> cliCommand(String classPath, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xmx64m",
                "-cp",
                classPath,
                "io.codequery.cli.Main"));
    cmd.addAll(args);
    return cmd;
  }

  /**
   * {@code dir/project} with its {@code .code-query/}, root's but open to every user to enter and
   * read (0755, {@code dir} too: a test's temp directory is 0700).
   */
  public static Path readableProject(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path root = dir.toRealPath().resolve("project");
    Path cq = Files.createDirectories(root.resolve(".code-query"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(cq, PosixFilePermissions.fromString("rwxr-xr-x"));
    return root;
  }

  /** One call as nobody: its exit code, what it wrote, and how long it took. */
  public record Run(int code, String out, String err, long millis) {
    /** Stdout as the one JSON object a {@code --json} call prints. */
    public JsonObject json() {
      return JsonParser.parseString(out).getAsJsonObject();
    }
  }

  /**
   * The shaded jar the build made (system property {@code codequery.jar}, set by failsafe), copied
   * into a directory every user may read, for a test class: register it as a static field; the copy
   * is removed after the class's tests.
   */
  public static final class JarCopy implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private Path jar;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      String built = System.getProperty("codequery.jar");
      assertTrue(
          built != null && Files.isRegularFile(Path.of(built)),
          "system property codequery.jar: " + built);
      dir = Files.createTempDirectory("cq-jar-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      jar = dir.resolve("code-query.jar");
      Files.copy(Path.of(built), jar, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      if (dir != null) {
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }

    /**
     * {@code code-query args --project-root root} as nobody from the copy, in {@code root}, with
     * stdin {@code /dev/null} and {@code HOME=/tmp}; its output goes through files in {@code
     * outputDir}. A call still running after 60 s is killed and fails the test, and so does a stack
     * trace on stderr.
     */
    public Run cli(Path root, Path outputDir, String... args)
        throws IOException, InterruptedException {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--project-root", root.toString()));
      Path out = Files.createTempFile(outputDir, "out-", ".txt");
      Path err = Files.createTempFile(outputDir, "err-", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(cliCommand(jar.toString(), all))
              .directory(root.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().put("HOME", "/tmp");
      long started = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(CALL_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            String.join(" ", args) + " as nobody did not end within " + CALL_SECONDS + " s");
      }
      Run run =
          new Run(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8),
              (System.nanoTime() - started) / 1_000_000);
      assertFalse(run.err().contains("Exception"), () -> "a stack trace as nobody: " + run);
      return run;
    }
  }
}
