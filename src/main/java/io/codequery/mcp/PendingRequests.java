package io.codequery.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The requests passed to the SDK and not answered yet, so that the end of the input can wait for
 * their answers: the SDK's transport writes nothing more once it has read the end of its input, so
 * a client that sends its last request and closes stdin at once ({@code printf … | code-query mcp})
 * would get no answer at all. Answers are seen on their way out ({@link #tap}); a request the
 * client cancels ({@code notifications/cancelled}) is answered by nobody and waited for no longer.
 * Thread-safe.
 */
final class PendingRequests {
  private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {};

  private final McpJsonMapper mapper;
  private final Duration grace;

  /** How many requests of each id wait: an id is a JSON string or number, kept apart by type. */
  private final Map<String, Integer> waiting = new HashMap<>();

  /**
   * @param grace how long {@link #awaitAnswers} waits at most: a request may never be answered
   */
  PendingRequests(McpJsonMapper mapper, Duration grace) {
    this.mapper = mapper;
    this.grace = grace;
  }

  synchronized void asked(Object id) {
    waiting.merge(key(id), 1, Integer::sum);
  }

  synchronized void answered(Object id) {
    if (waiting.computeIfPresent(key(id), (k, n) -> n == 1 ? null : n - 1) == null) {
      notifyAll();
    }
  }

  synchronized int count() {
    return waiting.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Waits until every request is answered, for at most the grace; true if all were. */
  synchronized boolean awaitAnswers() throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (!waiting.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /**
   * {@code out}, seeing each message written to it (one per line) and counting its answers. The
   * transport locks the stream it writes to for each message: it locks the tap, which is what
   * everyone writing messages must lock.
   */
  OutputStream tap(OutputStream out) {
    return new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public void write(int b) throws IOException {
        out.write(b);
        see(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        for (int i = off; i < off + len; i++) {
          see(b[i]);
        }
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }

      private void see(int b) {
        if (b != '\n') {
          line.write(b);
          return;
        }
        try {
          Map<String, Object> message = mapper.readValue(line.toByteArray(), MAP);
          if (!message.containsKey("method")
              && (message.containsKey("result") || message.containsKey("error"))) {
            answered(message.get("id"));
          }
        } catch (IOException | RuntimeException e) {
          // Not a message of ours to count: nothing waits for it.
        }
        line.reset();
      }
    };
  }

  private static String key(Object id) {
    return (id instanceof String ? "s:" : "n:") + id;
  }
}
