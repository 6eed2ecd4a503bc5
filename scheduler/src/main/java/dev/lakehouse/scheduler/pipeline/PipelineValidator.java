package dev.lakehouse.scheduler.pipeline;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.definitions.DefinitionProblem;
import dev.lakehouse.core.definitions.SilverTableDefinition;
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

  private final SparkSession session;

  public PipelineValidator(SparkSession spark) {
    this.session = TrustedSessions.newSession(spark);
  }

  public List<DefinitionProblem> validate(Pipeline pipeline) {
    List<DefinitionProblem> problems = new ArrayList<>();
    Map<String, Dataset<Row>> silver = new LinkedHashMap<>();
    for (SilverTableDefinition table : pipeline.silverTables()) {
      ExpectationSuite suite = Optional.ofNullable(pipeline.suite(table.name()))
          .orElseGet(() -> new ExpectationSuite(table.expectations(), List.of())); // its file's problem is listed already
      try {
        Dataset<Row> empty = new TableRefiner(table, suite).emptySilver(session);
        silver.put(table.name(), empty);
        checkExpectations(table, suite, empty, problems);
      } catch (Exception e) { // AnalysisException is thrown undeclared by Scala code
        problems.add(new DefinitionProblem(table.origin(), "derived columns do not compile: " + firstLine(e)));
      }
    }
    checkGold(pipeline, silver, problems);
    checkViews(pipeline, silver, problems);
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

  private void checkGold(Pipeline pipeline, Map<String, Dataset<Row>> silver, List<DefinitionProblem> problems) {
    List<SilverInput> inputs = pipeline.appendTables().stream().filter(table -> silver.containsKey(table.name()))
        .map(table -> new SilverInput(table.name(), table.name(), null)).toList();
    for (GoldDefinition definition : pipeline.gold()) {
      List<SilverInput> reads;
      try {
        reads = GoldBuilder.readsOf(definition, inputs);
      } catch (LakehouseException e) {
        problems.add(new DefinitionProblem(definition.origin(), e.getMessage()
            .replace("gold definition " + definition.table() + " (" + definition.origin() + ") ", "")));
        continue;
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
        Optional<StructField> date = field(result, GoldDefinition.PARTITION_COLUMN);
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

  private void checkViews(Pipeline pipeline, Map<String, Dataset<Row>> silver, List<DefinitionProblem> problems) {
    for (ViewDefinition view : pipeline.views()) {
      String table = view.source().substring(view.source().indexOf('.') + 1);
      Optional<SilverTableDefinition> definition = pipeline.silverTables().stream()
          .filter(candidate -> candidate.name().equals(table)).findFirst();
      if (definition.isEmpty() || !definition.get().isAppend()) {
        problems.add(new DefinitionProblem(view.origin(), "source " + view.source() + " names no append silver table; the"
            + " tables are " + pipeline.appendTables().stream().map(SilverTableDefinition::name).toList()));
        continue;
      }
      Dataset<Row> empty = silver.get(table);
      if (empty == null) {
        continue; // its table's problem is reported already
      }
      String eventTime = definition.get().eventTimeColumn();
      String expression = view.bucket().expression();
      if (!expression.contains(eventTime) && !expression.trim().equals("event_date")) {
        // refreshes prune the source by event time: a row of bucket b must have b <= event time < b + unit
        problems.add(new DefinitionProblem(view.origin(), "bucket.expression must truncate " + table + "'s event_time "
            + eventTime + " to the bucket unit, e.g. date_trunc('HOUR', " + eventTime + "), or be event_date; cannot be: "
            + expression));
      }
      try {
        empty.selectExpr(expression).schema();
        empty.createOrReplaceTempView(ViewDefinition.SOURCE_VIEW);
        StructType result = session.sql(view.sql()).schema();
        if (field(result, view.bucket().column()).isEmpty()) {
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
