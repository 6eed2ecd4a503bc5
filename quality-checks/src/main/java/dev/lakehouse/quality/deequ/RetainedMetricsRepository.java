package dev.lakehouse.quality.deequ;

import static java.util.Objects.requireNonNull;

import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.repository.AnalysisResult;
import com.amazon.deequ.repository.AnalysisResultSerde;
import com.amazon.deequ.repository.MetricsRepository;
import com.amazon.deequ.repository.MetricsRepositoryMultipleResultsLoader;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository$;
import com.amazon.deequ.repository.memory.InMemoryMetricsRepository;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;

/**
 * Deequ's JSON metrics file, holding only the newest runs. Deequ's own file repository re-reads
 * and rewrites every result it ever saved on each save, so a table refined every few minutes
 * carried a file that grew by one run's metrics per run, forever, and paid for it in every batch;
 * the row-count anomaly check looks at the previous run only. Same file format, so a file Deequ
 * wrote is read as is (and trimmed on the next save).
 *
 * <p>A save replaces the whole file (Deequ writes a temporary file and renames it over the old one).
 */
final class RetainedMetricsRepository implements MetricsRepository {

  /** Runs kept per file: far more than the anomaly check's look-back, small enough to rewrite per batch. */
  static final int RETAINED_RUNS = 100;

  private final SparkSession spark;
  private final String path;
  private final int retainedRuns;
  private InMemoryMetricsRepository kept = new InMemoryMetricsRepository();

  RetainedMetricsRepository(SparkSession spark, String path, int retainedRuns) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = requireNonNull(path, "path is null");
    if (retainedRuns < 1) {
      throw new IllegalArgumentException("retainedRuns must be at least 1, cannot be: " + retainedRuns);
    }
    this.retainedRuns = retainedRuns;
    keep(new FileSystemMetricsRepository(spark, path).load().get());
  }

  @Override
  public void save(ResultKey resultKey, AnalyzerContext analyzerContext) {
    kept.save(resultKey, analyzerContext);
    List<AnalysisResult> newest = keep(kept.load().get());
    byte[] json = AnalysisResultSerde.serialize(JavaConverters.asScalaBuffer(newest).toSeq()).getBytes(StandardCharsets.UTF_8);
    FileSystemMetricsRepository$.MODULE$.writeToFileOnDfs(spark, path, output -> {
      try {
        output.write(json);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write Deequ metrics to " + path, e);
      }
      return BoxedUnit.UNIT;
    });
  }

  @Override
  public Option<AnalyzerContext> loadByKey(ResultKey resultKey) {
    return kept.loadByKey(resultKey);
  }

  @Override
  public MetricsRepositoryMultipleResultsLoader load() {
    return kept.load();
  }

  /** The results now held, oldest first. */
  List<AnalysisResult> results() {
    return oldestFirst(kept.load().get());
  }

  /** Holds the newest {@code retainedRuns} of {@code results}; returns them, oldest first. */
  private List<AnalysisResult> keep(scala.collection.Seq<AnalysisResult> results) {
    List<AnalysisResult> sorted = oldestFirst(results);
    List<AnalysisResult> newest = sorted.subList(Math.max(0, sorted.size() - retainedRuns), sorted.size());
    kept = new InMemoryMetricsRepository();
    newest.forEach(result -> kept.save(result.resultKey(), result.analyzerContext()));
    return newest;
  }

  private static List<AnalysisResult> oldestFirst(scala.collection.Seq<AnalysisResult> results) {
    List<AnalysisResult> sorted = new ArrayList<>(JavaConverters.seqAsJavaList(results));
    sorted.sort(Comparator.comparingLong(result -> result.resultKey().dataSetDate()));
    return sorted;
  }
}
