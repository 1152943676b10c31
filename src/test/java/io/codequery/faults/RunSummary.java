package io.codequery.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The summary of a run, as printed and written to {@code target/faults-summary.txt}: date, machine,
 * seed, iterations, commands and the slowest, violations, faults per kind (with the time spent on
 * each) and the details the faults noted.
 */
final class RunSummary {
  private RunSummary() {}

  /** The summary of the run in {@code fx}, begun at {@code started}, stopped at {@code reached}. */
  static String of(FaultFixture fx, Instant started, int reached) {
    RunSettings settings = fx.settings;
    StringBuilder s = new StringBuilder();
    s.append("code-query fault-injection run\n");
    s.append("date:        ").append(started).append('\n');
    s.append("machine:     ").append(machine()).append('\n');
    s.append("seed:        ")
        .append(settings.seed())
        .append("   (replay: -Dfaults.seed=")
        .append(settings.seed())
        .append(" -Dfaults.iterations=")
        .append(settings.iterations())
        .append(" -Dfaults.recycles=")
        .append(settings.recycles())
        .append(")\n");
    s.append("iterations:  ")
        .append(Math.max(0, Math.min(reached, settings.iterations())))
        .append(" of ")
        .append(settings.iterations())
        .append('\n');
    s.append("duration:    ")
        .append(Duration.between(started, Instant.now()).toSeconds())
        .append(" s\n");
    s.append(".code-query: ").append(fx.disk.how()).append('\n');
    s.append("commands:    ")
        .append(fx.commands.commands())
        .append(" run, each bounded by ")
        .append(Bounded.BOUND.toSeconds())
        .append(" s\n");
    s.append("slowest:     ").append(fx.commands.slowest()).append('\n');
    s.append("violations:  ").append(fx.violations.all().size()).append('\n');
    fx.violations.all().forEach(v -> s.append("  ").append(v).append('\n'));
    s.append("faults per kind (count, total time incl. checks):\n");
    for (FaultKind k : FaultKind.values()) {
      if (k != FaultKind.SETUP) {
        s.append(
            String.format(
                "  %-26s %6d %8.1f s   %s%n",
                k, fx.figures.count(k), fx.figures.millis(k) / 1000.0, k.description));
      }
    }
    s.append("details:\n");
    fx.figures.notes().forEach((k, v) -> s.append(String.format("  %-70s %6d%n", k, v)));
    return s.toString();
  }

  private static String machine() {
    String cpu = "?";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu =
          lines
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .orElse("?");
    } catch (IOException e) {
      // unknown CPU
    }
    return Runtime.getRuntime().availableProcessors()
        + " CPUs ("
        + cpu
        + "), "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.version")
        + ", pid_max "
        + Os.pidMax();
  }
}
