package io.codequery.pgstore;

import io.codequery.sqlstore.JobTable;
import io.codequery.store.Job;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Row mapping of the PostgreSQL store's jobs: {@link JobTable} with the lease's end in {@code
 * lease_expires_at} and the claim's fence in {@code lease_token}, paths as {@code bytea}, times as
 * {@code timestamptz}, text without NUL (the documents' rows: {@code sqlstore.DocumentRows}).
 */
final class PgRows {
  /**
   * The jobs table. {@link Job#version()} is the lease token of its last claim (0 before any): each
   * claim draws a new token from a sequence, and every write of a claim is fenced by it.
   */
  static final JobTable JOBS =
      new JobTable(PgDialect.POSTGRESQL, "lease_expires_at", "lease_token");

  private PgRows() {}

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * {@code s} as PostgreSQL's text can hold it: a NUL (which a command may print, and SQLite keeps)
   * becomes U+FFFD, the replacement character, instead of failing the write.
   */
  static String text(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }
}
