package io.codequery.testing;

import io.codequery.os.ProcStat;
import io.codequery.os.ProcessTable;
import io.codequery.process.WorkerIdentity;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reading and planting a project's worker files in tests. */
public final class ProjectFiles {
  private ProjectFiles() {}

  public static ProjectLayout layout(Path root) {
    return ProjectLayout.of(root);
  }

  public static Path pidFile(Path root) {
    return layout(root).pidFile();
  }

  public static Path writePidFile(Path root, String contents) throws IOException {
    return writePidFile(root, contents.getBytes(StandardCharsets.UTF_8));
  }

  public static Path writePidFile(Path root, byte[] contents) throws IOException {
    ProjectLayout l = layout(root);
    Files.createDirectories(l.dir());
    Files.write(l.pidFile(), contents);
    return l.pidFile();
  }

  public static boolean pidFileExists(Path root) {
    return Files.exists(pidFile(root), LinkOption.NOFOLLOW_LINKS);
  }

  /** The PID file's text, or null where there is none. */
  public static String pidFileText(Path root) {
    try {
      return Files.readString(pidFile(root), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  public static void writeConfig(Path root, int heartbeatSeconds) throws IOException {
    ProjectLayout l = layout(root);
    Files.createDirectories(l.dir());
    Files.writeString(
        l.configFile(), "{\"processing\":{\"heartbeat_seconds\":" + heartbeatSeconds + "}}");
  }

  public static List<String> logLines(Path root) throws IOException {
    Path log = layout(root).logFile();
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }

  public static void writeIdentity(Path root, WorkerIdentity identity) throws IOException {
    ProjectLayout l = layout(root);
    Files.createDirectories(l.dir());
    Files.write(l.identityFile(), identity.format());
  }

  public static WorkerIdentity readIdentity(Path root) throws IOException {
    return WorkerIdentity.parse(
            Files.readString(layout(root).identityFile(), StandardCharsets.UTF_8))
        .orElseThrow(() -> new IllegalStateException("no identity record under " + root));
  }

  /** Start time in clock ticks of a live process, where the OS tells (else -1). */
  public static long startTicks(long pid) {
    return ProcessTable.system().status((int) pid).stat().map(ProcStat::startTicks).orElse(-1L);
  }

  /** A PID that certainly names no process now: a child that ran and was reaped. */
  public static int deadPid() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("true").start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("`true` did not exit");
    }
    return (int) p.pid();
  }

  /** Sends a signal with kill(1), e.g. "STOP", "CONT". */
  public static void signal(long pid, String signal) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }
}
