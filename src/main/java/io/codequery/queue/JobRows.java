package io.codequery.queue;

import io.codequery.project.RepoPath;
import io.codequery.sqlstore.JobTable;
import io.codequery.store.Job;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Row mapping of the {@code jobs} table: {@link JobTable} with the lease's end in {@code
 * lease_until} and the claim's fence in {@code version}, paths as TEXT or BLOB, times as epoch
 * milliseconds.
 */
final class JobRows {
  /** The jobs table; {@link Job#version()} is a counter each claim bumps. */
  static final JobTable JOBS = new JobTable(SqliteDialect.SQLITE, "lease_until", "version");

  private JobRows() {}

  /**
   * Binds a path in its canonical stored form: TEXT when its bytes are valid UTF-8 (every name a
   * queue held before paths were bytes), else a BLOB of the bytes. SQLite never finds a TEXT equal
   * to a BLOB, so {@code x\xff.txt} and {@code x\xef\xbf\xbd.txt} stay two jobs; reading back with
   * {@code getBytes} gives the bytes of either form.
   */
  static void bindPath(PreparedStatement ps, int index, RepoPath path) throws SQLException {
    if (path.isUtf8()) {
      ps.setString(index, path.text().orElseThrow());
    } else {
      ps.setBytes(index, path.bytes());
    }
  }
}
