package io.codequery.mcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.codequery.testing.RealWorker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code code-query mcp} in a JVM of its own (the test class path), spoken to line by line in raw
 * JSON-RPC: every line it prints on stdout is kept, stderr goes to a file.
 */
final class McpProcess implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  final Process process;
  final Path stderr;
  final List<String> stdout = new CopyOnWriteArrayList<>();
  private final OutputStream stdin;
  private final Thread reader;

  private McpProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.stdin = process.getOutputStream();
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  stdout.add(line);
                }
              } catch (IOException e) {
                // The process is gone; what it printed is kept.
              }
            },
            "mcp-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java [jvmOptions] -cp … io.codequery.cli.Main mcp args…} in {@code cwd}. */
  static McpProcess start(Path cwd, List<String> jvmOptions, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(RealWorker.javaCommand());
    cmd.addAll(1, jvmOptions);
    cmd.add("io.codequery.cli.Main");
    cmd.add("mcp");
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("mcp-", ".err");
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectError(err.toFile()).start();
    return new McpProcess(p, err);
  }

  void send(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    stdin.write(bytes);
    stdin.flush();
  }

  /** {@code initialize} and {@code notifications/initialized}, as every client begins. */
  JsonObject initialize() throws IOException {
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"raw-test\",\"version\":\"1\"}}}");
    JsonObject answer = response("\"init\"");
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return answer;
  }

  /** The response whose id is {@code idJson} (as JSON: {@code 7}, {@code "x"}, {@code null}). */
  JsonObject response(String idJson) {
    Optional<JsonObject> printed = find(idJson);
    if (printed.isPresent()) {
      return printed.get();
    }
    return await("the answer to " + idJson)
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(10))
        .failFast("the server ended", () -> !process.isAlive() && !reader.isAlive())
        .until(() -> find(idJson), Optional::isPresent)
        .get();
  }

  private Optional<JsonObject> find(String idJson) {
    for (String line : stdout) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.has("id") && o.get("id").toString().equals(idJson)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /** Closes stdin and waits for the exit status. */
  int closeInput() throws Exception {
    stdin.close();
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      fail("still running " + DEADLINE + " after its input closed; stderr: " + stderrText());
    }
    reader.join(DEADLINE.toMillis());
    return process.exitValue();
  }

  String stderrText() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    Files.deleteIfExists(stderr);
  }
}
