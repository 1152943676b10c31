package io.codequery.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.codequery.pgstore.PostgresStore;
import io.codequery.process.HostId;
import io.codequery.testing.CliProject;
import io.codequery.testing.CliProject.Run;
import io.codequery.testing.RealWorker;
import io.codequery.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project whose {@code store.url} names a real PostgreSQL server: the CLI queues into it, a real
 * worker JVM documents from it, and {@code docs search} finds the document there — with no SQLite
 * file made on the way.
 */
class PgStoreCliTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @TempDir Path tmp;
  CliProject project;
  Path root;

  void config(String storeUrl) throws Exception {
    project.storeConfig(
        storeUrl,
        "\"max_retries\": 0, \"heartbeat_seconds\": 1, \"command\": "
            + CliProject.HEADING_THEN_FILE);
  }

  @BeforeEach
  void repository() throws Exception {
    project =
        CliProject.committed(
            tmp.resolve("project"),
            Map.of("src/worker/Loop.java", "class Loop { /* the heartbeat */ }\n"));
    root = project.root();
  }

  @Test
  void a_real_worker_documents_a_commit_into_postgresql_and_docs_search_finds_it()
      throws Exception {
    config(PG.url());
    Run add = project.cli("queue", "add", "HEAD", "--json");
    assertEquals(0, add.code(), add.toString());
    try (RealWorker worker = RealWorker.start(root)) {
      Run found =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> project.cli("docs", "search", "heartbeat", "--json"), r -> r.code() == 0);
      assertTrue(found.out().contains("src/worker/Loop.java"), found.out());
    }
    Run status = project.cli("queue", "status", "--json");
    assertEquals(1, status.json().get("done").getAsInt(), status.toString());
    assertFalse(
        Files.exists(root.resolve(".code-query/queue.db")), "no SQLite store was made on the way");
  }

  @Test
  void an_idle_worker_wakes_when_another_host_queues_without_waiting_for_its_heartbeat()
      throws Exception {
    String database = PG.createDatabase("wake");
    String url = PG.server().url(database);
    config(url);
    Files.writeString(
        project.configFile(),
        Files.readString(project.configFile())
            .replace("\"heartbeat_seconds\": 1", "\"heartbeat_seconds\": 60"));
    try (RealWorker worker = RealWorker.start(root);
        PostgresStore otherHost =
            PostgresStore.open(
                "jdbc:" + url,
                new Properties(),
                url,
                new PostgresStore.Options(0, Duration.ofSeconds(60)))) {
      // Let the worker settle into waiting: its slots looked at the empty queue already.
      Thread.sleep(2_000);
      otherHost.enqueue(project.head(), List.of("src/worker/Loop.java"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> project.cli("docs", "search", "heartbeat", "--json").code() == 0);
    }
  }

  /** The worker whose PID is {@code pid} in {@code worker list --json}, if it is listed. */
  JsonObject listed(int pid) {
    Run list = project.cli("worker", "list", "--json");
    assertEquals(0, list.code(), list.toString());
    for (JsonElement w : list.json().getAsJsonArray("workers")) {
      if (w.getAsJsonObject().get("pid").getAsLong() == pid) {
        return w.getAsJsonObject();
      }
    }
    return null;
  }

  String stateOf(int pid) {
    JsonObject w = listed(pid);
    return w == null ? "unlisted" : w.get("state").getAsString();
  }

  /**
   * {@code worker list}, {@code worker health} and {@code worker stop --worker} read the store the
   * project names, not an SQLite file: a real worker on PostgreSQL is listed live with its host and
   * PID, dead at once after kill -9 (this host's PID-file verdict joined in), and a second one
   * stopped by its id; health names the server, never a password, with its schema version.
   */
  @Test
  void worker_list_health_and_stop_work_on_the_postgresql_store() throws Exception {
    String database = PG.createDatabase("registry");
    String where = PG.server().host() + ":" + PG.server().port() + "/" + database;
    config(PG.server().url(database));
    try (RealWorker worker = RealWorker.start(root)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(worker.pid()).equals("live"));
      Run list = project.cli("worker", "list", "--json");
      assertEquals("postgresql://" + where, list.json().get("store").getAsString());
      JsonObject me = listed(worker.pid());
      assertEquals(HostId.hostName(), me.get("host").getAsString());
      assertEquals(root.toString(), me.get("root").getAsString());
      assertTrue(me.get("this_host").getAsBoolean(), me.toString());
      Run human = project.cli("worker", "list");
      assertTrue(human.out().startsWith("store: postgresql://" + where + "\n"), human.out());

      Run health = project.cli("worker", "health", "--json");
      JsonObject store = health.json().getAsJsonObject("store");
      assertEquals("postgresql://" + where, store.get("url").getAsString(), health.out());
      assertTrue(store.get("reachable").getAsBoolean(), health.out());
      assertTrue(store.get("latency_ms").getAsDouble() >= 0, health.out());
      assertEquals(PostgresStore.SCHEMA_VERSION, store.get("schema_version").getAsInt());
      assertFalse(health.out().contains("user=") || health.out().contains("@"), health.out());

      worker.kill9();
      await().atMost(Duration.ofSeconds(2)).until(() -> stateOf(worker.pid()).equals("dead"));
    }
    assertFalse(
        Files.exists(root.resolve(".code-query/queue.db")), "no SQLite store was made on the way");

    try (RealWorker second = RealWorker.start(root)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(second.pid()).equals("live"));
      String id = listed(second.pid()).get("worker_id").getAsString();
      Run stop = project.cli("worker", "stop", "--worker", id.substring(0, 8), "--json");
      assertEquals(0, stop.code(), stop.toString());
      assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "stopped by its id");
      await().atMost(Duration.ofSeconds(10)).until(() -> stateOf(second.pid()).equals("stopped"));
    }
  }

  @Test
  void health_reports_an_unreachable_postgresql_store_without_failing() throws Exception {
    config("postgresql://127.0.0.1:1/docs");
    Run health = project.cli("worker", "health", "--json");
    JsonObject store = health.json().getAsJsonObject("store");
    assertEquals("postgresql://127.0.0.1:1/docs", store.get("url").getAsString());
    assertFalse(store.get("reachable").getAsBoolean(), health.out());
    assertTrue(store.get("latency_ms").isJsonNull(), health.out());
    assertTrue(
        store.get("problem").getAsString().contains("cannot reach the PostgreSQL store"),
        health.out());
  }

  @Test
  void a_password_in_store_url_is_refused_naming_the_key_and_what_to_do() throws Exception {
    config("postgresql://alice:secret@db.example:5432/docs");
    Run add = project.cli("queue", "add", "HEAD");
    assertEquals(2, add.code(), add.toString());
    assertTrue(add.err().contains("store.url in "), add.err());
    assertTrue(add.err().contains("PGPASSWORD or ~/.pgpass"), add.err());
    assertFalse(add.err().contains("secret"), add.err());
  }

  @Test
  void an_unreachable_store_is_one_line_naming_host_and_port() throws Exception {
    config("postgresql://127.0.0.1:1/docs");
    Run add = project.cli("queue", "add", "HEAD");
    assertEquals(2, add.code(), add.toString());
    assertTrue(
        add.err().contains("cannot reach the PostgreSQL store at 127.0.0.1:1/docs"), add.err());
    assertEquals(1, add.err().strip().lines().count(), add.err());
  }
}
