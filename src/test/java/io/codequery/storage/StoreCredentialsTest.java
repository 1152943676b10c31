package io.codequery.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import io.codequery.pgstore.PostgresStore;
import io.codequery.store.StoreUrl;
import io.codequery.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password of a store never comes from config.json: a real server that asks alice for hers gets
 * it from PGPASSWORD or from a pgpass file, and refuses her without one.
 */
class StoreCredentialsTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @TempDir Path tmp;

  @BeforeAll
  static void alice() throws Exception {
    try (Connection c = DriverManager.getConnection(PG.jdbcUrl());
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "CREATE ROLE alice LOGIN PASSWORD 'wonder-land' IN ROLE " + TestPostgres.PASSWORD_USERS);
      st.executeUpdate("GRANT ALL ON DATABASE " + PG.database() + " TO alice");
    }
  }

  private StoreUrl.Postgres url() {
    return (StoreUrl.Postgres)
        StoreUrl.parse(
            "postgresql://alice@"
                + PG.server().host()
                + ":"
                + PG.server().port()
                + "/"
                + PG.database(),
            "store.url");
  }

  private PostgresStore open(Properties credentials) {
    return PostgresStore.open(
        url().jdbcUrl(),
        credentials,
        url().where(),
        new PostgresStore.Options(2, Duration.ofSeconds(60)));
  }

  @Test
  void pgpassword_is_the_password() {
    try (PostgresStore store =
        open(OpenStore.credentials(url(), Map.of("PGPASSWORD", "wonder-land")))) {
      assertEquals(1, store.enqueue("c", List.of("a.txt")));
    }
  }

  @Test
  void without_a_password_alice_is_refused_in_one_line_naming_where_to_give_it() {
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> open(OpenStore.credentials(url(), Map.of())));
    assertTrue(e.getMessage().contains(url().where()), e.getMessage());
    assertTrue(e.getMessage().contains("PGPASSWORD or ~/.pgpass"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void a_pgpass_file_gives_the_password() throws Exception {
    Path pgpass = tmp.resolve("pgpass");
    Files.writeString(
        pgpass,
        PG.server().host()
            + ":"
            + PG.server().port()
            + ":"
            + PG.database()
            + ":alice:wonder-land\n");
    Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
    // pgjdbc reads ~/.pgpass, or the file this property (or PGPASSFILE) names.
    System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
    try (PostgresStore store = open(OpenStore.credentials(url(), Map.of()))) {
      assertEquals(1, store.enqueue("c", List.of("b.txt")));
    } finally {
      System.clearProperty("org.postgresql.pgpassfile");
    }
  }
}
