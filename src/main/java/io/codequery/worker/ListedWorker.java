package io.codequery.worker;

import io.codequery.store.WorkerRecord;

/**
 * One worker as {@code worker list} shows it.
 *
 * @param record the registry's row
 * @param state derived from the row's ages and, on this host, from the local detector
 * @param thisHost the worker runs on this host (same machine, boot and PID namespace)
 */
public record ListedWorker(WorkerRecord record, ListedState state, boolean thisHost) {}
