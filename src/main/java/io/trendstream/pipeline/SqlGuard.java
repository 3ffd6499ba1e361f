package io.trendstream.pipeline;

import io.trendstream.serve.QueryService.QueryRejectedException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import scala.Tuple3;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Decides whether a SQL text may run against the live tables: exactly one SELECT reading only
 * those tables. Input: the SQL text. Output: the set of live tables it reads, or a
 * {@link QueryRejectedException} saying why not.
 *
 * <p>It checks Spark's own parse tree before anything runs, against an allow-list of query
 * operators, so commands ({@code SET}, {@code ADD JAR}, DDL, DML), file reads through SQL
 * ({@code text.`/etc/passwd`}), table functions and reflective functions never reach the
 * analyser.
 */
public final class SqlGuard {
  /** Logical operators a read-only query parses to; anything else is refused. */
  private static final Set<String> ALLOWED_OPERATORS = Set.of(
      "Project", "Filter", "Aggregate", "Sort", "GlobalLimit", "LocalLimit", "Offset",
      "Distinct", "Deduplicate", "SubqueryAlias", "Join", "Union", "Intersect", "Except",
      "UnresolvedRelation", "OneRowRelation", "UnresolvedWith", "CTERelationRef", "WithCTE",
      "WithWindowDefinition", "Window", "Generate", "UnresolvedHaving", "Pivot", "Unpivot",
      "UnresolvedSubqueryColumnAliases", "UnresolvedInlineTable", "LateralJoin", "Tail",
      "RepartitionByExpression", "Sample");

  /**
   * Functions that reach outside the query (Java reflection, files, the session), and those
   * that build huge values from one row: Spark cancels cooperatively, between rows, so a
   * billion-element sequence could not be stopped by the query timeout.
   */
  private static final Set<String> DENIED_FUNCTIONS = Set.of(
      "reflect", "java_method", "try_reflect", "input_file_name", "input_file_block_start",
      "input_file_block_length", "read_files", "session_user", "current_user", "user",
      "sequence", "array_repeat", "repeat", "space");

  private final SparkSession spark;
  private final Set<String> tables;

  public SqlGuard(SparkSession spark, List<String> tables) {
    this.spark = spark;
    this.tables = Set.copyOf(tables);
  }

  /** @return the live tables the query reads (lowercase) */
  public Set<String> check(String sql) throws QueryRejectedException {
    if (sql == null || sql.isBlank()) {
      throw new QueryRejectedException("empty query: give one SELECT over " + tableList());
    }
    LogicalPlan plan;
    try {
      plan = spark.sessionState().sqlParser().parsePlan(sql);
    } catch (ParseException e) {
      throw new QueryRejectedException("syntax error: " + firstLine(e.getMessage()));
    }
    Set<String> ctes = new HashSet<>();
    Set<String> read = new HashSet<>();
    walk(plan, ctes, read);
    read.removeAll(ctes);
    for (String t : read) {
      if (!tables.contains(t)) {
        throw new QueryRejectedException(
            "table '" + t + "' is not a live table; only " + tableList() + " can be queried");
      }
    }
    return read;
  }

  private void walk(LogicalPlan plan, Set<String> ctes, Set<String> read)
      throws QueryRejectedException {
    String op = plan.getClass().getSimpleName();
    if (!ALLOWED_OPERATORS.contains(op)) {
      throw new QueryRejectedException(
          "only a single SELECT over " + tableList() + " is allowed (found " + describe(op)
              + ")");
    }
    if (plan instanceof UnresolvedRelation) {
      List<String> parts =
          CollectionConverters.asJava(((UnresolvedRelation) plan).multipartIdentifier());
      String name = String.join(".", parts).toLowerCase(Locale.ROOT);
      if (parts.size() != 1) {
        throw new QueryRejectedException(
            "'" + String.join(".", parts) + "' is not a live table; only " + tableList()
                + " can be queried");
      }
      read.add(name);
    }
    if (plan instanceof UnresolvedWith) {
      for (Tuple3<String, ?, ?> cte :
          CollectionConverters.asJava(((UnresolvedWith) plan).cteRelations())) {
        ctes.add(cte._1().toLowerCase(Locale.ROOT));
      }
    }
    for (Expression e : CollectionConverters.asJava(plan.expressions())) {
      walk(e, ctes, read);
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      walk(child, ctes, read);
    }
    if (plan instanceof UnresolvedWith) {
      for (Tuple3<String, ?, ?> cte :
          CollectionConverters.asJava(((UnresolvedWith) plan).cteRelations())) {
        walk((LogicalPlan) cte._2(), ctes, read);
      }
    }
  }

  private void walk(Expression e, Set<String> ctes, Set<String> read)
      throws QueryRejectedException {
    if (e instanceof UnresolvedFunction) {
      List<String> parts = CollectionConverters.asJava(((UnresolvedFunction) e).nameParts());
      String name = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
      if (DENIED_FUNCTIONS.contains(name) || parts.size() > 1) {
        throw new QueryRejectedException("function '" + String.join(".", parts)
            + "' is not allowed in live queries");
      }
    }
    if (e instanceof SubqueryExpression) {
      walk(((SubqueryExpression) e).plan(), ctes, read);
    }
    for (Expression child : CollectionConverters.asJava(e.children())) {
      walk(child, ctes, read);
    }
  }

  private String tableList() {
    return String.join(", ", tables.stream().sorted().toList());
  }

  private static String describe(String op) {
    if (op.endsWith("Command") || op.startsWith("Create") || op.startsWith("Drop")
        || op.startsWith("Insert") || op.startsWith("Alter") || op.startsWith("Set")) {
      return "a " + op.replace("Command", "") + " statement";
    }
    if (op.contains("TableValuedFunction")) {
      return "a table function";
    }
    return op;
  }

  private static String firstLine(String message) {
    String m = message == null ? "" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
