package io.codequery.cli;

import io.codequery.config.ConfigLoader;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    description = "Create .code-query/ with a default config.json (an existing config is kept).")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    var out = spec.commandLine().getOut();
    if (Files.isSymbolicLink(layout.dir())) {
      throw new io.codequery.CodeQueryException(
          layout.dir()
              + " is a symbolic link; code-query keeps its files in a real directory. Remove the"
              + " link and run init again.");
    }
    layout.ensureDir();
    Path config = layout.configFile();
    String name = layout.name();
    try {
      Files.writeString(
          config,
          ConfigLoader.defaultText(name),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      out.println("✓ created " + config);
    } catch (FileAlreadyExistsException e) {
      // Validate what is there, so a broken config shows up now rather than at worker start.
      ConfigLoader.Loaded loaded = ConfigLoader.load(config, name);
      loaded.warnings().forEach(w -> spec.commandLine().getErr().println("! " + w));
      out.println("✓ already initialised: " + config + " (kept as it is)");
    }
    // The worker's runtime files (PID, log, queue, spool) must never be committed; the config may
    // be.
    Path ignore = layout.dir().resolve(".gitignore");
    if (!Files.exists(ignore, LinkOption.NOFOLLOW_LINKS)) {
      Files.writeString(
          ignore,
          "# code-query's runtime files; config.json may be shared\n*\n!.gitignore\n!config.json\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
    }
    out.println("  next: code-query worker start");
    return 0;
  }
}
