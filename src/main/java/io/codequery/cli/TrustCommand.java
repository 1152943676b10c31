package io.codequery.cli;

import io.codequery.CodeQueryException;
import io.codequery.pidfile.Ownership;
import io.codequery.project.ProjectLayout;
import io.codequery.trust.ProjectTrust;
import io.codequery.trust.TrustedRoots;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "trust",
    description = {
      "Trust this project root to run its documentation command.",
      "Its command then runs (worker start/run, queue process) although another user owns its"
          + " .code-query/ or config.json, or others may write them; as git's safe.directory. The"
          + " list is ${XDG_CONFIG_HOME:-~/.config}/code-query/trusted-roots."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:trusted, no longer trusted, or listed",
      "2:a bad option or --project-root, or no HOME to keep the list in"
    })
final class TrustCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--list", description = "List the trusted project roots.")
  boolean list;

  @Option(names = "--remove", description = "Stop trusting this project root.")
  boolean remove;

  @Override
  public Integer call() {
    if (list && remove) {
      throw new CodeQueryException("--list and --remove do not go together; give one of them");
    }
    TrustedRoots roots =
        TrustedRoots.ofCurrentUser()
            .orElseThrow(
                () ->
                    new CodeQueryException(
                        "neither XDG_CONFIG_HOME nor HOME is set to an absolute path, so there is"
                            + " no list of trusted project roots; set HOME and try again"));
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      TrustedRoots.Listing l = roots.read();
      l.ignored().ifPresent(why -> spec.commandLine().getErr().println("! " + why));
      if (l.roots().isEmpty()) {
        out.println("no trusted project roots (" + roots.file() + ")");
      }
      l.roots().forEach(out::println);
      return ExitStatus.OK;
    }
    ProjectLayout layout = ProjectLayout.of(Main.projectRoot(spec));
    Path root = layout.root();
    if (!Files.isDirectory(root)) {
      throw new CodeQueryException(root + ": no such directory; nothing to trust there");
    }
    if (remove) {
      out.println(
          roots.remove(root)
              ? "✓ no longer trusted: " + root
              : "✓ not trusted (it was not on the list): " + root);
      return ExitStatus.OK;
    }
    boolean added = roots.add(root);
    out.println("✓ trusted " + root + (added ? "" : " (it already was)"));
    out.println("  recorded in " + roots.file());
    if (ProjectTrust.check(layout, Ownership.effectiveUid(), Optional.empty())
        instanceof ProjectTrust.Untrusted u) {
      out.println("  from now on, these no longer stop its command:");
      u.problems().forEach(p -> out.println("    " + p));
    }
    return ExitStatus.OK;
  }
}
