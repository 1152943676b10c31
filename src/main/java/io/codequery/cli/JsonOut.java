package io.codequery.cli;

import com.google.gson.GsonBuilder;
import io.codequery.Detection;
import io.codequery.DetectionJson;
import java.nio.file.Path;
import java.util.Map;

/** JSON output: one object per command, keys in snake_case. */
final class JsonOut {
  private JsonOut() {}

  static String write(Object value) {
    return new GsonBuilder()
        .serializeNulls()
        .disableHtmlEscaping()
        .serializeSpecialFloatingPointValues()
        .create()
        .toJson(value);
  }

  static Map<String, Object> detection(Detection d, Path pidFile) {
    return DetectionJson.of(d, pidFile); // the MCP server's worker_status answers the same
  }
}
