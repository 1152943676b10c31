package io.codequery.testing;

import io.codequery.os.ProcessTable;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real worker JVM ({@code code-query worker run}) for tests, launched the way the launcher does:
 * the worker marker first, then the class path of this test run.
 */
public final class RealWorker implements AutoCloseable {
  private final Process process;
  private final Path root;
  private final Path output;

  private RealWorker(Process process, Path root, Path output) {
    this.process = process;
    this.root = root;
    this.output = output;
  }

  /** Starts a worker for {@code root} (heartbeat from its config) and waits until it is ready. */
  public static RealWorker start(Path root) throws IOException {
    return start(root, Duration.ofSeconds(60));
  }

  public static RealWorker start(Path root, Duration readyTimeout) throws IOException {
    RealWorker w = launch(root);
    w.awaitReady(readyTimeout);
    return w;
  }

  /** As {@link #start(Path)}, with these variables set in (or replacing) its environment. */
  public static RealWorker start(Path root, Map<String, String> environment) throws IOException {
    RealWorker w = launch(root, environment);
    w.awaitReady(Duration.ofSeconds(60));
    return w;
  }

  /** Launches a worker without waiting; see {@link #awaitReady}. */
  public static RealWorker launch(Path root) throws IOException {
    return launch(root, Map.of());
  }

  private static RealWorker launch(Path root, Map<String, String> environment) throws IOException {
    Path real = root.toRealPath();
    Path out = Files.createTempFile("worker-", ".out");
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.add(1, "-Dcode-query.worker=" + real);
    cmd.addAll(
        List.of("io.codequery.cli.Main", "worker", "run", "--project-root", real.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(environment);
    return new RealWorker(pb.start(), real, out);
  }

  /** {@code java <small-footprint flags> -cp <test class path>}, ready for a main class. */
  public static List<String> javaCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(processTableFlag());
    cmd.addAll(
        List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Xshare:auto", "-cp"));
    cmd.add(classPath());
    return cmd;
  }

  /**
   * The {@link ProcessTable#PROPERTY} of this test run, for every JVM it starts: where the tests
   * run on the portable implementation, the workers and detector processes they start do too (a
   * worker records its identity through it).
   */
  public static List<String> processTableFlag() {
    String chosen = System.getProperty(ProcessTable.PROPERTY);
    return chosen == null ? List.of() : List.of("-D" + ProcessTable.PROPERTY + "=" + chosen);
  }

  public static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /**
   * Waits, polling every 200 µs (a moment matters: a test acts in the window right after), until
   * the worker's PID file exists; fails with the worker's output if it does not within {@code
   * timeout}.
   */
  public Path awaitPidFile(Duration timeout) throws IOException {
    Path pidFile = root.resolve(".code-query/worker.pid");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(pidFile, LinkOption.NOFOLLOW_LINKS)) {
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException("no PID file within " + timeout + ":\n" + output());
      }
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
    return pidFile;
  }

  /** Waits until the worker printed its ready line; fails with its output if it died first. */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String text = output();
      if (text.contains("ready pid=")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "worker exited with " + process.exitValue() + " before ready:\n" + text);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IllegalStateException("worker not ready within " + timeout + ":\n" + output());
  }

  public String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  public Process process() {
    return process;
  }

  public int pid() {
    return (int) process.pid();
  }

  public Path root() {
    return root;
  }

  /** SIGTERM, then waits for exit; returns the exit status. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("worker " + pid() + " did not exit within 30 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL, then reaps it (so it is gone, not a zombie). */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    try {
      Files.deleteIfExists(output);
    } catch (IOException ignored) {
      // temp file; the OS cleans up
    }
  }

  /** Reads a process's stdout fully in the background (for short-lived helpers). */
  public static CompletableFuture<String> drain(Process p) {
    return CompletableFuture.supplyAsync(
        () -> {
          StringBuilder sb = new StringBuilder();
          try (BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              sb.append(line).append('\n');
            }
          } catch (IOException e) {
            sb.append("<read failed: ").append(e).append('>');
          }
          return sb.toString();
        });
  }
}
