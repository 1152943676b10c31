package io.codequery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  static ConfigLoader.Loaded parse(String json) {
    return ConfigLoader.parse("/p/.code-query/config.json", json, "proj");
  }

  @Test
  void a_missing_file_gives_the_specifications_defaults() {
    Config c = ConfigLoader.load(dir.resolve("config.json"), "proj").config();
    assertEquals(Config.defaults("proj"), c);
    assertEquals(2, c.maxRetries());
    assertEquals(60, c.retryDelaySeconds());
    assertEquals("queue", c.fallback());
    assertNull(c.command());
  }

  @Test
  void the_default_text_that_init_writes_reads_back_as_the_defaults() {
    ConfigLoader.Loaded l = parse(ConfigLoader.defaultText("proj"));
    assertEquals(Config.defaults("proj"), l.config());
    assertEquals(List.of(), l.warnings());
  }

  @Test
  void every_key_is_read() {
    Config c =
        parse(
                """
                {"dataset_name": "ds", "model": "opus",
                 "processing": {"mode": "manual", "fallback": "sync", "command": ["doc", "{file}"],
                 "max_retries": 0, "retry_delay_seconds": 5, "job_timeout_seconds": 30,
                 "heartbeat_seconds": 2, "stop_timeout_seconds": 3, "concurrency": 4}}\
                """)
            .config();
    assertEquals(
        new Config(
            "ds",
            "opus",
            "manual",
            "sync",
            List.of("doc", "{file}"),
            0,
            5,
            30,
            2,
            3,
            4,
            "none",
            null),
        c);
  }

  @Test
  void unknown_keys_are_reported_not_silently_ignored() {
    ConfigLoader.Loaded l = parse("{\"modle\": \"x\", \"processing\": {\"heartbeat_second\": 5}}");
    assertEquals(2, l.warnings().size(), l.warnings().toString());
    assertTrue(l.warnings().get(0).contains("\"modle\""), l.warnings().toString());
    assertTrue(
        l.warnings().get(1).contains("\"processing.heartbeat_second\""), l.warnings().toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"processing\": {\"heartbeat_seconds\": \"5\"}}|processing.heartbeat_seconds|an integer"
            + " from 1 to 3600",
        "{\"processing\": {\"heartbeat_seconds\": 0}}|processing.heartbeat_seconds|an integer from"
            + " 1 to 3600",
        "{\"processing\": {\"max_retries\": 1.5}}|processing.max_retries|an integer from 0 to 100",
        "{\"processing\": {\"concurrency\": 0}}|processing.concurrency|an integer from 1 to 64",
        "{\"processing\": {\"concurrency\": 65}}|processing.concurrency|an integer from 1 to 64",
        "{\"processing\": {\"max_retries\": -1}}|processing.max_retries|an integer from 0 to 100",
        "{\"processing\": {\"fallback\": \"later\"}}|processing.fallback|one of [queue, start,"
            + " sync]",
        "{\"processing\": {\"mode\": 3}}|\"mode\"|must be a string",
        "{\"processing\": {\"command\": \"doc {file}\"}}|processing.command|a non-empty JSON array"
            + " of strings",
        "{\"processing\": {\"command\": []}}|processing.command|a non-empty JSON array of strings",
        "{\"processing\": {\"command\": [\"doc\", 1]}}|processing.command|found element 1",
        "{\"processing\": {\"command\": [\"\"]}}|processing.command|empty program name",
        "{\"processing\": []}|\"processing\"|must be an object",
        "[1, 2]|config.json|a JSON object at the top level",
        "{\"model\": null, \"processing\": {|config.json|not valid JSON",
        "{\"a\": 1,}|config.json|not valid JSON",
      })
  void a_broken_value_is_an_error_naming_the_file_the_key_and_the_expectation(
      String json, String key, String expected) {
    CodeQueryException e = assertThrows(CodeQueryException.class, () -> parse(json));
    assertTrue(e.getMessage().startsWith("/p/.code-query/config.json: "), e.getMessage());
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"processing\": {\"mode\": \"manual\", \"mode\": \"auto\"}}|processing.mode|1",
        "{\"model\": \"a\", \"model\": \"a\"}|model|1",
        "{\"processing\": {\"mode\": \"auto\"}, \"processing\": {}}|processing|1",
        "{\"notes\": {\"x\": {\"deep\": 1, \"deep\": 2}}}|notes.x.deep|1",
        "{\"processing\": {\"command\": [{\"a\": 1, \"a\": 1}]}}|processing.command[0].a|1",
      })
  void a_key_given_twice_at_any_depth_is_an_error_naming_the_key_and_the_line(
      String json, String key, String line) {
    CodeQueryException e = assertThrows(CodeQueryException.class, () -> parse(json));
    assertTrue(e.getMessage().startsWith("/p/.code-query/config.json: "), e.getMessage());
    assertTrue(e.getMessage().contains("key \"" + key + "\" appears twice"), e.getMessage());
    assertTrue(e.getMessage().contains("at line " + line), e.getMessage());
  }

  @Test
  void the_line_of_the_second_key_is_named() {
    String json =
        """
        {"dataset_name": "ds",
         "notes": {"mode": "manual"},
         "processing": {"fallback": "queue",
                        "mode": "manual",
                        "mode": "auto"}}
        """;
    CodeQueryException e = assertThrows(CodeQueryException.class, () -> parse(json));
    assertTrue(
        e.getMessage().contains("\"processing.mode\" appears twice at line 5"), e.getMessage());
  }

  @Test
  void a_mode_nested_outside_processing_is_an_unknown_key_not_the_mode() {
    ConfigLoader.Loaded l =
        parse("{\"notes\": {\"mode\": \"manual\"}, \"processing\": {\"mode\": \"auto\"}}");
    assertEquals("auto", l.config().mode());
    assertEquals(1, l.warnings().size(), l.warnings().toString());
  }

  @Test
  void text_after_the_value_and_comments_are_not_json() {
    for (String json : List.of("{} {}", "{} x", "// note\n{}", "{/* c */}", "{\"a\": 1 # c\n}")) {
      CodeQueryException e = assertThrows(CodeQueryException.class, () -> parse(json), json);
      assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }
  }

  @Test
  void an_unreadable_config_names_the_file_and_what_to_do() throws Exception {
    Path cfg = Files.createDirectory(dir.resolve("config.json"));
    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> ConfigLoader.load(cfg, "proj"));
    assertTrue(e.getMessage().contains(cfg.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("code-query init"), e.getMessage());
  }
}
