package io.codequery.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The server's standard input as the SDK's stdio transport reads it: one JSON-RPC message per line,
 * each checked here first. The transport stops reading for good at the first line it cannot parse
 * or that is over its size limit, and then the server neither answers nor ends; so a line that is
 * no JSON-RPC message is answered here with a JSON-RPC error ({@code -32700} not JSON, {@code
 * -32600} JSON but no message) and never reaches the SDK. Blank lines are skipped. A call of a tool
 * the server lacks is answered here too ({@code -32602}), naming the tool asked for and the tools
 * there are (the SDK's answer names neither). At the end of the input the requests passed on are
 * answered first (for as long as {@link PendingRequests} waits for them); then the transport reads
 * the end, and so does {@link #awaitEnd}: the server ends when its client closes stdin.
 *
 * <p>Read by one thread (the transport's reader). Errors are written to {@code out} while holding
 * its monitor, the lock the transport takes for each of its own messages, so lines never mix.
 */
final class CheckedLines extends InputStream {
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int INVALID_PARAMS = -32602;

  private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {};

  /** A client gives up on a request (the SDK has no name for it). */
  private static final String CANCELLED = "notifications/cancelled";

  private final InputStream in;
  private final McpJsonMapper mapper;
  private final OutputStream out;
  private final int maxLineBytes;
  private final List<String> tools;
  private final PendingRequests pending;
  private final CountDownLatch ended = new CountDownLatch(1);
  private byte[] line = new byte[0];
  private int next;

  /**
   * @param out where errors go: the stream the transport writes its messages to
   * @param maxLineBytes a longer line is refused (and skipped up to its end) without being held
   * @param tools the names of the server's tools
   * @param pending the requests passed on, counted here, answered through its tap of {@code out}
   */
  CheckedLines(
      InputStream in,
      McpJsonMapper mapper,
      OutputStream out,
      int maxLineBytes,
      List<String> tools,
      PendingRequests pending) {
    // The line is read a byte at a time: buffered, that costs no system call per byte.
    this.in = new BufferedInputStream(in);
    this.mapper = mapper;
    this.out = out;
    this.maxLineBytes = maxLineBytes;
    this.tools = List.copyOf(tools);
    this.pending = pending;
  }

  /** Waits until the input has ended, or could not be read any more. */
  void awaitEnd() throws InterruptedException {
    ended.await();
  }

  /** As {@link #awaitEnd()}, for at most {@code timeout}; true if it has ended. */
  boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  boolean hasEnded() {
    return ended.getCount() == 0;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return line[next++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, line.length - next);
    System.arraycopy(line, next, b, off, n);
    next += n;
    return n;
  }

  @Override
  public int available() {
    return line.length - next;
  }

  @Override
  public void close() throws IOException {
    ended.countDown();
    in.close();
  }

  /** True once the buffer holds unread bytes of an accepted line; false at the end of input. */
  private boolean fill() throws IOException {
    while (next >= line.length) {
      String text;
      try {
        text = readLine();
      } catch (IOException e) {
        ended.countDown();
        throw e;
      }
      if (text == null) {
        try {
          pending.awaitAnswers();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ended.countDown();
        return false;
      }
      if (text.isBlank() || !accepted(text)) {
        continue;
      }
      line = (text + "\n").getBytes(StandardCharsets.UTF_8);
      next = 0;
    }
    return true;
  }

  /**
   * The next line without its terminator; null at the end of input. A line over the limit is
   * answered with an error, read to its end and dropped: "" is returned in its place.
   */
  private String readLine() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean tooLong = false;
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (bytes.size() < maxLineBytes) {
        bytes.write(c);
      } else {
        tooLong = true;
      }
    }
    if (c == -1 && bytes.size() == 0 && !tooLong) {
      return null;
    }
    if (tooLong) {
      answer(null, INVALID_REQUEST, "message refused: a line over " + maxLineBytes + " bytes");
      return "";
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    // Any other carriage return is JSON whitespace outside strings (inside, JSON must escape it);
    // the transport would take it for the end of a line.
    return text.replace('\r', ' ');
  }

  /** Whether the transport can read {@code text}; if not, its sender gets a JSON-RPC error. */
  private boolean accepted(String text) throws IOException {
    Map<String, Object> map;
    try {
      map = mapper.readValue(text, MAP);
    } catch (IOException | RuntimeException e) {
      if (isJson(text)) {
        // An array (a batch, which MCP does not take), a string, a number: JSON, but no message.
        answer(
            null,
            INVALID_REQUEST,
            "invalid request: a message is one JSON object, one a line (" + brief(text) + ")");
      } else {
        answer(null, PARSE_ERROR, "parse error: the line is not JSON (" + brief(text) + ")");
      }
      return false;
    }
    Object id = map.get("id");
    id = id instanceof String || id instanceof Number ? id : null;
    try {
      McpSchema.deserializeJsonRpcMessage(mapper, text);
    } catch (IOException | RuntimeException e) {
      answer(
          id,
          INVALID_REQUEST,
          "invalid request: not a JSON-RPC 2.0 request, notification or response ("
              + brief(text)
              + ")");
      return false;
    }
    Object method = map.get("method");
    if (CANCELLED.equals(method) && map.get("params") instanceof Map<?, ?> params) {
      pending.answered(params.get("requestId"));
    }
    if (McpSchema.METHOD_TOOLS_CALL.equals(method) && map.containsKey("id")) {
      Object name = map.get("params") instanceof Map<?, ?> params ? params.get("name") : null;
      if (!(name instanceof String) || !tools.contains(name)) {
        answer(
            id,
            INVALID_PARAMS,
            (name instanceof String
                    ? "unknown tool \"" + brief((String) name) + "\""
                    : "tools/call without a tool name (params.name)")
                + ": this server's tools are "
                + String.join(", ", tools));
        return false;
      }
    }
    if (method != null && map.containsKey("id")) {
      pending.asked(id);
    }
    return true;
  }

  private boolean isJson(String text) {
    try {
      mapper.readValue(text, Object.class);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void answer(Object id, int code, String message) throws IOException {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    response.put("id", id);
    response.put("error", error);
    byte[] json = mapper.writeValueAsBytes(response);
    synchronized (out) {
      out.write(json);
      out.write('\n');
      out.flush();
    }
  }

  /** The start of a refused line, for its error: enough to recognise it, never the whole line. */
  private static String brief(String text) {
    String s = text.strip();
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }
}
