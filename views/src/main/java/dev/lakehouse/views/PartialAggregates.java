package dev.lakehouse.views;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.bool_and;
import static org.apache.spark.sql.functions.bool_or;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.BoolAnd;
import org.apache.spark.sql.catalyst.expressions.aggregate.BoolOr;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.CountIf;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.types.DataType;
import scala.collection.JavaConverters;

/**
 * A view's query taken apart so its result can be kept as mergeable per-group state, the way
 * incremental engines keep partial aggregates: {@link #partial} turns source rows into one state
 * row per group (grouping values {@code g0…}, the view's bucket {@value #BUCKET}, and one column
 * {@code s0…} per aggregate), {@link #merge} combines state rows of the same group, and
 * {@link #finish} computes the view's own columns from merged state. New rows then cost what
 * they are, not what their buckets hold.
 *
 * <p>A query decomposes when it is one {@code GROUP BY} over {@code source} (with any
 * {@code WHERE}, but no HAVING, ORDER BY, join, window, subquery, random or clock function) whose aggregates are
 * {@code COUNT}, {@code COUNT_IF}, {@code SUM}, {@code MIN}, {@code MAX}, {@code BOOL_AND},
 * {@code BOOL_OR} or {@code COUNT(DISTINCT x)} (kept as the set of distinct values, so the count
 * is exact). State only grows: rows that leave the source (deletes, updates) are not subtracted;
 * callers recompute those groups' state from their rows instead.
 */
final class PartialAggregates {

  /** The state's bucket column (the view's bucket, computed from the grouping values). */
  static final String BUCKET = "__bucket";

  private enum Merge { SUM, MIN, MAX, AND, OR, UNION }

  /** One aggregate of the query and how its state merges. */
  private record Part(AggregateExpression aggregate, Merge merge) {
    Column partialColumn() {
      return merge == Merge.UNION ? collect_set(new Column(aggregate.aggregateFunction().children().head()))
          : new Column(aggregate);
    }
  }

  /** The query's parts, as analyzed over some rows. */
  private record Shape(List<Expression> grouping, List<Part> parts, List<NamedExpression> outputs, LogicalPlan input) {}

  private final SparkSession session;
  private final ViewDefinition view;
  private final Shape shape;
  /** State column types, fixed by the first analysis so every partial and merge writes the same schema. */
  private final List<DataType> stateTypes;

  private PartialAggregates(SparkSession session, ViewDefinition view, Shape shape, List<DataType> stateTypes) {
    this.session = session;
    this.view = view;
    this.shape = shape;
    this.stateTypes = stateTypes;
  }

  /** The outcome of taking a query apart: the parts, or why it cannot be. */
  record Decomposition(Optional<PartialAggregates> aggregates, String whyNot) {}

  /**
   * Takes {@code view}'s query apart, analyzing it over {@code sourceRows} (any rows with the
   * source's columns; none are read).
   */
  static Decomposition of(SparkSession session, ViewDefinition view, Dataset<Row> sourceRows) {
    requireNonNull(session, "session is null");
    requireNonNull(view, "view is null");
    Shape shape;
    try {
      shape = analyze(session, view, sourceRows);
    } catch (NotDecomposable e) {
      return new Decomposition(Optional.empty(), e.getMessage());
    } catch (Exception e) { // AnalysisException is thrown undeclared: the refresh's own path reports a bad query
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw e;
      }
      return new Decomposition(Optional.empty(), "the query does not analyze: " + e.getMessage().lines().findFirst().orElse(""));
    }
    PartialAggregates aggregates = new PartialAggregates(session, view, shape, List.of());
    List<DataType> types = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField field : aggregates.partialOf(shape).schema().fields()) {
      types.add(field.dataType());
    }
    return new Decomposition(Optional.of(new PartialAggregates(session, view, shape, types)), "");
  }

  /** One state row per group of {@code rows} (the source's columns). */
  Dataset<Row> partial(Dataset<Row> rows) {
    try {
      return conform(partialOf(analyze(session, view, rows)));
    } catch (NotDecomposable e) {
      throw new IllegalStateException("view " + view.name() + " decomposed once but not over other rows: " + e.getMessage(), e);
    }
  }

  /** State rows combined per group: the state of the union of the rows behind them. */
  Dataset<Row> merge(Dataset<Row> states) {
    List<Column> merged = new ArrayList<>();
    for (int i = 0; i < shape.parts().size(); i++) {
      Column state = col(stateColumn(i));
      Column combined = switch (shape.parts().get(i).merge()) {
        case SUM -> sum(state);
        case MIN -> min(state);
        case MAX -> max(state);
        case AND -> bool_and(state);
        case OR -> bool_or(state);
        case UNION -> array_distinct(flatten(collect_list(state)));
      };
      merged.add(combined.as(stateColumn(i)));
    }
    Dataset<Row> grouped = states.groupBy(groupingColumns(BUCKET)).agg(merged.get(0), merged.subList(1, merged.size()).toArray(Column[]::new));
    return conform(grouped);
  }

  /** The view's rows from merged state (one state row per group). */
  Dataset<Row> finish(Dataset<Row> merged) {
    List<Column> columns = new ArrayList<>();
    for (NamedExpression output : shape.outputs()) {
      columns.add(new Column(rewrite(valueOf(output), shape)).as(output.name()));
    }
    return merged.select(columns.toArray(Column[]::new));
  }

  /** The state's column names, in order. */
  List<String> stateColumns() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < shape.grouping().size(); i++) {
      names.add(groupingColumn(i));
    }
    names.add(BUCKET);
    for (int i = 0; i < shape.parts().size(); i++) {
      names.add(stateColumn(i));
    }
    return names;
  }

  private Dataset<Row> partialOf(Shape analyzed) {
    List<Column> grouping = new ArrayList<>();
    for (int i = 0; i < analyzed.grouping().size(); i++) {
      grouping.add(new Column(analyzed.grouping().get(i)).as(groupingColumn(i)));
    }
    List<Column> states = new ArrayList<>();
    for (int i = 0; i < analyzed.parts().size(); i++) {
      states.add(analyzed.parts().get(i).partialColumn().as(stateColumn(i)));
    }
    Dataset<Row> input = Dataset.ofRows(session, analyzed.input());
    Dataset<Row> partial = input.groupBy(grouping.toArray(Column[]::new))
        .agg(states.get(0), states.subList(1, states.size()).toArray(Column[]::new));
    return partial.withColumn(BUCKET, new Column(rewrite(bucketOutput(analyzed), analyzed)))
        .select(stateColumns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /** Casts every state column to its first-seen type (a SUM over sums widens decimals). */
  private Dataset<Row> conform(Dataset<Row> states) {
    if (stateTypes.isEmpty()) {
      return states;
    }
    List<Column> columns = new ArrayList<>();
    List<String> names = stateColumns();
    for (int i = 0; i < names.size(); i++) {
      // a value set keeps its element type; only whether it may hold null differs, which no cast may drop
      DataType type = stateTypes.get(i);
      columns.add((type instanceof org.apache.spark.sql.types.ArrayType ? col(names.get(i)) : col(names.get(i)).cast(type))
          .as(names.get(i)));
    }
    return states.select(columns.toArray(Column[]::new));
  }

  private Column[] groupingColumns(String... more) {
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < shape.grouping().size(); i++) {
      columns.add(col(groupingColumn(i)));
    }
    for (String name : more) {
      columns.add(col(name));
    }
    return columns.toArray(Column[]::new);
  }

  private Expression bucketOutput(Shape analyzed) {
    for (NamedExpression output : analyzed.outputs()) {
      if (output.name().equals(view.bucket().column())) {
        return valueOf(output);
      }
    }
    throw new IllegalStateException("view " + view.name() + " returns no column " + view.bucket().column());
  }

  /**
   * {@code expression} over state columns: a grouping expression becomes its {@code g} column, an
   * aggregate its merged state ({@code COUNT(DISTINCT x)} the size of the set), cast to the
   * aggregate's own type so the view's columns keep theirs. {@code shape} is the analysis
   * {@code expression} comes from (grouping expressions match by their attributes).
   */
  private static Expression rewrite(Expression expression, Shape shape) {
    if (expression instanceof AggregateExpression aggregate) {
      for (int i = 0; i < shape.parts().size(); i++) {
        Part part = shape.parts().get(i);
        if (part.aggregate().semanticEquals(aggregate)) {
          Column state = part.merge() == Merge.UNION ? size(col(stateColumn(i))) : col(stateColumn(i));
          return state.cast(aggregate.dataType()).expr();
        }
      }
      throw new IllegalStateException("no state kept for " + aggregate.sql());
    }
    for (int i = 0; i < shape.grouping().size(); i++) {
      if (shape.grouping().get(i).semanticEquals(expression)) {
        return col(groupingColumn(i)).expr();
      }
    }
    List<Expression> children = new ArrayList<>();
    JavaConverters.seqAsJavaList(expression.children()).forEach(child -> children.add(rewrite(child, shape)));
    return children.isEmpty() ? expression : expression.withNewChildren(JavaConverters.asScalaBuffer(children).toSeq());
  }

  /** An output column's expression (an alias's child, or the attribute itself). */
  private static Expression valueOf(NamedExpression output) {
    return output instanceof Alias alias ? alias.child() : (Expression) output;
  }

  private static String groupingColumn(int index) {
    return "g" + index;
  }

  private static String stateColumn(int index) {
    return "s" + index;
  }

  private static Shape analyze(SparkSession session, ViewDefinition view, Dataset<Row> rows) {
    rows.createOrReplaceTempView(ViewDefinition.SOURCE_VIEW);
    LogicalPlan plan;
    try {
      plan = session.sql(view.sql()).queryExecution().analyzed();
    } finally {
      // the session catalog's drop, not Catalog.dropTempView: that one also uncaches the rows'
      // plan, which the caller may have cached to use again
      session.sessionState().catalog().dropTempView(ViewDefinition.SOURCE_VIEW);
    }
    if (!(plan instanceof Aggregate aggregate)) {
      throw new NotDecomposable("the query is not one GROUP BY over " + ViewDefinition.SOURCE_VIEW
          + " (it has a " + plan.nodeName() + " on top)");
    }
    requireRowByRow(aggregate.child());
    List<Expression> grouping = new ArrayList<>(JavaConverters.seqAsJavaList(aggregate.groupingExpressions()));
    List<NamedExpression> outputs = new ArrayList<>(JavaConverters.seqAsJavaList(aggregate.aggregateExpressions()));
    grouping.forEach(PartialAggregates::requireKeepable);
    outputs.forEach(output -> requireKeepable((Expression) output));
    List<Part> parts = new ArrayList<>();
    for (NamedExpression output : outputs) {
      collectParts((Expression) output, parts);
    }
    if (parts.isEmpty()) {
      throw new NotDecomposable("the query has no aggregate");
    }
    return new Shape(grouping, parts, outputs, aggregate.child());
  }

  /** The rows under the GROUP BY must be a row-by-row function of the source (so partials of parts add up). */
  private static void requireRowByRow(LogicalPlan plan) {
    if (plan instanceof View source && source.desc().identifier().table().equals(ViewDefinition.SOURCE_VIEW)) {
      return;
    }
    if (!(plan instanceof Project || plan instanceof Filter || plan instanceof SubqueryAlias)) {
      throw new NotDecomposable("a " + plan.nodeName() + " under the GROUP BY");
    }
    JavaConverters.seqAsJavaList(plan.expressions()).forEach(PartialAggregates::requireKeepable);
    JavaConverters.seqAsJavaList(plan.children()).forEach(PartialAggregates::requireRowByRow);
  }

  /** Functions whose value depends on when they run: kept state would freeze them. */
  private static final java.util.Set<String> CLOCK = java.util.Set.of("current_date", "current_timestamp", "now",
      "localtimestamp", "current_timezone");

  /**
   * A kept state must mean the same later: no subquery (its rows are not the state's), nothing
   * random and nothing that reads the clock.
   */
  private static void requireKeepable(Expression expression) {
    if (expression instanceof org.apache.spark.sql.catalyst.expressions.SubqueryExpression) {
      throw new NotDecomposable("a subquery");
    }
    if (!expression.deterministic() || CLOCK.contains(expression.prettyName())) {
      throw new NotDecomposable(expression.prettyName() + " (its value changes from one refresh to the next)");
    }
    JavaConverters.seqAsJavaList(expression.children()).forEach(PartialAggregates::requireKeepable);
  }

  private static void collectParts(Expression expression, List<Part> parts) {
    if (expression instanceof AggregateExpression aggregate) {
      Part part = new Part(aggregate, mergeOf(aggregate));
      if (parts.stream().noneMatch(known -> known.aggregate().semanticEquals(aggregate))) {
        parts.add(part);
      }
      return;
    }
    JavaConverters.seqAsJavaList(expression.children()).forEach(child -> collectParts(child, parts));
  }

  private static Merge mergeOf(AggregateExpression aggregate) {
    AggregateFunction function = aggregate.aggregateFunction();
    if (aggregate.isDistinct() && function instanceof Count && function.children().size() == 1 && aggregate.filter().isEmpty()) {
      return Merge.UNION;
    }
    if (function instanceof Min) {
      return Merge.MIN; // DISTINCT changes nothing
    }
    if (function instanceof Max) {
      return Merge.MAX;
    }
    if (aggregate.isDistinct()) {
      throw new NotDecomposable(aggregate.sql() + " (only COUNT(DISTINCT one column) without FILTER is kept as state)");
    }
    if (function instanceof Sum sum && sum.evalMode().toString().equals("TRY")) {
      throw new NotDecomposable("try_sum (an overflow in one part would vanish in the merge)");
    }
    if (function instanceof Count || function instanceof CountIf || function instanceof Sum) {
      return Merge.SUM;
    }
    if (function instanceof BoolAnd) {
      return Merge.AND;
    }
    if (function instanceof BoolOr) {
      return Merge.OR;
    }
    throw new NotDecomposable(function.prettyName() + " cannot be merged from partial results");
  }

  private static final class NotDecomposable extends RuntimeException {
    NotDecomposable(String message) {
      super(message, null, false, false);
    }
  }
}
