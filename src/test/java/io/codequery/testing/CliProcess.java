package io.codequery.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code code-query …} in a child JVM of its own (the test class path, {@code
 * io.codequery.cli.Main}), for what an in-process call cannot show: a call that would block
 * forever, a umask, an environment. A call still running at its deadline is killed and reported as
 * timed out.
 */
public final class CliProcess {
  /** How one call ended; {@code timedOut} where it was killed at its deadline. */
  public record Result(int code, String out, String err, boolean timedOut) {
    @Override
    public String toString() {
      return (timedOut ? "TIMED OUT" : "exit " + code) + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  private final Path cwd;
  private final Map<String, String> env = new HashMap<>();
  private String umask;
  private Duration deadline = Duration.ofSeconds(60);

  private CliProcess(Path cwd) {
    this.cwd = cwd;
  }

  /** Calls run in {@code cwd}. */
  public static CliProcess in(Path cwd) {
    return new CliProcess(cwd);
  }

  /** Runs the JVM under this umask (e.g. "000"), through {@code sh -c 'umask …; exec …'}. */
  public CliProcess umask(String mask) {
    this.umask = mask;
    return this;
  }

  public CliProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public CliProcess deadline(Duration d) {
    this.deadline = d;
    return this;
  }

  /** {@code java -cp <test class path> io.codequery.cli.Main args…} as configured. */
  public List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(RealWorker.javaCommand());
    cmd.add("io.codequery.cli.Main");
    cmd.addAll(List.of(args));
    if (umask == null) {
      return cmd;
    }
    List<String> sh =
        new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
    sh.addAll(cmd);
    return sh;
  }

  public Result run(String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("cli-", ".out");
    Path err = Files.createTempFile("cli-", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command(args))
              .directory(cwd.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean ended = p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      return new Result(
          ended ? p.exitValue() : -1,
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          !ended);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
