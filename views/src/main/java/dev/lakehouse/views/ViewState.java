package dev.lakehouse.views;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;

import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.core.storage.TableLocations;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A view's partial aggregates over its source's silver rows, kept in
 * {@code _system/view_state_<view>} (a Delta table partitioned by the bucket) so a refresh applies
 * only what silver changed since the last one. Inserted rows are merged into their groups' state;
 * a bucket with deleted or updated rows (a silver rerun, an upsert table) has its state recomputed
 * from its silver rows. The live tail is not kept: it changes under the view and is aggregated
 * fresh each refresh.
 *
 * <p>Each write is one Delta commit (replaceWhere on the touched and expired buckets). The status
 * row of a refresh records the state version it used; a later refresh continues from exactly
 * that version (time travel), whatever was committed after it — maintenance, or a refresh that
 * failed after writing state — and then replaces the whole state in its commit.
 */
final class ViewState {

  /** The status row's key for the state's version, beside the sources' versions. */
  static final String VERSION_KEY = "state";
  /** Delta operations that rewrite or delete files without changing rows. */
  private static final java.util.Set<String> MAINTENANCE = java.util.Set.of("OPTIMIZE", "VACUUM START", "VACUUM END");

  /** A state up to this size in files is cached (see {@link #at}). */
  private static final long MAX_CACHED_BYTES = 64L << 20;

  private final SparkSession session;
  private final TableLocations locations;
  private final ViewSources sources;
  /** Per state table, the version {@link #at} last read, when cached. */
  private final java.util.Map<String, CachedVersion> cachedVersions = new java.util.HashMap<>();

  private record CachedVersion(long version, String tableId, Dataset<Row> rows) {}

  /** Drops the cached version of the state at {@code path}, if any. */
  private void forget(String path) {
    CachedVersion cached = cachedVersions.remove(path);
    if (cached != null) {
      cached.rows().unpersist();
    }
  }

  ViewState(SparkSession session, TableLocations locations, ViewSources sources) {
    this.session = session;
    this.locations = locations;
    this.sources = sources;
  }

  /** Where the last successful refresh left the state: silver's version then and the state's. */
  record Prior(long silverVersion, long stateVersion) {}

  /**
   * The state after an update: its rows in the window, its version, the buckets it changed (all:
   * empty), the newest {@code ingested_at}
   * the update added (none when it added nothing) and what it did, for the refresh's reason.
   */
  record Updated(Dataset<Row> rows, long version, boolean rebuilt, Optional<List<Object>> touched, Optional<Instant> newestAdded,
      String what) {}

  String path(String view) {
    return locations.system("view_state_" + view);
  }

  /**
   * Brings the state to silver at {@code silverVersion}: from {@code prior} by applying silver's
   * changes, or (no prior, or it cannot be continued from) rebuilt from silver's rows.
   *
   * @param beforeRebuild told why, before a prior state is given up and rebuilt (it may refuse by throwing)
   */
  Updated update(ViewDefinition view, PartialAggregates aggregates, Optional<Prior> prior, long silverVersion,
      Instant windowStart, Object windowStartBucket, java.util.function.Consumer<String> beforeRebuild) {
    String path = path(view.name());
    if (prior.isEmpty()) { // nothing to continue from: no rebuild to refuse either
      return rebuild(view, aggregates, silverVersion, windowStart, windowStartBucket);
    }
    long latest = DeltaVersions.latest(session, path);
    if (latest > prior.get().stateVersion() && onlyMaintenanceAfter(path, prior.get().stateVersion())) {
      // OPTIMIZE and VACUUM change files, not rows: the latest version holds the same state
      prior = Optional.of(new Prior(prior.get().silverVersion(), latest));
    }
    String why;
    if (latest < prior.get().stateVersion()) {
      why = "the kept partial aggregates went back from version " + prior.get().stateVersion() + " to " + latest;
    } else if (prior.get().silverVersion() > silverVersion) {
      why = "silver went back from version " + prior.get().silverVersion() + " to " + silverVersion;
    } else {
      // the state as the last refresh left it: commits after it (OPTIMIZE, VACUUM's markers, a
      // refresh that failed after writing state) are not built on
      Optional<Dataset<Row>> kept = at(path, prior.get().stateVersion());
      Optional<Dataset<Row>> changes = prior.get().silverVersion() == silverVersion ? Optional.empty()
          : sources.silverChanges(view.source(), prior.get().silverVersion() + 1, silverVersion);
      if (kept.isPresent() && prior.get().silverVersion() == silverVersion) {
        return new Updated(kept.get().where(col(PartialAggregates.BUCKET).geq(lit(windowStartBucket))), prior.get().stateVersion(),
            false, Optional.of(List.of()), Optional.empty(), "silver unchanged");
      }
      if (kept.isPresent() && changes.isPresent()) {
        return apply(view, aggregates, prior.get(), kept.get(), latest == prior.get().stateVersion(), changes.get(), silverVersion,
            windowStart, windowStartBucket);
      }
      why = kept.isEmpty() ? "the kept partial aggregates of version " + prior.get().stateVersion() + " are no longer readable"
          : "Delta change data is not available between the last refresh's silver version and now";
    }
    beforeRebuild.accept(why);
    Updated rebuilt = rebuild(view, aggregates, silverVersion, windowStart, windowStartBucket);
    return new Updated(rebuilt.rows(), rebuilt.version(), true, Optional.empty(), rebuilt.newestAdded(), why);
  }

  private Updated rebuild(ViewDefinition view, PartialAggregates aggregates, long silverVersion, Instant windowStart,
      Object windowStartBucket) {
    forget(path(view.name())); // the state starts over, perhaps as a new table
    Dataset<Row> silver = sources.silverRows(view.source(), silverVersion, windowDate(windowStart))
        .where(expr(view.bucket().expression()).geq(lit(windowStartBucket)));
    String path = path(view.name());
    // one commit replaces the whole state (atomic)
    aggregates.merge(aggregates.partial(silver)).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .partitionBy(PartialAggregates.BUCKET).save(path);
    Row newest = silver.agg(max(col("ingested_at"))).first();
    return new Updated(read(path, windowStartBucket), DeltaVersions.latest(session, path), true, Optional.empty(),
        newest.isNullAt(0) ? Optional.empty() : Optional.of(newest.getTimestamp(0).toInstant()),
        "partial aggregates rebuilt from silver");
  }

  /**
   * @param kept the state at the prior's version
   * @param onTop whether the table's latest version is the prior's: then only touched and expired
   *     buckets are replaced; otherwise the whole state is, from {@code kept}
   */
  private Updated apply(ViewDefinition view, PartialAggregates aggregates, Prior prior, Dataset<Row> kept, boolean onTop,
      Dataset<Row> changes, long silverVersion, Instant windowStart, Object windowStartBucket) {
    String path = path(view.name());
    Column bucket = expr(view.bucket().expression());
    Dataset<Row> inWindow = changes.where(bucket.geq(lit(windowStartBucket))).withColumn(PartialAggregates.BUCKET, bucket).cache();
    try {
      List<Object> recomputed = buckets(inWindow.where(col(ViewSources.CHANGE_TYPE).notEqual("insert")));
      Dataset<Row> inserted = inWindow.where(col(ViewSources.CHANGE_TYPE).equalTo("insert"))
          .where(recomputed.isEmpty() ? lit(true) : col(PartialAggregates.BUCKET).isin(recomputed.toArray()).unary_$bang());
      Dataset<Row> added = aggregates.partial(inserted.drop(PartialAggregates.BUCKET, ViewSources.CHANGE_TYPE)).cache();
      try {
        List<Object> merged = buckets(added);
        Dataset<Row> state = aggregates.merge(kept.where(in(merged)).unionByName(added));
        if (!recomputed.isEmpty()) {
          Dataset<Row> silver = sources.silverRows(view.source(), silverVersion, windowDate(windowStart))
              .where(bucket.isin(recomputed.toArray()));
          state = state.unionByName(aggregates.merge(aggregates.partial(silver)));
        }
        List<Object> touched = new ArrayList<>(merged);
        touched.addAll(recomputed);
        var writer = state.write().format("delta").mode("overwrite").partitionBy(PartialAggregates.BUCKET);
        if (onTop) { // one commit: touched buckets replaced, buckets that left the window dropped
          writer.option("replaceWhere", ViewRefresher.replacePredicate(PartialAggregates.BUCKET, touched, windowStartBucket))
              .save(path);
        } else { // one commit: the whole state, the untouched buckets as the last refresh left them
          state.unionByName(kept.where(col(PartialAggregates.BUCKET).geq(lit(windowStartBucket))).where(not(in(touched))))
              .write().format("delta").mode("overwrite").partitionBy(PartialAggregates.BUCKET).save(path);
        }
        Row newest = inserted.agg(max(col("ingested_at"))).first();
        String what = "applied silver versions " + (prior.silverVersion() + 1) + ".." + silverVersion + " to kept partial aggregates"
            + (recomputed.isEmpty() ? "" : " (" + recomputed.size() + " buckets with deletes or updates recomputed)");
        return new Updated(read(path, windowStartBucket), DeltaVersions.latest(session, path), false, Optional.of(touched),
            newest.isNullAt(0) ? Optional.empty() : Optional.of(newest.getTimestamp(0).toInstant()), what);
      } finally {
        added.unpersist();
      }
    } finally {
      inWindow.unpersist();
    }
  }

  private boolean onlyMaintenanceAfter(String path, long version) {
    return io.delta.tables.DeltaTable.forPath(session, path).history().where(col("version").gt(version)).select("operation")
        .collectAsList().stream().allMatch(row -> MAINTENANCE.contains(row.getString(0)));
  }

  /**
   * The state at {@code version}; empty when that version can no longer be read (vacuumed, or gone).
   * A modest state is cached, per view, at the version last asked for: refreshes in a row mostly
   * continue from the same version (silver changes hourly, views refresh every few minutes), and
   * a cached version needs no Delta snapshot of it, no file listing and no scan. The cache is
   * also keyed by the table's id, so a table recreated at the same path is never taken for it.
   */
  private Optional<Dataset<Row>> at(String path, long version) {
    // the snapshot update() just brought up to date: no listing of the log again
    String tableId = org.apache.spark.sql.delta.DeltaLog.forTable(session, path).unsafeVolatileSnapshot().metadata().id();
    CachedVersion cached = cachedVersions.get(path);
    if (cached != null && cached.version() == version && cached.tableId().equals(tableId)) {
      return Optional.of(cached.rows());
    }
    forget(path);
    try {
      Dataset<Row> state = session.read().format("delta").option("versionAsOf", version).load(path);
      state.schema(); // resolves the snapshot: fails here when the version is gone
      // the size of the newest snapshot's files, which a refresh's state version is (or is close to)
      if (state.queryExecution().analyzed().stats().sizeInBytes().longValue() <= MAX_CACHED_BYTES) {
        state = state.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        cachedVersions.put(path, new CachedVersion(version, tableId, state));
      }
      return Optional.of(state);
    } catch (Exception e) { // Delta's exceptions are thrown undeclared by Scala code
      if (e instanceof org.apache.spark.sql.AnalysisException || e instanceof IllegalArgumentException
          || e instanceof IllegalStateException || e instanceof java.io.FileNotFoundException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Dataset<Row> read(String path, Object windowStartBucket) {
    return session.read().format("delta").load(path).where(col(PartialAggregates.BUCKET).geq(lit(windowStartBucket)));
  }

  private static Column in(List<Object> buckets) {
    return buckets.isEmpty() ? lit(false) : col(PartialAggregates.BUCKET).isin(buckets.toArray());
  }

  private static List<Object> buckets(Dataset<Row> rows) {
    return rows.select(PartialAggregates.BUCKET).distinct().collectAsList().stream().map(row -> row.get(0)).toList();
  }

  private static LocalDate windowDate(Instant windowStart) {
    return windowStart.atZone(java.time.ZoneOffset.UTC).toLocalDate();
  }
}
