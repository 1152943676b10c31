package io.codequery.store;

import java.util.Optional;
import java.util.function.Function;

/** Opens a project's store only to read it, for one query at a time. */
public interface StoreReader {
  /**
   * The answer of {@code query} on the project's store, opened for reading and closed again; empty
   * where the project has no store yet (no SQLite file: nothing was ever queued).
   *
   * @throws io.codequery.CodeQueryException where the store exists but cannot be read
   */
  <T> Optional<T> read(Function<Store, T> query);
}
