package io.codequery.cli;

import io.codequery.hooks.HookStatus;
import io.codequery.hooks.HooksInstaller;
import io.codequery.project.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "hooks", description = "Install, remove or describe the git post-commit hook.")
final class HooksCommand {
  @Spec CommandSpec spec;

  private HooksInstaller installer() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    return new HooksInstaller(layout.root(), launcher());
  }

  /** The launcher script: named by the launcher itself, else found beside the jar we run from. */
  static Path launcher() {
    String env = System.getenv("CODE_QUERY_LAUNCHER");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (p.getParent() != null && p.getParent().getParent() != null) {
        Path candidate = p.getParent().getParent().resolve("code-query");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  @Command(
      name = "install",
      description =
          "Install the post-commit hook (idempotent; an existing hook is chained, not replaced).")
  int install() throws IOException {
    HookStatus s = installer().install();
    PrintWriter out = spec.commandLine().getOut();
    out.println("✓ installed " + s.hook());
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    if (!layout.exists()) {
      out.println(
          "  note: "
              + layout.dir()
              + " does not exist yet; commits are recorded once you run `code-query init`");
    }
    if (s.chained() != null) {
      out.println("  your own hook runs first: " + s.chained());
    }
    return 0;
  }

  @Command(name = "uninstall", description = "Remove the hook and restore a hook it chained.")
  int uninstall() throws IOException {
    HooksInstaller installer = installer();
    boolean was = installer.status().installed();
    HookStatus s = installer.uninstall();
    PrintWriter out = spec.commandLine().getOut();
    if (!was) {
      out.println(
          "✓ not installed"
              + (s.foreign() ? " (" + s.hook() + " is another hook; left alone)" : ""));
    } else {
      out.println(
          "✓ removed code-query's hook from "
              + s.hook()
              + (s.foreign() ? "; your own hook is back in place" : ""));
    }
    return 0;
  }

  @Command(
      name = "status",
      description = "Say what is installed where. Exit: 0 installed, 3 not installed.")
  int status() {
    HookStatus s = installer().status();
    PrintWriter out = spec.commandLine().getOut();
    if (s.installed()) {
      out.println("✓ installed: " + s.hook());
      out.println("  chained hook: " + (s.chained() != null ? s.chained() : "none"));
      return 0;
    }
    out.println(
        "✗ not installed: " + s.hook() + (s.foreign() ? " holds another hook" : " does not exist"));
    return 3;
  }
}
