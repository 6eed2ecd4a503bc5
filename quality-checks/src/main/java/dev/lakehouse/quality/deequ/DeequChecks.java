package dev.lakehouse.quality.deequ;

import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckWithLastConstraintFilterable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.quality.deequ.Scala.Bounds;
import dev.lakehouse.quality.suite.Expectation;
import dev.lakehouse.quality.suite.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates one Great Expectations expectation into one Deequ {@link Check}. Row-level
 * expectations become constraints that Deequ can also evaluate per row (completeness and
 * compliance), so the same check yields both the batch metric and each row's outcome. Like GE,
 * value expectations ignore nulls; only {@code not_be_null} judges them.
 */
final class DeequChecks {

  private DeequChecks() {}

  static Check toCheck(Expectation expectation, String description) {
    Check check = new Check(level(expectation.severity()), description, Check.apply$default$3());
    ObjectNode kwargs = expectation.kwargs();
    String column = expectation.column().orElse("");
    String quoted = "`" + column.replace("`", "``") + "`";
    Bounds mostly = Bounds.atLeast(expectation.mostly());
    CheckWithLastConstraintFilterable constraint =
        switch (expectation.type()) {
          case EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL ->
              check.hasCompleteness(column, Scala.within(mostly), Scala.none(), Scala.none());
          case EXPECT_COLUMN_VALUES_TO_BE_IN_SET ->
              check.isContainedIn(column, strings(kwargs.get("value_set")), Scala.within(mostly), Scala.none(), Scala.none());
          case EXPECT_COLUMN_VALUES_TO_BE_BETWEEN ->
              compliance(check, description, quoted + " IS NULL OR (" + rangePredicate(quoted, bounds(kwargs)) + ")", column, mostly);
          case EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN ->
              compliance(check, description,
                  quoted + " IS NULL OR (" + rangePredicate("length(" + quoted + ")", bounds(kwargs)) + ")", column, mostly);
          case EXPECT_COLUMN_VALUES_TO_MATCH_REGEX ->
              compliance(check, description,
                  quoted + " IS NULL OR " + quoted + " RLIKE '" + kwargs.get("regex").asText().replace("\\", "\\\\").replace("'", "\\'") + "'",
                  column, mostly);
          case EXPECT_COLUMN_VALUES_TO_BE_UNIQUE ->
              check.hasUniqueness(column, Scala.within(mostly), Scala.none(), Scala.none());
          case EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE ->
              check.hasUniqueness(Scala.seq(List.of(strings(kwargs.get("column_list")))), Scala.within(mostly), Scala.none(), Scala.none());
          case EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN -> check.hasSize(Scala.within(bounds(kwargs)), Scala.none());
          case EXPECT_COLUMN_MIN_TO_BE_BETWEEN -> check.hasMin(column, Scala.within(bounds(kwargs)), Scala.none(), Scala.none());
          case EXPECT_COLUMN_MAX_TO_BE_BETWEEN -> check.hasMax(column, Scala.within(bounds(kwargs)), Scala.none(), Scala.none());
          case EXPECT_COLUMN_MEAN_TO_BE_BETWEEN -> check.hasMean(column, Scala.within(bounds(kwargs)), Scala.none());
          case EXPECT_COLUMN_SUM_TO_BE_BETWEEN -> check.hasSum(column, Scala.within(bounds(kwargs)), Scala.none());
          case EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN ->
              check.hasDistinctness(Scala.seq(List.of(column)), Scala.within(bounds(kwargs)), Scala.none());
          case EXPECT_COLUMN_TO_EXIST ->
              throw new IllegalArgumentException("expect_column_to_exist is checked against the schema, not by Deequ");
        };
    JsonNode condition = kwargs.get("row_condition");
    return condition != null && !condition.isNull() ? constraint.where(condition.asText()) : constraint;
  }

  static Bounds bounds(ObjectNode kwargs) {
    return new Bounds(
        number(kwargs.get("min_value")), number(kwargs.get("max_value")),
        kwargs.path("strict_min").asBoolean(false), kwargs.path("strict_max").asBoolean(false));
  }

  private static CheckWithLastConstraintFilterable compliance(
      Check check, String name, String predicate, String column, Bounds mostly) {
    return check.satisfies(predicate, name, Scala.within(mostly), Scala.none(), Scala.list(List.of(column)), Scala.none());
  }

  private static String rangePredicate(String expression, Bounds bounds) {
    List<String> parts = new ArrayList<>();
    if (bounds.min() != null) {
      parts.add(expression + (bounds.strictMin() ? " > " : " >= ") + bounds.min());
    }
    if (bounds.max() != null) {
      parts.add(expression + (bounds.strictMax() ? " < " : " <= ") + bounds.max());
    }
    return parts.isEmpty() ? "true" : String.join(" AND ", parts);
  }

  private static scala.Enumeration.Value level(Severity severity) {
    return severity == Severity.ERROR ? CheckLevel.Error() : CheckLevel.Warning();
  }

  private static Double number(JsonNode node) {
    return node == null || node.isNull() ? null : node.asDouble();
  }

  private static String[] strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values.toArray(String[]::new);
  }
}
