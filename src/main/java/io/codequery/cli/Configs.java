package io.codequery.cli;

import io.codequery.config.Config;
import io.codequery.config.ConfigLoader;
import io.codequery.config.HookSettings;
import io.codequery.project.ProjectLayout;
import picocli.CommandLine.Model.CommandSpec;

/** Loads the project's config for a command, printing its warnings (unknown keys) on stderr. */
final class Configs {
  private Configs() {}

  static Config load(ProjectLayout layout, CommandSpec spec) {
    String name = layout.name();
    // Every load also refreshes the hook's derived settings (hook.conf): one reader of config.json.
    ConfigLoader.Loaded loaded = HookSettings.load(layout.configFile(), name);
    loaded.warnings().forEach(w -> spec.commandLine().getErr().println("! " + w));
    return loaded.config();
  }
}
