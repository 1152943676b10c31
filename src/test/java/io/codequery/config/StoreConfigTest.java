package io.codequery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code store.url} in config.json: read, checked as it is read, and never with a password. */
class StoreConfigTest {
  static ConfigLoader.Loaded parse(String json) {
    return ConfigLoader.parse("/p/.code-query/config.json", json, "proj");
  }

  @Test
  void absent_is_the_sqlite_default_and_a_url_is_kept_as_written() {
    assertNull(parse("{}").config().storeUrl());
    assertNull(
        ConfigLoader.parse("f", ConfigLoader.defaultText("proj"), "proj").config().storeUrl());
    assertEquals(
        "postgresql://cq@db:5432/docs",
        parse("{\"store\": {\"url\": \"postgresql://cq@db:5432/docs\"}}").config().storeUrl());
    assertEquals("sqlite", parse("{\"store\": {\"url\": \"sqlite\"}}").config().storeUrl());
  }

  @Test
  void a_password_is_refused_when_the_file_is_read_naming_the_file_and_the_key() {
    CodeQueryException e =
        assertThrows(
            CodeQueryException.class,
            () -> parse("{\"store\": {\"url\": \"postgresql://cq:hunter2@db/docs\"}}"));
    assertTrue(
        e.getMessage().startsWith("store.url in /p/.code-query/config.json: the URL carries a"),
        e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void a_store_that_is_no_object_is_an_error_and_unknown_keys_are_warnings() {
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> parse("{\"store\": \"sqlite\"}"));
    assertTrue(e.getMessage().contains("key \"store\" must be an object"), e.getMessage());
    List<String> warnings = parse("{\"store\": {\"url\": \"sqlite\", \"pool\": 9}}").warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("store.pool"), warnings.toString());
  }
}
