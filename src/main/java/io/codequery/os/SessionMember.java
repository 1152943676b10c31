package io.codequery.os;

/** A process found in a session (see {@link ProcessTable#sessionMembers}). */
public record SessionMember(int pid, long startTicks) {}
