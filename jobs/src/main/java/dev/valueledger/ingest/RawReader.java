package dev.valueledger.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;

/**
 * Reads a source's files as received (CONTRACT §1): every contract column as its raw text, the
 * record's raw text ({@code _raw}), its file ({@code _source_file}) and whether the record could be
 * parsed at all ({@code _malformed}). Nothing is typed or dropped here; unknown columns survive
 * in {@code _raw}.
 */
public final class RawReader {

    public static final String RAW = "_raw";
    public static final String SOURCE_FILE = "_source_file";
    public static final String MALFORMED = "_malformed";
    private static final String CORRUPT = "_corrupt_record";

    private final SparkSession spark;

    public RawReader(SparkSession spark) {
        this.spark = spark;
    }

    public Dataset<Row> read(SourceFiles.Located in) {
        Dataset<Row> raw = switch (in.format()) {
            case CSV -> csv(in);
            case JSON -> json(in);
            case PARQUET -> parquet(in);
        };
        return raw;
    }

    private Dataset<Row> csv(SourceFiles.Located in) {
        String[] paths = in.paths().toArray(new String[0]);
        String[] header = spark.read().option("header", "true").csv(paths[0]).columns();
        List<StructField> fields = new ArrayList<>();
        for (String h : header) {
            fields.add(DataTypes.createStructField(h, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(CORRUPT, DataTypes.StringType, true));
        Dataset<Row> df = spark.read().format("csv")
                .option("header", "true")
                // RFC 4180: quoted fields may span lines and escape quotes by doubling them.
                .option("multiLine", "true")
                .option("escape", "\"")
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT)
                .option("ignoreLeadingWhiteSpace", "false")
                .option("ignoreTrailingWhiteSpace", "false")
                .schema(new StructType(fields.toArray(new StructField[0])))
                .load(paths);
        List<String> present = Arrays.asList(header);
        Column[] fileColumns = Arrays.stream(header).map(h -> col("`" + h + "`")).toArray(Column[]::new);
        List<Column> out = new ArrayList<>();
        for (String c : in.source().columnNames()) {
            out.add(present.contains(c) ? col("`" + c + "`").as(c) : lit(null).cast("string").as(c));
        }
        out.add(org.apache.spark.sql.functions.coalesce(col(CORRUPT), to_json(struct(fileColumns))).as(RAW));
        out.add(input_file_name().as(SOURCE_FILE));
        Column spansLines = lit(false);
        for (Column f : fileColumns) {
            spansLines = spansLines.or(f.contains("\n")).or(f.contains("\r"));
        }
        out.add(col(CORRUPT).isNotNull().as(MALFORMED));
        out.add(spansLines.as("_spans_lines"));
        // A quote that opens a field and is never closed swallows the lines after it into that
        // field (RFC 4180 lets quoted fields span lines), and the swallowed records would vanish
        // inside a record that looks fine. Balanced quoting has an even number of quote
        // characters per file, so in a file with an odd number, a record with a field spanning
        // lines cannot be trusted: it is unparseable, and its text, swallowed lines included,
        // goes to the quarantine.
        Dataset<Row> oddQuotes = spark.read().text(paths)
                .groupBy(input_file_name().as(SOURCE_FILE))
                .agg(sum(length(col("value")).minus(length(regexp_replace(col("value"), "\"", "")))).as("_quotes"))
                .filter(pmod(col("_quotes"), lit(2)).equalTo(1))
                .select(col(SOURCE_FILE), lit(true).as("_odd_quotes"));
        Dataset<Row> read = df.select(out.toArray(new Column[0]));
        return read.join(broadcast(oddQuotes), read.col(SOURCE_FILE).equalTo(oddQuotes.col(SOURCE_FILE)), "left")
                .select(concatColumns(in.source().columnNames().stream().map(c -> read.col(c)).toList(),
                        read.col(RAW), read.col(SOURCE_FILE),
                        read.col(MALFORMED).or(read.col("_spans_lines").and(oddQuotes.col("_odd_quotes").isNotNull())).as(MALFORMED)));
    }

    private static Column[] concatColumns(List<Column> first, Column... rest) {
        List<Column> l = new ArrayList<>(first);
        l.addAll(List.of(rest));
        return l.toArray(new Column[0]);
    }

    private Dataset<Row> json(SourceFiles.Located in) {
        List<StructField> fields = new ArrayList<>();
        for (String c : in.source().columnNames()) {
            fields.add(DataTypes.createStructField(c, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(CORRUPT, DataTypes.StringType, true));
        StructType schema = new StructType(fields.toArray(new StructField[0]));
        Dataset<Row> lines = spark.read().text(in.paths().toArray(new String[0]))
                .withColumn(SOURCE_FILE, input_file_name())
                .filter(trim(col("value")).notEqual(""));
        Column parsed = from_json(col("value"), schema, Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
        Dataset<Row> p = lines.withColumn("_p", parsed);
        List<Column> out = new ArrayList<>();
        for (String c : in.source().columnNames()) {
            out.add(col("_p." + c).as(c));
        }
        out.add(col("value").as(RAW));
        out.add(col(SOURCE_FILE));
        // A line that is not a JSON object (broken, an array, a bare value) cannot be a record.
        out.add(col("_p").isNull().or(col("_p." + CORRUPT).isNotNull())
                .or(org.apache.spark.sql.functions.not(trim(col("value")).startsWith("{"))).as(MALFORMED));
        return p.select(out.toArray(new Column[0]));
    }

    private Dataset<Row> parquet(SourceFiles.Located in) {
        Dataset<Row> df = spark.read().parquet(in.paths().toArray(new String[0]));
        List<String> present = Arrays.asList(df.columns());
        List<Column> out = new ArrayList<>();
        for (String c : in.source().columnNames()) {
            if (!present.contains(c)) {
                out.add(lit(null).cast("string").as(c));
                continue;
            }
            StructField f = df.schema().apply(c);
            boolean nested = f.dataType() instanceof StructType || f.dataType() instanceof ArrayType || f.dataType() instanceof MapType;
            out.add((nested ? to_json(col("`" + c + "`")) : col("`" + c + "`").cast("string")).as(c));
        }
        Column[] all = Arrays.stream(df.columns()).map(h -> col("`" + h + "`")).toArray(Column[]::new);
        out.add(to_json(struct(all)).as(RAW));
        out.add(input_file_name().as(SOURCE_FILE));
        out.add(lit(false).as(MALFORMED));
        return df.select(out.toArray(new Column[0]));
    }
}
