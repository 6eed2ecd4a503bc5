package dev.lakehouse.serve;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.spark.TrustedSessions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedView;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Refuses SQL on files ({@code text.`/etc/passwd`}, {@code delta.`s3a://…`}) and the functions
 * that call Java methods ({@code reflect}, {@code java_method}) in a JDBC client's statement as
 * soon as it is parsed: Spark would list and open the path while analysing it, before
 * {@link ReadOnlyGuard} sees the plan. Only statements are checked ({@link #parsePlan}); the
 * exposed views' own definitions, which read their Delta paths, are parsed with
 * {@link #parseQuery} and pass.
 */
final class GuardedParser implements ParserInterface {

  private static final Set<String> FORMATS = Set.of("text", "json", "csv", "parquet", "orc", "avro", "binaryfile",
      "delta", "jdbc", "libsvm", "image", "xml", "kafka", "hive", "noop", "console", "rate");

  /** Call any static Java method: refused here, so a wrong signature cannot fail analysis first. */
  private static final Set<String> JVM_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

  private final SparkSession session;
  private final ParserInterface delegate;

  GuardedParser(SparkSession session, ParserInterface delegate) {
    this.session = requireNonNull(session, "session is null");
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public LogicalPlan parsePlan(String sql) throws ParseException {
    LogicalPlan plan = delegate.parsePlan(sql);
    if (!TrustedSessions.isTrusted(session)) {
      refuseFileRelations(plan);
    }
    return plan;
  }

  /** Walks every plan a statement holds: children, subqueries, CTE definitions, EXPLAIN's plan. */
  private static void refuseFileRelations(Object node) {
    if (node instanceof LogicalPlan plan) {
      checkName(plan);
      refuseFileRelations(plan.productIterator());
      ReadOnlyGuard.list(plan.children()).forEach(GuardedParser::refuseFileRelations);
      ReadOnlyGuard.list(plan.expressions()).forEach(GuardedParser::refuseFileRelations);
    } else if (node instanceof Expression expression) {
      if (expression instanceof UnresolvedFunction function) {
        String name = ReadOnlyGuard.list(function.nameParts()).get(function.nameParts().size() - 1).toLowerCase(Locale.ROOT);
        if (JVM_FUNCTIONS.contains(name)) {
          throw ReadOnlyGuard.refused("the function " + name);
        }
      }
      if (expression instanceof org.apache.spark.sql.catalyst.expressions.SubqueryExpression subquery) {
        refuseFileRelations(subquery.plan());
      }
      ReadOnlyGuard.list(expression.children()).forEach(GuardedParser::refuseFileRelations);
    } else if (node instanceof scala.collection.Iterator<?> elements) {
      while (elements.hasNext()) {
        Object element = elements.next();
        if (element instanceof scala.collection.Iterable<?> iterable) {
          refuseFileRelations(iterable.iterator());
        } else if (element instanceof scala.Product product && !(element instanceof LogicalPlan)
            && !(element instanceof Expression)) {
          refuseFileRelations(product.productIterator());
        } else if (element instanceof LogicalPlan) {
          refuseFileRelations(element);
        }
      }
    }
  }

  private static void checkName(LogicalPlan plan) {
    scala.collection.Seq<String> identifier = null;
    if (plan instanceof UnresolvedRelation relation) {
      identifier = relation.multipartIdentifier();
    } else if (plan instanceof UnresolvedTableOrView tableOrView) {
      identifier = tableOrView.multipartIdentifier();
    } else if (plan instanceof UnresolvedTable table) {
      identifier = table.multipartIdentifier();
    } else if (plan instanceof UnresolvedView view) {
      identifier = view.multipartIdentifier();
    }
    if (identifier == null) {
      return;
    }
    List<String> parts = ReadOnlyGuard.list(identifier);
    if (parts.size() == 2 && (FORMATS.contains(parts.get(0).toLowerCase(Locale.ROOT))
        || parts.get(1).contains("/") || parts.get(1).contains(":"))) {
      throw ReadOnlyGuard.refused("SQL on files (" + parts.get(0) + ".`" + parts.get(1) + "`)");
    }
  }

  @Override
  public Expression parseExpression(String sql) throws ParseException {
    return delegate.parseExpression(sql);
  }

  @Override
  public TableIdentifier parseTableIdentifier(String sql) throws ParseException {
    return delegate.parseTableIdentifier(sql);
  }

  @Override
  public FunctionIdentifier parseFunctionIdentifier(String sql) throws ParseException {
    return delegate.parseFunctionIdentifier(sql);
  }

  @Override
  public scala.collection.Seq<String> parseMultipartIdentifier(String sql) throws ParseException {
    return delegate.parseMultipartIdentifier(sql);
  }

  @Override
  public LogicalPlan parseQuery(String sql) throws ParseException {
    return delegate.parseQuery(sql);
  }

  @Override
  public StructType parseTableSchema(String sql) throws ParseException {
    return delegate.parseTableSchema(sql);
  }

  @Override
  public DataType parseDataType(String sql) throws ParseException {
    return delegate.parseDataType(sql);
  }
}
