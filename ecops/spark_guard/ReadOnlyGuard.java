// ecops read-only guard for the Spark Thrift Server (Spark 4.x, Scala 2.13).
//
// A Spark SQL extension: every statement's analysed plan passes this check before it runs, and
// any plan that could change anything is refused. Allowed: queries (SELECT, WITH, VALUES), SHOW …,
// DESCRIBE …, USE (the session's current database), SET without a value (reading a setting) and
// EXPLAIN. Refused: everything else — CREATE/DROP/ALTER, INSERT/UPDATE/DELETE/MERGE, CTAS,
// temporary views, CACHE/UNCACHE, REFRESH, ADD JAR/FILE, CREATE FUNCTION, SET key=value, RESET —
// and reflect()/java_method(), which call Java static methods from a SELECT.
//
// Start the server with it (compiled against the pyspark jars, see README "Your data in a warehouse"):
//   spark-submit --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
//     --driver-class-path /path/to/guard --conf spark.sql.extensions=ReadOnlyGuard spark-internal
// Every session is then read-only. A server that must also accept writers (the test harness loads
// its tables through the same server) is started with --conf spark.ecops.guard.allowWriters=true;
// then only sessions opened with the session setting spark.ecops.readonly=false may write. That is
// a static setting of the server: no session can switch it on.

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Function1;
import scala.runtime.BoxedUnit;

public class ReadOnlyGuard implements Function1<SparkSessionExtensions, BoxedUnit> {

    /** Plans (simple class names) that only read: SHOW …, DESCRIBE …, USE, EXPLAIN. */
    private static final Set<String> READ_ONLY_COMMANDS = new HashSet<>(Arrays.asList(
        "SetCatalogAndNamespace", "SetNamespaceCommand", "SetCatalogCommand", "ExplainCommand"));

    /** Expressions that run arbitrary Java code from a query. */
    private static final Set<String> FORBIDDEN_EXPRESSIONS = new HashSet<>(Arrays.asList(
        "CallMethodViaReflection", "ScalaUDF", "HiveSimpleUDF", "HiveGenericUDF", "HiveGenericUDTF", "HiveUDAFFunction"));

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectCheckRule(session -> plan -> {
            check(session, plan);
            return BoxedUnit.UNIT;
        });
        return BoxedUnit.UNIT;
    }

    private static void check(SparkSession session, LogicalPlan plan) {
        if (mayWrite(session)) {
            return;
        }
        String name = plan.getClass().getSimpleName();
        if (plan instanceof Command || plan.getClass().getName().contains(".command.")) {
            boolean readOnly = name.startsWith("Show") || name.startsWith("Describe")
                || READ_ONLY_COMMANDS.contains(name) || isReadingSet(plan, name);
            if (!readOnly) {
                throw refuse(name);
            }
            return;
        }
        plan.foreach(node -> {
            String nodeName = node.getClass().getSimpleName();
            if (node instanceof Command) {
                throw refuse(nodeName);
            }
            node.expressions().foreach(expr -> {
                ((Expression) expr).foreach(e -> {
                    if (FORBIDDEN_EXPRESSIONS.contains(e.getClass().getSimpleName())) {
                        throw refuse(e.getClass().getSimpleName());
                    }
                    return BoxedUnit.UNIT;
                });
                return BoxedUnit.UNIT;
            });
            return BoxedUnit.UNIT;
        });
    }

    /** Writers are possible only on a server started with spark.ecops.guard.allowWriters=true. */
    private static boolean mayWrite(SparkSession session) {
        boolean allowWriters = session.sparkContext().getConf().getBoolean("spark.ecops.guard.allowWriters", false);
        return allowWriters && "false".equalsIgnoreCase(session.conf().get("spark.ecops.readonly", "true"));
    }

    /** SET (list) and SET key (read one value) read; SET key=value and RESET write. */
    private static boolean isReadingSet(LogicalPlan plan, String name) {
        if (!"SetCommand".equals(name)) {
            return false;
        }
        // SetCommand(kv: Option[(String, Option[String])]): reading is None or Some((key, None)).
        scala.Option<scala.Tuple2<String, scala.Option<String>>> kv = ((SetCommand) plan).kv();
        return kv.isEmpty() || kv.get()._2().isEmpty();
    }

    private static SecurityException refuse(String what) {
        return new SecurityException("ecops read-only guard: " + what
            + " is refused; this Spark server only answers queries (SELECT, SHOW, DESCRIBE)");
    }
}
