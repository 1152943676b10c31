package io.codequery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.codequery.project.RepoPath;
import io.codequery.testing.SettableClock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The documentation store's contract ({@link DocumentStore}, and how {@link JobStore} keeps it),
 * written once: each store implementation runs these tests through a subclass that says how to open
 * an empty store. Documents follow git (modify, rename, delete) in the order changes are ingested;
 * the same content is never documented twice by one processor.
 */
public abstract class DocumentStoreContract {
  protected static final Duration LEASE = Duration.ofSeconds(30);
  protected static final String PROCESSOR = "command:sha256:" + "ab".repeat(32);
  protected static final String OTHER_PROCESSOR = "builtin:test-2";
  protected static final String C1 = "c1".repeat(20);
  protected static final String C2 = "c2".repeat(20);
  protected static final String C3 = "c3".repeat(20);
  protected static final String BLOB_X = "a".repeat(40);
  protected static final String BLOB_Y = "b".repeat(40);

  protected final SettableClock clock = new SettableClock();
  protected Store store;

  /** A new, empty store that reads the time from {@code clock}. */
  protected abstract Store newStore(SettableClock clock);

  @BeforeEach
  void openStore() {
    store = newStore(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static RepoPath path(String p) {
    return RepoPath.of(p);
  }

  protected Ingested queue(String commit, PathChange... changes) {
    return store.ingest(commit, List.of(changes), IngestOptions.DEFAULT);
  }

  protected static PathChange.Document doc(String p, String blob) {
    return new PathChange.Document(path(p), blob);
  }

  protected Job claim() {
    return store.claim("w", LEASE).orElseThrow(() -> new AssertionError("nothing to claim"));
  }

  protected static JobResult wrote(String text) {
    return wrote(text, PROCESSOR);
  }

  protected static JobResult wrote(String text, String processor) {
    return new JobResult(0, 42, "", new NewDocument(text, text.length(), false, processor));
  }

  /** Ingests {@code p} at {@code commit} and documents it with {@code text} at once. */
  protected Job documented(String commit, String p, String blob, String text) {
    queue(commit, doc(p, blob));
    Job job = claim();
    assertInstanceOf(Skip.Run.class, store.skipIfUnneeded(job, PROCESSOR));
    return store.complete(job, wrote(text)).orElseThrow();
  }

  protected String textOf(String p) {
    return store.document(path(p)).map(Document::text).orElse(null);
  }

  // ---------------------------------------------------------------- writing

  @Test
  void a_job_done_writes_its_document_in_the_same_step() {
    Job done = documented(C1, "src/A.java", BLOB_X, "# A\nthe worker loop");
    assertEquals(JobState.DONE, done.state());
    assertEquals(Outcome.DOCUMENTED, done.outcome());
    Document d = store.document(path("src/A.java")).orElseThrow();
    assertEquals(
        new Document(
            path("src/A.java"),
            C1,
            BLOB_X,
            PROCESSOR,
            done.updatedAt(), // one step: the job's end is the document's time
            42,
            "# A\nthe worker loop",
            "# A\nthe worker loop".length(),
            false),
        d);
    assertEquals(List.of(d.entry()), store.documents());
    assertEquals(Optional.empty(), store.document(path("src/B.java")));
  }

  @Test
  void a_result_whose_claim_was_lost_writes_no_document() {
    queue(C1, doc("a.txt", BLOB_X));
    Job first = claim();
    clock.advance(LEASE.plusSeconds(1));
    Job second = store.claim("other", LEASE).orElseThrow();
    assertTrue(store.complete(first, wrote("late")).isEmpty());
    assertNull(textOf("a.txt"));
    store.complete(second, wrote("on time"));
    assertEquals("on time", textOf("a.txt"));
  }

  @Test
  void a_modified_file_s_document_is_replaced_when_its_job_is_done() {
    documented(C1, "a.txt", BLOB_X, "first");
    documented(C2, "a.txt", BLOB_Y, "second");
    Document d = store.document(path("a.txt")).orElseThrow();
    assertEquals(List.of("second", C2, BLOB_Y), List.of(d.text(), d.commit(), d.blob()));
    assertEquals(1, store.documents().size(), "one current document per path");
  }

  @Test
  void documents_are_listed_in_git_s_path_order_with_names_that_are_not_utf8() {
    RepoPath odd = RepoPath.ofBytes(new byte[] {'b', (byte) 0xff});
    queue(C1, doc("c", BLOB_X), new PathChange.Document(odd, BLOB_X), doc("a", BLOB_X));
    for (int i = 0; i < 3; i++) {
      store.complete(claim(), wrote("doc " + i));
    }
    assertEquals(
        List.of(path("a"), odd, path("c")),
        store.documents().stream().map(DocumentEntry::path).toList());
    assertTrue(store.document(odd).isPresent());
    assertTrue(store.document(RepoPath.of("b\uFFFD")).isEmpty(), "U+FFFD is another name");
  }

  // ---------------------------------------------------------------- order per path

  @Test
  void a_pending_job_overtaken_by_a_newer_change_of_its_path_is_done_without_running() {
    queue(C1, doc("a.txt", BLOB_X), doc("b.txt", BLOB_X));
    Ingested second = queue(C2, doc("a.txt", BLOB_Y));
    assertEquals(1, second.superseded());
    List<Job> jobs = store.list(Optional.of(JobState.DONE), 10);
    assertEquals(1, jobs.size());
    Job old = jobs.get(0);
    assertEquals(List.of(C1, "a.txt"), List.of(old.commit(), old.file().display()));
    assertEquals(Outcome.SUPERSEDED, old.outcome());
    assertTrue(old.note().contains(C2), old.note());
    assertEquals(1, store.documentCounts().superseded());
  }

  @Test
  void an_older_job_finishing_after_a_newer_one_never_overwrites_its_document() {
    queue(C1, doc("a.txt", BLOB_X));
    Job older = claim();
    store.fail(older, "exit code 1", false);
    documented(C2, "a.txt", BLOB_Y, "newer");
    assertEquals(1, store.retryFailed(), "the older job is put back, as `queue retry` does");
    Job again = claim();
    assertEquals(C1, again.commit());
    // Claimed by a worker that looked before C2's change (its check said run): it runs and ends.
    Job done = store.complete(again, wrote("older")).orElseThrow();
    assertEquals(Outcome.NOT_STORED, done.outcome());
    assertTrue(done.note().contains("newer change"), done.note());
    assertEquals("newer", textOf("a.txt"));
  }

  @Test
  void a_job_put_back_after_a_newer_change_of_its_path_is_skipped_as_superseded() {
    queue(C1, doc("a.txt", BLOB_X));
    store.fail(claim(), "exit code 1", false);
    queue(C2, doc("a.txt", BLOB_Y));
    store.retryFailed();
    Job old = claim();
    assertEquals(C1, old.commit(), "the older one is claimed first");
    Skip skip = store.skipIfUnneeded(old, PROCESSOR);
    Job skipped = assertInstanceOf(Skip.Skipped.class, skip).job();
    assertEquals(Outcome.SUPERSEDED, skipped.outcome());
    assertEquals(JobState.DONE, skipped.state());
    assertEquals(C2, claim().commit());
  }

  @Test
  void a_job_that_ends_while_a_newer_one_waits_stores_its_document_until_the_newer_one_ends() {
    queue(C1, doc("a.txt", BLOB_X));
    Job first = claim();
    queue(C2, doc("a.txt", BLOB_Y));
    assertEquals(Outcome.DOCUMENTED, store.complete(first, wrote("older")).orElseThrow().outcome());
    assertEquals("older", textOf("a.txt"), "the newest document there is, for now");
    Job second = claim();
    assertEquals(C2, second.commit());
    store.complete(second, wrote("newer"));
    assertEquals("newer", textOf("a.txt"));
  }

  // ---------------------------------------------------------------- deletions and renames

  @Test
  void a_deleted_file_s_document_leaves_search() {
    documented(C1, "gone.txt", BLOB_X, "zebra crossing");
    assertEquals(1, hits("zebra").size());
    Ingested removed = queue(C2, new PathChange.Remove(path("gone.txt")));
    assertEquals(1, removed.removed());
    assertNull(textOf("gone.txt"));
    assertEquals(List.of(), hits("zebra"));
    assertEquals(List.of(), store.documents());
  }

  @Test
  void a_deletion_ingested_while_the_job_runs_wins() {
    queue(C1, doc("a.txt", BLOB_X));
    Job running = claim();
    queue(C2, new PathChange.Remove(path("a.txt")));
    Job done = store.complete(running, wrote("ghost")).orElseThrow();
    assertEquals(Outcome.NOT_STORED, done.outcome());
    assertNull(textOf("a.txt"), "a deleted file's document does not come back");
  }

  @Test
  void a_pending_job_of_a_deleted_file_is_not_run() {
    queue(C1, doc("a.txt", BLOB_X));
    assertEquals(1, queue(C2, new PathChange.Remove(path("a.txt"))).superseded());
    assertTrue(store.claim("w", LEASE).isEmpty());
    assertEquals(0, store.depth());
  }

  @Test
  void a_renamed_file_s_document_moves_and_is_not_made_again_for_the_same_content() {
    documented(C1, "old/Name.java", BLOB_X, "about Name");
    Ingested moved =
        queue(C2, new PathChange.Move(path("old/Name.java"), path("new/Name.java"), BLOB_X));
    assertEquals(1, moved.moved());
    assertEquals(1, moved.queued());
    assertNull(textOf("old/Name.java"));
    assertEquals("about Name", textOf("new/Name.java"));
    assertEquals(List.of("new/Name.java"), paths(hits("Name")));
    Job job = claim();
    Job skipped = assertInstanceOf(Skip.Skipped.class, store.skipIfUnneeded(job, PROCESSOR)).job();
    assertEquals(Outcome.ALREADY_DOCUMENTED, skipped.outcome());
    assertEquals(1, store.documentCounts().alreadyDocumented());
  }

  @Test
  void a_renamed_and_changed_file_is_documented_again_under_its_new_name() {
    documented(C1, "a.txt", BLOB_X, "before");
    queue(C2, new PathChange.Move(path("a.txt"), path("b.txt"), BLOB_Y));
    assertEquals("before", textOf("b.txt"), "moved at once");
    Job job = claim();
    assertInstanceOf(Skip.Run.class, store.skipIfUnneeded(job, PROCESSOR));
    store.complete(job, wrote("after"));
    assertEquals("after", textOf("b.txt"));
    assertNull(textOf("a.txt"));
  }

  @Test
  void a_job_of_the_old_name_finishing_after_the_rename_stores_nothing() {
    queue(C1, doc("a.txt", BLOB_X));
    Job running = claim();
    queue(C2, new PathChange.Move(path("a.txt"), path("b.txt"), BLOB_X));
    assertEquals(Outcome.NOT_STORED, store.complete(running, wrote("old")).orElseThrow().outcome());
    assertNull(textOf("a.txt"));
    assertNull(textOf("b.txt"), "nothing to move yet: b.txt's own job documents it");
    Job next = claim();
    assertEquals("b.txt", next.file().display());
    assertInstanceOf(Skip.Run.class, store.skipIfUnneeded(next, PROCESSOR));
  }

  // ---------------------------------------------------------------- never twice

  @Test
  void content_documented_by_the_same_processor_is_done_at_once_and_counted() {
    documented(C1, "a.txt", BLOB_X, "doc of x");
    queue(C2, doc("a.txt", BLOB_X)); // e.g. the same file again after a rebase
    Job again = claim();
    Job skipped =
        assertInstanceOf(Skip.Skipped.class, store.skipIfUnneeded(again, PROCESSOR)).job();
    assertEquals(JobState.DONE, skipped.state());
    assertEquals(Outcome.ALREADY_DOCUMENTED, skipped.outcome());
    assertTrue(skipped.note().contains(BLOB_X), skipped.note());
    assertNull(skipped.exitCode(), "nothing ran");
    assertEquals(1, store.documentCounts().alreadyDocumented());
    assertEquals(C1, store.document(path("a.txt")).orElseThrow().commit());
  }

  @Test
  void another_processor_or_a_forced_job_documents_the_same_content_again() {
    documented(C1, "a.txt", BLOB_X, "by the first");
    queue(C2, doc("a.txt", BLOB_X));
    assertInstanceOf(Skip.Run.class, store.skipIfUnneeded(claim(), OTHER_PROCESSOR));
    store.ingest(C3, List.of(doc("b.txt", BLOB_Y)), IngestOptions.DEFAULT);
    documentedNext("b");
    Ingested forced =
        store.ingest(C3, List.of(doc("b.txt", BLOB_Y)), new IngestOptions(true, null));
    assertEquals(1, forced.queued(), "the done job of (C3, b.txt) is put back");
    Job redo = claim();
    assertTrue(redo.force());
    assertInstanceOf(Skip.Run.class, store.skipIfUnneeded(redo, PROCESSOR));
  }

  /**
   * Back on a commit seen before (a checkout), after another commit documented the path: a
   * backfill's job of it, or a forced one, is queued anew as the newest change of its path, so its
   * result is stored. Queued again in place, it stayed older than that commit's job and was refused
   * as overtaken: the path stayed stale whatever one ran.
   */
  @Test
  void a_job_queued_again_is_its_path_s_newest_change_and_its_document_is_stored() {
    documented(C1, "a.txt", BLOB_X, "x at c1");
    documented(C2, "a.txt", BLOB_Y, "y at c2");
    Ingested backfill =
        store.ingest(C1, List.of(doc("a.txt", BLOB_X)), new IngestOptions(false, PROCESSOR));
    assertEquals(1, backfill.queued(), "not documented: (C1, a.txt) is queued anew");
    Job again = claim();
    assertInstanceOf(Skip.Run.class, store.skipIfUnneeded(again, PROCESSOR));
    assertEquals(
        Outcome.DOCUMENTED, store.complete(again, wrote("x again")).orElseThrow().outcome());
    assertEquals("x again", textOf("a.txt"));

    documented(C3, "a.txt", BLOB_Y, "y at c3");
    Ingested forced =
        store.ingest(C1, List.of(doc("a.txt", BLOB_X)), new IngestOptions(true, null));
    assertEquals(1, forced.queued());
    Job redo = claim();
    assertTrue(redo.force());
    assertInstanceOf(Skip.Run.class, store.skipIfUnneeded(redo, PROCESSOR));
    store.complete(redo, wrote("x forced"));
    assertEquals("x forced", textOf("a.txt"));
    assertEquals(Ingested.NOTHING, queue(C3, doc("a.txt", BLOB_Y)), "the hook's: nothing changes");
  }

  private void documentedNext(String text) {
    Job j = claim();
    store.complete(j, wrote(text));
  }

  @Test
  void ingesting_a_commit_twice_changes_nothing() {
    PathChange[] changes = {
      doc("a.txt", BLOB_X),
      new PathChange.Remove(path("b.txt")),
      new PathChange.Move(path("c.txt"), path("d.txt"), BLOB_Y)
    };
    Ingested first = queue(C1, changes);
    assertEquals(2, first.queued());
    assertEquals(Ingested.NOTHING, queue(C1, changes));
    assertEquals(2, store.depth());
  }

  @Test
  void a_backfill_leaves_unqueued_what_its_processor_documented_already() {
    documented(C1, "a.txt", BLOB_X, "a");
    Ingested backfill =
        store.ingest(
            C2,
            List.of(doc("a.txt", BLOB_X), doc("b.txt", BLOB_Y)),
            new IngestOptions(false, PROCESSOR));
    assertEquals(List.of(1, 1), List.of(backfill.queued(), backfill.alreadyDocumented()));
    Ingested other =
        store.ingest(C3, List.of(doc("a.txt", BLOB_X)), new IngestOptions(false, OTHER_PROCESSOR));
    assertEquals(1, other.queued(), "documented by another processor: queued");
  }

  @Test
  void the_counts_say_what_is_documented_waiting_failed_and_skipped() {
    documented(C1, "a.txt", BLOB_X, "a");
    queue(C1, doc("b.txt", BLOB_X), doc("c.txt", BLOB_X), doc("d.txt", BLOB_X));
    store.fail(claim(), "bad", false);
    queue(C2, doc("a.txt", BLOB_X), doc("c.txt", BLOB_Y));
    assertEquals(new DocumentCounts(1, 3, 1, 0, 1), store.documentCounts());
  }

  // ---------------------------------------------------------------- search

  protected List<SearchHit> hits(String query) {
    return hits(new SearchRequest(query, 10, null));
  }

  protected List<SearchHit> hits(SearchRequest request) {
    return assertInstanceOf(SearchOutcome.Hits.class, store.search(request)).hits();
  }

  protected static List<String> paths(List<SearchHit> hits) {
    return hits.stream().map(h -> h.path().display()).toList();
  }

  /** Documents each (path, text) pair, in one commit. */
  protected void corpus(String... pathsAndTexts) {
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      queue(C1, doc(pathsAndTexts[i], BLOB_X));
    }
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      Job j = claim();
      int k = 0;
      while (!pathsAndTexts[k].equals(j.file().display())) {
        k += 2;
      }
      store.complete(j, wrote(pathsAndTexts[k + 1]));
    }
  }

  @Test
  void search_ranks_by_relevance_with_a_path_s_words_weighing_more_and_shows_a_snippet() {
    corpus(
        "src/worker/Loop.java", "runs the loop of the process",
        "docs/notes.md", "the worker worker worker is mentioned here, and other words follow it",
        "src/Other.java", "nothing related",
        "src/More.java", "still nothing",
        "README.md", "an introduction");
    List<SearchHit> found = hits("worker");
    assertEquals(List.of("src/worker/Loop.java", "docs/notes.md"), paths(found));
    assertTrue(found.get(0).score() > found.get(1).score());
    assertTrue(found.get(1).score() > 0);
    assertTrue(found.get(1).snippet().contains("**worker**"), found.get(1).snippet());
    assertEquals(C1, found.get(0).commit());
  }

  @Test
  void search_knows_prefixes_phrases_and_several_words() {
    corpus(
        "a.md", "the heartbeat keeps the worker honest",
        "b.md", "keeps honest records of the heartbeat",
        "c.md", "heartbeats everywhere");
    assertEquals(3, hits("heart*").size());
    assertEquals(List.of("a.md"), paths(hits("\"the worker honest\"")));
    assertEquals(
        List.of("a.md", "b.md"), paths(hits("honest heartbeat")).stream().sorted().toList());
  }

  @Test
  void search_finds_nothing_without_an_error_and_respects_the_limit() {
    corpus("a.md", "alpha beta", "b.md", "alpha gamma", "c.md", "alpha delta");
    assertEquals(List.of(), hits("omega"));
    assertEquals(2, hits(new SearchRequest("alpha", 2, null)).size());
  }

  @Test
  void search_by_path_glob_as_git_pathspecs_match() {
    corpus(
        "src/main/A.java", "shared word",
        "src/test/ATest.java", "shared word",
        "docs/a.md", "shared word");
    assertEquals(
        List.of("src/main/A.java", "src/test/ATest.java"),
        paths(hits(new SearchRequest("shared", 10, "*.java"))).stream().sorted().toList());
    assertEquals(
        List.of("src/test/ATest.java"), paths(hits(new SearchRequest("shared", 10, "src/test"))));
    assertEquals(List.of("docs/a.md"), paths(hits(new SearchRequest("shared", 10, "docs/?.md"))));
    assertEquals(List.of(), hits(new SearchRequest("shared", 10, "nowhere/*")));
  }

  @Test
  void a_query_the_syntax_refuses_is_searched_as_plain_words() {
    corpus("a.md", "the worker-loop runs jobs", "b.md", "AND or NOT are words here");
    for (String q : List.of("worker-loop", "worker-loop\"", "jobs AND(", "NEAR/ jobs", "a:jobs")) {
      SearchOutcome.Hits h =
          assertInstanceOf(
              SearchOutcome.Hits.class, store.search(new SearchRequest(q, 10, null)), q);
      assertTrue(h.asPlainWords(), q);
    }
    assertEquals(List.of("a.md"), paths(hits("worker-loop")));
    assertEquals(List.of("b.md"), paths(hits("NOT")));
  }

  @Test
  void a_query_without_a_word_is_unsearchable_and_says_so() {
    corpus("a.md", "text");
    for (String q : List.of("", "   ", "*", "\"", "(((", "-")) {
      SearchOutcome out = store.search(new SearchRequest(q, 10, null));
      SearchOutcome.Unsearchable u = assertInstanceOf(SearchOutcome.Unsearchable.class, out, q);
      assertTrue(u.reason().contains("nothing to search for"), u.reason());
    }
  }

  /**
   * A query of more than {@link SearchRequest#MAX_WORDS} words is refused by either store before it
   * reaches the index (thousands of words held it for minutes); one of exactly that many is
   * searched.
   */
  @Test
  void a_query_of_more_words_than_the_most_is_unsearchable_and_says_so() {
    corpus("a.md", "alpha beta");
    String most = String.join(" ", Collections.nCopies(SearchRequest.MAX_WORDS, "alpha"));
    assertInstanceOf(
        SearchOutcome.Hits.class, store.search(new SearchRequest(most, 10, null)), "64 words");
    SearchOutcome out = store.search(new SearchRequest(most + " beta", 10, null));
    SearchOutcome.Unsearchable u = assertInstanceOf(SearchOutcome.Unsearchable.class, out);
    assertTrue(u.reason().contains("65 words"), u.reason());
  }
}
