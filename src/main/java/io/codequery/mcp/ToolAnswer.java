package io.codequery.mcp;

import io.codequery.docs.DocsJson;
import java.util.Map;

/**
 * What a tool answers: the JSON object the CLI's {@code --json} prints for the same question, and
 * whether it is an error ({@code {"error": "…"}}: a refusal, nothing documented, a broken store).
 */
record ToolAnswer(Map<String, Object> json, boolean isError) {
  static ToolAnswer of(Map<String, Object> json) {
    return new ToolAnswer(json, false);
  }

  static ToolAnswer error(String message) {
    return new ToolAnswer(DocsJson.error(message), true);
  }
}
