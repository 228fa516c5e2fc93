package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weights computed in Java are those of Spark SQL's pmod(xxhash64(seed, unit, draw), 2) = 0, draw by draw. */
class RademacherWeightsTest extends SparkTestBase {

    private static final int DRAWS = 257;

    @Test
    void sameSignsAsSparkSqlsXxhash64ForEveryUnitSeedAndDraw() {
        List<Object[]> rows = new ArrayList<>();
        // Ids of every length around xxhash64's 4-, 8- and 32-byte steps, multi-byte UTF-8, and the empty id.
        List<String> units = new ArrayList<>(List.of("", "a", "acct-1", "ACC-000123456789", "kunde-Müller-ø", "顧客-42",
                "x".repeat(31), "x".repeat(32), "x".repeat(33), "acct-" + "9".repeat(60)));
        for (int i = 0; i < 40; i++) {
            units.add("acct-" + i);
        }
        for (long seed : new long[] {0L, 7L, 20240101L, -1L, Long.MAX_VALUE}) {
            for (String u : units) {
                rows.add(row(seed, u));
            }
        }
        List<Row> sql = df("seed BIGINT, unit STRING", rows.toArray(new Object[0][]))
                .select(col("seed"), col("unit"), transform(sequence(lit(1), lit(DRAWS)),
                        b -> pmod(xxhash64(col("seed"), col("unit"), b), lit(2L)).equalTo(0)).as("plus"))
                .collectAsList();
        assertEquals(rows.size(), sql.size());
        int plus = 0;
        for (Row r : sql) {
            List<Boolean> expected = r.getList(2);
            boolean[] want = new boolean[expected.size()];
            for (int b = 0; b < want.length; b++) {
                want[b] = expected.get(b);
                plus += want[b] ? 1 : 0;
            }
            assertArrayEquals(want, RademacherWeights.plus(r.getLong(0), r.getString(1), DRAWS),
                    "seed " + r.getLong(0) + ", unit '" + r.getString(1) + "'");
        }
        // Rademacher weights: about half of them +1 (a constant answer would fail the comparison above anyway).
        double share = plus / (double) (sql.size() * DRAWS);
        assertTrue(share > 0.45 && share < 0.55, "share of +1 weights " + share);
    }

    @Test
    void aNullUnitHashesAsSparkSkipsANullColumn() {
        Row r = df("seed BIGINT, unit STRING", new Object[][] {row(5L, null)})
                .select(transform(sequence(lit(1), lit(DRAWS)),
                        b -> pmod(xxhash64(col("seed"), col("unit"), b), lit(2L)).equalTo(0)).as("plus"))
                .first();
        List<Boolean> expected = r.getList(0);
        boolean[] want = new boolean[expected.size()];
        for (int b = 0; b < want.length; b++) {
            want[b] = expected.get(b);
        }
        assertArrayEquals(want, RademacherWeights.plus(5L, null, DRAWS));
    }
}
