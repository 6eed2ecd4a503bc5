package dev.lakehouse.quality.deequ;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.metrics.DoubleMetric;
import com.amazon.deequ.metrics.Entity$;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.repository.AnalysisResult;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;
import scala.util.Success;

class RetainedMetricsRepositoryTest {

  private static SparkSession spark;

  @TempDir Path folder;

  @BeforeAll
  static void startSpark() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
  }

  @Test
  void keepsTheNewestRunsInTheFileAndInMemory() {
    String path = folder.resolve("metrics.json").toString();
    RetainedMetricsRepository repository = new RetainedMetricsRepository(spark, path, 3);
    for (long run = 1; run <= 5; run++) {
      repository.save(new ResultKey(run * 1000, scala.collection.immutable.Map$.MODULE$.empty()), rowCount(run * 10));
    }

    assertThat(dates(repository.results())).containsExactly(3000L, 4000L, 5000L);
    assertThat(dates(new RetainedMetricsRepository(spark, path, 3).results())).containsExactly(3000L, 4000L, 5000L);
    // the file stays in Deequ's own format
    List<AnalysisResult> read = JavaConverters.seqAsJavaList(new FileSystemMetricsRepository(spark, path).load().get());
    assertThat(read).extracting(result -> sizeOf(result.analyzerContext())).containsExactlyInAnyOrder(30.0, 40.0, 50.0);
  }

  @Test
  void trimsAFileDeequWroteOnTheNextSave() {
    String path = folder.resolve("deequ.json").toString();
    FileSystemMetricsRepository deequ = new FileSystemMetricsRepository(spark, path);
    for (long run = 1; run <= 4; run++) {
      deequ.save(new ResultKey(run, scala.collection.immutable.Map$.MODULE$.empty()), rowCount(run));
    }

    RetainedMetricsRepository repository = new RetainedMetricsRepository(spark, path, 2);
    assertThat(dates(repository.results())).containsExactly(3L, 4L);
    repository.save(new ResultKey(5, scala.collection.immutable.Map$.MODULE$.empty()), rowCount(5));

    assertThat(dates(JavaConverters.seqAsJavaList(new FileSystemMetricsRepository(spark, path).load().get())))
        .containsExactlyInAnyOrder(4L, 5L);
  }

  private static List<Long> dates(List<AnalysisResult> results) {
    return results.stream().map(result -> result.resultKey().dataSetDate()).toList();
  }

  private static double sizeOf(AnalyzerContext context) {
    return (Double) context.metricMap().values().head().value().get();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static AnalyzerContext rowCount(long rows) {
    Analyzer size = new Size(scala.Option.empty());
    Metric metric = new DoubleMetric(Entity$.MODULE$.Dataset(), "Size", "*", new Success<>((double) rows), scala.Option.empty());
    return new AnalyzerContext(new scala.collection.immutable.Map.Map1<>(size, metric));
  }
}
