package dev.lakehouse.gold;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.BinaryComparison;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import scala.collection.JavaConverters;

/**
 * Whether a gold query, run once over several dates' rows, gives exactly the rows it gives run
 * once per date and unioned — so a batch of dates can be one query instead of one per date.
 *
 * <p>Read from the analyzed plan, rules an engineer would check by hand: every GROUP BY, window
 * partition, DISTINCT and join between append tables keeps rows of different dates apart (groups,
 * partitions or join keys include the source's {@code event_date}); a join with an upsert table
 * (the same rows for every date) keeps each date's rows on its preserved side; no LIMIT, sample,
 * subquery or random function (each would see or pick across dates); and the result's {@code
 * event_date} is the rows' own. Anything else is not proven and keeps the per-date query.
 */
final class DateLocalQuery {

  private DateLocalQuery() {}

  /**
   * Empty when the query is date-local; otherwise why not, in a few words.
   *
   * @param analyzed the query's analyzed plan, over the registered views
   * @param appendViews the view names holding append tables' rows (lower case)
   * @param wholeViews the view names holding upsert tables whole (lower case)
   */
  static Optional<String> whyNot(LogicalPlan analyzed, Set<String> appendViews, Set<String> wholeViews) {
    try {
      Shape shape = new Walk(appendViews, wholeViews).shape(analyzed);
      if (!shape.dated()) {
        return Optional.of("it reads no append table's rows");
      }
      for (Attribute output : JavaConverters.seqAsJavaList(analyzed.output())) {
        if (output.name().equalsIgnoreCase(GoldDefinition.PARTITION_COLUMN)) {
          return shape.dates().contains(output.exprId()) ? Optional.empty() : Optional.of(
              "its " + GoldDefinition.PARTITION_COLUMN + " is not the rows' own " + GoldDefinition.PARTITION_COLUMN);
        }
      }
      return Optional.of("it returns no " + GoldDefinition.PARTITION_COLUMN);
    } catch (NotLocal e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * What a part of the plan is: {@code dated} rows come from append tables, each row of one date,
   * and {@code dates} are the attributes known to hold that date; otherwise the part is the same
   * for every date (upsert tables, literal rows).
   */
  private record Shape(boolean dated, Set<ExprId> dates) {
    static final Shape SAME_FOR_EVERY_DATE = new Shape(false, Set.of());

    /** The date attributes among {@code output}. */
    Shape within(List<Attribute> output) {
      Set<ExprId> kept = new HashSet<>();
      output.stream().map(Attribute::exprId).filter(dates::contains).forEach(kept::add);
      return new Shape(dated, kept);
    }
  }

  private static final class NotLocal extends RuntimeException {
    NotLocal(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final class Walk {
    private final Set<String> appendViews;
    private final Set<String> wholeViews;
    /** CTE id → its definition's shape and output, for the references to it. */
    private final Map<Long, Map.Entry<Shape, List<Attribute>>> ctes = new HashMap<>();

    Walk(Set<String> appendViews, Set<String> wholeViews) {
      this.appendViews = appendViews;
      this.wholeViews = wholeViews;
    }

    Shape shape(LogicalPlan plan) {
      if (plan instanceof View view) {
        return leaf(view);
      }
      JavaConverters.seqAsJavaList(plan.expressions()).forEach(Walk::requireRowLocal);
      if (plan instanceof WithCTE with) {
        for (CTERelationDef definition : JavaConverters.seqAsJavaList(with.cteDefs())) {
          ctes.put(definition.id(), Map.entry(shape(definition.child()), output(definition.child())));
        }
        return shape(with.plan());
      }
      if (plan instanceof CTERelationRef reference) {
        return cte(reference);
      }
      if (plan instanceof LocalRelation || plan instanceof OneRowRelation) {
        return Shape.SAME_FOR_EVERY_DATE;
      }
      List<Shape> children = new ArrayList<>();
      JavaConverters.seqAsJavaList(plan.children()).forEach(child -> children.add(shape(child)));
      if (plan instanceof Join join) {
        return join(join, children.get(0), children.get(1));
      }
      if (plan instanceof Union) {
        return union(plan, children);
      }
      Shape child = children.size() == 1 ? children.get(0) : null;
      if (child == null || SQL_NAMES.containsKey(plan.nodeName())) {
        // even over rows that are the same for every date: a LIMIT or sample without order picks
        // other rows for each date's query, one set for the batch's
        throw new NotLocal("a " + SQL_NAMES.getOrDefault(plan.nodeName(), plan.nodeName())
            + " (it could see rows of several dates)");
      }
      if (!child.dated()) {
        return Shape.SAME_FOR_EVERY_DATE; // whatever it does to rows that are the same for every date
      }
      if (plan instanceof Project project) {
        return renamed(child, JavaConverters.seqAsJavaList(project.projectList()));
      }
      if (plan instanceof Aggregate aggregate) {
        requireDateIn(child, JavaConverters.seqAsJavaList(aggregate.groupingExpressions()), "a GROUP BY without "
            + GoldDefinition.PARTITION_COLUMN + " (its groups would span dates)");
        return renamed(child, JavaConverters.seqAsJavaList(aggregate.aggregateExpressions()));
      }
      if (plan instanceof Window window) {
        requireDateIn(child, JavaConverters.seqAsJavaList(window.partitionSpec()), "a window not partitioned by "
            + GoldDefinition.PARTITION_COLUMN);
        return child.within(output(plan));
      }
      if (plan instanceof Distinct distinct) {
        requireDateIn(child, new ArrayList<>(output(distinct)),
            "a DISTINCT over rows without " + GoldDefinition.PARTITION_COLUMN);
        return child;
      }
      if (plan instanceof Deduplicate deduplicate) {
        requireDateIn(child, new ArrayList<>(JavaConverters.seqAsJavaList(deduplicate.keys())),
            "a de-duplication without " + GoldDefinition.PARTITION_COLUMN);
        return child;
      }
      if (plan instanceof Filter || plan instanceof SubqueryAlias || plan instanceof Sort
          || plan instanceof Generate) {
        return child.within(output(plan)); // row by row (a sort only orders them)
      }
      throw new NotLocal("a " + plan.nodeName() + " (it could see rows of several dates)");
    }

    /** The SQL that makes the plan nodes a date-local query may not have. */
    private static final Map<String, String> SQL_NAMES = Map.of("LocalLimit", "LIMIT", "GlobalLimit", "LIMIT",
        "Offset", "OFFSET", "Sample", "TABLESAMPLE", "Expand", "GROUPING SETS, ROLLUP or CUBE", "Intersect", "INTERSECT",
        "Except", "EXCEPT");

    private Shape leaf(View view) {
      String name = view.desc().identifier().table().toLowerCase(Locale.ROOT);
      if (wholeViews.contains(name)) {
        return Shape.SAME_FOR_EVERY_DATE;
      }
      if (!appendViews.contains(name)) {
        throw new NotLocal("it reads the view " + name);
      }
      Set<ExprId> dates = new HashSet<>();
      output(view).stream().filter(attribute -> attribute.name().equalsIgnoreCase(GoldDefinition.PARTITION_COLUMN))
          .forEach(attribute -> dates.add(attribute.exprId()));
      if (dates.isEmpty()) {
        throw new NotLocal(name + " has no " + GoldDefinition.PARTITION_COLUMN);
      }
      return new Shape(true, dates);
    }

    private Shape cte(CTERelationRef reference) {
      Map.Entry<Shape, List<Attribute>> definition = ctes.get(reference.cteId());
      if (definition == null) {
        throw new NotLocal("a CTE reference it cannot follow");
      }
      Shape shape = definition.getKey();
      List<Attribute> inner = definition.getValue();
      List<Attribute> outer = output(reference);
      Set<ExprId> dates = new HashSet<>();
      for (int i = 0; i < inner.size() && i < outer.size(); i++) {
        if (shape.dates().contains(inner.get(i).exprId())) {
          dates.add(outer.get(i).exprId());
        }
      }
      return new Shape(shape.dated(), dates);
    }

    /**
     * Two dated sides must be joined on their dates. A dated side joined with rows that are the
     * same for every date must be the side whose rows the join keeps (each date's rows then meet
     * the same other rows once per date, as when run alone).
     */
    private static Shape join(Join join, Shape left, Shape right) {
      // the type's name, not its sql(): an existence join (a rewritten EXISTS) has no SQL
      String type = join.joinType().toString();
      boolean inner = type.equals("Inner") || type.equals("Cross");
      boolean leftKept = inner || type.startsWith("Left") || type.startsWith("ExistenceJoin");
      boolean rightKept = inner || type.equals("RightOuter");
      if (!left.dated() && !right.dated()) {
        return Shape.SAME_FOR_EVERY_DATE;
      }
      if (left.dated() && right.dated()) {
        if (!joinedOnDate(join, left, right)) {
          throw new NotLocal("a join of append tables not on " + GoldDefinition.PARTITION_COLUMN);
        }
        Set<ExprId> dates = new HashSet<>();
        if (leftKept) {
          dates.addAll(left.dates());
        }
        if (rightKept) {
          dates.addAll(right.dates());
        }
        return new Shape(true, dates).within(output(join));
      }
      Shape dated = left.dated() ? left : right;
      if (left.dated() ? !leftKept : !rightKept) {
        throw new NotLocal("a " + type + " join that keeps the rows of an upsert table (they would be kept once per date)");
      }
      return dated.within(output(join));
    }

    private static boolean joinedOnDate(Join join, Shape left, Shape right) {
      if (join.condition().isEmpty()) {
        return false;
      }
      for (Expression conjunct : conjuncts(join.condition().get())) {
        if ((conjunct instanceof EqualTo || conjunct instanceof EqualNullSafe) && conjunct instanceof BinaryComparison equal
            && equal.left() instanceof Attribute x && equal.right() instanceof Attribute y
            && (left.dates().contains(x.exprId()) && right.dates().contains(y.exprId())
                || left.dates().contains(y.exprId()) && right.dates().contains(x.exprId()))) {
          return true;
        }
      }
      return false;
    }

    private static List<Expression> conjuncts(Expression condition) {
      if (condition instanceof And and) {
        List<Expression> all = new ArrayList<>(conjuncts(and.left()));
        all.addAll(conjuncts(and.right()));
        return all;
      }
      return List.of(condition);
    }

    /** All dated (a column is a date where it is one in every branch), or all the same for every date. */
    private static Shape union(LogicalPlan union, List<Shape> children) {
      if (children.stream().noneMatch(Shape::dated)) {
        return Shape.SAME_FOR_EVERY_DATE;
      }
      if (!children.stream().allMatch(Shape::dated)) {
        throw new NotLocal("a UNION of append rows with rows that are the same for every date");
      }
      List<Attribute> output = output(union);
      Set<ExprId> dates = new HashSet<>();
      for (int i = 0; i < output.size(); i++) {
        boolean everyBranch = true;
        for (int c = 0; c < children.size(); c++) {
          everyBranch &= children.get(c).dates().contains(output(union.children().apply(c)).get(i).exprId());
        }
        if (everyBranch) {
          dates.add(output.get(i).exprId());
        }
      }
      return new Shape(true, dates);
    }

    /** The date attributes of a projection: those passed through or renamed. */
    private static Shape renamed(Shape child, List<NamedExpression> outputs) {
      Set<ExprId> dates = new HashSet<>();
      for (NamedExpression output : outputs) {
        Expression value = output instanceof Alias alias ? alias.child() : (Expression) output;
        if (value instanceof Attribute attribute && child.dates().contains(attribute.exprId())) {
          dates.add(output.exprId());
        }
      }
      return new Shape(true, dates);
    }

    private static void requireDateIn(Shape child, List<Expression> expressions, String otherwise) {
      boolean found = expressions.stream().anyMatch(expression ->
          expression instanceof Attribute attribute && child.dates().contains(attribute.exprId()));
      if (!found) {
        throw new NotLocal(otherwise);
      }
    }

    /** A subquery or a random function would see, or pick among, rows of several dates. */
    private static void requireRowLocal(Expression expression) {
      if (expression instanceof SubqueryExpression) {
        throw new NotLocal("a subquery");
      }
      // children first: an expression over a random one is not deterministic either, but is not the cause
      JavaConverters.seqAsJavaList(expression.children()).forEach(Walk::requireRowLocal);
      if (!expression.deterministic()) {
        throw new NotLocal(expression.prettyName() + " (not deterministic)");
      }
    }

    private static List<Attribute> output(LogicalPlan plan) {
      return JavaConverters.seqAsJavaList(plan.output());
    }
  }
}
