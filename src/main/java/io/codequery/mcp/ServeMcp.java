package io.codequery.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.codequery.project.ProjectLayout;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code code-query mcp}: a Model Context Protocol server on a pair of streams (the process's stdin
 * and stdout), built on the official Java SDK, answering the tools of {@link ToolDefinitions} from
 * the project's documentation store, worker and queue. It starts no worker and loads no process
 * inspection library; it serves until its input ends, then closes.
 *
 * <p>A bad call is answered, never fatal: a tool that cannot answer (wrong arguments, a path
 * outside the repository, a store that cannot be read) answers {@code {"error": "…"}} as a tool
 * error ({@code isError}); an unknown tool or method is a JSON-RPC error; a line that is no
 * JSON-RPC message gets a JSON-RPC error from {@link CheckedLines}. Only protocol goes to {@code
 * out}; what the server has to say to a person goes to {@code log}.
 */
public final class ServeMcp {
  /** The longest message read; the SDK's own limit, so that it never meets a longer one. */
  static final int MAX_LINE_BYTES = 16 << 20;

  /**
   * How long the end of the input waits for the answers of requests still being handled (a request
   * sent before {@code notifications/initialized} is never answered: the SDK waits for it).
   */
  static final Duration ANSWER_GRACE = Duration.ofSeconds(10);

  private final ProjectLayout layout;
  private final String version;
  private final InputStream in;
  private final OutputStream out;
  private final PrintStream log;
  private final Clock clock;

  /**
   * @param version the server's version, as {@code initialize} reports it
   * @param log where the server tells a person what happens (stderr): never the protocol stream
   */
  public ServeMcp(
      Path projectRoot,
      String version,
      InputStream in,
      OutputStream out,
      PrintStream log,
      Clock clock) {
    this.layout = ProjectLayout.of(projectRoot);
    this.version = version;
    this.in = in;
    this.out = out;
    this.log = log;
    this.clock = clock;
  }

  /** Serves until the input ends (the client closed it), then closes the server. */
  public void run() throws InterruptedException {
    McpJsonMapper mapper = new JacksonMcpJsonMapper(new ObjectMapper());
    ToolCalls calls = new ToolCalls(layout, clock);
    List<SyncToolSpecification> tools =
        List.of(
            tool(ToolDefinitions.searchDocs(), calls::searchDocs, mapper),
            tool(ToolDefinitions.getDoc(), calls::getDoc, mapper),
            tool(ToolDefinitions.docsStatus(), calls::docsStatus, mapper),
            tool(ToolDefinitions.workerStatus(), calls::workerStatus, mapper),
            tool(ToolDefinitions.queueStatus(), calls::queueStatus, mapper));
    PendingRequests pending = new PendingRequests(mapper, ANSWER_GRACE);
    OutputStream protocol = pending.tap(out);
    CheckedLines lines =
        new CheckedLines(
            in,
            mapper,
            protocol,
            MAX_LINE_BYTES,
            tools.stream().map(t -> t.tool().name()).toList(),
            pending);
    McpSyncServer server =
        McpServer.sync(new StdioServerTransportProvider(mapper, lines, protocol, MAX_LINE_BYTES))
            .serverInfo("code-query", version)
            .instructions(
                "code-query keeps documentation of every file of the project at "
                    + layout.root()
                    + " current as commits land. search_docs finds documents by words,"
                    + " get_doc reads one; docs_status, worker_status and queue_status say how"
                    + " current the documentation is.")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
            .jsonMapper(mapper)
            .jsonSchemaValidator(new DefaultJsonSchemaValidator())
            .tools(tools)
            .build();
    log.println("code-query mcp: serving " + layout.root() + " on stdin/stdout");
    try {
      lines.awaitEnd();
    } finally {
      server.close();
    }
    log.println("code-query mcp: input closed, server ended");
  }

  private SyncToolSpecification tool(
      McpSchema.Tool tool, Function<Map<String, Object>, ToolAnswer> call, McpJsonMapper mapper) {
    return SyncToolSpecification.builder()
        .tool(tool)
        .callHandler((exchange, request) -> result(answer(tool.name(), call, request), mapper))
        .build();
  }

  private ToolAnswer answer(
      String name,
      Function<Map<String, Object>, ToolAnswer> call,
      McpSchema.CallToolRequest request) {
    try {
      return call.apply(request.arguments());
    } catch (RuntimeException e) {
      // A bug, not an outcome: the caller hears of it, the log keeps the trace, the server stays.
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      log.print("code-query mcp: " + name + " failed: " + trace);
      return ToolAnswer.error(name + " failed unexpectedly: " + e);
    }
  }

  private static McpSchema.CallToolResult result(ToolAnswer answer, McpJsonMapper mapper) {
    String text;
    try {
      text = mapper.writeValueAsString(answer.json());
    } catch (IOException e) {
      throw new IllegalStateException("a tool's answer could not be written as JSON", e);
    }
    return McpSchema.CallToolResult.builder()
        .addTextContent(text)
        .structuredContent(answer.json())
        .isError(answer.isError())
        .build();
  }
}
