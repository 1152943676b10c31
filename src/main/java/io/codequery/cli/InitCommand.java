package io.codequery.cli;

import io.codequery.config.ConfigLoader;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    description = "Create .code-query/ with a default config.json (an existing config is kept).")
final class InitCommand implements Callable<Integer> {
  private static final String GITIGNORE =
      "# code-query's runtime files; config.json may be shared\n*\n!.gitignore\n!config.json\n";

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    var out = spec.commandLine().getOut();
    layout.ensureDir(); // refuses a .code-query that is a symbolic link or not a directory
    Path config = layout.configFile();
    String name = layout.name();
    try {
      StrictFiles.createNew(
          config, ConfigLoader.defaultText(name).getBytes(StandardCharsets.UTF_8));
      out.println("✓ created " + config);
    } catch (FileAlreadyExistsException e) {
      // Validate what is there, so a broken config shows up now rather than at worker start.
      ConfigLoader.Loaded loaded = ConfigLoader.load(config, name);
      loaded.warnings().forEach(w -> spec.commandLine().getErr().println("! " + w));
      out.println("✓ already initialised: " + config + " (kept as it is)");
    }
    // The worker's runtime files (PID, log, queue, spool) must never be committed; the config may
    // be. Whatever is already there (even a link) is the user's and left alone.
    try {
      StrictFiles.createNew(
          layout.dir().resolve(".gitignore"), GITIGNORE.getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException e) {
      // kept as it is
    }
    out.println("  next: code-query worker start");
    return 0;
  }
}
