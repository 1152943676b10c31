package io.codequery.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code code-query help [COMMAND...]}: the help of any command at any depth ({@code help worker
 * start}), as {@code COMMAND --help} prints it. picocli's own help command looks one level deep
 * only.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the help of a command, e.g. `code-query help worker start`.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:help shown", "2:no such command"})
final class HelpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The command to describe, e.g. `worker` or `worker start` (default: all).")
  List<String> path = new ArrayList<>();

  @Override
  public Integer call() {
    CommandLine target = spec.root().commandLine();
    for (String word : path) {
      CommandLine next = target.getSubcommands().get(word);
      if (next == null) {
        throw new ParameterException(
            spec.commandLine(),
            "`"
                + target.getCommandSpec().qualifiedName()
                + "` has no command "
                + word
                + "; it has: "
                + String.join(", ", target.getSubcommands().keySet()));
      }
      target = next;
    }
    target.usage(spec.commandLine().getOut());
    spec.commandLine().getOut().flush();
    return ExitStatus.OK;
  }
}
