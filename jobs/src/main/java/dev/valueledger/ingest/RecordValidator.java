package dev.valueledger.ingest;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

/**
 * Types a source's raw records into its silver schema and says, per record, every reason it
 * cannot be used (CONTRACT §1.3): unparseable, a required column missing, a value of the wrong
 * type, or a value outside its domain. Adds {@code _reasons} (array of "code: message"); keeps
 * {@code _raw} and {@code _source_file} for the quarantine.
 */
public final class RecordValidator {

    public static final String REASONS = "_reasons";
    private static final char REPLACEMENT = '\uFFFD';

    /**
     * What the domain rules need to know beyond the record itself: the reporting currency, the
     * first month ('YYYY-MM') for which each other currency has a rate, and when the run started.
     */
    public record Context(String reportingCurrency, Map<String, String> firstRateMonth, Instant runStartedAt) { }

    private static final String DECIMAL_PATTERN = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$";
    private static final String DOUBLE_PATTERN = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$";
    private static final String INT_PATTERN = "^[+-]?[0-9]+$";
    private static final String DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
    private static final String MONTH_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])$";
    private static final String QUARTER_PATTERN = "^[0-9]{4}-Q[1-4]$";
    private static final String CURRENCY_PATTERN = "^[A-Z]{3}$";

    private final Source source;
    private final Context ctx;

    public RecordValidator(Source source, Context ctx) {
        this.source = source;
        this.ctx = ctx;
    }

    public Dataset<Row> validate(Dataset<Row> raw) {
        Column malformed = col(RawReader.MALFORMED);
        List<Column> typed = new ArrayList<>();
        List<Column> reasons = new ArrayList<>();
        reasons.add(Reason.UNPARSEABLE.when(malformed, lit("the record could not be parsed as "
                + "a " + source.sourceName() + " record (wrong number of CSV fields, broken quoting or broken JSON); "
                + "fix or remove the line")));
        // Bytes that are not UTF-8 (a Latin-1 or Windows-1252 export) decode to U+FFFD: keeping them
        // would put garbled names in silver and could make two different keys equal.
        reasons.add(Reason.UNPARSEABLE.when(not(malformed).and(col(RawReader.RAW).contains(String.valueOf(REPLACEMENT))),
                "the record holds bytes that are not UTF-8 (decoded as U+FFFD), as a Latin-1 or Windows-1252 export does;"
                        + " save or export the file again as UTF-8"));
        for (var field : source.silverSchema().fields()) {
            String c = field.name();
            Column text = when(trim(col(c)).equalTo(""), lit(null).cast("string")).otherwise(trim(col(c)));
            Column value = parse(text, field.dataType());
            typed.add(when(malformed, lit(null).cast(field.dataType())).otherwise(value).as(c));
            Column ok = not(malformed);
            if (source.requiredColumns().contains(c)) {
                reasons.add(Reason.MISSING_REQUIRED.when(ok.and(text.isNull()),
                        "required column '" + c + "' is empty or missing; supply it"));
            }
            reasons.add(Reason.WRONG_TYPE.when(ok.and(text.isNotNull()).and(value.isNull()),
                    lit("column '" + c + "' value '"), text, lit("' is not " + describe(field.dataType()))));
        }
        Dataset<Row> withTyped = raw.select(concatColumns(typed,
                col(RawReader.RAW), col(RawReader.SOURCE_FILE), malformed,
                array(reasons.toArray(new Column[0])).as("_type_reasons")));
        List<Column> domain = domainRules();
        Column all = domain.isEmpty() ? col("_type_reasons")
                : org.apache.spark.sql.functions.concat(col("_type_reasons"),
                        array(domain.stream().map(r -> when(not(col(RawReader.MALFORMED)), r)).toArray(Column[]::new)));
        return withTyped.withColumn(REASONS, array_compact(all)).drop("_type_reasons");
    }

    private static Column[] concatColumns(List<Column> first, Column... rest) {
        List<Column> l = new ArrayList<>(first);
        l.addAll(List.of(rest));
        return l.toArray(new Column[0]);
    }

    /** Text to the column's silver type; null when the text does not parse. */
    static Column parse(Column text, DataType type) {
        if (type.equals(DataTypes.StringType)) {
            return text;
        }
        if (type.equals(DataTypes.TimestampType)) {
            return to_timestamp(text);
        }
        if (type.equals(DataTypes.DateType)) {
            return when(text.rlike(DATE_PATTERN), to_date(text));
        }
        if (type instanceof DecimalType) {
            return when(text.rlike(DECIMAL_PATTERN), text.cast(type));
        }
        if (type.equals(DataTypes.DoubleType)) {
            return when(text.rlike(DOUBLE_PATTERN), text.cast(type));
        }
        if (type.equals(DataTypes.IntegerType)) {
            return when(text.rlike(INT_PATTERN), text.cast(type));
        }
        if (type.equals(DataTypes.BooleanType)) {
            return when(lower(text).isin("true", "false"), lower(text).equalTo("true"));
        }
        if (type instanceof ArrayType at && at.elementType().equals(DataTypes.StringType)) {
            // JSON arrays as they are; CSV carries arrays as ';'-separated text (CONTRACT §1).
            Column fromJson = from_json(text, type, Map.<String, String>of());
            Column fromList = filter(transform(split(text, ";"), x -> trim(x)), x -> x.notEqual(""));
            return when(text.startsWith("["), when(get_json_object(text, "$").isNotNull(), fromJson))
                    .otherwise(fromList);
        }
        if (type instanceof StructType || type instanceof ArrayType) {
            return when(get_json_object(text, "$").isNotNull(), from_json(text, type, Map.<String, String>of()));
        }
        throw new IllegalArgumentException("no parser for " + type);
    }

    private static String describe(DataType t) {
        if (t.equals(DataTypes.TimestampType)) {
            return "an ISO-8601 timestamp (e.g. 2025-03-04T10:15:00Z)";
        }
        if (t.equals(DataTypes.DateType)) {
            return "a date YYYY-MM-DD";
        }
        if (t instanceof DecimalType d) {
            return "a decimal number (e.g. 1234.50, at most " + (d.precision() - d.scale()) + " digits before the point)";
        }
        if (t.equals(DataTypes.DoubleType) || t.equals(DataTypes.IntegerType)) {
            return "a number";
        }
        if (t.equals(DataTypes.BooleanType)) {
            return "true or false";
        }
        if (t instanceof ArrayType) {
            return "a list (JSON array, or ';'-separated in CSV)";
        }
        return "a JSON object of the expected shape";
    }

    /** The out-of-domain rules of CONTRACT §1.3 for this source, as nullable reason columns. */
    private List<Column> domainRules() {
        List<Column> r = new ArrayList<>();
        Column runAt = lit(Timestamp.from(ctx.runStartedAt()));
        switch (source) {
            case INVOICE_LINES -> {
                r.add(oneOf("kind", "subscription", "one_time", "credit"));
                r.add(oneOf("status", "paid", "open", "void", "uncollectible"));
                r.add(Reason.OUT_OF_DOMAIN.when(col("kind").equalTo("subscription").and(col("amount").lt(0)),
                        lit("a subscription line cannot have a negative amount ("), col("amount").cast("string"),
                        lit("); book reductions as a credit line")));
                r.add(Reason.OUT_OF_DOMAIN.when(col("kind").equalTo("credit").and(col("amount").gt(0)),
                        lit("a credit line must carry a negative amount (got "), col("amount").cast("string"), lit(")")));
                r.add(Reason.OUT_OF_DOMAIN.when(col("kind").equalTo("one_time").and(col("amount").lt(0)),
                        lit("a one_time line cannot have a negative amount; book refunds as a credit line")));
                r.add(Reason.OUT_OF_DOMAIN.when(col("period_end").leq(col("period_start")),
                        "period_end must be after period_start (the period is [start, end))"));
                r.add(knownCurrency(date_format(col("period_start"), "yyyy-MM")));
            }
            case TEAM_COSTS -> {
                r.add(monthFormat("month"));
                r.add(Reason.OUT_OF_DOMAIN.when(col("loaded_cost").lt(0), "loaded_cost cannot be negative"));
                r.add(Reason.OUT_OF_DOMAIN.when(col("fte").lt(0), "fte cannot be negative"));
                r.add(knownCurrency(col("month")));
            }
            case FX_RATES -> {
                r.add(monthFormat("month"));
                r.add(Reason.OUT_OF_DOMAIN.when(not(col("currency").rlike(CURRENCY_PATTERN)),
                        lit("currency '"), col("currency"), lit("' is not an ISO 4217 code")));
                r.add(Reason.OUT_OF_DOMAIN.when(col("rate_to_reporting").leq(0), "rate_to_reporting must be positive"));
            }
            case WORK_ITEMS -> r.add(notBefore("resolved_at", "created_at"));
            case INCIDENTS -> r.add(notBefore("resolved_at", "started_at"));
            case DEPLOYMENTS -> {
                r.add(oneOf("status", "success", "failure"));
                r.add(notBefore("finished_at", "started_at"));
            }
            case PRODUCT_EVENTS -> r.add(Reason.OUT_OF_DOMAIN.when(col("timestamp").gt(runAt),
                    lit("event timestamp "), col("timestamp").cast("string"),
                    lit(" is after the run started (" + ctx.runStartedAt() + "); check the source clock or time zone")));
            case FEATURE_EXPOSURES -> r.add(oneOf("variant", "on", "off"));
            case EPICS -> {
                r.add(oneOf("investment_category", "feature", "defect", "risk", "debt", "innovation"));
                Column metric = col("outcome.metric");
                r.add(Reason.OUT_OF_DOMAIN.when(col("outcome").isNotNull().and(metric.isNull()
                                .or(not(metric.isin("mrr", "churn_rate", "adoption_rate", "active_accounts")
                                        .or(metric.startsWith("event:"))))),
                        lit("outcome.metric '"), org.apache.spark.sql.functions.coalesce(metric, lit("")),
                        lit("' is not one of mrr, churn_rate, adoption_rate, active_accounts, event:<name>")));
                r.add(Reason.OUT_OF_DOMAIN.when(col("outcome").isNotNull()
                                .and(org.apache.spark.sql.functions.coalesce(col("outcome.direction"), lit("")).isin("increase", "decrease").equalTo(false)),
                        "outcome.direction must be increase or decrease"));
            }
            case OKRS -> r.add(Reason.OUT_OF_DOMAIN.when(not(col("quarter").rlike(QUARTER_PATTERN)),
                    lit("quarter '"), col("quarter"), lit("' is not of the form YYYY-Qn")));
            default -> { }
        }
        return r;
    }

    private static Column oneOf(String column, String... allowed) {
        return Reason.OUT_OF_DOMAIN.when(col(column).isNotNull().and(not(col(column).isin((Object[]) allowed))),
                lit(column + " '"), col(column), lit("' is not one of " + String.join(", ", allowed)));
    }

    private static Column monthFormat(String column) {
        return Reason.OUT_OF_DOMAIN.when(col(column).isNotNull().and(not(col(column).rlike(MONTH_PATTERN))),
                lit(column + " '"), col(column), lit("' is not a month YYYY-MM"));
    }

    private static Column notBefore(String later, String earlier) {
        return Reason.OUT_OF_DOMAIN.when(col(later).lt(col(earlier)),
                lit(later + " (" ), col(later).cast("string"), lit(") is before " + earlier + " ("),
                col(earlier).cast("string"), lit(")"));
    }

    /**
     * A currency other than the reporting one needs a rate at or before the record's month
     * (conversion uses that month's rate, else the latest earlier one: CONTRACT §2 MRR).
     */
    private Column knownCurrency(Column month) {
        Column cur = col("currency");
        Column known = cur.equalTo(ctx.reportingCurrency());
        for (Map.Entry<String, String> e : ctx.firstRateMonth().entrySet()) {
            known = known.or(cur.equalTo(e.getKey()).and(month.geq(e.getValue())));
        }
        return Reason.OUT_OF_DOMAIN.when(cur.isNotNull().and(month.isNotNull()).and(not(known)),
                lit("currency '"), cur, lit("' has no rate to the reporting currency " + ctx.reportingCurrency()
                        + " for "), month, lit(" or any earlier month; add its monthly rates to fx_rates"));
    }
}
