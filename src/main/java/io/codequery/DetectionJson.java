package io.codequery;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of a detection, as a map with snake_case keys in a fixed order, for {@code worker status
 * --json} and the MCP server's {@code worker_status} alike: {@code {"outcome", "pid", "reason",
 * "pid_file", "cleaned_up"}}, {@code pid} null where the PID file named none.
 */
public final class DetectionJson {
  private DetectionJson() {}

  public static Map<String, Object> of(Detection d, Path pidFile) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outcome", d.outcome());
    m.put("pid", d.pid().isPresent() ? d.pid().getAsInt() : null);
    m.put("reason", d.reason());
    m.put("pid_file", pidFile.toString());
    m.put("cleaned_up", d.cleanedUp());
    return m;
  }
}
