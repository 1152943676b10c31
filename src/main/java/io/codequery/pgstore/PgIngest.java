package io.codequery.pgstore;

import io.codequery.project.RepoPath;
import io.codequery.sqlstore.DocumentRows;
import io.codequery.store.DocumentEntry;
import io.codequery.store.IngestOptions;
import io.codequery.store.Ingested;
import io.codequery.store.PathChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The ingestion protocol on PostgreSQL, inside one transaction the caller holds under the exclusive
 * ingest lock ({@link PgDialect#INGEST_LOCK}): each change of a commit becomes a row of the jobs
 * table — a job for a file to document, a done {@code removal} row for a path that left — whose id,
 * from the table's sequence, is its place in the order per path. The lock makes the ids of
 * concurrent ingests follow their commit order (two hosts ingesting at once would otherwise commit
 * ids out of order, and each would miss the other's rows when it supersedes older ones).
 */
final class PgIngest implements AutoCloseable {
  private final Connection c;
  private final String commit;
  private final IngestOptions options;
  private final PreparedStatement insert;
  private final PreparedStatement supersede;
  private final PreparedStatement requeue;

  private int queued;
  private int alreadyDocumented;
  private int removed;
  private int moved;
  private int superseded;

  private PgIngest(Connection c, String commit, IngestOptions options, String now)
      throws SQLException {
    this.c = c;
    this.commit = commit;
    this.options = options;
    this.insert =
        c.prepareStatement(
            "INSERT INTO jobs (commit_id, file, blob_id, state, created_at, updated_at, kind,"
                + " force, note) VALUES (?, ?, ?, ?, "
                + now
                + ", "
                + now
                + ", ?, ?, ?) ON CONFLICT (commit_id, file) DO NOTHING RETURNING id");
    this.supersede =
        c.prepareStatement(
            "UPDATE jobs SET state = 'done', outcome = 'superseded', note = ?, updated_at = "
                + now
                + " WHERE file = ? AND id < ? AND kind = 'document' AND state = 'pending'");
    // A job to run again is queued anew, as the newest change of its path: redone in place, its
    // row would stay older than a change of the path ingested after it (another branch's commit,
    // documented since), so its result would be refused as overtaken and the path stay stale.
    // Never while it runs: that run counts.
    this.requeue =
        c.prepareStatement(
            "DELETE FROM jobs WHERE commit_id = ? AND file = ? AND kind = 'document' AND state <>"
                + " 'running' AND (? OR state = 'done' OR EXISTS (SELECT 1 FROM jobs n WHERE"
                + " n.file = jobs.file AND n.id > jobs.id))");
  }

  /** Records {@code changes} of {@code commit}; see {@link io.codequery.store.JobStore#ingest}. */
  static Ingested run(
      Connection c, String commit, List<PathChange> changes, IngestOptions options, String now)
      throws SQLException {
    try (PgIngest ingest = new PgIngest(c, commit, options, now)) {
      for (PathChange change : changes) {
        ingest.apply(change);
      }
      return new Ingested(
          ingest.queued, ingest.alreadyDocumented, ingest.removed, ingest.moved, ingest.superseded);
    }
  }

  private void apply(PathChange change) throws SQLException {
    if (change instanceof PathChange.Document d) {
      document(d.path(), d.blob());
    } else if (change instanceof PathChange.Remove r) {
      if (insertRow(r.path(), null, "removal", "left git in this commit").isPresent()) {
        removed += DocumentRows.remove(c, PgDialect.POSTGRESQL, r.path());
      }
    } else {
      PathChange.Move m = (PathChange.Move) change;
      String why = "renamed to " + m.path().display() + " in this commit";
      Optional<Long> at = insertRow(m.from(), null, "removal", why);
      if (at.isPresent()) {
        moved += DocumentRows.move(c, PgDialect.POSTGRESQL, m.from(), m.path(), at.get());
      }
      document(m.path(), m.blob());
    }
  }

  private void document(RepoPath path, String blob) throws SQLException {
    if (!options.force() && options.unlessDocumentedBy() != null && blob != null) {
      Optional<DocumentEntry> current = DocumentRows.findEntry(c, PgDialect.POSTGRESQL, path);
      if (current.isPresent()
          && blob.equals(current.get().blob())
          && options.unlessDocumentedBy().equals(current.get().processor())) {
        alreadyDocumented++;
        return;
      }
    }
    if (insertRow(path, blob, "document", null).isPresent()) {
      queued++;
    } else if ((options.force() || (options.unlessDocumentedBy() != null && blob != null))
        && requeue(path)
        && insertRow(path, blob, "document", null).isPresent()) {
      queued++;
    }
  }

  /**
   * Removes this commit's job of {@code path} so that it can be queued anew, where it is to run
   * again: forced (unless it runs), or, for a backfill, whose content is not documented, when it is
   * done (its document was replaced since, or was another processor's) or overtaken by a newer
   * change of its path. A pending job that is its path's newest change stays (it is queued), and so
   * does a failed one ({@code queue retry} sends it again). The hook's ingestion of a commit seen
   * before changes nothing.
   */
  private boolean requeue(RepoPath path) throws SQLException {
    requeue.setString(1, commit);
    requeue.setBytes(2, path.bytes());
    requeue.setBoolean(3, options.force());
    return requeue.executeUpdate() > 0;
  }

  /**
   * Inserts the row of one change and supersedes the pending jobs of its path queued before it;
   * empty where this commit's row of the path exists already (ingested before: nothing changes).
   */
  private Optional<Long> insertRow(RepoPath path, String blob, String kind, String note)
      throws SQLException {
    boolean removal = kind.equals("removal");
    insert.setString(1, commit);
    insert.setBytes(2, path.bytes());
    insert.setString(3, blob);
    insert.setString(4, removal ? "done" : "pending");
    insert.setString(5, kind);
    insert.setBoolean(6, options.force() && !removal);
    insert.setString(7, PgRows.text(note));
    long id;
    try (ResultSet rs = insert.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      id = rs.getLong(1);
    }
    supersede.setString(
        1,
        PgRows.text(
            "not run: a newer change of its path came first (commit "
                + commit
                + (removal ? ", " + note : "")
                + ")"));
    supersede.setBytes(2, path.bytes());
    supersede.setLong(3, id);
    superseded += supersede.executeUpdate();
    return Optional.of(id);
  }

  @Override
  public void close() throws SQLException {
    try (insert;
        supersede;
        requeue) {
      // closes all three, reporting the first failure
    }
  }
}
