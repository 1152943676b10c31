package io.codequery.bench;

import io.codequery.Detection;
import io.codequery.HealthCheck;
import io.codequery.HealthReport;
import io.codequery.MinimalWorkerDetector;
import io.codequery.WorkerDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call cost of the detectors and the health check against a live real worker, beside the floor:
 * read the PID file and ask {@link ProcessHandle} once, nothing else. SampleTime, so the result
 * carries the median (p0.50) of every call's time across forks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(3)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class DetectionBenchmark {
  private LiveWorker worker;
  private Path root;
  private Path pidFile;
  private WorkerDetector full;
  private MinimalWorkerDetector minimal;

  @Setup(Level.Trial)
  public void startWorker() throws IOException, InterruptedException {
    worker = LiveWorker.start();
    root = worker.root;
    pidFile = root.resolve(".code-query/worker.pid");
    full = new WorkerDetector(root);
    minimal = new MinimalWorkerDetector(root);
    // Measure the path that matters: a verified, running worker, with nothing to clean up. A
    // set-up that fails stops its worker: JMH calls no tear-down then (a failed run once left one
    // worker per fork running).
    try {
      if (!full.detect().isRunning() || !minimal.detect().isRunning() || !floor()) {
        throw new IllegalStateException("the worker is not detected as running: " + full.detect());
      }
      if (!"healthy".equals(HealthCheck.run(root).status())) {
        throw new IllegalStateException(
            "the worker is not healthy: " + HealthCheck.run(root).checks());
      }
    } catch (IOException | RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void stopWorker() throws IOException {
    worker.close();
  }

  /** The floor: read the PID file, ask ProcessHandle once. */
  @Benchmark
  public boolean floor() throws IOException {
    int pid =
        Integer.parseInt(new String(Files.readAllBytes(pidFile), StandardCharsets.US_ASCII).trim());
    return ProcessHandle.of(pid).isPresent();
  }

  @Benchmark
  public Detection fullDetect() {
    return full.detect();
  }

  @Benchmark
  public Detection minimalDetect() {
    return minimal.detect();
  }

  @Benchmark
  public HealthReport health() {
    return HealthCheck.run(root);
  }
}
