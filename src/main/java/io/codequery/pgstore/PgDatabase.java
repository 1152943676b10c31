package io.codequery.pgstore;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.codequery.CodeQueryException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.util.PSQLState;

/**
 * The SQL plumbing of one PostgreSQL database: a small pool (HikariCP), transactions, retries of
 * the transactions PostgreSQL aborts to break a deadlock, and errors translated into messages that
 * name the server and what to check. Knows nothing of jobs.
 */
final class PgDatabase implements AutoCloseable {
  /** Connections per store: a worker's slots, its heartbeat and a reader or two. */
  static final int POOL_SIZE = 4;

  /** The schema (namespace) that holds the store's tables, apart from the user's own. */
  static final String SCHEMA = "code_query";

  private static final int DEADLOCK_RETRIES = 5;

  /**
   * How long a session may sit in an open transaction without a word before the server ends it. A
   * worker frozen (SIGSTOP, a swapped-out VM) in the middle of one of its short transactions — the
   * heartbeat renewing its leases, say — would otherwise hold its row locks for as long as it is
   * frozen: every claim skips those jobs ({@code SKIP LOCKED}) and the reaper that would free them
   * waits on the same rows. The three-host test saw a frozen worker's jobs never taken over, and
   * the reaper's host stop beating. No transaction of the store waits on its client between
   * statements: 5 s is a stall, not work.
   */
  static final String IDLE_IN_TRANSACTION_TIMEOUT = "5s";

  /** Work on one connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  private final HikariDataSource pool;
  private final String where;
  private final String jdbcUrl;
  private final Properties properties;

  private PgDatabase(HikariDataSource pool, String where, String jdbcUrl, Properties properties) {
    this.pool = pool;
    this.where = where;
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
  }

  /**
   * A pool of connections to {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db}), with {@code
   * properties} (user, password from the environment or ~/.pgpass, as pgjdbc reads them).
   *
   * @param where the server as the user named it (host:port/db, no credentials), for messages
   * @throws CodeQueryException naming {@code where} and what to check, when it cannot be reached
   */
  static PgDatabase open(String jdbcUrl, Properties properties, String where) {
    HikariConfig config = new HikariConfig();
    Properties connection = new Properties();
    connection.putAll(properties);
    // A host that drops packets (a link down) must fail a connection within seconds too.
    connection.putIfAbsent("connectTimeout", "5");
    // A statement whose answer never comes (the link went down mid-call) must fail within a
    // minute, not after the kernel's retransmissions (about 15 min): until it does, the heartbeat
    // thread waits on it and a fenced worker could not tell that the store answers again.
    connection.putIfAbsent("socketTimeout", "60");
    config.setJdbcUrl(jdbcUrl);
    config.setDataSourceProperties(connection);
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    config.setPoolName("code-query-store");
    config.setSchema(SCHEMA);
    // A store that cannot be reached must say so within seconds, not after Hikari's 30 s.
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(1); // one attempt: a refused connection is final
    config.setAutoCommit(true);
    config.setConnectionInitSql(
        "SET idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION_TIMEOUT + "'");
    try {
      return new PgDatabase(new HikariDataSource(config), where, jdbcUrl, connection);
    } catch (HikariPool.PoolInitializationException e) {
      throw unreachable(where, e.getCause() == null ? e : e.getCause());
    }
  }

  /** Listens for new jobs on a connection of its own, outside the pool (it stays busy). */
  ListenForJobs listenForJobs(Runnable onJobs) {
    return ListenForJobs.start(jdbcUrl, properties, onJobs);
  }

  /**
   * A connection of its own, outside the pool, in the store's schema; the caller closes it. For a
   * session that must outlive any pooled use (a worker life's lock).
   */
  Connection openUnpooled() {
    try {
      Connection c = DriverManager.getConnection(jdbcUrl, properties);
      try {
        c.setSchema(SCHEMA);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      return c;
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** The server as the user named it, for messages. */
  String where() {
    return where;
  }

  /** Runs {@code work} on a pooled connection in autocommit mode. */
  <T> T withConnection(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /**
   * Runs {@code work} in one transaction (READ COMMITTED), committed when it returns and rolled
   * back when it throws. A transaction PostgreSQL aborted to break a deadlock is run again.
   */
  <T> T inTransaction(SqlWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c, e);
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        if (attempt < DEADLOCK_RETRIES && isRetryable(e)) {
          continue;
        }
        throw translate(e);
      }
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Deadlock detected, or a serialization failure: the transaction can run again as it was. */
  static boolean isRetryable(SQLException e) {
    return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
  }

  private CodeQueryException translate(SQLException e) {
    String state = e.getSQLState();
    if (state != null && state.startsWith("08")
        || PSQLState.CONNECTION_UNABLE_TO_CONNECT.getState().equals(state)) {
      return unreachable(where, e);
    }
    return new CodeQueryException("the store at " + where + " failed: " + e.getMessage(), e);
  }

  static CodeQueryException unreachable(String where, Throwable cause) {
    return new CodeQueryException(
        "cannot reach the PostgreSQL store at "
            + where
            + " ("
            + firstLine(cause.getMessage())
            + "): check that the server runs and accepts connections from this host, and the"
            + " user and password (PGPASSWORD or ~/.pgpass) of store.url",
        cause);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public void close() {
    pool.close();
  }
}
