package io.codequery.queue;

import io.codequery.config.Config;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.store.JobStore;
import io.codequery.store.Store;
import io.codequery.store.WorkerRegistry;
import io.codequery.worker.SelfFence;
import io.codequery.worker.WorkerTask;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The worker's task: the hooks' spool ingested into the queue on the worker's loop thread, and the
 * queue's jobs run by {@code processing.concurrency} job slots ({@link JobSlots}) on threads of
 * their own.
 */
public final class ConsumeSpoolAndQueue implements WorkerTask {
  private final IngestSpool ingest;
  private final JobSlots slots;
  private final Store queue;
  private JobStore.Subscription listening = () -> {}; // guarded by this
  private boolean closed; // guarded by this
  private final ScheduledExecutorService renewer;
  private final String owner;
  private final WorkerLog log;

  ConsumeSpoolAndQueue(
      IngestSpool ingest,
      JobSlots slots,
      Store queue,
      ScheduledExecutorService renewer,
      String owner,
      WorkerLog log) {
    this.ingest = ingest;
    this.slots = slots;
    this.queue = queue;
    this.renewer = renewer;
    this.owner = owner;
    this.log = log;
  }

  /**
   * The project's worker task on its SQLite queue (the worker itself opens the store its config
   * names: {@code storage.OpenStore}).
   */
  public static ConsumeSpoolAndQueue open(ProjectLayout layout, Config config, Clock clock) {
    return open(JobQueue.open(layout, config, clock), layout, config, clock);
  }

  /**
   * The project's worker task: {@code queue} (which it closes), its spool and {@code
   * config.concurrency()} slots.
   */
  public static ConsumeSpoolAndQueue open(
      Store queue, ProjectLayout layout, Config config, Clock clock) {
    WorkerLog log = new WorkerLog(layout.logFile(), clock);
    JobRunner runner = JobRunner.of(layout, config);
    ScheduledExecutorService renewer = QueueTask.newRenewer();
    String owner = QueueTask.newOwner();
    List<QueueTask> tasks = new ArrayList<>();
    for (int i = 1; i <= config.concurrency(); i++) {
      tasks.add(
          new QueueTask(
              queue,
              runner,
              log,
              owner + "-s" + i,
              QueueTask.DEFAULT_LEASE,
              Duration.ofSeconds(config.stopTimeoutSeconds()),
              renewer,
              false));
    }
    return new ConsumeSpoolAndQueue(
        new IngestSpool(layout.spoolDir(), queue, log, config.mode(), clock),
        new JobSlots(tasks, log),
        queue,
        renewer,
        owner,
        log);
  }

  /**
   * First ends what jobs of dead workers left running (and frees those jobs at once), then starts
   * the slots — on a thread of its own, so that the loop beats meanwhile.
   */
  @Override
  public void start(Runnable wakeLoop) {
    Thread t =
        new Thread(
            () -> {
              try {
                int freed = queue.endOrphanedRuns(owner);
                if (freed > 0) {
                  log.tryAppend(
                      "queue", "freed " + freed + " job(s) of a dead worker; their runs are ended");
                }
              } catch (RuntimeException e) {
                log.tryAppend("queue", "could not look for jobs of dead workers: " + e);
              }
              slots.start(wakeLoop);
              // Another host's jobs (a shared store) wake the idle slots at once, not at the next
              // heartbeat.
              JobStore.Subscription heard = queue.listenForJobs(() -> slots.offer(true));
              synchronized (this) {
                if (closed) {
                  heard.close(); // closed while starting: nothing may outlive close()
                } else {
                  listening = heard;
                }
              }
            },
            "job-slots-start");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public int ingest() {
    return ingest.run();
  }

  @Override
  public void offerWork(boolean allSlots) {
    slots.offer(allSlots);
  }

  @Override
  public List<String> currentJobs() {
    return slots.currentJobs();
  }

  @Override
  public String lastJob() {
    return slots.lastJob();
  }

  @Override
  public void requestStop() {
    slots.requestStop();
  }

  @Override
  public boolean stopped() {
    return slots.stopped();
  }

  @Override
  public Optional<WorkerRegistry> registry() {
    // The registry lives in the store's database: JobQueue keeps it beside itself; a store that is
    // a registry itself is one; a store with none registers nobody.
    if (queue instanceof JobQueue sqlite) {
      return Optional.of(sqlite.workers());
    }
    return queue instanceof WorkerRegistry registry ? Optional.of(registry) : Optional.empty();
  }

  @Override
  public Optional<String> sharedWithOtherHosts() {
    return queue.sharedWithOtherHosts();
  }

  @Override
  public void fenceWith(SelfFence fence) {
    slots.fenceWith(fence);
  }

  @Override
  public String claimOwner() {
    return owner;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      listening.close();
    }
    slots.close();
    renewer.shutdownNow();
    queue.close();
  }
}
