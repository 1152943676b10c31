package io.codequery.docs;

import io.codequery.hooks.TrackedFiles;
import io.codequery.project.ProjectLayout;
import io.codequery.project.RepoPath;
import io.codequery.storage.OpenStore;
import io.codequery.store.Document;
import io.codequery.store.DocumentCounts;
import io.codequery.store.DocumentEntry;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import io.codequery.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The documentation, as people and assistants ask for it: search, one file's document, status, the
 * list. One place for the CLI's {@code docs} commands and the MCP server; every answer is data
 * ({@link DocsJson} shapes it as JSON). Reads only: the store is opened read-only (a user who may
 * only read {@code .code-query/} can ask too), and a project without a store has no documents yet.
 * Thread-safe.
 */
public final class DocsQueries {
  private final ProjectLayout layout;
  private final Clock clock;

  public DocsQueries(ProjectLayout layout, Clock clock) {
    this.layout = layout;
    this.clock = clock;
  }

  public DocsQueries(ProjectLayout layout) {
    this(layout, Clock.systemUTC());
  }

  /** A search of the current documents (none where nothing is documented yet). */
  public SearchOutcome search(SearchRequest request) {
    Optional<String> unsearchable = request.unsearchable();
    if (unsearchable.isPresent()) {
      return new SearchOutcome.Unsearchable(unsearchable.get());
    }
    return read(s -> s.search(request)).orElse(new SearchOutcome.Hits(List.of(), false));
  }

  /**
   * The current document of {@code given}, a project-relative path as {@code docs search} prints it
   * (a name that is not UTF-8 in its escaped form, {@code x\xff.txt}). Refused, without reading
   * anything, where it could lead out of the repository.
   */
  public ShowResult show(String given) {
    UserPath user = UserPath.of(layout.root(), given);
    if (user.refusal() != null) {
      return new ShowResult.Refused(user.refusal());
    }
    Optional<Optional<Document>> found =
        read(
            s -> {
              Optional<Document> d = s.document(user.path());
              if (d.isEmpty()) {
                // Not UTF-8 on disk: the user typed its display form, which names one path only.
                d =
                    s.documents().stream()
                        .filter(e -> e.path().display().equals(given))
                        .findFirst()
                        .flatMap(e -> s.document(e.path()));
              }
              return d;
            });
    if (found.isPresent() && found.get().isPresent()) {
      return new ShowResult.Found(found.get().get());
    }
    String why =
        found.isEmpty()
            ? "nothing is documented in this project yet (`code-query queue add --all`)"
            : "no current document: not tracked, not documented yet, or deleted"
                + " (`code-query docs list` shows what is)";
    return new ShowResult.NotDocumented(user.path(), why);
  }

  /** How far the documentation of HEAD is. */
  public DocsStatus status() {
    Optional<TrackedFiles.Tree> head = TrackedFiles.atHead(layout.root());
    Map<RepoPath, String> blobs = headBlobs(head);
    DocumentCounts counts = read(Store::documentCounts).orElse(new DocumentCounts(0, 0, 0, 0, 0));
    long documented = 0;
    for (DocumentEntry e : read(Store::documents).orElse(List.of())) {
      String blob = blobs.get(e.path());
      if (blob != null && blob.equals(e.blob())) {
        documented++;
      }
    }
    return new DocsStatus(
        head.map(TrackedFiles.Tree::commit).orElse(null),
        blobs.size(),
        documented,
        blobs.size() - documented,
        counts.pending(),
        counts.failed(),
        counts.alreadyDocumented());
  }

  /**
   * The current documents in path order, each beside HEAD's content of its file; with {@code
   * staleOnly}, those that do not describe it.
   */
  public List<ListedDocument> list(boolean staleOnly) {
    Map<RepoPath, String> blobs = headBlobs(TrackedFiles.atHead(layout.root()));
    List<ListedDocument> listed = new ArrayList<>();
    for (DocumentEntry e : read(Store::documents).orElse(List.of())) {
      String head = blobs.get(e.path());
      boolean stale = head == null || !head.equals(e.blob());
      if (stale || !staleOnly) {
        listed.add(new ListedDocument(e, head, stale));
      }
    }
    return listed;
  }

  private static Map<RepoPath, String> headBlobs(Optional<TrackedFiles.Tree> head) {
    Map<RepoPath, String> blobs = new HashMap<>();
    head.ifPresent(t -> t.files().forEach(f -> blobs.put(f.path(), f.blob())));
    return blobs;
  }

  /** {@code query} on the store, read-only; empty where the project has no store yet. */
  private <T> Optional<T> read(Function<Store, T> query) {
    return OpenStore.reader(layout, clock).read(query);
  }
}
