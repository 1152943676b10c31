package io.codequery.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code code-query completion}: a bash (and zsh) completion script, by picocli's generator. */
@Command(
    name = "completion",
    description = {
      "Print a completion script for bash and zsh.",
      "Install it with one command:",
      "  source <(code-query completion)              (this shell only)",
      "  code-query completion >> ~/.bashrc           (every new bash)",
      "zsh: run `autoload -U +X bashcompinit && bashcompinit` first."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:script printed"})
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("code-query", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitStatus.OK;
  }
}
