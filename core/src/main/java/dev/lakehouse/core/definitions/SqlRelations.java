package dev.lakehouse.core.definitions;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * The tables a query reads, taken from Spark's parsed plan (not from the text): every relation
 * name in the query, its subqueries and CTE bodies, except the names that refer to a CTE in
 * scope ({@code WITH orders AS (SELECT … FROM orders) …} reads the table {@code orders} once).
 * No session is needed.
 */
public final class SqlRelations {

  private SqlRelations() {}

  /**
   * Lower-case relation names ({@code silver.orders} stays {@code silver.orders}).
   *
   * @throws ParseException on SQL that does not parse
   * @throws IllegalArgumentException when the text is a command (DROP, INSERT, SET…), not a query
   */
  public static Set<String> of(String sql) throws ParseException {
    LogicalPlan root = CatalystSqlParser$.MODULE$.parsePlan(sql);
    if (root instanceof Command) {
      throw new IllegalArgumentException("is a command (" + root.nodeName() + "), not a query: write a SELECT (or WITH … SELECT)");
    }
    Set<String> relations = new TreeSet<>();
    collect(root, Set.of(), relations);
    return relations;
  }

  private static void collect(LogicalPlan plan, Set<String> ctesInScope, Set<String> relations) {
    if (plan instanceof Command) {
      throw new IllegalArgumentException("holds a command (" + plan.nodeName() + "), not only a query");
    }
    if (plan instanceof UnresolvedRelation relation) {
      String name = String.join(".", JavaConverters.seqAsJavaList(relation.multipartIdentifier())).toLowerCase(Locale.ROOT);
      if (!ctesInScope.contains(name)) {
        relations.add(name);
      }
    }
    Set<String> scope = ctesInScope;
    if (plan instanceof UnresolvedWith with) {
      // each CTE sees the ones defined before it; the query after WITH sees them all
      scope = new HashSet<>(ctesInScope);
      for (Tuple2<String, ?> cte : JavaConverters.seqAsJavaList(with.cteRelations())) {
        collect((LogicalPlan) cte._2(), Set.copyOf(scope), relations);
        scope.add(cte._1().toLowerCase(Locale.ROOT));
      }
    }
    for (LogicalPlan child : JavaConverters.seqAsJavaList(plan.children())) {
      collect(child, scope, relations);
    }
    for (Expression expression : JavaConverters.seqAsJavaList(plan.expressions())) {
      subqueries(expression, scope, relations);
    }
  }

  private static void subqueries(Expression expression, Set<String> scope, Set<String> relations) {
    if (expression instanceof SubqueryExpression subquery) {
      collect(subquery.plan(), scope, relations);
    }
    JavaConverters.seqAsJavaList(expression.children()).forEach(child -> subqueries(child, scope, relations));
  }
}
