package io.codequery.queue;

import io.codequery.CodeQueryException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The queue's schema and its migrations, versioned by {@code PRAGMA user_version}. Each step runs
 * under one write lock ({@code BEGIN IMMEDIATE}), so processes opening the queue at once migrate it
 * exactly once.
 */
final class QueueSchema {
  /** The schema version this code writes. */
  static final int VERSION = 5;

  private QueueSchema() {}

  /** Creates the schema, or migrates it step by step; refuses a newer or foreign database. */
  static void migrate(SqliteDatabase db) {
    Path file = db.file();
    db.withConnection(
        c -> {
          try (Statement st = c.createStatement()) {
            // Persistent for the file; the first opener switches it, later ones find it set.
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
              rs.next();
            }
          }
          return SqliteDatabase.inTransaction(
              c,
              () -> {
                int version = userVersion(c);
                if (version > VERSION) {
                  throw new CodeQueryException(
                      file
                          + ": queue schema version "
                          + version
                          + " is newer than this code-query understands ("
                          + VERSION
                          + "). Upgrade code-query, or move the file aside to start an empty"
                          + " queue.");
                }
                if (version == 0 && hasTables(c)) {
                  throw new CodeQueryException(
                      file
                          + ": holds tables but is not a code-query queue (user_version 0)."
                          + " Move it aside (e.g. `mv "
                          + file
                          + " "
                          + file
                          + ".foreign`); the worker then creates an empty queue.");
                }
                try (Statement st = c.createStatement()) {
                  if (version < 1) {
                    st.executeUpdate(
                        "CREATE TABLE jobs ( id INTEGER PRIMARY KEY AUTOINCREMENT, commit_id TEXT"
                            + " NOT NULL, file TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN"
                            + " ('pending', 'running', 'done', 'failed')), attempts INTEGER NOT"
                            + " NULL DEFAULT 0, not_before INTEGER NOT NULL DEFAULT 0, lease_owner"
                            + " TEXT, lease_until INTEGER, version INTEGER NOT NULL DEFAULT 0,"
                            + " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, exit_code"
                            + " INTEGER, duration_ms INTEGER, output TEXT, error TEXT)");
                    st.executeUpdate(
                        "CREATE UNIQUE INDEX jobs_commit_file ON jobs (commit_id, file)");
                    st.executeUpdate("CREATE INDEX jobs_due ON jobs (state, not_before, id)");
                  }
                  // Each later step runs under this lock, so once however many processes open
                  // the queue at once.
                  if (version < 2) {
                    // The run of a job's command (leader PID, its start ticks, the boot), so that
                    // a later worker can find and end what a dead worker's job left running; and
                    // an index for the claim's "no other job of this file is running" check.
                    st.executeUpdate("ALTER TABLE jobs ADD COLUMN run_pid INTEGER");
                    st.executeUpdate("ALTER TABLE jobs ADD COLUMN run_start_ticks INTEGER");
                    st.executeUpdate("ALTER TABLE jobs ADD COLUMN run_boot_id TEXT");
                    st.executeUpdate("CREATE INDEX jobs_file ON jobs (file, state)");
                  }
                  if (version < 3) {
                    // The blob id of the file's content at the commit, as the listing gave it
                    // (null for jobs queued by name alone). The file column keeps its type: a
                    // valid UTF-8 name stays TEXT, a name that is not is stored as a BLOB of its
                    // bytes (JobRows.bindPath), so existing rows need no rewrite.
                    st.executeUpdate("ALTER TABLE jobs ADD COLUMN blob_id TEXT");
                  }
                  if (version < 4) {
                    addDocuments(st);
                    ImportJobOutputs.run(c);
                  }
                  if (version < 5) {
                    addWorkers(st);
                  }
                  st.executeUpdate("PRAGMA user_version = " + VERSION);
                }
                return null;
              });
        });
  }

  /**
   * Step 4, the documentation store: a document per path with a full-text index (FTS5: bm25,
   * snippets, prefixes, phrases), and in the jobs table what the order per path needs — removals
   * are rows of their own ({@code kind = 'removal'}, done when recorded), so that every change of a
   * path takes its place in one sequence, the job id — plus whether a job is forced, what became of
   * it, and why.
   */
  private static void addDocuments(Statement st) throws SQLException {
    st.executeUpdate(
        "ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'document' CHECK (kind IN"
            + " ('document', 'removal'))");
    st.executeUpdate("ALTER TABLE jobs ADD COLUMN force INTEGER NOT NULL DEFAULT 0");
    st.executeUpdate("ALTER TABLE jobs ADD COLUMN outcome TEXT");
    st.executeUpdate("ALTER TABLE jobs ADD COLUMN note TEXT");
    // The claim walks due jobs in id order and stops at the first few (ClaimJobs.candidates).
    st.executeUpdate("CREATE INDEX jobs_state_id ON jobs (state, id)");
    // path_key: git's bytes in the jobs' form (TEXT when UTF-8, else a BLOB); path: the display
    // form, which the full-text index and --path globs read.
    st.executeUpdate(
        "CREATE TABLE documents (id INTEGER PRIMARY KEY AUTOINCREMENT, path_key TEXT NOT NULL"
            + " UNIQUE, path TEXT NOT NULL, commit_id TEXT NOT NULL, blob_id TEXT, processor TEXT"
            + " NOT NULL, documented_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, job_id"
            + " INTEGER NOT NULL, text TEXT NOT NULL, written_bytes INTEGER NOT NULL, truncated"
            + " INTEGER NOT NULL DEFAULT 0)");
    st.executeUpdate(
        "CREATE VIRTUAL TABLE documents_fts USING fts5(path, text, content='documents',"
            + " content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')");
    st.executeUpdate(
        "CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN INSERT INTO documents_fts"
            + " (rowid, path, text) VALUES (new.id, new.path, new.text); END");
    st.executeUpdate(
        "CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN INSERT INTO documents_fts"
            + " (documents_fts, rowid, path, text) VALUES ('delete', old.id, old.path, old.text);"
            + " END");
    st.executeUpdate(
        "CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN INSERT INTO documents_fts"
            + " (documents_fts, rowid, path, text) VALUES ('delete', old.id, old.path, old.text);"
            + " INSERT INTO documents_fts (rowid, path, text) VALUES (new.id, new.path, new.text);"
            + " END");
  }

  /**
   * Step 5, the worker registry: one row per worker life (a random id; PIDs are shown, never keys),
   * its heartbeat and progress times, and a stop request a worker honours at its next heartbeat.
   * {@code claim_owner} is the lease-owner prefix of its job slots: its running jobs are those.
   */
  private static void addWorkers(Statement st) throws SQLException {
    st.executeUpdate(
        "CREATE TABLE workers (worker_id TEXT PRIMARY KEY, host TEXT NOT NULL, host_id TEXT NOT"
            + " NULL, pid INTEGER NOT NULL, process_start_ticks INTEGER NOT NULL, root TEXT NOT"
            + " NULL, version TEXT NOT NULL, claim_owner TEXT NOT NULL, state TEXT NOT NULL CHECK"
            + " (state IN ('running', 'draining', 'stopped', 'dead')), stop_requested INTEGER NOT"
            + " NULL DEFAULT 0, heartbeat_ms INTEGER NOT NULL, job_timeout_ms INTEGER NOT NULL,"
            + " started_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL, progress_at INTEGER"
            + " NOT NULL, ended_at INTEGER)");
    st.executeUpdate("CREATE INDEX workers_state ON workers (state, heartbeat_at)");
  }

  /** The schema version of the open database ({@code PRAGMA user_version}; 0 for none). */
  static int userVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean hasTables(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                    + " 'sqlite_%'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }
}
