package dev.valueledger.cli;

import dev.valueledger.UserError;
import dev.valueledger.config.AppConfig;
import dev.valueledger.publish.Sql;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Runs one SQL statement against the lakehouse catalog and prints it as a table, CSV or JSON lines. */
final class SqlCommand {

    private SqlCommand() { }

    static void run(SparkSession spark, AppConfig cfg, String statement, String format, PrintStream out) {
        checkFormat(format);
        if (spark.catalog().databaseExists(cfg.catalog().schema())) {
            spark.sql("USE " + Sql.identifier(cfg.catalog().schema()));
        }
        print(spark.sql(statement), format, out);
    }

    static void checkFormat(String format) {
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new UserError("--format '" + format + "' must be table, csv or json");
        }
    }

    /** Prints rows as an aligned table, CSV with a header, or one JSON object per line. */
    static void print(Dataset<Row> df, String format, PrintStream out) {
        switch (format) {
            case "json" -> df.toJSON().toLocalIterator().forEachRemaining(out::println);
            case "csv" -> {
                out.println(String.join(",", csvRow(List.of(df.columns()))));
                df.toLocalIterator().forEachRemaining(r -> out.println(String.join(",", csvRow(values(r)))));
            }
            default -> table(df, out);
        }
    }

    private static List<String> values(Row r) {
        List<String> v = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
            Object o = r.isNullAt(i) ? null : r.get(i);
            v.add(o == null ? null : o instanceof scala.collection.Seq<?> s ? s.mkString("[", ", ", "]") : String.valueOf(o));
        }
        return v;
    }

    private static List<String> csvRow(List<String> fields) {
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            if (f == null) {
                out.add("");
            } else if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
                out.add("\"" + f.replace("\"", "\"\"") + "\"");
            } else {
                out.add(f);
            }
        }
        return out;
    }

    private static void table(Dataset<Row> df, PrintStream out) {
        String[] cols = df.columns();
        List<List<String>> rows = new ArrayList<>();
        df.toLocalIterator().forEachRemaining(r -> rows.add(values(r)));
        int[] width = new int[cols.length];
        for (int i = 0; i < cols.length; i++) {
            width[i] = cols[i].length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i) == null ? 4 : r.get(i).length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cols.length; i++) {
            line.append(i == 0 ? "" : " | ").append(pad(cols[i], width[i]));
        }
        out.println(line.toString().stripTrailing());
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < cols.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.println(rule);
        for (List<String> r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cols.length; i++) {
                b.append(i == 0 ? "" : " | ").append(pad(r.get(i) == null ? "NULL" : r.get(i), width[i]));
            }
            out.println(b.toString().stripTrailing());
        }
        out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
