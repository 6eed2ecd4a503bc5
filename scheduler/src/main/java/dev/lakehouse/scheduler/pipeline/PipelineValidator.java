package dev.lakehouse.scheduler.pipeline;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.definitions.DefinitionProblem;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SqlRelations;
import dev.lakehouse.core.spark.TrustedSessions;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldDefinition;
import dev.lakehouse.gold.SilverInput;
import dev.lakehouse.quality.suite.Expectation;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.ExpectationType;
import dev.lakehouse.silver.TableRefiner;
import dev.lakehouse.views.ViewDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Checks a loaded pipeline without reading data: each silver table's derived columns and
 * expectations against its declared columns, each gold and view query compiled by Spark over
 * empty frames of the declared types. One problem per line, naming the file.
 */
public final class PipelineValidator {

  private static final Set<ExpectationType> NUMERIC_ONLY = Set.of(ExpectationType.EXPECT_COLUMN_MEAN_TO_BE_BETWEEN,
      ExpectationType.EXPECT_COLUMN_SUM_TO_BE_BETWEEN);
  private static final Set<ExpectationType> ORDERED = Set.of(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN,
      ExpectationType.EXPECT_COLUMN_MIN_TO_BE_BETWEEN, ExpectationType.EXPECT_COLUMN_MAX_TO_BE_BETWEEN);
  private static final Set<ExpectationType> STRING_ONLY = Set.of(ExpectationType.EXPECT_COLUMN_VALUES_TO_MATCH_REGEX,
      ExpectationType.EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PipelineValidator.class);

  private final SparkSession session;

  public PipelineValidator(SparkSession spark) {
    this.session = TrustedSessions.newSession(spark);
  }

  public List<DefinitionProblem> validate(Pipeline pipeline) {
    return validate(pipeline, java.util.Set.of());
  }

  /**
   * @param unloadedTables silver tables whose definition did not load (its problems are listed
   *     already): gold queries and views that read them are not reported again
   */
  public List<DefinitionProblem> validate(Pipeline pipeline, java.util.Set<String> unloadedTables) {
    List<DefinitionProblem> problems = new ArrayList<>();
    Map<String, Dataset<Row>> silver = new LinkedHashMap<>();
    for (SilverTableDefinition table : pipeline.silverTables()) {
      ExpectationSuite suite = Optional.ofNullable(pipeline.suite(table.name()))
          .orElseGet(() -> new ExpectationSuite(table.expectations(), List.of())); // its file's problem is listed already
      try {
        SilverTableDefinition checked = table;
        if (table.deletes().isPresent()) {
          String predicate = table.deletes().get();
          try {
            new TableRefiner(table.withoutDeletes(), suite).emptyParsed(session).where(predicate).schema();
          } catch (Exception e) { // AnalysisException is thrown undeclared by Scala code
            problems.add(new DefinitionProblem(table.origin(), "deletes '" + predicate + "' does not compile: " + firstLine(e)));
            checked = table.withoutDeletes();
          }
        }
        Dataset<Row> empty = new TableRefiner(checked, suite).emptySilver(session);
        silver.put(table.name(), empty);
        checkExpectations(table, suite, empty, problems);
      } catch (Exception e) { // AnalysisException is thrown undeclared by Scala code
        problems.add(new DefinitionProblem(table.origin(), "derived columns do not compile: " + firstLine(e)));
      }
    }
    checkGold(pipeline, silver, unloadedTables, problems);
    checkViews(pipeline, silver, unloadedTables, problems);
    return problems;
  }

  private static void checkExpectations(SilverTableDefinition table, ExpectationSuite suite, Dataset<Row> empty,
      List<DefinitionProblem> problems) {
    String file = suiteFile(table, suite);
    StructType schema = empty.schema();
    for (Expectation expectation : suite.expectations()) {
      List<String> columns = new ArrayList<>();
      expectation.column().ifPresent(columns::add);
      if (expectation.kwargs().has("column_list")) {
        expectation.kwargs().get("column_list").forEach(column -> columns.add(column.asText()));
      }
      for (String column : columns) {
        Optional<StructField> field = field(schema, column);
        if (field.isEmpty()) {
          problems.add(new DefinitionProblem(file, expectation.displayName() + ": column " + column + " is not a column of silver."
              + table.name() + " (" + String.join(", ", schema.fieldNames()) + ")"));
          continue;
        }
        typeProblem(expectation.type(), field.get().dataType()).ifPresent(problem ->
            problems.add(new DefinitionProblem(file, expectation.displayName() + ": " + problem)));
      }
      if (expectation.kwargs().has("row_condition")) {
        String condition = expectation.kwargs().get("row_condition").asText();
        try {
          empty.where(condition).schema();
        } catch (Exception e) {
          problems.add(new DefinitionProblem(file, expectation.displayName() + ": row_condition '" + condition
              + "' does not compile: " + firstLine(e)));
        }
      }
    }
  }

  private static Optional<String> typeProblem(ExpectationType type, DataType dataType) {
    String name = dataType.simpleString();
    if (NUMERIC_ONLY.contains(type) && !(dataType instanceof NumericType)) {
      return Optional.of("needs a numeric column, the column is " + name);
    }
    if (ORDERED.contains(type) && !(dataType instanceof NumericType || dataType instanceof DateType
        || dataType instanceof TimestampType)) {
      return Optional.of("needs a numeric, date or timestamp column, the column is " + name);
    }
    if (STRING_ONLY.contains(type) && !dataType.equals(DataTypes.StringType)) {
      return Optional.of("needs a string column, the column is " + name);
    }
    if (type == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET && dataType instanceof org.apache.spark.sql.types.ArrayType) {
      return Optional.of("cannot compare an array column with a set of values");
    }
    return Optional.empty();
  }

  private static String suiteFile(SilverTableDefinition table, ExpectationSuite suite) {
    String origin = table.origin();
    int silver = origin.lastIndexOf("silver");
    return silver < 0 || origin.startsWith("classpath:") ? "classpath:expectations/" + suite.name() + ".json"
        : origin.substring(0, silver) + "expectations/" + suite.name() + ".json";
  }

  private void checkGold(Pipeline pipeline, Map<String, Dataset<Row>> silver, java.util.Set<String> unloaded,
      List<DefinitionProblem> problems) {
    List<SilverInput> inputs = pipeline.silverTables().stream().filter(table -> silver.containsKey(table.name()))
        .map(table -> new SilverInput(table.name(), table.name(), null, !table.isAppend())).toList();
    for (GoldDefinition definition : pipeline.gold()) {
      List<SilverInput> reads;
      try {
        reads = GoldBuilder.readsOf(definition, inputs);
      } catch (LakehouseException e) {
        if (readsUnloaded(definition.sql(), unloaded)) {
          continue; // it reads a table whose own file has a problem
        }
        problems.add(new DefinitionProblem(definition.origin(), e.getMessage()
            .replace("gold definition " + definition.table() + " (" + definition.origin() + ") ", "")));
        continue;
      }
      List<String> declared = pipeline.goldReads().get(definition.table());
      List<String> planned = reads.stream().map(SilverInput::table).sorted().toList();
      if (declared != null && !declared.equals(planned)) {
        problems.add(new DefinitionProblem(definition.origin(), "its query reads " + planned + ", but gold/" + definition.table()
            + ".yaml says reads: " + declared));
      }
      List<String> views = new ArrayList<>();
      try {
        for (SilverInput input : reads) {
          for (String view : input.viewNames()) {
            silver.get(input.table()).createOrReplaceTempView(view);
            views.add(view);
          }
        }
        StructType result = session.sql(definition.sql()).schema();
        // exactly event_date, as the build requires (Delta partitions by that name)
        Optional<StructField> date = java.util.Arrays.stream(result.fields())
            .filter(candidate -> candidate.name().equals(GoldDefinition.PARTITION_COLUMN)).findFirst();
        if (date.isEmpty() || !date.get().dataType().equals(DataTypes.DateType)) {
          problems.add(new DefinitionProblem(definition.origin(), "must return an event_date DATE column (the partition"
              + " column); it returns " + result.simpleString()));
        }
      } catch (Exception e) { // AnalysisException, ParseException: thrown undeclared by Scala code
        problems.add(new DefinitionProblem(definition.origin(), "does not compile: " + firstLine(e)));
      } finally {
        views.forEach(view -> session.catalog().dropTempView(view));
      }
    }
  }

  private void checkViews(Pipeline pipeline, Map<String, Dataset<Row>> silver, java.util.Set<String> unloaded,
      List<DefinitionProblem> problems) {
    for (ViewDefinition view : pipeline.views()) {
      String table = view.source().substring(view.source().indexOf('.') + 1);
      if (unloaded.contains(table)) {
        continue; // its table's file has a problem, listed already
      }
      Optional<SilverTableDefinition> definition = pipeline.silverTables().stream()
          .filter(candidate -> candidate.name().equals(table)).findFirst();
      if (definition.isEmpty()) {
        problems.add(new DefinitionProblem(view.origin(), "source " + view.source() + " names no silver table; the"
            + " tables are " + pipeline.silverTables().stream().map(SilverTableDefinition::name).toList()));
        continue;
      }
      if (!definition.get().isAppend() && view.source().startsWith("live.")) {
        problems.add(new DefinitionProblem(view.origin(), "source " + view.source() + " is an upsert table, which has no"
            + " live tail (live.<table> adds not-yet-refined events to an append table); use silver." + table));
        continue;
      }
      if (definition.get().eventTime().isEmpty()) {
        problems.add(new DefinitionProblem(view.origin(), "source " + view.source() + " is an upsert table without"
            + " event_time; declare event_time: <a timestamp column> in " + definition.get().origin()
            + " so the view can bucket its rows"));
        continue;
      }
      Dataset<Row> empty = silver.get(table);
      if (empty == null) {
        continue; // its table's problem is reported already
      }
      String eventTime = definition.get().eventTimeColumn();
      String expression = view.bucket().expression();
      try {
        SqlRelations.of(view.sql()); // refuses commands, which session.sql would run rather than compile
      } catch (IllegalArgumentException e) {
        problems.add(new DefinitionProblem(view.origin(), "sql " + e.getMessage()));
        continue;
      } catch (Exception e) { // ParseException: reported below, with Spark's own message
        LOG.debug("view {} does not parse: {}", view.name(), e.getMessage());
      }
      try {
        if (!truncatesEventTime(empty, eventTime, view.bucket())) {
          // refreshes prune the source by event time: a row of bucket b must have b <= event time < b + unit
          problems.add(new DefinitionProblem(view.origin(), "bucket.expression must truncate " + table + "'s event_time "
              + eventTime + " to the bucket unit (" + view.bucket().unit().name().toLowerCase(java.util.Locale.ROOT)
              + "), e.g. date_trunc('" + unitName(view.bucket().unit()) + "', " + eventTime + ")"
              + (view.bucket().unit() == java.time.temporal.ChronoUnit.DAYS ? ", or be event_date" : "")
              + "; cannot be: " + expression));
        }
        empty.createOrReplaceTempView(ViewDefinition.SOURCE_VIEW);
        StructType result = session.sql(view.sql()).schema();
        if (!java.util.Arrays.asList(result.fieldNames()).contains(view.bucket().column())) {
          problems.add(new DefinitionProblem(view.origin(), "must return its bucket column " + view.bucket().column()
              + "; it returns " + String.join(", ", result.fieldNames())));
        }
      } catch (Exception e) {
        problems.add(new DefinitionProblem(view.origin(), "does not compile over " + view.source() + ": " + firstLine(e)));
      } finally {
        session.catalog().dropTempView(ViewDefinition.SOURCE_VIEW);
      }
    }
  }

  /**
   * Whether the bucket expression gives, for sample event times, exactly their truncation to the
   * bucket unit (so a bucket b holds the rows with b <= event time < b + unit, which incremental
   * refreshes rely on). Evaluated on a few literal rows, not on data.
   */
  private boolean truncatesEventTime(Dataset<Row> empty, String eventTime, ViewDefinition.Bucket bucket) {
    for (java.time.Instant sample : List.of(java.time.Instant.parse("2026-03-04T05:06:07.089Z"),
        java.time.Instant.parse("2026-12-31T23:59:59.999Z"))) {
      StructType schema = empty.schema();
      Object[] values = new Object[schema.size()];
      values[schema.fieldIndex(eventTime)] = java.sql.Timestamp.from(sample);
      if (java.util.Arrays.asList(schema.fieldNames()).contains(SilverTableDefinition.EVENT_DATE)) {
        values[schema.fieldIndex(SilverTableDefinition.EVENT_DATE)] =
            java.sql.Date.valueOf(sample.atOffset(java.time.ZoneOffset.UTC).toLocalDate());
      }
      Row row = session.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(values)), schema)
          .selectExpr(bucket.expression()).first();
      java.time.Instant truncated = sample.truncatedTo(bucket.unit());
      Object value = row.get(0);
      boolean matches = value instanceof java.sql.Timestamp timestamp ? timestamp.toInstant().equals(truncated)
          : value instanceof java.sql.Date date && bucket.unit() == java.time.temporal.ChronoUnit.DAYS
              && date.toLocalDate().equals(sample.atOffset(java.time.ZoneOffset.UTC).toLocalDate());
      if (!matches) {
        return false;
      }
    }
    return true;
  }

  private static String unitName(java.time.temporal.ChronoUnit unit) {
    return switch (unit) {
      case MINUTES -> "MINUTE";
      case HOURS -> "HOUR";
      default -> "DAY";
    };
  }

  private static boolean readsUnloaded(String sql, java.util.Set<String> unloaded) {
    try {
      return SqlRelations.of(sql).stream().anyMatch(name -> unloaded.contains(name)
          || (name.startsWith("silver_") && unloaded.contains(name.substring("silver_".length()))));
    } catch (Exception e) { // not valid SQL: reported as such
      return false;
    }
  }

  private static Optional<StructField> field(StructType schema, String name) {
    for (StructField field : schema.fields()) {
      if (field.name().equalsIgnoreCase(name)) {
        return Optional.of(field);
      }
    }
    return Optional.empty();
  }

  private static String firstLine(Exception e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
  }
}
