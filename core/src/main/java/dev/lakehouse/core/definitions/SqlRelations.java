package dev.lakehouse.core.definitions;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * The tables a query reads, taken from Spark's parsed plan (not from the text): every relation
 * name in the query, its subqueries and CTEs, minus the CTEs' own names. No session is needed.
 */
public final class SqlRelations {

  private SqlRelations() {}

  /** Lower-case relation names ({@code silver.orders} → {@code silver.orders}); throws ParseException on bad SQL. */
  public static Set<String> of(String sql) throws ParseException {
    LogicalPlan root = CatalystSqlParser$.MODULE$.parsePlan(sql);
    Set<String> relations = new TreeSet<>();
    Set<String> ctes = new HashSet<>();
    Deque<LogicalPlan> plans = new ArrayDeque<>();
    plans.push(root);
    while (!plans.isEmpty()) {
      LogicalPlan plan = plans.pop();
      if (plan instanceof UnresolvedRelation relation) {
        relations.add(String.join(".", JavaConverters.seqAsJavaList(relation.multipartIdentifier())).toLowerCase(Locale.ROOT));
      }
      if (plan instanceof UnresolvedWith with) {
        for (Tuple2<String, ?> cte : JavaConverters.seqAsJavaList(with.cteRelations())) {
          ctes.add(cte._1().toLowerCase(Locale.ROOT));
          plans.push((LogicalPlan) cte._2());
        }
      }
      JavaConverters.seqAsJavaList(plan.children()).forEach(plans::push);
      for (Expression expression : JavaConverters.seqAsJavaList(plan.expressions())) {
        subqueries(expression, plans);
      }
    }
    relations.removeAll(ctes);
    return relations;
  }

  private static void subqueries(Expression expression, Deque<LogicalPlan> plans) {
    if (expression instanceof SubqueryExpression subquery) {
      plans.push(subquery.plan());
    }
    JavaConverters.seqAsJavaList(expression.children()).forEach(child -> subqueries(child, plans));
  }
}
