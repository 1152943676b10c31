package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.project.ProjectRoots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --project-root DIR}, accepted before or after any subcommand. */
final class ProjectOption {
  private String typed;

  /**
   * The project root a command works on.
   *
   * @param discoveredBecause why discovery chose it, where no {@code --project-root} was given and
   *     the root was found walking up from the current directory (taken before the command creates
   *     anything there)
   */
  record Choice(Path root, Optional<String> discoveredBecause) {
    static Choice discovered(Path root) {
      String why;
      if (Files.isDirectory(root.resolve(".code-query"))) {
        why = "the nearest directory holding .code-query/";
      } else if (Files.exists(root.resolve(".git"))) {
        why = "the root of the git repository you are in";
      } else {
        why = "no .code-query/ or .git above the current directory, so the current directory";
      }
      return new Choice(root, Optional.of(why));
    }
  }

  @Option(
      names = "--project-root",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "The project root (default: walking up from the current directory, the first directory"
              + " holding .code-query/ or .git).")
  void setProjectRoot(String dir) {
    this.typed = dir;
  }

  /**
   * The root: the given directory, refused where it does not exist, is not a directory or cannot be
   * entered; else discovered.
   *
   * @throws CodeQueryException naming the option and the value, where the given root is unusable
   */
  Choice resolve() {
    if (typed == null) {
      return Choice.discovered(ProjectRoots.discover(Path.of("")));
    }
    Path dir = Path.of(typed);
    ProjectRootArgument.problem(typed, dir)
        .ifPresent(
            problem -> {
              throw new CodeQueryException(problem);
            });
    return new Choice(dir, Optional.empty());
  }
}
