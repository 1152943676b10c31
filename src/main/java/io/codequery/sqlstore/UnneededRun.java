package io.codequery.sqlstore;

import io.codequery.store.DocumentEntry;
import io.codequery.store.Job;
import io.codequery.store.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Why a claimed job need not run, in its row's words: a newer change of its path came after it
 * ({@link Outcome#SUPERSEDED}), or its path's document already describes its content and was made
 * by the same processor ({@link Outcome#ALREADY_DOCUMENTED}; never for a forced job).
 *
 * @param outcome what becomes of the job
 * @param note the job's note, saying why
 */
public record UnneededRun(Outcome outcome, String note) {
  /** Why {@code job} need not run for {@code processor}; empty where it must run. */
  public static Optional<UnneededRun> of(
      Connection c, SqlDialect dialect, Job job, String processor) throws SQLException {
    Optional<NewerChange> newer = NewerChange.of(c, dialect, job);
    if (newer.isPresent()) {
      return Optional.of(new UnneededRun(Outcome.SUPERSEDED, "not run: " + newer.get().describe()));
    }
    if (job.blob() == null || job.force()) {
      return Optional.empty();
    }
    Optional<DocumentEntry> current = DocumentRows.findEntry(c, dialect, job.file());
    if (current.isEmpty()
        || !job.blob().equals(current.get().blob())
        || !processor.equals(current.get().processor())) {
      return Optional.empty();
    }
    return Optional.of(
        new UnneededRun(
            Outcome.ALREADY_DOCUMENTED,
            "not run: this content is documented already (blob "
                + job.blob()
                + ", commit "
                + current.get().commit()
                + ", by "
                + processor
                + ")"));
  }
}
