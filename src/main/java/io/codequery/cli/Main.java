package io.codequery.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The entry point. Plain {@code worker status} takes a fast path that loads no library at all (no
 * picocli, JSON, OSHI or SQLite classes): it is what scripts and prompts call most often. Plain
 * {@code worker start} and {@code worker run} skip picocli too ({@link FastWorker}): a worker's
 * start-up is two JVMs. Everything else goes through picocli ({@link CodeQueryCommand}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int fast = FastStatus.run(args);
    if (fast == FastStatus.NOT_HANDLED) {
      fast = FastWorker.run(args);
    }
    if (fast != FastStatus.NOT_HANDLED) {
      System.exit(fast);
    }
    System.exit(execute(args, stdout(), stderr()));
  }

  /** Runs the CLI with the given streams; returns the exit status. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return CodeQueryCommand.execute(args, out, err);
  }

  /** The project root the command works on (see {@link ProjectOption#resolve()}). */
  static Path projectRoot(CommandSpec spec) {
    return projectChoice(spec).root();
  }

  /** The project root and whether it was discovered rather than given. */
  static ProjectOption.Choice projectChoice(CommandSpec spec) {
    return ((CodeQueryCommand) spec.root().userObject()).project.resolve();
  }

  static PrintWriter stdout() {
    return new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
  }

  static PrintWriter stderr() {
    return new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
  }
}
