package io.codequery;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;

/**
 * A running worker described in detail, read through OSHI. CPU percent is the average over the
 * process's life (no sampling sleep); memory percent is RSS against physical memory.
 */
public record WorkerInfo(
    int pid,
    String state,
    Instant startTime,
    double cpuPercent,
    long rssBytes,
    long vmsBytes,
    double memoryPercent,
    int threadCount,
    List<String> commandLine) {

  /** Empty where the process vanished or cannot be read. */
  static Optional<WorkerInfo> of(int pid) {
    SystemInfo si = new SystemInfo();
    OSProcess p = si.getOperatingSystem().getProcess(pid);
    if (p == null) {
      return Optional.empty();
    }
    long total = si.getHardware().getMemory().getTotal();
    return Optional.of(
        new WorkerInfo(
            pid,
            p.getState().name().toLowerCase(Locale.ROOT),
            Instant.ofEpochMilli(p.getStartTime()),
            100.0 * p.getProcessCpuLoadCumulative(),
            p.getResidentSetSize(),
            p.getVirtualSize(),
            total > 0 ? 100.0 * p.getResidentSetSize() / total : 0.0,
            p.getThreadCount(),
            List.copyOf(p.getArguments())));
  }
}
