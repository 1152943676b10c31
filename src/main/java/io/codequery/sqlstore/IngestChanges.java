package io.codequery.sqlstore;

import io.codequery.project.RepoPath;
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
 * The ingestion protocol, inside one transaction the caller holds: each change of a commit becomes
 * a row of the jobs table — a job for a file to document, a done {@code removal} row for a path
 * that left — so that every change of a path takes its place in one sequence (the row id, in
 * ingestion order). That sequence is the order per path: a row supersedes the pending jobs of its
 * path queued before it, and a result is stored only if no newer change of its path forbids it
 * ({@link NewerChange#refusesDocumentOf}). Documents move and leave here, at once.
 *
 * <p>The ingest holds the order per path exclusively ({@link SqlDialect#lockOrder}) from its first
 * row to its commit, so that the ids of concurrent ingests follow their commit order.
 */
public final class IngestChanges implements AutoCloseable {
  private final Connection c;
  private final SqlDialect dialect;
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

  private IngestChanges(
      Connection c, SqlDialect dialect, String commit, IngestOptions options, String now)
      throws SQLException {
    this.c = c;
    this.dialect = dialect;
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
            "UPDATE jobs SET state = 'done', outcome = 'superseded', note = ?, "
                + dialect.fenceOfPending()
                + "updated_at = "
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

  /**
   * Records {@code changes} of {@code commit}; see {@link io.codequery.store.JobStore#ingest}.
   *
   * @param now the operation's time, as SQL (see {@link SqlDialect})
   */
  public static Ingested run(
      Connection c,
      SqlDialect dialect,
      String commit,
      List<PathChange> changes,
      IngestOptions options,
      String now)
      throws SQLException {
    dialect.lockOrder(c, true);
    try (IngestChanges ingest = new IngestChanges(c, dialect, commit, options, now)) {
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
        removed += DocumentRows.remove(c, dialect, r.path());
      }
    } else {
      PathChange.Move m = (PathChange.Move) change;
      String why = "renamed to " + m.path().display() + " in this commit";
      Optional<Long> at = insertRow(m.from(), null, "removal", why);
      if (at.isPresent()) {
        moved += DocumentRows.move(c, dialect, m.from(), m.path(), at.get());
      }
      document(m.path(), m.blob());
    }
  }

  private void document(RepoPath path, String blob) throws SQLException {
    if (!options.force() && options.unlessDocumentedBy() != null && blob != null) {
      Optional<DocumentEntry> current = DocumentRows.findEntry(c, dialect, path);
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
    dialect.bindPath(requeue, 2, path);
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
    dialect.bindPath(insert, 2, path);
    insert.setString(3, blob);
    insert.setString(4, removal ? "done" : "pending");
    insert.setString(5, kind);
    insert.setBoolean(6, options.force() && !removal);
    insert.setString(7, dialect.text(note));
    long id;
    try (ResultSet rs = insert.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      id = rs.getLong(1);
    }
    supersede.setString(
        1,
        dialect.text(
            "not run: a newer change of its path came first (commit "
                + commit
                + (removal ? ", " + note : "")
                + ")"));
    dialect.bindPath(supersede, 2, path);
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
