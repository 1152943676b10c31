package io.codequery.mcp;

import io.codequery.store.SearchRequest;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tools as a model sees them: names, descriptions and input schemas (JSON Schema 2020-12,
 * unknown arguments refused). Each answer is the JSON object the CLI prints with {@code --json} for
 * the same question; every tool only reads.
 */
final class ToolDefinitions {
  static final String SEARCH_DOCS = "search_docs";
  static final String GET_DOC = "get_doc";
  static final String DOCS_STATUS = "docs_status";
  static final String WORKER_STATUS = "worker_status";
  static final String QUEUE_STATUS = "queue_status";

  static final int DEFAULT_LIMIT = 10;

  /** Longer queries are refused by the schema: nobody types one, and each costs the index. */
  static final int MAX_QUERY_LENGTH = 4096;

  private ToolDefinitions() {}

  static McpSchema.Tool searchDocs() {
    Map<String, Object> query =
        property(
            "string",
            "What to look for, at most "
                + SearchRequest.MAX_WORDS
                + " words. Every word must match; \"a phrase\" in double quotes, prefix* and"
                + " OR / NOT work. A query whose syntax the index refuses is searched as plain"
                + " words.");
    query.put("minLength", 1);
    query.put("maxLength", MAX_QUERY_LENGTH);
    Map<String, Object> limit =
        property(
            "integer", "At most this many results, best first (default " + DEFAULT_LIMIT + ").");
    limit.put("minimum", 1);
    limit.put("maximum", SearchRequest.MAX_LIMIT);
    limit.put("default", DEFAULT_LIMIT);
    Map<String, Object> path =
        property(
            "string",
            "Only files whose path matches this glob, as git matches pathspecs: *.java is every"
                + " Java file at any depth, src/worker is everything below that directory.");
    path.put("minLength", 1);
    return tool(
        SEARCH_DOCS,
        "Search the documentation",
        "Full-text search of the documentation code-query keeps for this project: one current"
            + " document per file git tracks, written by the project's documentation command"
            + " when the file is committed. Answers {\"query\", \"results\": [{\"path\","
            + " \"commit\", \"score\", \"snippet\"}]}, best first (a higher score is a better"
            + " match; matched words in the snippet are between ** and **). No match: an empty"
            + " results list. Read a whole document with get_doc.",
        schema(List.of("query"), "query", query, "limit", limit, "path", path));
  }

  static McpSchema.Tool getDoc() {
    Map<String, Object> path =
        property(
            "string",
            "The file's path relative to the project root, as search_docs answers it (e.g."
                + " src/main/java/App.java). Absolute paths, .. segments and paths through a"
                + " symbolic link are refused, and nothing is read.");
    path.put("minLength", 1);
    return tool(
        GET_DOC,
        "Read a file's documentation",
        "The current document of one file: {\"path\", \"commit\", \"blob\", \"processor\","
            + " \"documented_at\", \"text\", \"truncated\", \"written_bytes\"}; text is the"
            + " document itself, commit and blob the content it describes. An error where the"
            + " file has no document (not tracked, not documented yet, or deleted).",
        schema(List.of("path"), "path", path));
  }

  static McpSchema.Tool docsStatus() {
    return tool(
        DOCS_STATUS,
        "Documentation status",
        "How far the documentation of the commit checked out (HEAD) is: {\"tracked\","
            + " \"documented\", \"stale\", \"pending\", \"failed\", \"skipped\", \"commit\"}."
            + " stale counts tracked files whose content at HEAD has no document yet, pending the"
            + " jobs waiting or running, failed those that failed for good.",
        schema(List.of()));
  }

  static McpSchema.Tool workerStatus() {
    return tool(
        WORKER_STATUS,
        "Is the worker running?",
        "Whether the project's background documentation worker is running: {\"outcome\","
            + " \"pid\", \"reason\", \"pid_file\", \"cleaned_up\"}, outcome one of running,"
            + " stale, invalid, not_running, unknown. Only looks: a stale PID file is reported,"
            + " never removed (cleaned_up is always false here).",
        schema(List.of()));
  }

  static McpSchema.Tool queueStatus() {
    return tool(
        QUEUE_STATUS,
        "Documentation job queue",
        "The documentation jobs by state and the commits waiting to be queued: {\"pending\","
            + " \"running\", \"done\", \"failed\", \"spool_waiting\", \"spool_rejected\"}.",
        schema(List.of()));
  }

  private static McpSchema.Tool tool(
      String name, String title, String description, Map<String, Object> inputSchema) {
    return McpSchema.Tool.builder(name, inputSchema)
        .title(title)
        .description(description)
        .annotations(
            McpSchema.ToolAnnotations.builder()
                .title(title)
                .readOnlyHint(true)
                .destructiveHint(false)
                .idempotentHint(true)
                .openWorldHint(false)
                .build())
        .build();
  }

  private static Map<String, Object> property(String type, String description) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", type);
    p.put("description", description);
    return p;
  }

  /** An object schema: {@code nameAndSchema} alternates property names and their schemas. */
  private static Map<String, Object> schema(List<String> required, Object... nameAndSchema) {
    Map<String, Object> properties = new LinkedHashMap<>();
    for (int i = 0; i < nameAndSchema.length; i += 2) {
      properties.put((String) nameAndSchema[i], nameAndSchema[i + 1]);
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "object");
    s.put("properties", properties);
    if (!required.isEmpty()) {
      s.put("required", required);
    }
    s.put("additionalProperties", false);
    return s;
  }
}
