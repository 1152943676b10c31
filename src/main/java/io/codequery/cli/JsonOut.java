package io.codequery.cli;

import com.google.gson.GsonBuilder;
import io.codequery.Detection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", d.outcome());
    m.put("pid", d.pid().isPresent() ? d.pid().getAsInt() : null);
    m.put("reason", d.reason());
    m.put("pid_file", pidFile.toString());
    m.put("cleaned_up", d.cleanedUp());
    return m;
  }
}
