package dev.lakehouse.serve;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.spark.TrustedSessions;
import dev.lakehouse.core.storage.Layer;
import dev.lakehouse.core.storage.TableLocations;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.connector.catalog.Identifier;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The analysis check that makes {@code serve} read-only and confined to the {@code gold} and
 * {@code views} databases, in every session a JDBC client opens (the pipeline's own sessions are
 * {@linkplain TrustedSessions trusted} and pass untouched). It works on the analyzed plan, so no
 * spelling, comment or quoting of the SQL text gets around it: every plan node must be of a
 * known read-only kind, every relation must be one of the exposed views (whose own definitions
 * read the Delta paths), every command must be a SHOW/DESCRIBE/EXPLAIN/USE or the SET of a
 * harmless option, and no expression may reach the JVM (reflect, java_method, Hive UDFs).
 */
final class ReadOnlyGuard extends AbstractFunction1<LogicalPlan, BoxedUnit> {

  static final Set<String> EXPOSED_DATABASES = Set.of("gold", "views");

  /** Session options a BI tool may set: they change how results look, not what can be read. */
  static final Set<String> HARMLESS_OPTIONS =
      Set.of("spark.sql.session.timeZone", "spark.sql.ansi.enabled", "spark.sql.shuffle.partitions",
          "spark.sql.adaptive.enabled", "spark.sql.decimalOperations.allowPrecisionLoss");

  private static final Set<String> QUERY_NODES =
      Set.of("Project", "Filter", "Aggregate", "Sort", "Join", "Union", "Intersect", "Except", "Distinct",
          "Deduplicate", "GlobalLimit", "LocalLimit", "Offset", "Tail", "SubqueryAlias", "Window", "WindowGroupLimit",
          "Generate", "Expand", "Sample", "Repartition", "RepartitionByExpression", "RebalancePartitions",
          "ResolvedHint", "WithCTE", "CTERelationDef", "LateralJoin", "Subquery", "Unpivot",
          // typed Dataset operations: no SQL makes them, but Delta's snapshot loading does, in
          // whatever session is active, and those plans are checked too
          "SerializeFromObject", "DeserializeToObject", "MapPartitions", "MapElements", "AppendColumns",
          "AppendColumnsWithObject", "TypedFilter", "MapGroups", "CoGroup");
  private static final Set<String> HARMLESS_LEAVES =
      Set.of("LocalRelation", "OneRowRelation", "Range", "CTERelationRef", "CommandResult", "ResolvedNamespace",
          "ResolvedNonPersistentFunc", "ResolvedPersistentFunc", "LogicalRDD", "InMemoryRelation");
  /** Leaves naming a table or view, allowed when it is an exposed one. */
  private static final Set<String> NAMED_LEAVES = Set.of("ResolvedTable", "ResolvedPersistentView");
  private static final Set<String> READ_ONLY_COMMANDS =
      Set.of("ShowNamespaces", "ShowNamespacesCommand", "ShowTables", "ShowTablesCommand", "ShowTableExtended",
          "ShowViews", "ShowViewsCommand", "ShowFunctions", "ShowFunctionsCommand", "ShowCurrentNamespace",
          "ShowCurrentNamespaceCommand", "SetCatalogAndNamespace", "SetNamespaceCommand", "SetCatalogCommand",
          "DescribeNamespace", "DescribeDatabaseCommand", "DescribeFunction", "DescribeFunctionCommand",
          "ShowColumns", "ShowColumnsCommand", "DescribeRelation", "DescribeTableCommand", "DescribeColumn",
          "DescribeColumnCommand", "ShowTableProperties", "ShowTablePropertiesCommand", "ExplainCommand");
  /** Expressions that call into the JVM or run user code. */
  private static final Set<String> DENIED_EXPRESSIONS =
      Set.of("CallMethodViaReflection", "HiveSimpleUDF", "HiveGenericUDF", "HiveGenericUDTF", "HiveUDAFFunction");

  private final SparkSession session;
  private final List<String> readableFolders;

  /** @param readableFolders the exposed layers' folders: the only files a plan may read */
  ReadOnlyGuard(SparkSession session, List<String> readableFolders) {
    this.session = requireNonNull(session, "session is null");
    this.readableFolders = readableFolders.stream().map(folder -> new Path(folder).toString() + "/").toList();
  }

  /**
   * Adds the check to every session created from now on (the Thrift server's among them).
   * {@code extensions()} is Spark-internal in Scala but public in bytecode; the sessions the
   * server opens share this object, so what is injected here reaches each of them.
   */
  static void install(SparkSession spark, TableLocations locations) {
    TrustedSessions.markTrusted(spark);
    List<String> readable = List.of(locations.folder(Layer.GOLD), locations.folder(Layer.VIEWS));
    spark.extensions().injectCheckRule(new AbstractFunction1<SparkSession, scala.Function1<LogicalPlan, BoxedUnit>>() {
      @Override
      public scala.Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
        return new ReadOnlyGuard(session, readable);
      }
    });
    spark.extensions().injectParser(
        new scala.runtime.AbstractFunction2<SparkSession, ParserInterface, ParserInterface>() {
          @Override
          public ParserInterface apply(SparkSession session, ParserInterface delegate) {
            return new GuardedParser(session, delegate);
          }
        });
  }

  @Override
  public BoxedUnit apply(LogicalPlan plan) {
    if (!TrustedSessions.isTrusted(session)) {
      check(plan);
    }
    return BoxedUnit.UNIT;
  }

  private void check(LogicalPlan plan) {
    String kind = plan.getClass().getSimpleName();
    if (plan instanceof View view) {
      if (view.isTempView() || !exposed(view.desc().identifier())) {
        throw refused("reading " + view.desc().identifier().unquotedString());
      }
      return; // the exposed view's own definition reads its Delta path
    }
    if (plan instanceof SetCommand set) {
      checkSet(set);
      return;
    }
    if (READ_ONLY_COMMANDS.contains(kind)) {
      checkNamedTargets(plan);
    } else if (plan.children().isEmpty()) {
      checkLeaf(plan, kind);
    } else if (!QUERY_NODES.contains(kind)) {
      throw refused(describe(kind));
    }
    for (Expression expression : list(plan.expressions())) {
      checkExpression(expression);
    }
    for (LogicalPlan child : list(plan.children())) {
      check(child);
    }
  }

  private void checkLeaf(LogicalPlan leaf, String kind) {
    if (HARMLESS_LEAVES.contains(kind)) {
      return;
    }
    if (NAMED_LEAVES.contains(kind)) {
      checkNamedTargets(leaf);
      return;
    }
    // the exposed views read their Delta tables by path, and Delta reads their logs: files
    // under the gold and views folders are what serve shows anyway
    if (leaf instanceof LogicalRelation relation && relation.relation() instanceof HadoopFsRelation files) {
      for (Path path : list(files.location().rootPaths())) {
        if (!readable(path)) {
          throw refused("reading " + path + " (outside gold and views)");
        }
      }
      return;
    }
    throw refused("reading " + kind);
  }

  private void checkSet(SetCommand set) {
    if (set.kv().isEmpty()) {
      throw refused("listing settings");
    }
    String key = set.kv().get()._1();
    if (!HARMLESS_OPTIONS.contains(key)) {
      throw refused("SET " + key);
    }
  }

  /** Every table a SHOW/DESCRIBE names must be an exposed one. */
  private void checkNamedTargets(LogicalPlan plan) {
    for (Object field : list(plan.productIterator().toSeq())) {
      if (field instanceof TableIdentifier table && !exposed(table)) {
        throw refused("reading " + table.unquotedString());
      }
      if (field instanceof Identifier identifier && !exposed(identifier)) {
        throw refused("reading " + String.join(".", identifier.namespace()) + "." + identifier.name());
      }
    }
  }

  private void checkExpression(Expression expression) {
    String kind = expression.getClass().getSimpleName();
    if (DENIED_EXPRESSIONS.contains(kind)) {
      throw refused("the function " + expression.prettyName());
    }
    if (expression instanceof SubqueryExpression subquery) {
      check(subquery.plan());
    }
    for (Expression child : list(expression.children())) {
      checkExpression(child);
    }
  }

  private boolean readable(Path path) {
    // Path's own form (file:/x, never file:///x), after resolving any ".."
    String normalized = new Path(path.toUri().normalize()).toString();
    return readableFolders.stream().anyMatch(normalized::startsWith);
  }

  private boolean exposed(TableIdentifier table) {
    String database = table.database().isDefined() ? table.database().get() : session.catalog().currentDatabase();
    return EXPOSED_DATABASES.contains(database);
  }

  private static boolean exposed(Identifier identifier) {
    String[] namespace = identifier.namespace();
    return namespace.length == 1 && EXPOSED_DATABASES.contains(namespace[0]);
  }

  private static String describe(String kind) {
    String statement = kind.replaceAll("(Command|Statement|Exec)$", "");
    return statement.isEmpty() ? kind : statement.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(java.util.Locale.ROOT);
  }

  static NotAllowedException refused(String what) {
    return new NotAllowedException(what);
  }

  static <T> List<T> list(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaList(seq);
  }
}
