package dev.valueledger.generate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** How one record becomes one line of a CSV (RFC 4180) or JSON Lines file of CONTRACT §1. */
interface LineFormat {

    ObjectMapper JSON = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The header line, or null for formats without one. */
    String header();

    String encode(Map<String, Object> row);

    /** The record as a line no reader can parse (CONTRACT §1.3 "cannot be parsed"). */
    String unparseable(Map<String, Object> row);

    static LineFormat csv(List<String> columns) {
        return new Csv(columns);
    }

    static LineFormat jsonl() {
        return new Jsonl();
    }

    /** CSV: header row, comma separator, quotes only where a field needs them, arrays `;`-separated. */
    final class Csv implements LineFormat {
        private final List<String> columns;

        Csv(List<String> columns) {
            this.columns = List.copyOf(columns);
        }

        @Override
        public String header() {
            return String.join(",", columns);
        }

        @Override
        public String encode(Map<String, Object> row) {
            return String.join(",", fields(row));
        }

        /** One field short: a row with the wrong column count. */
        @Override
        public String unparseable(Map<String, Object> row) {
            List<String> f = fields(row);
            return String.join(",", f.subList(0, f.size() - 1));
        }

        private List<String> fields(Map<String, Object> row) {
            List<String> out = new ArrayList<>(columns.size());
            for (String c : columns) {
                out.add(quote(text(row.get(c))));
            }
            return out;
        }

        private static String text(Object v) {
            if (v == null) {
                return "";
            }
            if (v instanceof BigDecimal d) {
                return d.toPlainString();
            }
            if (v instanceof Collection<?> list) {
                List<String> parts = new ArrayList<>();
                for (Object o : list) {
                    parts.add(String.valueOf(o));
                }
                return String.join(";", parts);
            }
            return v.toString();
        }

        static String quote(String s) {
            boolean needs = false;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') {
                    needs = true;
                    break;
                }
            }
            return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
        }
    }

    /** JSON Lines: one object per line, nested objects and arrays as JSON, null as absent key or null. */
    final class Jsonl implements LineFormat {
        @Override
        public String header() {
            return null;
        }

        @Override
        public String encode(Map<String, Object> row) {
            try {
                return JSON.writeValueAsString(row);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Cut in the middle: the object never closes. */
        @Override
        public String unparseable(Map<String, Object> row) {
            String line = encode(row);
            return line.substring(0, line.length() / 2);
        }
    }
}
