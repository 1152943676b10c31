package io.codequery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import org.junit.jupiter.api.Test;

class StoreUrlTest {
  @Test
  void absent_or_sqlite_is_the_project_s_own_file() {
    assertEquals(new StoreUrl.Sqlite(), StoreUrl.parse(null, "k"));
    assertEquals(new StoreUrl.Sqlite(), StoreUrl.parse("sqlite", "k"));
  }

  @Test
  void postgresql_urls_in_each_spelling_become_a_jdbc_url_without_credentials() {
    assertEquals(
        new StoreUrl.Postgres(
            "jdbc:postgresql://db.example:5432/docs", "db.example:5432/docs", null),
        StoreUrl.parse("postgresql://db.example/docs", "k"));
    assertEquals(
        new StoreUrl.Postgres(
            "jdbc:postgresql://10.0.0.1:6543/team?sslmode=require", "10.0.0.1:6543/team", "bob"),
        StoreUrl.parse("jdbc:postgresql://10.0.0.1:6543/team?user=bob&sslmode=require", "k"));
    assertEquals(
        new StoreUrl.Postgres("jdbc:postgresql://h:5432/d", "h:5432/d", "alice"),
        StoreUrl.parse("postgres://alice@h/d", "k"));
  }

  @Test
  void a_password_anywhere_in_the_url_is_refused_without_showing_it() {
    for (String url :
        new String[] {
          "postgresql://alice:s3cret@h/d",
          "jdbc:postgresql://h/d?password=s3cret",
          "postgresql://h/d?user=a&PASSWORD=s3cret"
        }) {
      CodeQueryException e =
          assertThrows(CodeQueryException.class, () -> StoreUrl.parse(url, "store.url in x"));
      assertTrue(e.getMessage().startsWith("store.url in x: the URL carries a password"), url);
      assertTrue(e.getMessage().contains("PGPASSWORD or ~/.pgpass"), e.getMessage());
      assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
  }

  @Test
  void anything_else_is_refused_saying_what_to_write() {
    for (String url :
        new String[] {
          "",
          "mysql://u:pw@h/d",
          "postgresql://h",
          "postgresql://h:0/d",
          "postgresql://:5/d",
          "postgresql://h:99999/d"
        }) {
      CodeQueryException e =
          assertThrows(CodeQueryException.class, () -> StoreUrl.parse(url, "CODE_QUERY_STORE_URL"));
      assertTrue(e.getMessage().startsWith("CODE_QUERY_STORE_URL: "), e.getMessage());
      assertTrue(e.getMessage().contains("postgresql://host:port/database"), e.getMessage());
      assertFalse(e.getMessage().contains(":pw@"), e.getMessage());
    }
  }
}
