package dev.valueledger.ingest;

import dev.valueledger.SparkTestBase;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PseudonymizerTest extends SparkTestBase {

    private static String hmac(String key, String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void equalsJavaHmacSha256ForShortAndLongKeys() throws Exception {
        String longKey = "k".repeat(100);
        for (String key : new String[] {"a-sixteen-char-key", longKey}) {
            var rows = df("v STRING", row("user-1@acme.example"), row("ünïcødé"), row((Object) null))
                    .select(Pseudonymizer.withKey(key).hash(col("v")).as("h")).collectAsList();
            assertEquals(hmac(key, "user-1@acme.example"), rows.get(0).getString(0));
            assertEquals(hmac(key, "ünïcødé"), rows.get(1).getString(0));
            assertNull(rows.get(2).get(0));
        }
    }
}
