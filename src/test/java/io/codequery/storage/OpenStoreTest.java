package io.codequery.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.project.ProjectLayout;
import io.codequery.store.StoreUrl;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenStoreTest {
  @TempDir Path root;

  @Test
  void the_environment_wins_over_config_json() {
    ProjectLayout layout = ProjectLayout.of(root);
    assertInstanceOf(StoreUrl.Sqlite.class, OpenStore.locate(layout, null, Map.of()));
    StoreUrl.Postgres pg =
        assertInstanceOf(
            StoreUrl.Postgres.class,
            OpenStore.locate(
                layout,
                "sqlite",
                Map.of(OpenStore.URL_VARIABLE, "postgresql://team-db:5433/docs")));
    assertEquals("team-db:5433/docs", pg.where());
    assertInstanceOf(
        StoreUrl.Sqlite.class,
        OpenStore.locate(layout, "postgresql://h/d", Map.of(OpenStore.URL_VARIABLE, "sqlite")));
  }

  @Test
  void a_bad_url_names_where_it_came_from() {
    ProjectLayout layout = ProjectLayout.of(root);
    CodeQueryException fromConfig =
        assertThrows(
            CodeQueryException.class, () -> OpenStore.locate(layout, "mysql://h/d", Map.of()));
    assertTrue(fromConfig.getMessage().startsWith("store.url in "), fromConfig.getMessage());
    assertTrue(fromConfig.getMessage().contains("config.json"), fromConfig.getMessage());
    CodeQueryException fromEnv =
        assertThrows(
            CodeQueryException.class,
            () -> OpenStore.locate(layout, null, Map.of(OpenStore.URL_VARIABLE, "x")));
    assertTrue(fromEnv.getMessage().startsWith("CODE_QUERY_STORE_URL: "), fromEnv.getMessage());
  }

  @Test
  void credentials_come_from_the_url_and_the_environment() {
    StoreUrl.Postgres named = (StoreUrl.Postgres) StoreUrl.parse("postgresql://bob@h/d", "k");
    Properties p = OpenStore.credentials(named, Map.of("PGUSER", "carol", "PGPASSWORD", "pw"));
    assertEquals("bob", p.getProperty("user"));
    assertEquals("pw", p.getProperty("password"));
    StoreUrl.Postgres anonymous = (StoreUrl.Postgres) StoreUrl.parse("postgresql://h/d", "k");
    Properties q = OpenStore.credentials(anonymous, Map.of("PGUSER", "carol"));
    assertEquals("carol", q.getProperty("user"));
    assertFalse(q.containsKey("password"), "no password: pgjdbc reads ~/.pgpass");
  }
}
