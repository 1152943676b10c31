package io.codequery.worker;

import io.codequery.heartbeat.Heartbeat;
import io.codequery.os.ProcessTable;
import io.codequery.pidfile.AtomicFiles;
import io.codequery.pidfile.PidFileMutex;
import io.codequery.pidfile.PidFileRead;
import io.codequery.pidfile.PidFileReader;
import io.codequery.pidfile.PidParse;
import io.codequery.pidfile.PidParser;
import io.codequery.process.WorkerIdentity;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

/**
 * The files a worker writes about itself: identity record, PID file, heartbeat. PID-file mutations
 * happen under {@link PidFileMutex}, so a detector deciding to clean up never races them.
 */
final class WorkerFiles {
  private static final Duration MUTEX_TIMEOUT = Duration.ofSeconds(10);

  private final ProjectLayout layout;
  private final WorkerIdentity identity;

  WorkerFiles(ProjectLayout layout, WorkerIdentity identity) {
    this.layout = layout;
    this.identity = identity;
  }

  /** Writes the identity record, then the PID file: a reader that sees the PID can verify it. */
  void publish() throws IOException {
    try (PidFileMutex m = PidFileMutex.acquire(layout.pidMutexFile(), MUTEX_TIMEOUT)) {
      AtomicFiles.write(layout.identityFile(), identity.format());
      AtomicFiles.write(
          layout.pidFile(), (identity.pid() + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * Checks that the PID file and identity record still name this worker, and rewrites them if not.
   *
   * @return a description of what was repaired, or empty if all was in order
   */
  Optional<String> repairIfNeeded() throws IOException {
    Optional<String> problem = problem();
    if (problem.isEmpty()) {
      return Optional.empty();
    }
    publish();
    return problem;
  }

  private Optional<String> problem() {
    if (!pidFileNamesThisWorker()) {
      return Optional.of("PID file missing, unreadable, or no longer naming this worker");
    }
    if (!WorkerIdentity.read(layout.identityFile()).equals(Optional.of(identity))) {
      return Optional.of("identity record missing or altered");
    }
    return Optional.empty();
  }

  private boolean pidFileNamesThisWorker() {
    return PidFileReader.read(layout.pidFile()) instanceof PidFileRead.Content c
        && PidParser.parse(c.bytes(), ProcessTable.system().pidLimit()) instanceof PidParse.Valid v
        && v.pid() == identity.pid();
  }

  void beat(Heartbeat beat) throws IOException {
    AtomicFiles.write(layout.heartbeatFile(), beat.format());
  }

  /** Removes the PID file, identity record and heartbeat, but only while they name this worker. */
  boolean withdraw() throws IOException {
    try (PidFileMutex m = PidFileMutex.acquire(layout.pidMutexFile(), MUTEX_TIMEOUT)) {
      if (!pidFileNamesThisWorker()) {
        return false;
      }
      Files.deleteIfExists(layout.pidFile());
      Files.deleteIfExists(layout.identityFile());
      Files.deleteIfExists(layout.heartbeatFile());
      return true;
    }
  }
}
