package io.codequery.cli;

import io.codequery.config.Config;
import io.codequery.hooks.HookStatus;
import io.codequery.hooks.HooksInstaller;
import io.codequery.project.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "hooks",
    description = "Install, remove or describe the git hooks that hand commits to the worker.")
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
          "Install the git hooks: post-commit, post-merge, post-rewrite, post-applypatch"
              + " (idempotent; an existing hook is chained, not replaced).")
  int install() throws IOException {
    HooksInstaller installer = installer();
    List<HookStatus> hooks = installer.install();
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "✓ installed "
            + String.join(", ", hooks.stream().map(HookStatus::name).toList())
            + " in "
            + installer.hooksDir());
    for (HookStatus s : hooks) {
      if (s.chained() != null) {
        out.println("  your own " + s.name() + " hook runs first: " + s.chained());
      }
    }
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    if (!layout.exists()) {
      out.println(
          "  note: "
              + layout.dir()
              + " does not exist yet; commits are recorded once you run `code-query init`");
    }
    return 0;
  }

  @Command(name = "uninstall", description = "Remove the hooks and restore the hooks they chained.")
  int uninstall() throws IOException {
    HooksInstaller installer = installer();
    List<String> ours =
        installer.statuses().stream().filter(HookStatus::installed).map(HookStatus::name).toList();
    List<HookStatus> after = installer.uninstall();
    PrintWriter out = spec.commandLine().getOut();
    if (ours.isEmpty()) {
      out.println("✓ not installed in " + installer.hooksDir());
    } else {
      out.println("✓ removed " + String.join(", ", ours) + " from " + installer.hooksDir());
    }
    for (HookStatus s : after) {
      if (s.foreign()) {
        out.println(
            "  "
                + s.hook()
                + (ours.contains(s.name())
                    ? ": your own hook is back in place"
                    : ": another hook, left alone"));
      }
    }
    return 0;
  }

  @Command(
      name = "status",
      description =
          "Say which hooks are installed where. Exit: 0 all installed, 3 some or all missing.")
  int status(@Option(names = "--json", description = "Print one JSON object.") boolean json) {
    List<HookStatus> hooks = installer().statuses();
    boolean all = hooks.stream().allMatch(HookStatus::installed);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (HookStatus s : hooks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("path", s.hook().toString());
        m.put("installed", s.installed());
        m.put("current", s.current());
        m.put("chained", s.chained() == null ? null : s.chained().toString());
        m.put("foreign", s.foreign());
        rows.add(m);
      }
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("installed", all);
      o.put("hooks", rows);
      out.println(JsonOut.write(o));
      return all ? 0 : 3;
    }
    for (HookStatus s : hooks) {
      if (s.installed()) {
        out.println(
            "✓ "
                + s.name()
                + ": "
                + s.hook()
                + (s.current() ? "" : " (an older version; run `code-query hooks install`)")
                + (s.chained() != null ? " (runs your " + s.chained() + " first)" : ""));
      } else {
        out.println(
            "✗ "
                + s.name()
                + ": not installed ("
                + s.hook()
                + (s.foreign() ? " holds another hook" : " does not exist")
                + ")");
      }
    }
    if (!all) {
      out.println("  run `code-query hooks install` to install them all");
    }
    return all ? 0 : 3;
  }

  @Command(
      name = "settings",
      description =
          "Print what the git hook applies from config.json (processing.mode and"
              + " processing.fallback) and record it for the hook, which reads no JSON.")
  int settings() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    Config c = Configs.load(layout, spec);
    PrintWriter out = spec.commandLine().getOut();
    out.println("mode=" + c.mode());
    out.println("fallback=" + c.fallback());
    return 0;
  }
}
