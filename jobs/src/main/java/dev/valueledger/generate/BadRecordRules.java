package dev.valueledger.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * How a source's records go bad in each kind of CONTRACT §1.3 that applies to it. Every bad record
 * but an exact duplicate carries a key no good record has, so quarantining it leaves the good data,
 * and with it the planted truth, exactly as it was.
 *
 * @param freshKey       a copy of the record under a key that no good record uses (n makes it unique)
 * @param requiredColumn a required non-key column to leave empty, or null
 * @param typedColumn    a typed column to fill with {@code wrongValue}, or null
 * @param outOfDomain    ways to put a value outside its domain, used in turn; empty if none applies
 * @param conflict       a valid but different version of a record, for conflicting duplicates
 */
record BadRecordRules(BiFunction<Map<String, Object>, Integer, Map<String, Object>> freshKey,
                      String requiredColumn, String typedColumn, Object wrongValue,
                      List<UnaryOperator<Map<String, Object>>> outOfDomain,
                      UnaryOperator<Map<String, Object>> conflict) {

    List<BadKind> kinds() {
        List<BadKind> k = new ArrayList<>();
        k.add(BadKind.UNPARSEABLE);
        if (requiredColumn != null) {
            k.add(BadKind.MISSING_REQUIRED);
        }
        if (typedColumn != null) {
            k.add(BadKind.WRONG_TYPE);
        }
        if (!outOfDomain.isEmpty()) {
            k.add(BadKind.OUT_OF_DOMAIN);
        }
        k.add(BadKind.CONFLICTING_DUPLICATE);
        k.add(BadKind.EXACT_DUPLICATE);
        return k;
    }

    /** Fresh key made by suffixing a string key column. */
    static BiFunction<Map<String, Object>, Integer, Map<String, Object>> suffix(String column) {
        return (row, n) -> with(row, column, row.get(column) + "-bad" + n);
    }

    /** Fresh key made by replacing one key column with a value built from n. */
    static BiFunction<Map<String, Object>, Integer, Map<String, Object>> replace(
            String column, java.util.function.IntFunction<Object> value) {
        return (row, n) -> with(row, column, value.apply(n));
    }

    static UnaryOperator<Map<String, Object>> set(String column, Object value) {
        return row -> with(row, column, value);
    }

    static Map<String, Object> with(Map<String, Object> row, String column, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(row);
        copy.put(column, value);
        return copy;
    }
}
