package io.codequery.cli;

import io.codequery.project.ProjectRoots;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --project-root DIR}, accepted before or after any subcommand. */
final class ProjectOption {
  private Path projectRoot;

  @Option(
      names = "--project-root",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "The project root (default: the nearest directory above the current one holding"
              + " .code-query/, else the git top level).")
  void setProjectRoot(Path dir) {
    this.projectRoot = dir;
  }

  Path resolve() {
    return projectRoot != null ? projectRoot : ProjectRoots.discover(Path.of(""));
  }
}
