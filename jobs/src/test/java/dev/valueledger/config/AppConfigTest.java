package dev.valueledger.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppConfigTest {

    @TempDir
    Path dir;

    private File write(String text) throws Exception {
        Path f = dir.resolve("user.conf");
        Files.writeString(f, text);
        return f.toFile();
    }

    @Test
    void defaultsFollowTheContract() {
        AppConfig c = AppConfig.defaults();
        assertEquals("value_ledger", c.catalog().schema());
        assertEquals(0.05, c.quarantine().thresholdFor("invoice_lines"));
        assertEquals("active", c.statusCategories().get("in review"));
        assertEquals("waiting", c.statusCategories().get("ready for release"));
        assertEquals("done", c.statusCategories().get("won't do"));
        assertEquals(3, c.attribution().postMonths());
        assertEquals(999, c.attribution().bootstrapSamples());
        assertEquals("not-yet-treated", c.attribution().controlGroup());
        assertEquals("defect", c.flowItemTypes().rules().get(0).flowType());
        assertEquals(28, c.adoption().activeWindowDays());
    }

    @Test
    void fileLayersOnTopAndPerSourceThresholdsApply() throws Exception {
        AppConfig c = AppConfig.load(Optional.of(write(
                "valueledger { reporting-currency = USD, quarantine.thresholds.invoice_lines = 0.01 }")), Map.of());
        assertEquals("USD", c.reportingCurrency());
        assertEquals(0.01, c.quarantine().thresholdFor("invoice_lines"));
        assertEquals(0.05, c.quarantine().thresholdFor("product_events"));
        assertNotEquals(AppConfig.defaults().configHash(), c.configHash());
    }

    @Test
    void sparkSettingsPassThroughQuotedOrNested() throws Exception {
        AppConfig c = AppConfig.load(Optional.of(write(
                "valueledger.spark.extra { \"spark.sql.adaptive.enabled\" = false, spark.sql.files.maxPartitionBytes = 64m }")), Map.of());
        assertEquals("false", c.spark().extra().get("spark.sql.adaptive.enabled"));
        assertEquals("64m", c.spark().extra().get("spark.sql.files.maxPartitionBytes"));
    }

    @Test
    void shippedExamplesAreValid() {
        // Surefire runs in the jobs module; the examples live in the repository's conf/.
        AppConfig local = AppConfig.load(Optional.of(Path.of("..", "conf", "local.conf").toFile()), Map.of());
        assertEquals(0.01, local.quarantine().thresholdFor("invoice_lines"));
        AppConfig cluster = AppConfig.load(Optional.of(Path.of("..", "conf", "cluster.conf").toFile()), Map.of());
        assertEquals("s3a://acme-lake/value-ledger", cluster.lakeRoot());
        assertEquals("thrift://metastore.internal:9083", cluster.spark().extra().get("spark.hive.metastore.uris"));
    }

    @Test
    void unknownKeyIsNamed() throws Exception {
        ConfigError e = assertThrows(ConfigError.class, () -> AppConfig.load(Optional.of(write(
                "valueledger { attribution { post-month = 4 } }")), Map.of()));
        assertTrue(e.getMessage().contains("valueledger.attribution.post-month"), e.getMessage());
    }

    @Test
    void mistypedValueIsNamed() throws Exception {
        ConfigError e = assertThrows(ConfigError.class, () -> AppConfig.load(Optional.of(write(
                "valueledger { attribution { post-months = three } }")), Map.of()));
        assertTrue(e.getMessage().contains("post-months"), e.getMessage());
    }

    @Test
    void thresholdForUnknownSourceIsRejected() throws Exception {
        ConfigError e = assertThrows(ConfigError.class, () -> AppConfig.load(Optional.of(write(
                "valueledger.quarantine.thresholds.invoices = 0.1")), Map.of()));
        assertTrue(e.getMessage().contains("invoices"), e.getMessage());
    }

    @Test
    void missingFileSaysSo() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> AppConfig.load(Optional.of(dir.resolve("nope.conf").toFile()), Map.of()));
        assertTrue(e.getMessage().contains("nope.conf"), e.getMessage());
    }

    @Test
    void commandLineOverridesWin() {
        AppConfig c = AppConfig.load(Optional.empty(), Map.of("valueledger.lake.root", "/tmp/lake-x"));
        assertEquals("/tmp/lake-x", c.lakeRoot());
    }
}
