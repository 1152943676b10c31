package io.codequery.child;

import java.nio.file.Path;
import java.util.List;

/**
 * A parent that dies the moment its child has started, before telling it to go (as a worker killed
 * before it recorded its job's run): {@code HaltInOnStart DIR} runs {@code touch DIR/ran} behind
 * the start gate and halts inside {@code onStart}.
 */
public final class HaltInOnStart {
  private HaltInOnStart() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    RunChild.run(
        ChildCommand.of(List.of("touch", dir.resolve("ran").toString()), dir)
            .withStdin(new ChildStdin.AfterOnStart())
            .withOnStart(started -> Runtime.getRuntime().halt(3)));
  }
}
