package io.codequery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.CodeQueryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hook's derived settings: written by every load, removed whenever they could mislead. */
class HookSettingsTest {
  @TempDir Path dir;
  Path config;
  Path conf;

  @BeforeEach
  void paths() {
    config = dir.resolve("config.json");
    conf = dir.resolve(HookSettings.FILE);
  }

  @Test
  void loading_the_config_records_the_words_the_hook_needs_newer_than_the_config()
      throws Exception {
    Files.writeString(config, "{\"processing\": {\"mode\": \"manual\", \"fallback\": \"sync\"}}");
    Files.setLastModifiedTime(config, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    Config c = HookSettings.load(config, "p").config();
    assertEquals("manual", c.mode());
    String text = Files.readString(conf);
    assertTrue(text.contains("\nconfig=present\nmode=manual\nfallback=sync\n"), text);
    assertTrue(
        Files.getLastModifiedTime(conf).compareTo(Files.getLastModifiedTime(config)) > 0,
        "newer than the config, so the hook trusts it");
  }

  @Test
  void without_a_config_the_defaults_are_recorded_as_such() throws Exception {
    HookSettings.load(config, "p");
    assertTrue(Files.readString(conf).contains("\nconfig=absent\nmode=auto\nfallback=queue\n"));
  }

  @Test
  void a_config_java_refuses_leaves_no_words_behind() throws Exception {
    Files.writeString(config, "{}");
    HookSettings.load(config, "p");
    assertTrue(Files.exists(conf));
    Files.writeString(config, "{\"processing\": {\"mode\": \"manual\", \"mode\": \"auto\"}}");
    assertThrows(CodeQueryException.class, () -> HookSettings.load(config, "p"));
    assertFalse(Files.exists(conf), "the hook must ask again, and hear why");
  }

  @Test
  void a_fifo_or_a_link_as_config_is_refused_without_being_opened() throws Exception {
    Process p = new ProcessBuilder("mkfifo", config.toString()).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
    CodeQueryException fifo =
        assertThrows(CodeQueryException.class, () -> HookSettings.load(config, "p"));
    assertTrue(fifo.getMessage().contains("not a regular file"), fifo.getMessage());
    Files.delete(config);
    Path real = Files.writeString(dir.resolve("elsewhere.json"), "{}");
    Files.createSymbolicLink(config, real);
    CodeQueryException link =
        assertThrows(CodeQueryException.class, () -> HookSettings.load(config, "p"));
    assertTrue(link.getMessage().contains("symbolic link"), link.getMessage());
    assertFalse(Files.exists(conf));
  }

  @Test
  void without_a_code_query_directory_nothing_is_created() {
    Path missing = dir.resolve("absent/.code-query/config.json");
    HookSettings.load(missing, "p");
    assertFalse(Files.exists(missing.getParent()));
  }
}
