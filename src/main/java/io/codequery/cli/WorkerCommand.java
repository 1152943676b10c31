package io.codequery.cli;

import picocli.CommandLine.Command;

@Command(
    name = "worker",
    description = "Run the background worker and ask about it.",
    subcommands = {
      StartCommand.class,
      StopCommand.class,
      RestartCommand.class,
      StatusCommand.class,
      ListCommand.class,
      HealthCommand.class,
      InfoCommand.class,
      RunCommand.class
    })
final class WorkerCommand {}
