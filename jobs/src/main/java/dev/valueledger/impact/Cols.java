package dev.valueledger.impact;

import org.apache.spark.sql.Column;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/** Column lists built from key names, shared by the impact transforms (no figures of its own). */
final class Cols {

    private Cols() { }

    static Column[] of(List<String> names, String... more) {
        List<Column> out = new ArrayList<>();
        names.forEach(n -> out.add(col(n)));
        for (String m : more) {
            out.add(col(m));
        }
        return out.toArray(new Column[0]);
    }

    static Column[] plus(Column[] base, Column... extra) {
        Column[] out = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, out, base.length, extra.length);
        return out;
    }

    static scala.collection.Seq<String> seq(List<String> names) {
        return scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(names)).toSeq();
    }
}
