package io.codequery.docs;

import io.codequery.project.RepoPath;
import io.codequery.store.Document;

/** What {@link DocsQueries#show} found for a path a user gave. */
public sealed interface ShowResult {
  /** The path's current document. */
  record Found(Document document) implements ShowResult {}

  /** The path is inside the project, but has no document; {@code reason} says why, if known. */
  record NotDocumented(RepoPath path, String reason) implements ShowResult {}

  /** The path was refused without reading anything: {@code reason} names it and says why. */
  record Refused(String reason) implements ShowResult {}
}
