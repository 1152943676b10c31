package io.codequery.queue;

import io.codequery.CodeQueryException;
import io.codequery.hooks.CommitFiles;
import io.codequery.store.PathChange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A commit's listing ({@link CommitFiles}) as changes for the store: a file added, copied, modified
 * or re-typed into a file is to be documented; a file deleted, or re-typed into a link or a
 * submodule, leaves; a file renamed moves (its new name to be documented: the store skips it where
 * the content is the same). Links and submodules are no files to document: their additions and
 * changes are left out.
 */
public final class ListingChanges {
  private ListingChanges() {}

  /**
   * The changes of {@code listing}; an entry whose path the store refuses is left out and told to
   * {@code refused} (with the reason).
   */
  public static List<PathChange> of(CommitFiles.Listing listing, Consumer<String> refused) {
    List<PathChange> changes = new ArrayList<>();
    for (CommitFiles.Change c : listing.changes()) {
      try {
        PathChange change = of(c);
        if (change != null) {
          changes.add(change);
        }
      } catch (CodeQueryException e) {
        refused.accept(e.getMessage());
      }
    }
    return changes;
  }

  /** The store's change for one entry; null where there is none (links, submodules, unmerged). */
  static PathChange of(CommitFiles.Change c) {
    boolean wasFile = c.oldKind() == CommitFiles.Kind.FILE;
    boolean isFile = c.newKind() == CommitFiles.Kind.FILE;
    return switch (c.status()) {
      case ADDED, COPIED, MODIFIED ->
          isFile ? new PathChange.Document(c.newPath(), c.newBlob()) : null;
      case TYPE_CHANGED ->
          isFile
              ? new PathChange.Document(c.newPath(), c.newBlob())
              : wasFile ? new PathChange.Remove(c.newPath()) : null;
      case DELETED -> wasFile ? new PathChange.Remove(c.oldPath()) : null;
      case RENAMED ->
          isFile
              ? new PathChange.Move(c.oldPath(), c.newPath(), c.newBlob())
              : wasFile ? new PathChange.Remove(c.oldPath()) : null;
      case UNMERGED, UNKNOWN -> null;
    };
  }
}
