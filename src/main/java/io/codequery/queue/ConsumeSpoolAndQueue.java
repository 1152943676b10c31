package io.codequery.queue;

import io.codequery.config.Config;
import io.codequery.log.WorkerLog;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.ProjectLayout;
import io.codequery.worker.WorkerTask;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;

/**
 * The worker's task: ingest the hooks' spool into the queue, then run one due job. New spool files
 * are noticed by a file-system watch that wakes the worker at once; a sweep every {@code
 * sweepEvery} is the safety net for events a watch can miss (overflow, a spool directory
 * re-created, file systems without notification).
 */
public final class ConsumeSpoolAndQueue implements WorkerTask {
  private final IngestSpool ingest;
  private final QueueTask jobs;
  private final Path spool;
  private final WorkerLog log;
  private final Clock clock;
  private final Duration sweepEvery;
  private volatile boolean spoolChanged = true;
  private long lastSweep;
  private WatchService watch;
  private Thread watcher;

  public ConsumeSpoolAndQueue(
      IngestSpool ingest,
      QueueTask jobs,
      Path spool,
      WorkerLog log,
      Clock clock,
      Duration sweepEvery) {
    this.ingest = ingest;
    this.jobs = jobs;
    this.spool = spool;
    this.log = log;
    this.clock = clock;
    this.sweepEvery = sweepEvery;
  }

  public static ConsumeSpoolAndQueue open(ProjectLayout layout, Config config, Clock clock) {
    JobQueue queue = JobQueue.open(layout, config, clock);
    WorkerLog log = new WorkerLog(layout.logFile(), clock);
    QueueTask jobs = QueueTask.open(queue, layout, config, clock);
    return new ConsumeSpoolAndQueue(
        new IngestSpool(layout.spoolDir(), queue, log, config.mode(), clock),
        jobs,
        layout.spoolDir(),
        log,
        clock,
        Duration.ofSeconds(config.heartbeatSeconds()));
  }

  @Override
  public void attach(Runnable wakeWorker) {
    try {
      StrictFiles.ensureDirectory(spool);
      watch = FileSystems.getDefault().newWatchService();
      spool.register(
          watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException | UnsupportedOperationException e) {
      log.tryAppend(
          "spool",
          "no file-system watch on "
              + spool
              + " ("
              + e.getMessage()
              + "); sweeping every "
              + sweepEvery.toSeconds()
              + " s");
      return;
    }
    watcher = new Thread(() -> watchLoop(wakeWorker), "spool-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private void watchLoop(Runnable wakeWorker) {
    while (true) {
      WatchKey key;
      try {
        key = watch.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      key.pollEvents();
      spoolChanged = true;
      wakeWorker.run();
      if (!key.reset()) {
        // The spool directory went away; the sweep still covers a re-created one.
        return;
      }
    }
  }

  @Override
  public boolean runOnce() {
    long now = clock.millis();
    int added = 0;
    if (spoolChanged || now - lastSweep >= sweepEvery.toMillis()) {
      spoolChanged = false;
      lastSweep = now;
      added = ingest.run();
    }
    return jobs.runOnce() || added > 0;
  }

  @Override
  public String current() {
    return jobs.current();
  }

  @Override
  public void requestStop() {
    jobs.requestStop();
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
    jobs.close();
  }
}
