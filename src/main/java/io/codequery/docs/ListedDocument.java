package io.codequery.docs;

import io.codequery.store.DocumentEntry;

/**
 * A current document in {@code docs list}, beside what HEAD holds.
 *
 * @param headBlob the file's blob at HEAD; null where HEAD does not track it
 * @param stale true where the document does not describe HEAD's content
 */
public record ListedDocument(DocumentEntry entry, String headBlob, boolean stale) {}
