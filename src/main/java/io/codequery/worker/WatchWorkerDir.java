package io.codequery.worker;

import io.codequery.log.WorkerLog;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Set;

/**
 * A file-system watch on {@code .code-query/} and its spool, reporting to the worker's loop: a new
 * spool record or wake-up file ({@link WorkerLoop#spoolChanged()}), and the lock file removed or
 * replaced under a running worker ({@link WorkerLoop#filesChanged()}, e.g. by {@code git clean
 * -fdX}). The loop's heartbeat sweep and self-check remain the safety net for events a watch can
 * miss (overflow, file systems without notification).
 */
final class WatchWorkerDir implements AutoCloseable {
  private final ProjectLayout layout;
  private final WorkerLog log;
  private final Set<Path> watchedFiles;
  private WatchService watch;
  private WatchKey spoolKey;

  WatchWorkerDir(ProjectLayout layout, WorkerLog log) {
    this.layout = layout;
    this.log = log;
    // The PID file is left to the heartbeat's check, as before: rewriting it the instant it goes
    // would race whoever is replacing it on purpose (tests laying out detector cases, `stop`).
    this.watchedFiles = Set.of(layout.instanceLockFile().getFileName());
  }

  /** Starts watching on a daemon thread; without a watch the loop's sweeps still do the work. */
  void start(WorkerLoop loop) {
    try {
      StrictFiles.ensureDirectory(layout.spoolDir());
      watch = FileSystems.getDefault().newWatchService();
      // Creations and removals only: what is watched here (the lock file removed or replaced, the
      // spool directory gone or back) is never a change in place, and every job changes files in
      // place here (the queue's write-ahead log, the log), which would wake this thread each time.
      layout
          .dir()
          .register(
              watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
      spoolKey = registerSpool();
    } catch (IOException | UnsupportedOperationException e) {
      log.tryAppend(
          "worker",
          "no file-system watch on "
              + layout.dir()
              + " ("
              + e.getMessage()
              + "); sweeping instead");
      return;
    }
    Thread t = new Thread(() -> watchLoop(loop), "worker-dir-watch");
    t.setDaemon(true);
    t.start();
  }

  private WatchKey registerSpool() throws IOException {
    return layout
        .spoolDir()
        .register(
            watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
  }

  private void watchLoop(WorkerLoop loop) {
    while (true) {
      WatchKey key;
      try {
        key = watch.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      boolean spool = key == spoolKey;
      boolean files = false;
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          spool = true;
          files = true;
        } else if (!spool && event.context() instanceof Path name) {
          files |= watchedFiles.contains(name);
          spool |= name.equals(layout.spoolDir().getFileName());
        }
      }
      if (files) {
        loop.filesChanged();
      }
      if (spool) {
        loop.spoolChanged();
      }
      if (!key.reset() && key == spoolKey) {
        // The spool directory went away: watch the new one once it is back (the sweep covers it).
        try {
          if (Files.isDirectory(layout.spoolDir())) {
            spoolKey = registerSpool();
          }
        } catch (IOException e) {
          // the heartbeat sweep still finds its records
        } catch (ClosedWatchServiceException e) {
          return; // the worker is stopping: close() ran between take() and here
        }
      } else if (key != spoolKey && Files.isDirectory(layout.spoolDir()) && !spoolKey.isValid()) {
        try {
          spoolKey = registerSpool();
        } catch (IOException e) {
          // the heartbeat sweep still finds its records
        } catch (ClosedWatchServiceException e) {
          return; // the worker is stopping: close() ran between take() and here (a stack trace
          // in worker.log at every such stop, found by the fault run, seed 202611289 #28)
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      if (watch != null) {
        watch.close();
      }
    } catch (IOException ignored) {
      // closing a watch service is best effort at shutdown
    }
  }
}
