package io.codequery.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestPostgresTest {
  @RegisterExtension static final TestPostgres PG = new TestPostgres();

  @Test
  void the_server_runs_as_nobody_and_the_class_has_a_database_of_its_own() throws Exception {
    try (Connection c = DriverManager.getConnection(PG.jdbcUrl());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_database(), pg_backend_pid()")) {
      rs.next();
      assertEquals(PG.database(), rs.getString(1));
      long backend = rs.getLong(2);
      int uid = (Integer) Files.getAttribute(Path.of("/proc/" + backend), "unix:uid");
      if ("root".equals(System.getProperty("user.name"))) {
        assertEquals(65534, uid, "the server runs as nobody");
      }
    }
    String other = PG.createDatabase("other");
    assertNotEquals(PG.database(), other);
    assertEquals(
        1,
        Files.list(PG.server().socketDirectory())
            .filter(p -> p.toString().contains(".s.PGSQL."))
            .filter(p -> !p.toString().endsWith(".lock"))
            .count(),
        "its socket is in its own directory");
  }
}
