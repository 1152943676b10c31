package io.codequery.queue;

import io.codequery.hooks.CommitFiles;
import io.codequery.hooks.TrackedFiles;
import io.codequery.project.RepoPath;
import io.codequery.store.DocumentEntry;
import io.codequery.store.IngestOptions;
import io.codequery.store.Ingested;
import io.codequery.store.PathChange;
import io.codequery.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code queue add --all}: every file git tracks at a commit brought into the store — a job for
 * each file whose content is not documented yet by the configured processor, and the documents of
 * files no longer tracked removed. In batches, each one transaction, so that an interruption
 * (Ctrl-C) between or during them leaves a consistent queue, and running it again finishes the work
 * (what a batch queued is not queued twice).
 */
public final class Backfill {
  /** Files per transaction: small enough to show progress, large enough to cost little. */
  static final int BATCH = 500;

  private Backfill() {}

  /** How far a backfill is: files looked at, of how many. */
  public record Progress(int done, int total) {}

  /**
   * What a backfill did.
   *
   * @param commit the commit whose tree was brought in
   * @param files the regular files tracked there
   * @param submodules submodules there (not documented)
   * @param symlinks symbolic links there (not documented)
   * @param ingested what the store recorded (queued, already documented, removed)
   * @param interrupted true where {@code stop} ended it before every file was looked at
   */
  public record Result(
      String commit,
      int files,
      long submodules,
      long symlinks,
      Ingested ingested,
      boolean interrupted) {}

  /**
   * Brings the tree of {@code revision} into {@code store}.
   *
   * @param processor the processor that documents (its documents of the same content are kept)
   * @param force queue every file even where documented already
   * @param progress told after each batch
   * @param stop polled between batches; true ends the backfill there
   */
  public static Result run(
      Store store,
      Path root,
      String revision,
      String processor,
      boolean force,
      Consumer<Progress> progress,
      BooleanSupplier stop) {
    TrackedFiles.Tree tree = TrackedFiles.at(root, revision);
    List<TrackedFiles.Entry> files = tree.files();
    List<PathChange> changes = new ArrayList<>(files.size());
    Set<RepoPath> tracked = new HashSet<>();
    for (TrackedFiles.Entry f : files) {
      tracked.add(f.path());
    }
    // Documents of paths that left git without their removal being seen (commits queued while
    // code-query was not looking, a branch switched): removed first, so search never holds them.
    for (DocumentEntry d : store.documents()) {
      if (!tracked.contains(d.path())) {
        changes.add(new PathChange.Remove(d.path()));
      }
    }
    for (TrackedFiles.Entry f : files) {
      changes.add(new PathChange.Document(f.path(), f.blob()));
    }
    IngestOptions options = new IngestOptions(force, force ? null : processor);
    Ingested total = Ingested.NOTHING;
    int done = 0;
    progress.accept(new Progress(0, changes.size()));
    boolean interrupted = false;
    for (int from = 0; from < changes.size(); from += BATCH) {
      if (stop.getAsBoolean()) {
        interrupted = true;
        break;
      }
      List<PathChange> batch = changes.subList(from, Math.min(changes.size(), from + BATCH));
      total = total.plus(store.ingest(tree.commit(), batch, options));
      done += batch.size();
      progress.accept(new Progress(done, changes.size()));
    }
    return new Result(
        tree.commit(),
        files.size(),
        tree.count(CommitFiles.Kind.GITLINK),
        tree.count(CommitFiles.Kind.SYMLINK),
        total,
        interrupted);
  }
}
