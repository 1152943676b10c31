package io.codequery.mcp;

import io.codequery.CodeQueryException;
import io.codequery.Detection;
import io.codequery.DetectionJson;
import io.codequery.MinimalWorkerDetector;
import io.codequery.config.ConfigLoader;
import io.codequery.docs.DocsJson;
import io.codequery.docs.DocsQueries;
import io.codequery.docs.ShowResult;
import io.codequery.project.ProjectLayout;
import io.codequery.queue.QueueStatus;
import io.codequery.storage.OpenStore;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The tools' answers: their arguments in, the JSON of the CLI's {@code --json} for the same
 * question out ({@code docs search}, {@code docs show}, {@code docs status}, {@code worker status},
 * {@code queue status}), through the same library calls. Reads only: {@code worker_status} asks the
 * minimal detector, which never removes a stale PID file (the CLI's {@code worker status} does and
 * says {@code "cleaned_up": true}; here it is always false). What cannot be answered (wrong
 * arguments, a refused path, a broken store or config) is an error answer with the message the CLI
 * prints. Thread-safe.
 */
final class ToolCalls {
  private final ProjectLayout layout;
  private final DocsQueries docs;
  private final Clock clock;

  ToolCalls(ProjectLayout layout, Clock clock) {
    this.layout = layout;
    this.docs = new DocsQueries(layout, clock);
    this.clock = clock;
  }

  ToolAnswer searchDocs(Map<String, Object> args) {
    return answering(() -> search(args));
  }

  ToolAnswer getDoc(Map<String, Object> args) {
    return answering(() -> show(args));
  }

  ToolAnswer docsStatus(Map<String, Object> args) {
    return answering(
        () -> {
          ToolArguments.none(ToolDefinitions.DOCS_STATUS, args);
          return ToolAnswer.of(DocsJson.status(docs.status()));
        });
  }

  ToolAnswer workerStatus(Map<String, Object> args) {
    return answering(
        () -> {
          ToolArguments.none(ToolDefinitions.WORKER_STATUS, args);
          Detection d = new MinimalWorkerDetector(layout.root()).detect();
          return ToolAnswer.of(DetectionJson.of(d, layout.pidFile()));
        });
  }

  ToolAnswer queueStatus(Map<String, Object> args) {
    return answering(
        () -> {
          ToolArguments.none(ToolDefinitions.QUEUE_STATUS, args);
          if (Files.exists(layout.queueDatabase(), LinkOption.NOFOLLOW_LINKS)) {
            // As `queue status` does, a broken config is said here too (read only: hook.conf,
            // which the CLI refreshes on the way, is left alone).
            ConfigLoader.load(layout.configFile(), layout.name());
          }
          return ToolAnswer.of(QueueStatus.read(layout, OpenStore.reader(layout, clock)).json());
        });
  }

  private static ToolAnswer answering(Supplier<ToolAnswer> answer) {
    try {
      return answer.get();
    } catch (CodeQueryException e) {
      return ToolAnswer.error(e.getMessage());
    }
  }

  private ToolAnswer search(Map<String, Object> args) {
    ToolArguments a =
        new ToolArguments(ToolDefinitions.SEARCH_DOCS, args, "query", "limit", "path");
    String query = a.requiredString("query");
    int limit = a.optionalInt("limit", ToolDefinitions.DEFAULT_LIMIT);
    String glob = a.optionalString("path");
    if (limit < 1 || limit > SearchRequest.MAX_LIMIT) {
      // Said here in the tool's words: SearchRequest's message names the CLI's --limit.
      throw a.bad("limit", "must be from 1 to " + SearchRequest.MAX_LIMIT + ", found " + limit);
    }
    SearchOutcome outcome = docs.search(new SearchRequest(query, limit, glob));
    if (outcome instanceof SearchOutcome.Unsearchable u) {
      return ToolAnswer.error(u.reason());
    }
    return ToolAnswer.of(DocsJson.search(query, (SearchOutcome.Hits) outcome));
  }

  private ToolAnswer show(Map<String, Object> args) {
    String path = new ToolArguments(ToolDefinitions.GET_DOC, args, "path").requiredString("path");
    ShowResult result = docs.show(path);
    if (result instanceof ShowResult.Refused r) {
      return ToolAnswer.error(r.reason());
    }
    if (result instanceof ShowResult.NotDocumented n) {
      return ToolAnswer.error(n.path().display() + ": " + n.reason());
    }
    return ToolAnswer.of(DocsJson.document(((ShowResult.Found) result).document()));
  }

  /** Thrown where a call's arguments are wrong; its message names the tool and the argument. */
  static final class BadArguments extends CodeQueryException {
    private static final long serialVersionUID = 1L;

    BadArguments(String message) {
      super(message);
    }
  }
}
