package io.codequery.cli;

import io.codequery.Detection;
import io.codequery.WorkerDetector;
import io.codequery.project.ProjectRoots;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code worker status} (human output) without picocli: the same detector and the same line as
 * {@link StatusCommand}, at the cost of {@code java.base} only. Any argument it does not know
 * (--json, --help, typos) sends the call down the full path, which explains itself.
 */
final class FastStatus {
  static final int NOT_HANDLED = -1;

  private FastStatus() {}

  static int run(String[] args) {
    String typedRoot = null;
    int words = 0;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--project-root") && i + 1 < args.length && typedRoot == null) {
        typedRoot = args[++i];
      } else if (a.startsWith("--project-root=") && typedRoot == null) {
        typedRoot = a.substring("--project-root=".length());
      } else if (words == 0 && a.equals("worker") || words == 1 && a.equals("status")) {
        words++;
      } else {
        return NOT_HANDLED;
      }
    }
    if (words != 2) {
      return NOT_HANDLED;
    }
    Path root;
    if (typedRoot == null) {
      root = ProjectRoots.discover(Path.of(""));
    } else {
      root = Path.of(typedRoot);
      Optional<String> problem = ProjectRootArgument.problem(typedRoot, root);
      if (problem.isPresent()) {
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        err.println("✗ " + problem.get());
        err.flush();
        return ExitStatus.USAGE;
      }
    }
    Detection d = new WorkerDetector(root).detect();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println(Render.status(d));
    out.flush();
    return ExitStatus.of(d);
  }
}
