package io.codequery.store;

/**
 * How a store answered a probe ({@code worker health}).
 *
 * @param url which store, as the user names it ({@code sqlite:<file>}, {@code postgresql://…})
 * @param reachable it answered
 * @param latencyMillis how long the probe took (open and one query); null where unreachable
 * @param schemaVersion the schema version it holds; null where unreachable or absent
 * @param problem why it is unreachable; null where it answered
 */
public record StoreHealth(
    String url, boolean reachable, Double latencyMillis, Integer schemaVersion, String problem) {}
