package io.codequery.queue;

import io.codequery.project.RepoPath;
import io.codequery.sqlstore.TextBounds;
import io.codequery.store.Job;
import io.codequery.store.JobState;
import io.codequery.store.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/** Row mapping of the {@code jobs} table: its columns, a row as a {@link Job}, and binding. */
final class JobRows {
  static final String COLUMNS =
      "id, commit_id, file, blob_id, state, attempts, not_before, lease_owner, lease_until,"
          + " version, created_at, updated_at, exit_code, duration_ms, output, error, force,"
          + " outcome, note";

  /** Rows that are jobs (the others record a path's removal, for the order per path). */
  static final String IS_JOB = "kind = 'document'";

  private JobRows() {}

  static Job job(ResultSet rs) throws SQLException {
    long leaseUntil = rs.getLong("lease_until");
    Instant lease = rs.wasNull() ? null : Instant.ofEpochMilli(leaseUntil);
    int exit = rs.getInt("exit_code");
    Integer exitCode = rs.wasNull() ? null : exit;
    long duration = rs.getLong("duration_ms");
    Long durationMs = rs.wasNull() ? null : duration;
    return new Job(
        rs.getLong("id"),
        rs.getString("commit_id"),
        RepoPath.ofBytes(rs.getBytes("file")),
        rs.getString("blob_id"),
        JobState.of(rs.getString("state")),
        rs.getInt("attempts"),
        Instant.ofEpochMilli(rs.getLong("not_before")),
        rs.getString("lease_owner"),
        lease,
        rs.getLong("version"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        exitCode,
        durationMs,
        rs.getString("output"),
        rs.getString("error"),
        rs.getInt("force") != 0,
        Outcome.of(rs.getString("outcome")),
        rs.getString("note"));
  }

  static Optional<Job> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ? AND " + IS_JOB)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(job(rs)) : Optional.empty();
      }
    }
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

  /** Binds {@code values} from parameter 1 on (null as SQL NULL); returns the next index. */
  static int bind(PreparedStatement ps, Object... values) throws SQLException {
    int i = 1;
    for (Object v : values) {
      if (v == null) {
        ps.setNull(i++, Types.NULL);
      } else {
        ps.setObject(i++, v);
      }
    }
    return i;
  }

  /** {@code s} cut to {@code maxChars}: {@link TextBounds#bound}. */
  static String bound(String s, int maxChars) {
    return TextBounds.bound(s, maxChars);
  }
}
