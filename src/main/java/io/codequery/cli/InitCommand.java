package io.codequery.cli;

import io.codequery.config.ConfigLoader;
import io.codequery.pidfile.StrictFiles;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    description = "Create .code-query/ with a default config.json (an existing config is kept).",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:initialised (or already, with a valid config)",
      "2:a bad --project-root, a broken config (named, with the key at fault), a link in place of"
          + " .code-query"
    })
final class InitCommand implements Callable<Integer> {
  private static final String GITIGNORE =
      "# code-query's runtime files; config.json may be shared\n*\n!.gitignore\n!config.json\n";

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ProjectOption.Choice choice = Main.projectChoice(spec);
    ProjectLayout layout = ProjectLayout.of(choice.root());
    layout.ensureDir(); // refuses a .code-query that is a symbolic link or not a directory
    Path config = layout.configFile();
    String name = layout.name();
    boolean created;
    List<String> warnings = List.of();
    try {
      StrictFiles.createNew(
          config, ConfigLoader.defaultText(name).getBytes(StandardCharsets.UTF_8));
      created = true;
    } catch (FileAlreadyExistsException e) {
      // Validate what is there, so a broken config shows up now rather than at worker start.
      warnings = ConfigLoader.load(config, name).warnings();
      warnings.forEach(w -> spec.commandLine().getErr().println("! " + w));
      created = false;
    }
    // The worker's runtime files (PID, log, queue, spool) must never be committed; the config may
    // be. Whatever is already there (even a link) is the user's and left alone.
    try {
      StrictFiles.createNew(
          layout.dir().resolve(".gitignore"), GITIGNORE.getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException e) {
      // kept as it is
    }
    var out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("project_root", layout.root().toString());
      m.put("config_file", config.toString());
      m.put("created", created);
      m.put("warnings", warnings);
      out.println(JsonOut.write(m));
      return ExitStatus.OK;
    }
    out.println(
        (created ? "✓ created " + config : "✓ already initialised: " + config + " (kept as it is)")
            + Render.chosenProject(choice, layout));
    out.println("  next: code-query worker start");
    return ExitStatus.OK;
  }
}
