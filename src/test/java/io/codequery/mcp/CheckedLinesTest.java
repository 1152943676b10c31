package io.codequery.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What reaches the SDK's transport of the lines a client sends, and what is answered here. */
class CheckedLinesTest {
  static final String REQUEST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

  final ByteArrayOutputStream answered = new ByteArrayOutputStream();

  /** No grace: a test of its own holds the end back until the answers are out. */
  PendingRequests pending =
      new PendingRequests(new JacksonMcpJsonMapper(new ObjectMapper()), Duration.ZERO);

  CheckedLines lines(String input, int maxLineBytes) {
    return new CheckedLines(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new JacksonMcpJsonMapper(new ObjectMapper()),
        pending.tap(answered),
        maxLineBytes,
        List.of("search_docs", "get_doc"),
        pending);
  }

  static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  List<JsonObject> errors() {
    return answered
        .toString(StandardCharsets.UTF_8)
        .lines()
        .map(l -> JsonParser.parseString(l).getAsJsonObject())
        .toList();
  }

  @Test
  void messages_pass_one_per_line_and_the_end_of_input_is_seen() throws Exception {
    String note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    CheckedLines lines = lines(REQUEST + "\r\n\n   \n" + note, 1 << 20);
    assertFalse(lines.hasEnded());
    assertEquals(REQUEST + "\n" + note + "\n", readAll(lines), "CR LF and a last line unended");
    assertTrue(lines.awaitEnd(1, TimeUnit.SECONDS));
    assertEquals(List.of(), errors());
  }

  @Test
  void a_line_that_is_no_message_is_answered_here_and_never_passed_on() throws Exception {
    CheckedLines lines =
        lines(
            "not json\n{\"id\":7,\"hello\":1}\n[1]\n{\"jsonrpc\":\"2.0\",\"id\":\"x\"}\n"
                + REQUEST
                + "\n",
            1 << 20);
    assertEquals(REQUEST + "\n", readAll(lines));
    List<JsonObject> errors = errors();
    assertEquals(4, errors.size(), errors.toString());
    assertEquals(CheckedLines.PARSE_ERROR, code(errors.get(0)));
    assertTrue(errors.get(0).get("id").isJsonNull());
    assertEquals(CheckedLines.INVALID_REQUEST, code(errors.get(1)));
    assertEquals(7, errors.get(1).get("id").getAsInt(), "the id is kept where there is one");
    assertEquals(
        CheckedLines.INVALID_REQUEST, code(errors.get(2)), "an array is JSON, but no message");
    assertEquals(CheckedLines.INVALID_REQUEST, code(errors.get(3)));
    assertEquals("x", errors.get(3).get("id").getAsString());
  }

  @Test
  void a_line_over_the_limit_is_refused_without_being_held_and_the_next_one_passes()
      throws Exception {
    String huge = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + "x".repeat(5000) + "\"}";
    CheckedLines lines = lines(huge + "\n" + REQUEST + "\n", 1000);
    assertEquals(REQUEST + "\n", readAll(lines));
    JsonObject error = errors().get(0);
    assertEquals(CheckedLines.INVALID_REQUEST, code(error));
    assertTrue(error.getAsJsonObject("error").get("message").getAsString().contains("1000 bytes"));
  }

  @Test
  void a_call_of_a_tool_the_server_lacks_is_answered_here_naming_both() throws Exception {
    String unknown =
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"rm\"}}";
    String unnamed = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{}}";
    String known =
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"get_doc\"}}";
    CheckedLines lines = lines(unknown + "\n" + unnamed + "\n" + known + "\n", 1 << 20);
    assertEquals(known + "\n", readAll(lines));
    List<JsonObject> errors = errors();
    assertEquals(CheckedLines.INVALID_PARAMS, code(errors.get(0)));
    assertEquals(
        "unknown tool \"rm\": this server's tools are search_docs, get_doc",
        errors.get(0).getAsJsonObject("error").get("message").getAsString());
    assertEquals(4, errors.get(1).get("id").getAsInt());
    assertTrue(
        errors
            .get(1)
            .getAsJsonObject("error")
            .get("message")
            .getAsString()
            .contains("params.name"));
  }

  @Test
  void the_end_of_input_waits_until_the_requests_passed_on_are_answered() throws Exception {
    pending =
        new PendingRequests(new JacksonMcpJsonMapper(new ObjectMapper()), Duration.ofMinutes(5));
    String cancelled = "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"ping\"}";
    String cancel =
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
            + "\"params\":{\"requestId\":\"c\"}}";
    CountDownLatch endRead = new CountDownLatch(1);
    InputStream client =
        new FilterInputStream(
            new ByteArrayInputStream(
                (REQUEST + "\n" + cancelled + "\n" + cancel + "\n")
                    .getBytes(StandardCharsets.UTF_8))) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n == -1) {
              endRead.countDown();
            }
            return n;
          }
        };
    CheckedLines lines =
        new CheckedLines(
            client,
            new JacksonMcpJsonMapper(new ObjectMapper()),
            pending.tap(answered),
            1 << 20,
            List.of(),
            pending);
    CompletableFuture<String> transport =
        CompletableFuture.supplyAsync(() -> readAllUnchecked(lines));
    assertTrue(endRead.await(30, TimeUnit.SECONDS), "the client's end was read");
    assertEquals(1, pending.count(), "request 1 waits; the cancelled ping does not");
    assertFalse(
        lines.awaitEnd(300, TimeUnit.MILLISECONDS), "request 1 unanswered: the end is held back");
    assertFalse(transport.isDone());

    OutputStream out = pending.tap(new ByteArrayOutputStream());
    out.write(
        "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, pending.count(), "the string \"1\" answers no request of the number 1");
    out.write("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"id\":1}\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(1, pending.count(), "a request of the server's own answers nothing");
    out.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        REQUEST + "\n" + cancelled + "\n" + cancel + "\n",
        transport.get(30, TimeUnit.SECONDS),
        "answered: the transport reads the end");
    assertTrue(lines.awaitEnd(30, TimeUnit.SECONDS));
  }

  private static String readAllUnchecked(InputStream in) {
    try {
      return readAll(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int code(JsonObject response) {
    return response.getAsJsonObject("error").get("code").getAsInt();
  }
}
