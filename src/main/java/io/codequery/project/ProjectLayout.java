package io.codequery.project;

import io.codequery.pidfile.StrictFiles;
import io.codequery.pidfile.UnsafeFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a project's files live. The project root is held in its real (canonical) form, because
 * worker identity compares roots: two spellings of one directory must be one project.
 */
public final class ProjectLayout {
  public static final String DIR = ".code-query";

  private final Path root;
  private final Path dir;

  private ProjectLayout(Path root) {
    this.root = root;
    this.dir = root.resolve(DIR);
  }

  /** A layout for {@code root}, resolved to its real path where it exists. */
  public static ProjectLayout of(Path root) {
    Path absolute = root.toAbsolutePath().normalize();
    try {
      absolute = absolute.toRealPath();
    } catch (IOException e) {
      // A root that does not exist (yet) keeps its absolute spelling; nothing will be found there.
    }
    return new ProjectLayout(absolute);
  }

  public Path root() {
    return root;
  }

  /** The project's name: its root directory's name (the default {@code dataset_name}). */
  public String name() {
    Path name = root.getFileName();
    return name == null ? "project" : name.toString();
  }

  public Path dir() {
    return dir;
  }

  /** The bare PID file: ASCII digits and a newline, nothing else. */
  public Path pidFile() {
    return dir.resolve("worker.pid");
  }

  /** What the worker records about itself so that detectors can verify it (see WorkerIdentity). */
  public Path identityFile() {
    return dir.resolve("worker.identity");
  }

  /** Written by the worker every heartbeat interval. */
  public Path heartbeatFile() {
    return dir.resolve("worker.heartbeat");
  }

  /** Held (OS file lock) by the worker for its whole life: the single-instance lock. */
  public Path instanceLockFile() {
    return dir.resolve("worker.lock");
  }

  /** Serialises every mutation of the PID file: worker writes and detector cleanups. */
  public Path pidMutexFile() {
    return dir.resolve("worker.pid.lock");
  }

  public Path logFile() {
    return dir.resolve("worker.log");
  }

  public Path configFile() {
    return dir.resolve("config.json");
  }

  public Path queueDatabase() {
    return dir.resolve("queue.db");
  }

  public Path spoolDir() {
    return dir.resolve("spool");
  }

  /**
   * Creates {@code .code-query/} (mode 0755 at most, whatever the umask) if it is missing.
   *
   * @throws UnsafeFileException where {@code .code-query} is a symbolic link or not a directory:
   *     code-query never creates or writes its files through a link
   */
  public Path ensureDir() throws IOException {
    return StrictFiles.ensureDirectory(dir);
  }

  public boolean exists() {
    return Files.isDirectory(dir);
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
