package io.codequery.pgstore;

import io.codequery.CodeQueryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL store's schema and its migrations: numbered steps, each recorded as a row of
 * {@code schema_version}, all applied in one transaction under a transaction-level advisory lock,
 * so that however many hosts start at once, exactly one applies each step and the others find it
 * applied (the lock is taken before anything is created: {@code CREATE … IF NOT EXISTS} alone races
 * on PostgreSQL's catalogs).
 */
final class PgSchema {
  /** The schema version this code writes. */
  static final int VERSION = 3;

  /** The advisory lock key of migrations ("cq-migr" in ASCII). */
  static final long MIGRATION_LOCK = 0x63712d6d69677200L;

  /**
   * The text search configuration: {@code simple} lower-cases and keeps every word (no stemming, no
   * stop words), as the SQLite store's unicode61 tokenizer does.
   */
  static final String TS_CONFIG = "simple";

  /**
   * Characters of a document's text the index reads: a tsvector holds at most 1 MB, and a text of
   * this size stays well under it whatever its words.
   */
  static final int INDEXED_CHARS = 200_000;

  private static final List<String> STEP_1 =
      List.of(
          "CREATE SEQUENCE lease_tokens",
          // The order per path is the id (one sequence for every change of every path).
          "CREATE TABLE jobs (id bigserial PRIMARY KEY, commit_id text NOT NULL, file bytea NOT"
              + " NULL, blob_id text, kind text NOT NULL DEFAULT 'document' CHECK (kind IN"
              + " ('document', 'removal')), state text NOT NULL CHECK (state IN ('pending',"
              + " 'running', 'done', 'failed')), attempts integer NOT NULL DEFAULT 0, not_before"
              + " timestamptz NOT NULL DEFAULT 'epoch', lease_owner text, lease_token bigint,"
              + " lease_expires_at timestamptz, created_at timestamptz NOT NULL, updated_at"
              + " timestamptz NOT NULL, exit_code integer, duration_ms bigint, output text, error"
              + " text, force boolean NOT NULL DEFAULT false, outcome text, note text, run_pid"
              + " bigint, run_start_ticks bigint, run_boot_id text, UNIQUE (commit_id, file))",
          // The claim walks pending jobs in id order, and running ones by lease expiry.
          "CREATE INDEX jobs_pending ON jobs (id) WHERE state = 'pending'",
          "CREATE INDEX jobs_running ON jobs (lease_expires_at) WHERE state = 'running'",
          "CREATE INDEX jobs_file ON jobs (file, id)",
          "CREATE INDEX jobs_state ON jobs (state, id)",
          // path_key: git's bytes; path: the display form, which the index and --path globs read.
          "CREATE TABLE documents (path_key bytea PRIMARY KEY, path text NOT NULL, commit_id text"
              + " NOT NULL, blob_id text, processor text NOT NULL, documented_at timestamptz NOT"
              + " NULL, duration_ms bigint NOT NULL, job_id bigint NOT NULL, text text NOT NULL,"
              + " written_bytes bigint NOT NULL, truncated boolean NOT NULL DEFAULT false, search"
              + " tsvector GENERATED ALWAYS AS (setweight(to_tsvector('"
              + TS_CONFIG
              // A path's separators become spaces: the parser reads a/b/C.java as one file token.
              + "', regexp_replace(path, '[^[:alnum:]_]+', ' ', 'g')), 'A') ||"
              + " setweight(to_tsvector('"
              + TS_CONFIG
              + "', left(text, "
              + INDEXED_CHARS
              + ")), 'D')) STORED)",
          "CREATE INDEX documents_search ON documents USING gin (search)");

  /**
   * The worker registry: one row per worker life, its times on the database's clock; {@code life}
   * numbers the lives in the order they registered (newest first in a listing).
   */
  private static final List<String> STEP_2 =
      List.of(
          "CREATE TABLE workers (worker_id text PRIMARY KEY, life bigserial NOT NULL, host text NOT"
              + " NULL, host_id text NOT NULL, pid bigint NOT NULL, process_start_ticks bigint NOT"
              + " NULL, root text NOT NULL, version text NOT NULL, claim_owner text NOT NULL, state"
              + " text NOT NULL CHECK (state IN ('running', 'draining', 'stopped', 'dead')),"
              + " stop_requested boolean NOT NULL DEFAULT false, heartbeat_ms bigint NOT NULL"
              + " CHECK (heartbeat_ms > 0), job_timeout_ms bigint NOT NULL, started_at timestamptz"
              + " NOT NULL, heartbeat_at timestamptz NOT NULL, progress_at timestamptz NOT NULL,"
              + " ended_at timestamptz)",
          // The reaper walks the lives still alive; the forgetting walks the ended ones.
          "CREATE INDEX workers_alive ON workers (heartbeat_at) WHERE state IN ('running',"
              + " 'draining')",
          "CREATE INDEX workers_ended ON workers (ended_at) WHERE state IN ('stopped', 'dead')");

  /**
   * The high 32 bits of every worker life's session lock key ("cqlk" in ASCII), its low 32 bits
   * from a sequence: a key per life, apart from the store's other advisory locks and, most likely,
   * from those of other applications sharing the database.
   */
  static final long LIFE_LOCK_CLASS = 0x63716c6bL;

  /**
   * The per-life session lock (GoodJob's method): {@code lock_key}, the key a live worker holds on
   * an idle connection of its own, and {@code locked_at}, when it last took it (the server's
   * clock): a lock taken since the server started that is no longer held means the worker's session
   * ended, and a lock taken before a restart is simply gone with the restart.
   */
  private static final List<String> STEP_3 =
      List.of(
          "CREATE SEQUENCE worker_lock_keys MINVALUE 0 MAXVALUE 4294967295 START 0 CYCLE",
          "ALTER TABLE workers ADD COLUMN lock_key bigint NOT NULL DEFAULT ("
              + LIFE_LOCK_CLASS
              + "::bigint << 32) | nextval('worker_lock_keys')",
          "ALTER TABLE workers ADD COLUMN locked_at timestamptz");

  private static final List<List<String>> STEPS = List.of(STEP_1, STEP_2, STEP_3);

  private PgSchema() {}

  /**
   * Creates the schema or applies the steps it lacks; refuses a schema newer than this code.
   *
   * @return how many steps this call applied (0 where another host, or an earlier start, did)
   */
  static int migrate(PgDatabase db) {
    // Every command opens the store: where the schema is current already, look without the lock
    // and without DDL (a user who may only read the store can open it too).
    if (db.withConnection(PgSchema::currentVersion) == VERSION) {
      return 0;
    }
    return db.inTransaction(
        c -> {
          try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            st.execute("CREATE SCHEMA IF NOT EXISTS " + PgDatabase.SCHEMA);
            st.execute("SET LOCAL search_path = " + PgDatabase.SCHEMA);
            st.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
          }
          int current = version(c);
          if (current > VERSION) {
            throw new CodeQueryException(
                "the store at "
                    + db.where()
                    + " has schema version "
                    + current
                    + ", newer than this code-query understands ("
                    + VERSION
                    + "): upgrade code-query on this host");
          }
          int applied = 0;
          for (int step = current + 1; step <= VERSION; step++) {
            try (Statement st = c.createStatement()) {
              for (String sql : STEPS.get(step - 1)) {
                st.execute(sql);
              }
            }
            try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO schema_version (version) VALUES (?)")) {
              ps.setInt(1, step);
              ps.executeUpdate();
            }
            applied++;
          }
          return applied;
        });
  }

  /** The highest step applied, read without creating anything; 0 where there is no schema yet. */
  static int currentVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT to_regclass('" + PgDatabase.SCHEMA + ".schema_version') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return 0;
      }
    }
    return version(c);
  }

  /** The highest step applied; 0 for none. */
  static int version(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
