package dev.valueledger.publish;

import dev.valueledger.UserError;

/** Quoting for the few SQL statements built from names and paths; nothing is concatenated raw. */
public final class Sql {
    private Sql() { }

    /** A back-quoted identifier; rejects names that are not plain identifiers. */
    public static String identifier(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new UserError("'" + name + "' is not a valid table or schema name (letters, digits, underscore)");
        }
        return "`" + name + "`";
    }

    /** schema.table, each part quoted. */
    public static String qualified(String schema, String table) {
        return identifier(schema) + "." + identifier(table);
    }

    /** A back-quoted path for {@code delta.`path`}; back quotes inside are doubled, as Spark's parser expects. */
    public static String path(String path) {
        return "`" + path.replace("`", "``") + "`";
    }

    /** A single-quoted string literal with quotes and backslashes escaped. */
    public static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
