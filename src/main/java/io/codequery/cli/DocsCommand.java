package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.docs.DocsJson;
import io.codequery.docs.DocsQueries;
import io.codequery.docs.DocsStatus;
import io.codequery.docs.ListedDocument;
import io.codequery.docs.ShowResult;
import io.codequery.log.WorkerLog;
import io.codequery.project.ProjectLayout;
import io.codequery.store.Document;
import io.codequery.store.SearchHit;
import io.codequery.store.SearchOutcome;
import io.codequery.store.SearchRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code docs search | show | status | list}: the documentation the worker keeps. Exit 0 found, 1
 * nothing found or not documented, 2 usage or error; with {@code --json} every outcome is one JSON
 * object on stdout ({@link DocsJson}), errors as {@code {"error": "…"}}.
 */
@Command(
    name = "docs",
    description = "Read and search the documentation the worker keeps (.code-query/queue.db).")
final class DocsCommand {
  static final int FOUND = 0;
  static final int NOTHING = 1;
  static final int ERROR = 2;

  @Spec CommandSpec spec;

  private DocsQueries queries() {
    return new DocsQueries(ProjectLayout.of(Main.projectRoot(spec)));
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private int json(Map<String, Object> m, int code) {
    out().println(JsonOut.write(m));
    return code;
  }

  /** A refusal or an error: one line on stderr, or {@code {"error"}} with {@code --json}. */
  private int error(boolean json, String message, int code) {
    if (json) {
      return json(DocsJson.error(message), code);
    }
    err().println("✗ " + message);
    return code;
  }

  @Command(
      name = "search",
      description =
          "Search the current documents: every word must match; \"a phrase\", prefix*, OR and"
              + " NOT work. Exit: 0 found, 1 nothing found, 2 no word to search for.")
  int search(
      @Parameters(index = "0", paramLabel = "QUERY", description = "What to look for.")
          String query,
      @Option(
              names = "--limit",
              defaultValue = "10",
              paramLabel = "N",
              description = "At most N results, best first (1 to 1000; default: ${DEFAULT-VALUE}).")
          int limit,
      @Option(
              names = "--path",
              paramLabel = "GLOB",
              description =
                  "Only paths matching GLOB, as git matches pathspecs (*.java is every Java file;"
                      + " a directory matches everything below it).")
          String glob,
      @Option(names = "--json", description = "Print one JSON object.") boolean json) {
    SearchOutcome outcome;
    try {
      outcome = queries().search(new SearchRequest(query, limit, glob));
    } catch (CodeQueryException e) {
      return error(json, e.getMessage(), ERROR);
    }
    if (outcome instanceof SearchOutcome.Unsearchable u) {
      return error(json, u.reason(), ERROR);
    }
    SearchOutcome.Hits hits = (SearchOutcome.Hits) outcome;
    int code = hits.hits().isEmpty() ? NOTHING : FOUND;
    if (json) {
      return json(DocsJson.search(query, hits), code);
    }
    if (hits.asPlainWords()) {
      err().println("! the query's syntax was not understood; searched for its words instead");
    }
    if (hits.hits().isEmpty()) {
      err().println("no document matches \"" + WorkerLog.escape(query) + "\"");
      return code;
    }
    for (SearchHit h : hits.hits()) {
      out()
          .printf(
              "%s  (score %.2f, commit %s)%n    %s%n",
              h.path().display(), h.score(), shortId(h.commit()), oneLine(h.snippet()));
    }
    return code;
  }

  @Command(
      name = "show",
      description =
          "The current document of a file. Exit: 0 shown, 1 not documented, 2 a path outside"
              + " the repository (refused, nothing read).")
  int show(
      @Parameters(
              index = "0",
              paramLabel = "PATH",
              description = "The file, relative to the project root (as docs search prints it).")
          String path,
      @Option(names = "--json", description = "Print one JSON object.") boolean json) {
    ShowResult result;
    try {
      result = queries().show(path);
    } catch (CodeQueryException e) {
      return error(json, e.getMessage(), ERROR);
    }
    if (result instanceof ShowResult.Refused r) {
      return error(json, r.reason(), ERROR);
    }
    if (result instanceof ShowResult.NotDocumented n) {
      return error(json, n.path().display() + ": " + n.reason(), NOTHING);
    }
    Document d = ((ShowResult.Found) result).document();
    if (json) {
      return json(DocsJson.document(d), FOUND);
    }
    out()
        .println(
            d.path().display()
                + "  (commit "
                + shortId(d.commit())
                + ", documented "
                + d.documentedAt()
                + " by "
                + d.processor()
                + ")");
    out().println();
    out().print(d.text());
    if (!d.text().endsWith("\n")) {
      out().println();
    }
    if (d.truncated()) {
      out()
          .println(
              "[truncated: the processor wrote "
                  + d.writtenBytes()
                  + " bytes; the document keeps their head and tail]");
    }
    return FOUND;
  }

  @Command(
      name = "status",
      description =
          "How far the documentation of HEAD is: tracked, documented, stale, pending, failed."
              + " Exit: 0, 2 on error.")
  int status(@Option(names = "--json", description = "Print one JSON object.") boolean json) {
    DocsStatus s;
    try {
      s = queries().status();
    } catch (CodeQueryException e) {
      return error(json, e.getMessage(), ERROR);
    }
    if (json) {
      return json(DocsJson.status(s), FOUND);
    }
    out()
        .println(
            s.tracked()
                + " tracked file(s)"
                + (s.commit() == null ? " (no commit yet)" : " at " + shortId(s.commit()))
                + ": "
                + s.documented()
                + " documented, "
                + s.stale()
                + " stale; "
                + s.pending()
                + " pending, "
                + s.failed()
                + " failed; "
                + s.skipped()
                + " job(s) skipped (content documented already)");
    if (s.stale() > 0 && s.pending() == 0) {
      out().println("  `code-query queue add --all` queues what is stale");
    }
    if (s.failed() > 0) {
      out().println("  `code-query queue list --state failed` says why; `queue retry` retries");
    }
    return FOUND;
  }

  @Command(
      name = "list",
      description =
          "The documented files; --stale: those whose document does not describe HEAD's content."
              + " Exit: 0 listed, 1 none.")
  int list(
      @Option(names = "--stale", description = "Only documents that are out of date.")
          boolean staleOnly,
      @Option(names = "--json", description = "Print one JSON object.") boolean json) {
    List<ListedDocument> docs;
    try {
      docs = queries().list(staleOnly);
    } catch (CodeQueryException e) {
      return error(json, e.getMessage(), ERROR);
    }
    int code = docs.isEmpty() ? NOTHING : FOUND;
    if (json) {
      return json(DocsJson.list(docs), code);
    }
    if (docs.isEmpty()) {
      err().println(staleOnly ? "no stale document" : "no document yet");
    }
    for (ListedDocument l : docs) {
      out()
          .println(
              l.entry().path().display()
                  + "  "
                  + shortId(l.entry().commit())
                  + (l.stale()
                      ? l.headBlob() == null ? "  stale: not tracked at HEAD" : "  stale"
                      : ""));
    }
    return code;
  }

  private static String shortId(String commit) {
    return commit.length() > 10 ? commit.substring(0, 10) : commit;
  }

  /** A snippet on one line: its line breaks as spaces, other control characters escaped. */
  private static String oneLine(String snippet) {
    return WorkerLog.escape(snippet.replaceAll("\\s+", " ").strip());
  }
}
