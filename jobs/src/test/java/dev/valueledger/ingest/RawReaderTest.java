package dev.valueledger.ingest;

import dev.valueledger.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawReaderTest extends SparkTestBase {

    @TempDir
    Path dir;

    private SourceFiles.Located located(Source s, SourceFiles.Format f, Path p) {
        return new SourceFiles.Located(s, f, List.of(p.toString()), 0, "");
    }

    @Test
    void csvKeepsRawTextAndFlagsRowsWithTheWrongNumberOfFields() throws Exception {
        Path p = dir.resolve("teams.csv");
        Files.writeString(p, "team_id,name,product_id,product_name,extra\n"
                + "t1,\"Payments, core\",p1,Pay,x\n"
                + "t2,Growth,p2\n"
                + "t3,\"Say \"\"hi\"\"\",p3,Hi,y,z\n");
        List<Row> rows = new RawReader(spark()).read(located(Source.TEAMS, SourceFiles.Format.CSV, p))
                .orderBy("_raw").collectAsList();
        assertEquals(3, rows.size());
        // t2 has too few fields, t3 too many: both unparseable, their line kept verbatim.
        Row t2 = rows.get(0);
        assertEquals("t2,Growth,p2", t2.getAs("_raw"));
        assertTrue((Boolean) t2.getAs("_malformed"));
        assertEquals("t3,\"Say \"\"hi\"\"\",p3,Hi,y,z", rows.get(1).getAs("_raw"));
        Row t1 = rows.get(2);
        assertFalse((Boolean) t1.getAs("_malformed"));
        assertEquals("Payments, core", t1.getAs("name"));
        // The unknown column survives in the raw text.
        assertTrue(((String) t1.getAs("_raw")).contains("\"extra\":\"x\""));
    }

    @Test
    void jsonLinesParseAndBrokenLinesAreMalformed() throws Exception {
        Path p = dir.resolve("epics.jsonl");
        Files.writeString(p, "{\"epic_key\":\"E-1\",\"feature_keys\":[\"a\",\"b\"],\"outcome\":{\"metric\":\"mrr\",\"target\":10.5},\"capitalizable\":true}\n"
                + "{\"epic_key\":\"E-2\", broken\n"
                + "\n"
                + "[1,2]\n");
        List<Row> rows = new RawReader(spark()).read(located(Source.EPICS, SourceFiles.Format.JSON, p))
                .orderBy("_raw").collectAsList();
        assertEquals(3, rows.size(), "the blank line is not a record");
        assertTrue((Boolean) rows.get(0).getAs("_malformed"), "a JSON array is not a record");
        Row e1 = rows.get(1);
        assertFalse((Boolean) e1.getAs("_malformed"));
        assertEquals("[\"a\",\"b\"]", e1.getAs("feature_keys"));
        assertEquals("{\"metric\":\"mrr\",\"target\":10.5}", e1.getAs("outcome"));
        assertEquals("true", e1.getAs("capitalizable"));
        assertTrue((Boolean) rows.get(2).getAs("_malformed"));
        assertEquals("{\"epic_key\":\"E-2\", broken", rows.get(2).getAs("_raw"));
    }
}
