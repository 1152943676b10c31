package io.codequery.pgstore;

import io.codequery.store.JobStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Hears of new jobs at once: {@code LISTEN} on a connection of its own (outside the pool: it stays
 * busy waiting), on a daemon thread, calling back on each notification. A lost connection (a server
 * restart, a link down) is opened again after a pause, and the callback is called once it listens
 * again, since jobs may have come while it did not.
 */
final class ListenForJobs implements JobStore.Subscription {
  /** How long one wait for notifications lasts: also how long {@link #close} may take. */
  private static final int WAIT_MS = 250;

  private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

  private final String jdbcUrl;
  private final Properties properties;
  private final Runnable onJobs;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  private ListenForJobs(String jdbcUrl, Properties properties, Runnable onJobs) {
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
    this.onJobs = onJobs;
    this.thread = new Thread(this::listen, "store-listen-for-jobs");
    thread.setDaemon(true);
  }

  /** Starts listening; returns at once (the first callback comes once it listens). */
  static ListenForJobs start(String jdbcUrl, Properties properties, Runnable onJobs) {
    ListenForJobs l = new ListenForJobs(jdbcUrl, properties, onJobs);
    l.thread.start();
    return l;
  }

  private void listen() {
    while (!closed.get()) {
      try (Connection c = DriverManager.getConnection(jdbcUrl, properties)) {
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + PostgresStore.JOBS_CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        callBack();
        while (!closed.get()) {
          PGNotification[] heard = pg.getNotifications(WAIT_MS);
          if (heard != null && heard.length > 0) {
            callBack();
          }
        }
      } catch (SQLException e) {
        // The server went away or cannot be reached: the worker's heartbeat still finds jobs;
        // try again after a pause.
        pause();
      }
    }
  }

  private void callBack() {
    try {
      onJobs.run();
    } catch (RuntimeException e) {
      // the listener must outlive a failing callback; the next notification calls it again
    }
  }

  private void pause() {
    try {
      Thread.sleep(RECONNECT_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed.set(true);
    }
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
