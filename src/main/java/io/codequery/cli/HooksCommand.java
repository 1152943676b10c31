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
  private static final String JSON_HELP = "Print one JSON object.";

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
              + " (idempotent; an existing hook is chained, not replaced).",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {"0:installed", "2:not a git repository, or a hook cannot be written"})
  int install(@Option(names = "--json", description = JSON_HELP) boolean json) throws IOException {
    HooksInstaller installer = installer();
    List<HookStatus> hooks = installer.install();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonOut.write(hooksJson(installer, hooks)));
      return ExitStatus.OK;
    }
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
    return ExitStatus.OK;
  }

  @Command(
      name = "uninstall",
      description = "Remove the hooks and restore the hooks they chained.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {"0:none of ours left", "2:not a git repository, or a hook cannot be removed"})
  int uninstall(@Option(names = "--json", description = JSON_HELP) boolean json)
      throws IOException {
    HooksInstaller installer = installer();
    List<String> ours =
        installer.statuses().stream().filter(HookStatus::installed).map(HookStatus::name).toList();
    List<HookStatus> after = installer.uninstall();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> o = hooksJson(installer, after);
      o.put("removed", ours);
      out.println(JsonOut.write(o));
      return ExitStatus.OK;
    }
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
    return ExitStatus.OK;
  }

  @Command(
      name = "status",
      description = "Say which hooks are installed where.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {
        "0:all installed",
        "2:not a git repository",
        "3:some or all missing (or another hook in the place of one)"
      })
  int status(@Option(names = "--json", description = JSON_HELP) boolean json) {
    HooksInstaller installer = installer();
    List<HookStatus> hooks = installer.statuses();
    boolean all = hooks.stream().allMatch(HookStatus::installed);
    int status = all ? ExitStatus.OK : ExitStatus.NOT_INSTALLED;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonOut.write(hooksJson(installer, hooks)));
      return status;
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
    return status;
  }

  /**
   * {@code hooks_dir}, {@code installed} (all of them), and {@code hooks}: per hook its {@code
   * name}, {@code path}, {@code installed}, {@code current} (of this version), {@code chained} (the
   * user's own hook it runs first, or null), {@code foreign} (another hook in its place).
   */
  private static Map<String, Object> hooksJson(HooksInstaller installer, List<HookStatus> hooks) {
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
    o.put("hooks_dir", installer.hooksDir().toString());
    o.put("installed", hooks.stream().allMatch(HookStatus::installed));
    o.put("hooks", rows);
    return o;
  }

  @Command(
      name = "settings",
      description =
          "Print what the git hook applies from config.json (processing.mode and"
              + " processing.fallback) and record it for the hook, which reads no JSON.",
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {"0:printed and recorded", "2:the config is broken (named, with the key)"})
  int settings() {
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    Config c = Configs.load(layout, spec);
    PrintWriter out = spec.commandLine().getOut();
    out.println("mode=" + c.mode());
    out.println("fallback=" + c.fallback());
    return ExitStatus.OK;
  }
}
