package dev.valueledger.ingest;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

/**
 * Why a record is quarantined (CONTRACT §1.3): a code that groups reasons for counting, and a
 * message a person can act on. Encoded as {@code "code: message"} in one string column.
 */
public enum Reason {
    UNPARSEABLE("unparseable"),
    MISSING_REQUIRED("missing_required"),
    WRONG_TYPE("wrong_type"),
    OUT_OF_DOMAIN("out_of_domain"),
    CONFLICTING_DUPLICATE("conflicting_duplicate");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The reason text when {@code condition} holds, else null (null reasons are dropped). */
    public Column when(Column condition, Column... message) {
        Column[] parts = new Column[message.length + 1];
        parts[0] = lit(code + ": ");
        System.arraycopy(message, 0, parts, 1, message.length);
        return org.apache.spark.sql.functions.when(condition, concat(parts));
    }

    /** Same, with a fixed message. */
    public Column when(Column condition, String message) {
        return when(condition, lit(message));
    }
}
