package io.codequery.bench.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cold floor: a bare JVM that reads a PID file and asks ProcessHandle once, nothing else. Exit
 * 0 when the process is alive, 3 when not. argv: PID_FILE
 */
public final class PidCheck {
  public static void main(String[] args) throws Exception {
    int pid =
        Integer.parseInt(
            new String(Files.readAllBytes(Path.of(args[0])), StandardCharsets.US_ASCII).trim());
    System.exit(ProcessHandle.of(pid).isPresent() ? 0 : 3);
  }
}
