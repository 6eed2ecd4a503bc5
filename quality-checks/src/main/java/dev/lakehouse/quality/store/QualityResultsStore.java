package dev.lakehouse.quality.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.core.storage.LogAppend;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.quality.Validation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Keeps every validation result twice: as Great Expectations' JSON at
 * {@code _system/quality_results/_json/<suite>/<run_id>.json} (the leading underscore keeps the
 * files out of the Delta table and out of VACUUM's reach) and as a row of the
 * {@code _system/quality_results} Delta table. Both are idempotent per (suite, run id): the file
 * is overwritten, the rows are appended once per set of (suite, run id) keys (a Delta transaction
 * id, cheaper than a MERGE on the key, which planned a join and rebuilt the table's state every
 * batch). {@code published} says whether the
 * batch it judged was published: false for a batch the gate stopped; a publishing job saves its
 * results after its commit, so a run killed before publishing leaves none.
 */
public final class QualityResultsStore {

  public static final String TABLE = "quality_results";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("suite", DataTypes.StringType, false)
          .add("validated_at", DataTypes.TimestampType, false)
          .add("success", DataTypes.BooleanType, false)
          .add("gate_passed", DataTypes.BooleanType, false)
          .add("evaluated_expectations", DataTypes.IntegerType, false)
          .add("unsuccessful_expectations", DataTypes.IntegerType, false)
          .add("success_percent", DataTypes.DoubleType, false)
          .add("gate_failures", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("result_json", DataTypes.StringType, false)
          .add("published", DataTypes.BooleanType, true);

  private final SparkSession spark;
  private final String table;

  public QualityResultsStore(SparkSession spark, TableLocations locations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.table = locations.system(TABLE);
  }

  public String table() {
    return table;
  }

  public String jsonPath(String suite, String runId) {
    return table + "/_json/" + suite + "/" + runId.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
  }

  public void save(Validation validation, boolean published) {
    saveAll(List.of(validation), published);
  }

  /** Several results (e.g. a batch's row-level and table-level ones) as rows of one commit. */
  public void saveAll(List<Validation> validations, boolean published) {
    List<Row> rows = validations.stream().map(validation -> row(validation, published)).toList();
    String appendId = "quality_results " + validations.stream()
        .map(validation -> validation.result().at("/meta/expectation_suite_name").asText() + "/"
            + validation.result().at("/meta/run_id/run_name").asText())
        .collect(java.util.stream.Collectors.joining(" "));
    // a table written before `published` existed gains the column (older rows: null, unknown)
    LogAppend.appendOnce(spark, table, SCHEMA, rows, appendId);
    // after the table exists: Delta will not create a table in a folder that already has files
    for (Validation validation : validations) {
      JsonNode result = validation.result();
      writeJson(jsonPath(result.at("/meta/expectation_suite_name").asText(), result.at("/meta/run_id/run_name").asText()), result);
    }
  }

  private static Row row(Validation validation, boolean published) {
    JsonNode result = validation.result();
    JsonNode statistics = result.get("statistics");
    return RowFactory.create(
        result.at("/meta/run_id/run_name").asText(), result.at("/meta/expectation_suite_name").asText(),
        Timestamp.from(Instant.parse(result.at("/meta/validation_time").asText())),
        validation.success(), validation.gatePassed(),
        statistics.get("evaluated_expectations").asInt(), statistics.get("unsuccessful_expectations").asInt(),
        statistics.get("success_percent").asDouble(), validation.gateFailures().toArray(String[]::new),
        result.toString(), published);
  }

  private void writeJson(String path, JsonNode result) {
    Path file = new Path(path);
    try {
      FileSystem fs = file.getFileSystem(spark.sessionState().newHadoopConf());
      try (OutputStream out = fs.create(file, true)) {
        JSON.writerWithDefaultPrettyPrinter().writeValue(out, result);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write validation result " + path, e);
    }
  }
}
