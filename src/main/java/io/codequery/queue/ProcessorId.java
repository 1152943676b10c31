package io.codequery.queue;

import io.codequery.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Who writes a document, as the store records it and compares it to skip content documented
 * already: {@code builtin:<version>} for the built-in processor, else {@code command:sha256:<hex>}
 * over the command's argv (before substitution), the model and the stdin mode — change any of them
 * and files are documented again by the new processor.
 */
public final class ProcessorId {
  /**
   * The built-in processor and the version of what it writes: bump it when its document changes, so
   * that a backfill writes the new one.
   */
  public static final String BUILTIN = BuiltinDocument.PROCESSOR;

  private ProcessorId() {}

  /** The processor {@code config} names. */
  public static String of(Config config) {
    return of(config.command(), config.model(), config.stdin());
  }

  /**
   * @param command argv with placeholders, or null for the built-in processor
   */
  public static String of(List<String> command, String model, String stdin) {
    if (command == null) {
      return BUILTIN;
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    // Each field length-prefixed: no two different commands hash the same bytes.
    StringBuilder fields = new StringBuilder();
    for (String arg : command) {
      fields.append("argv ").append(arg.length()).append(':').append(arg).append('\n');
    }
    String m = model == null ? "" : model;
    fields.append("model ").append(m.length()).append(':').append(m).append('\n');
    fields.append("stdin ").append(stdin).append('\n');
    return "command:sha256:"
        + HexFormat.of().formatHex(sha.digest(fields.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
