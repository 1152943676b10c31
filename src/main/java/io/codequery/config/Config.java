package io.codequery.config;

import java.util.List;

/**
 * A project's configuration ({@code .code-query/config.json}), validated. See {@link ConfigLoader}.
 *
 * @param command the documentation command as argv, or null for the built-in processor
 * @param concurrency how many jobs the worker runs at once (its job slots)
 * @param stdin what the command reads on its standard input: {@code none} ({@code /dev/null}) or
 *     {@code content} (the file's committed content)
 * @param storeUrl {@code store.url}: where the queue and the documents live, checked by {@link
 *     io.codequery.store.StoreUrl#parse}; null for the project's own SQLite file ({@code
 *     CODE_QUERY_STORE_URL} overrides it where it is set)
 */
public record Config(
    String datasetName,
    String model,
    String mode,
    String fallback,
    List<String> command,
    int maxRetries,
    int retryDelaySeconds,
    int jobTimeoutSeconds,
    int heartbeatSeconds,
    int stopTimeoutSeconds,
    int concurrency,
    String stdin,
    String storeUrl) {

  public static final List<String> MODES = List.of("auto", "manual");
  public static final List<String> FALLBACKS = List.of("queue", "start", "sync");
  public static final List<String> STDIN = List.of("none", "content");

  /** True where the command gets the file's content on its standard input. */
  public boolean contentOnStdin() {
    return "content".equals(stdin);
  }

  /** The defaults of the specification and DESIGN. */
  public static Config defaults(String datasetName) {
    return new Config(
        datasetName, "sonnet", "auto", "queue", null, 2, 60, 600, 5, 10, 2, "none", null);
  }
}
