package io.codequery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.testing.CliProject;
import io.codequery.testing.CliProject.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hooks install / status / uninstall / settings through the CLI, in a real repository. */
class HooksCliTest {
  static final List<String> HOOKS =
      List.of("post-commit", "post-merge", "post-rewrite", "post-applypatch");

  @TempDir Path dir;
  CliProject project;
  Path root;

  @BeforeEach
  void repository() throws Exception {
    project = CliProject.init(dir);
    root = project.root();
    Files.createDirectories(root.resolve(".code-query"));
  }

  @Test
  void install_status_and_uninstall_name_every_hook() {
    Run before = project.cli("hooks", "status");
    assertEquals(3, before.code());
    for (String h : HOOKS) {
      assertTrue(before.out().contains("✗ " + h + ": not installed"), before.out());
    }
    Run install = project.cli("hooks", "install");
    assertEquals(0, install.code(), install.err());
    assertTrue(
        install.out().startsWith("✓ installed " + String.join(", ", HOOKS) + " in "),
        install.out());
    Run status = project.cli("hooks", "status");
    assertEquals(0, status.code(), status.err());
    for (String h : HOOKS) {
      assertTrue(
          status.out().contains("✓ " + h + ": " + root.resolve(".git/hooks/" + h)), status.out());
    }
    Run removed = project.cli("hooks", "uninstall");
    assertEquals(0, removed.code());
    assertTrue(removed.out().contains("✓ removed " + String.join(", ", HOOKS)), removed.out());
    assertEquals(3, project.cli("hooks", "status").code());
  }

  @Test
  void status_json_lists_every_hook_with_what_is_there() throws Exception {
    project.cli("hooks", "install");
    Files.delete(root.resolve(".git/hooks/post-rewrite"));
    Files.writeString(root.resolve(".git/hooks/post-rewrite"), "#!/bin/sh\nexit 0\n");
    Run r = project.cli("hooks", "status", "--json");
    assertEquals(3, r.code());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(false, o.get("installed").getAsBoolean());
    JsonArray hooks = o.getAsJsonArray("hooks");
    assertEquals(4, hooks.size());
    JsonObject rewrite = hooks.get(2).getAsJsonObject();
    assertEquals("post-rewrite", rewrite.get("name").getAsString());
    assertEquals(false, rewrite.get("installed").getAsBoolean());
    assertEquals(true, rewrite.get("foreign").getAsBoolean());
    assertEquals(true, hooks.get(0).getAsJsonObject().get("current").getAsBoolean());
  }

  @Test
  void settings_prints_and_records_what_the_hook_applies() throws Exception {
    Files.writeString(
        root.resolve(".code-query/config.json"),
        "{\"processing\": {\"mode\": \"manual\", \"fallback\": \"start\"}}");
    Run r = project.cli("hooks", "settings");
    assertEquals(0, r.code(), r.err());
    assertEquals("mode=manual\nfallback=start\n", r.out());
    assertTrue(Files.readString(root.resolve(".code-query/hook.conf")).contains("mode=manual"));
    Files.writeString(root.resolve(".code-query/config.json"), "{\"processing\": {\"mode\": 1}}");
    Run broken = project.cli("hooks", "settings");
    assertEquals(2, broken.code());
    assertTrue(broken.err().contains("config.json"), broken.err());
  }
}
