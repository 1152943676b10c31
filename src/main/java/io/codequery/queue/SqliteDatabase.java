package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.pidfile.StrictFiles;
import io.codequery.pidfile.UnsafeFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * The SQL plumbing of one SQLite file: connections, transactions, and errors translated into
 * messages that name the file and what to do. Knows nothing of jobs.
 *
 * <p><b>Connections.</b> No connection is shared between threads: contention between threads is
 * resolved by SQLite exactly as between processes (busy timeout, WAL readers never blocking the
 * writer). Where the database is kept open ({@link #keepOpen()}: the worker's queue), each thread
 * keeps one connection of its own for the database's life, so that a job's claim, run record and
 * result (three operations a job) do not open three connections — each open reads the schema and
 * sets up the shared memory anew, much of a job's cost next to a command like {@code true}.
 * Elsewhere every operation opens its own connection and closes it before returning. One more
 * connection, the keeper, stays open and unused while the database is kept open.
 */
final class SqliteDatabase implements AutoCloseable {
  static final int BUSY_TIMEOUT_MS = 30_000;

  /** Work on one connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Work inside a transaction on a connection the caller holds. */
  @FunctionalInterface
  interface SqlBlock<T> {
    T run() throws SQLException;
  }

  /**
   * {@code SQLITE_OPEN_NOFOLLOW} (SQLite 3.31): the database file is never opened through a
   * symbolic link. sqlite-jdbc has no name for it, but passes the {@code open_mode} flags through.
   */
  private static final int OPEN_NOFOLLOW = 0x01000000;

  /** The files SQLite opens beside the database, by suffix. */
  private static final List<String> COMPANIONS = List.of("-wal", "-shm", "-journal");

  private final Path file;
  private final String url;
  private final SQLiteConfig sqlite;
  private volatile boolean closed;

  /**
   * Held open, unused, for the database's life. When the last connection to a WAL database closes,
   * SQLite checkpoints the WAL into the database (fsync) and deletes it, and the next open creates
   * it again: several times per job. While this one is open, the others close cheaply and the usual
   * auto-checkpoint does the work. Null where it could not be opened (then everything works as
   * before, only slower).
   */
  private volatile Connection keeper;

  /** Each thread's own connection, where the database is kept open; null elsewhere. */
  private volatile ThreadLocal<Held> perThread;

  /** Every connection handed to a thread, to close with the database. */
  private final Set<Connection> threadConnections = ConcurrentHashMap.newKeySet();

  /** A thread's connection, and whether an operation of that thread is using it now. */
  private static final class Held {
    Connection connection;
    boolean inUse;
  }

  private SqliteDatabase(Path file, int openMode, String query) {
    this.file = file;
    // URI form: a root holding '?' or '%' stays one path.
    this.url = "jdbc:sqlite:" + file.toUri() + query;
    Properties flags = new Properties();
    flags.setProperty(SQLiteConfig.Pragma.OPEN_MODE.pragmaName, Integer.toString(openMode));
    this.sqlite = new SQLiteConfig(flags);
    sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
    if ((openMode & SQLiteOpenMode.READONLY.flag) == 0) {
      sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL); // durable across crashes in WAL
    }
  }

  /**
   * The database in {@code file} for reading and writing. A missing file is created here, empty,
   * with mode 0644 (at most): SQLite would create it with 0666 less the umask, and gives its {@code
   * -wal}, {@code -shm} and {@code -journal} files the database's mode. The database and those
   * files are refused where they are symbolic links, FIFOs or anything but regular files.
   *
   * @throws CodeQueryException naming the file at fault and what to do
   */
  static SqliteDatabase openReadWrite(Path file) {
    try {
      StrictFiles.createIfAbsent(file);
      requireRegularCompanions(file);
    } catch (UnsafeFileException e) {
      throw new CodeQueryException(e.getMessage(), e);
    } catch (IOException e) {
      throw new CodeQueryException(
          "cannot create the job queue " + file + ": " + e.getMessage(), e);
    }
    int mode = SQLiteOpenMode.READWRITE.flag | OPEN_NOFOLLOW;
    return new SqliteDatabase(file, mode, "");
  }

  /**
   * The existing database in {@code file}, read-only: nothing is created, written or migrated, so a
   * user who may only read {@code .code-query/} can still look at the queue. SQLite reads a WAL
   * database read-only where its {@code -wal} and {@code -shm} files exist or can be created; where
   * neither holds (no process has the queue open, and the directory is not writable by this user)
   * there is no write-ahead log to consider, and the file is read as immutable.
   *
   * @throws CodeQueryException where the file is missing or is not a regular file
   */
  static SqliteDatabase openReadOnly(Path file) {
    try {
      if (StrictFiles.requireRegularOrAbsent(file).isEmpty()) {
        throw new CodeQueryException("no job queue at " + file);
      }
      requireRegularCompanions(file);
    } catch (UnsafeFileException e) {
      throw new CodeQueryException(e.getMessage(), e);
    } catch (IOException e) {
      throw new CodeQueryException("cannot look at the job queue " + file + ": " + e.getMessage());
    }
    int mode = SQLiteOpenMode.READONLY.flag | OPEN_NOFOLLOW;
    SqliteDatabase db = new SqliteDatabase(file, mode, "");
    if (db.canConnect() || Files.exists(sibling(file, "-wal"), LinkOption.NOFOLLOW_LINKS)) {
      return db;
    }
    return new SqliteDatabase(file, mode, "?immutable=1");
  }

  /** Whether a read-only connection can read; false where SQLite cannot set up its WAL files. */
  private boolean canConnect() {
    try (Connection c = sqlite.createConnection(url);
        Statement st = c.createStatement()) {
      st.executeQuery("PRAGMA user_version").close();
      return true;
    } catch (SQLException e) {
      SQLiteErrorCode code = e instanceof SQLiteException se ? se.getResultCode() : null;
      String name = code == null ? "" : code.name();
      // Anything else (a corrupt file, a lock) is reported by the first real use.
      return !(name.startsWith("SQLITE_READONLY") || name.startsWith("SQLITE_CANTOPEN"));
    }
  }

  private static void requireRegularCompanions(Path file) throws IOException {
    for (String suffix : COMPANIONS) {
      StrictFiles.requireRegularOrAbsent(sibling(file, suffix));
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  Path file() {
    return file;
  }

  /**
   * Loads the driver and its native library and opens (and closes) an in-memory database, which
   * touches no file: what the first real connection of a JVM would otherwise do first, the largest
   * part of opening the queue. A failure is left for that first real connection to report.
   */
  static void warmUp() {
    try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite::memory:")) {
      c.createStatement().close();
    } catch (SQLException | RuntimeException | LinkageError e) {
      // the real open meets the same problem and says what it is, naming the file
    }
  }

  /**
   * Opens the keeper connection (a failure only costs speed), and from now on lets each thread keep
   * a connection of its own.
   */
  void keepOpen() {
    try {
      keeper = sqlite.createConnection(url);
    } catch (SQLException e) {
      // only an optimisation: without it each connection's close checkpoints the WAL
    }
    perThread = ThreadLocal.withInitial(Held::new);
  }

  <T> T withConnection(SqlWork<T> work) {
    if (closed) {
      throw new IllegalStateException("database " + file + " is closed");
    }
    ThreadLocal<Held> kept = perThread;
    Held held = kept == null ? null : kept.get();
    if (held == null || held.inUse) {
      // Not kept open, or an operation nested in another of this thread: a connection of its own.
      try (Connection c = sqlite.createConnection(url)) {
        return work.run(c);
      } catch (SQLException e) {
        throw translate(e);
      }
    }
    held.inUse = true;
    try {
      if (held.connection == null) {
        held.connection = sqlite.createConnection(url);
        threadConnections.add(held.connection);
        if (closed) {
          discard(held); // closed meanwhile: close() may have missed this one
          throw new IllegalStateException("database " + file + " is closed");
        }
      }
      return work.run(held.connection);
    } catch (SQLException e) {
      // A connection that failed may be left in any state (a transaction open, a busy statement):
      // the thread's next operation starts on a new one.
      discard(held);
      throw translate(e);
    } catch (RuntimeException | Error e) {
      discard(held);
      throw e;
    } finally {
      held.inUse = false;
    }
  }

  private void discard(Held held) {
    Connection c = held.connection;
    held.connection = null;
    if (c != null) {
      threadConnections.remove(c);
      try {
        c.close();
      } catch (SQLException ignored) {
        // it failed already; the next operation opens a new one
      }
    }
  }

  <T> T inTransaction(SqlWork<T> work) {
    return withConnection(c -> inTransaction(c, () -> work.run(c)));
  }

  /**
   * {@code BEGIN IMMEDIATE}: takes the write lock up front (waiting up to the busy timeout), so a
   * transaction that reads and then writes never fails on a lock upgrade the busy handler cannot
   * wait out.
   */
  static <T> T inTransaction(Connection c, SqlBlock<T> block) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
    }
    boolean committed = false;
    try {
      T value = block.run();
      try (Statement st = c.createStatement()) {
        st.execute("COMMIT");
      }
      committed = true;
      return value;
    } finally {
      if (!committed) {
        try (Statement st = c.createStatement()) {
          st.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // the original failure is the one to report; SQLite may already have rolled back
        }
      }
    }
  }

  /**
   * Marks the database closed (later calls fail) and closes the keeper and the threads'
   * connections. An operation still running on another thread may then fail: close the database
   * once the threads that use it are done.
   */
  @Override
  public void close() {
    closed = true;
    for (Connection c : threadConnections) {
      threadConnections.remove(c);
      try {
        c.close();
      } catch (SQLException e) {
        // closing is best effort; the data is already committed
      }
    }
    Connection k = keeper;
    keeper = null;
    if (k != null) {
      try {
        k.close();
      } catch (SQLException e) {
        // closing is best effort; the data is already committed
      }
    }
  }

  CodeQueryException translate(SQLException e) {
    SQLiteErrorCode code = e instanceof SQLiteException se ? se.getResultCode() : null;
    String name = code == null ? "" : code.name();
    if (code == SQLiteErrorCode.SQLITE_NOTADB || name.startsWith("SQLITE_CORRUPT")) {
      return new CodeQueryException(
          file
              + " is not a readable job queue ("
              + code.message
              + "). Move it aside (e.g. `mv "
              + file
              + " "
              + file
              + ".broken`) and restart the worker: it creates an empty queue;"
              + " the jobs in the old file are lost, commit again or re-enqueue to redo them.",
          e);
    }
    if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
      return new CodeQueryException(
          file
              + ": the job queue stayed locked for more than "
              + BUSY_TIMEOUT_MS / 1000
              + " s (another process holds a long write transaction); try again.",
          e);
    }
    if (code == SQLiteErrorCode.SQLITE_FULL) {
      // "Database or disk is full": code-query sets no max_page_count, so it is the disk. Said
      // plainly, since a worker dying of it at start-up has only this line to explain itself.
      return new CodeQueryException(
          file
              + ": no space left for the job queue on the file system holding "
              + file.toAbsolutePath().getParent()
              + " ("
              + e.getMessage()
              + "); free some space and try again.",
          e);
    }
    if (name.startsWith("SQLITE_READONLY")
        || name.startsWith("SQLITE_CANTOPEN")
        || name.startsWith("SQLITE_IOERR")
        || code == SQLiteErrorCode.SQLITE_PERM) {
      return new CodeQueryException(
          file
              + ": cannot use the job queue ("
              + e.getMessage()
              + "). Check the file and its directory exist, are writable by you, and the disk"
              + " is not full.",
          e);
    }
    return new CodeQueryException(file + ": job queue error: " + e.getMessage(), e);
  }
}
