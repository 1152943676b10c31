package io.codequery.cli;

import io.codequery.MinimalWorkerDetector;
import io.codequery.config.Config;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.Backfill;
import io.codequery.queue.ProcessorId;
import io.codequery.queue.WakeWorker;
import io.codequery.storage.OpenStore;
import io.codequery.store.Ingested;
import io.codequery.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code queue add --all [--force]}: every file tracked at HEAD into the queue ({@link Backfill}),
 * with a progress bar on a terminal (done/total, rate, ETA) and plain lines otherwise. Ctrl-C ends
 * it after the batch in hand: the queue holds whole batches only, and running it again finishes.
 */
final class AddAll {
  private static final int BAR = 30;

  /** How long Ctrl-C waits for the batch in hand (one transaction of at most 500 files). */
  private static final long STOP_WAIT_SECONDS = 10;

  private final PrintWriter out;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private long lastLineNanos;

  private AddAll(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  static int run(
      ProjectLayout layout, Config config, boolean force, boolean json, PrintWriter out) {
    AddAll shown = new AddAll(out, !json && System.console() != null);
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread onInterrupt =
        new Thread(
            () -> {
              stop.set(true);
              try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "queue-add-all-interrupted");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    try (Store q = OpenStore.open(layout, config, Clock.systemUTC())) {
      Backfill.Result r =
          Backfill.run(
              q,
              layout.root(),
              "HEAD",
              ProcessorId.of(config),
              force,
              json ? p -> {} : shown::progress,
              stop::get);
      if (r.ingested().queued() > 0) {
        WakeWorker.request(layout);
      }
      if (json) {
        out.println(JsonOut.write(json(r)));
      } else {
        shown.summary(r, MinimalWorkerDetector.isWorkerRunning(layout.root()));
      }
      out.flush();
      return 0;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException e) {
        // the JVM is shutting down (Ctrl-C): the hook is running, and waited for us
      }
    }
  }

  static Map<String, Object> json(Backfill.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("commit", r.commit());
    m.put("files", r.files());
    m.put("queued", r.ingested().queued());
    m.put("already_documented", r.ingested().alreadyDocumented());
    m.put("removed", r.ingested().removed());
    m.put("skipped_submodules", r.submodules());
    m.put("skipped_symlinks", r.symlinks());
    m.put("interrupted", r.interrupted());
    return m;
  }

  private void progress(Backfill.Progress p) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    double rate = p.done() / seconds;
    String eta =
        p.done() == 0 || p.done() >= p.total()
            ? "--"
            : Math.round((p.total() - p.done()) / Math.max(rate, 1e-9)) + " s";
    if (terminal) {
      int filled = p.total() == 0 ? BAR : (int) ((long) BAR * p.done() / p.total());
      out.printf(
          "\r[%s%s] %d/%d files  %.0f/s  ETA %s   ",
          "#".repeat(filled), " ".repeat(BAR - filled), p.done(), p.total(), rate, eta);
      out.flush();
      return;
    }
    // Plain lines: at most one a second, and the last.
    if (p.done() < p.total() && now - lastLineNanos < 1_000_000_000L) {
      return;
    }
    lastLineNanos = now;
    out.printf("%d/%d files  %.0f/s  ETA %s%n", p.done(), p.total(), rate, eta);
    out.flush();
  }

  private void summary(Backfill.Result r, boolean workerRunning) {
    if (terminal) {
      out.println();
    }
    Ingested i = r.ingested();
    StringBuilder line =
        new StringBuilder(r.interrupted() ? "✗ interrupted: " : "✓ ")
            .append(r.files())
            .append(" tracked file(s) at ")
            .append(r.commit(), 0, Math.min(10, r.commit().length()))
            .append(": ")
            .append(i.queued())
            .append(" queued, ")
            .append(i.alreadyDocumented())
            .append(" documented already");
    if (i.removed() > 0) {
      line.append(", ").append(i.removed()).append(" document(s) of untracked files removed");
    }
    if (r.submodules() + r.symlinks() > 0) {
      line.append("; not documented: ")
          .append(r.submodules())
          .append(" submodule(s), ")
          .append(r.symlinks())
          .append(" symbolic link(s)");
    }
    out.println(line);
    if (r.interrupted()) {
      out.println(
          "  what was queued stays queued; run `code-query queue add --all` again to finish");
    } else if (i.queued() > 0) {
      out.println(
          workerRunning
              ? "  the worker takes them now; `code-query docs status` shows how far it is"
              : "  no worker runs: `code-query worker start` (or `code-query queue process`)");
    }
  }
}
