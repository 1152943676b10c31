package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.queue.JobQueue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code worker health} reports the store: reachable, latency, schema version. */
class HealthStoreTest {
  @TempDir Path dir;
  Path root;
  Path db;

  @BeforeEach
  void init() throws Exception {
    root = dir.toRealPath();
    Files.createDirectories(root.resolve(".code-query"));
    db = root.resolve(".code-query/queue.db");
  }

  JsonObject store() {
    StringWriter out = new StringWriter();
    Main.execute(
        new String[] {"worker", "health", "--json", "--project-root", root.toString()},
        new PrintWriter(out),
        new PrintWriter(new StringWriter()));
    return JsonParser.parseString(out.toString()).getAsJsonObject().getAsJsonObject("store");
  }

  @Test
  void health_names_the_store_its_latency_and_schema_version() {
    try (JobQueue q = JobQueue.open(db, 2, Duration.ofSeconds(60), Clock.systemUTC())) {
      q.depth();
    }
    JsonObject s = store();
    assertEquals(
        List.of("url", "reachable", "latency_ms", "schema_version", "problem"),
        new ArrayList<>(s.keySet()));
    assertEquals("sqlite:" + db, s.get("url").getAsString());
    assertTrue(s.get("reachable").getAsBoolean());
    assertTrue(s.get("latency_ms").getAsDouble() >= 0);
    assertEquals(JobQueue.SCHEMA_VERSION, s.get("schema_version").getAsInt());
    assertTrue(s.get("problem").isJsonNull());

    StringWriter out = new StringWriter();
    Main.execute(
        new String[] {"worker", "health", "--project-root", root.toString()},
        new PrintWriter(out),
        new PrintWriter(new StringWriter()));
    assertTrue(out.toString().contains("store: sqlite:" + db + " (answered in "), out.toString());
  }

  @Test
  void a_store_not_created_yet_is_reachable_without_a_schema_and_is_not_created_by_health() {
    JsonObject s = store();
    assertTrue(s.get("reachable").getAsBoolean());
    assertTrue(s.get("schema_version").isJsonNull());
    assertFalse(Files.exists(db), "health creates nothing");
  }

  @Test
  void a_store_that_is_no_database_is_unreachable_and_says_why() throws Exception {
    Files.writeString(db, "this is not an SQLite database, just text that is long enough.\n");
    JsonObject s = store();
    assertFalse(s.get("reachable").getAsBoolean());
    assertTrue(s.get("latency_ms").isJsonNull());
    assertTrue(s.get("problem").getAsString().contains(db.toString()), s.toString());
  }
}
