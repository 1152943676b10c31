package io.codequery.queue;

import io.codequery.project.RepoPath;
import io.codequery.sqlstore.JobTable;
import io.codequery.store.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Row mapping of the {@code jobs} table: {@link JobTable} with the lease's end in {@code
 * lease_until} and the claim's fence in {@code version}, paths as TEXT or BLOB, times as epoch
 * milliseconds.
 */
final class JobRows {
  /** The jobs table; {@link Job#version()} is a counter each claim bumps. */
  static final JobTable JOBS = new JobTable(SqliteDialect.SQLITE, "lease_until", "version");

  /** The columns of a job, as {@link #job} reads them. */
  static final String COLUMNS = JOBS.columns();

  /** Rows that are jobs (the others record a path's removal, for the order per path). */
  static final String IS_JOB = JobTable.IS_JOB;

  private JobRows() {}

  /** A job row: {@link JobTable#job}. */
  static Job job(ResultSet rs) throws SQLException {
    return JOBS.job(rs);
  }

  static Optional<Job> find(Connection c, long id) throws SQLException {
    return JOBS.find(c, id);
  }

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

  /** Binds {@code values} from parameter 1 on: {@link JobTable#bind}; returns the next index. */
  static int bind(PreparedStatement ps, Object... values) throws SQLException {
    return JOBS.bind(ps, values);
  }
}
