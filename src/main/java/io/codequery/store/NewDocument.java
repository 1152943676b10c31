package io.codequery.store;

/**
 * A document as a processor wrote it, to be stored as its file's current document.
 *
 * @param text the text kept (bounded; where cut, the text says so in place)
 * @param writtenBytes how many bytes the processor wrote in all
 * @param truncated true when {@code text} holds less than was written
 * @param processor who wrote it: {@code command:sha256:<hex>} (argv, model and stdin mode) or
 *     {@code builtin:<version>}
 */
public record NewDocument(String text, long writtenBytes, boolean truncated, String processor) {
  public NewDocument {
    if (text == null || processor == null || processor.isBlank()) {
      throw new IllegalArgumentException("a document needs its text and its processor");
    }
  }
}
