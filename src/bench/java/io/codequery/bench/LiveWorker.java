package io.codequery.bench;

import io.codequery.MinimalWorkerDetector;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real worker JVM in a fresh project, started the way the launcher starts it (the worker marker
 * first, the launcher's small-footprint flags, the shaded jar), for benchmarks to measure against.
 */
final class LiveWorker implements AutoCloseable {
  final Path root;
  final Process process;

  private LiveWorker(Path root, Process process) {
    this.root = root;
    this.process = process;
  }

  static Path jar() {
    Path jar =
        Path.of(System.getProperty("codequery.jar", "target/code-query.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it first (mvn -o -q -B -DskipTests package)");
    }
    return jar;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static LiveWorker start() throws IOException, InterruptedException {
    Path root = Files.createTempDirectory("cq-bench-").toRealPath();
    String jar = jar().toString();
    Process init =
        new ProcessBuilder(
                java(),
                "-cp",
                jar,
                "io.codequery.cli.Main",
                "init",
                "--project-root",
                root.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (init.waitFor() != 0) {
      throw new IllegalStateException("code-query init failed in " + root);
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-Dcode-query.worker=" + root,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "-Xmx64m",
                "-XX:MaxMetaspaceSize=64m",
                "-XX:ReservedCodeCacheSize=16m",
                "-XX:CICompilerCount=1",
                "-XX:-UsePerfData",
                "-cp",
                jar,
                "io.codequery.cli.Main",
                "worker",
                "run",
                "--project-root",
                root.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("worker.out").toFile())
            .start();
    LiveWorker w = new LiveWorker(root, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!MinimalWorkerDetector.isWorkerRunning(root)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        w.close();
        throw new IllegalStateException(
            "worker did not start: " + Files.readString(root.resolve("worker.out")));
      }
      Thread.sleep(20);
    }
    return w;
  }

  int pid() {
    return (int) process.pid();
  }

  @Override
  public void close() throws IOException {
    process.destroy(); // SIGTERM: the worker withdraws its files and exits 0
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
