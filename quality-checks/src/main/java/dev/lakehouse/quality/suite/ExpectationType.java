package dev.lakehouse.quality.suite;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Great Expectations expectation types this project runs, with the kwargs each requires and
 * allows, and whether it judges single rows (row-level: failing rows go to quarantine) or the
 * batch as a whole (table-level: may gate the batch).
 */
public enum ExpectationType {
  EXPECT_COLUMN_TO_EXIST(Scope.TABLE, List.of("column"), Set.of()),
  EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL(Scope.ROW, List.of("column"), Set.of("mostly")),
  EXPECT_COLUMN_VALUES_TO_BE_IN_SET(Scope.ROW, List.of("column", "value_set"), Set.of("mostly")),
  EXPECT_COLUMN_VALUES_TO_BE_BETWEEN(
      Scope.ROW, List.of("column"), Set.of("min_value", "max_value", "strict_min", "strict_max", "mostly")),
  EXPECT_COLUMN_VALUES_TO_MATCH_REGEX(Scope.ROW, List.of("column", "regex"), Set.of("mostly")),
  EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN(
      Scope.ROW, List.of("column"), Set.of("min_value", "max_value", "mostly")),
  EXPECT_COLUMN_VALUES_TO_BE_UNIQUE(Scope.TABLE, List.of("column"), Set.of("mostly")),
  EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE(Scope.TABLE, List.of("column_list"), Set.of("mostly")),
  EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN(Scope.TABLE, List.of(), Set.of("min_value", "max_value")),
  EXPECT_COLUMN_MIN_TO_BE_BETWEEN(Scope.TABLE, List.of("column"), Set.of("min_value", "max_value", "strict_min", "strict_max")),
  EXPECT_COLUMN_MAX_TO_BE_BETWEEN(Scope.TABLE, List.of("column"), Set.of("min_value", "max_value", "strict_min", "strict_max")),
  EXPECT_COLUMN_MEAN_TO_BE_BETWEEN(Scope.TABLE, List.of("column"), Set.of("min_value", "max_value", "strict_min", "strict_max")),
  EXPECT_COLUMN_SUM_TO_BE_BETWEEN(Scope.TABLE, List.of("column"), Set.of("min_value", "max_value", "strict_min", "strict_max")),
  EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN(
      Scope.TABLE, List.of("column"), Set.of("min_value", "max_value", "strict_min", "strict_max"));

  /** Whether an expectation judges each row or the batch. */
  public enum Scope {
    ROW,
    TABLE
  }

  /** Keys GE allows on every expectation and that do not change what is checked. */
  static final Set<String> COMMON_KWARGS = Set.of("result_format", "include_config", "catch_exceptions");

  /** Row-level expectations may apply to the rows a Spark SQL condition selects. */
  static final Set<String> ROW_CONDITION_KWARGS = Set.of("row_condition", "condition_parser");

  private final Scope scope;
  private final List<String> requiredKwargs;
  private final Set<String> optionalKwargs;

  ExpectationType(Scope scope, List<String> requiredKwargs, Set<String> optionalKwargs) {
    this.scope = scope;
    this.requiredKwargs = requiredKwargs;
    this.optionalKwargs = optionalKwargs;
  }

  public Scope scope() {
    return scope;
  }

  public List<String> requiredKwargs() {
    return requiredKwargs;
  }

  public boolean allows(String kwarg) {
    return requiredKwargs.contains(kwarg)
        || optionalKwargs.contains(kwarg)
        || COMMON_KWARGS.contains(kwarg)
        || (scope == Scope.ROW && ROW_CONDITION_KWARGS.contains(kwarg));
  }

  /** The GE name, e.g. {@code expect_column_values_to_not_be_null}. */
  public String geName() {
    return name().toLowerCase();
  }

  public static Optional<ExpectationType> fromGeName(String name) {
    return Arrays.stream(values()).filter(type -> type.geName().equals(name)).findFirst();
  }
}
