package dev.valueledger.delivery;

import dev.valueledger.config.AppConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;

/** The successful production deployments, environment matched without regard to case (CONTRACT §2 DORA). */
public final class ProductionDeployments {

    private ProductionDeployments() { }

    public static Column isSuccessfulProduction(AppConfig cfg) {
        String production = cfg.dora().productionEnvironment().trim().toLowerCase(Locale.ROOT);
        return lower(trim(col("environment"))).equalTo(production)
                .and(lower(trim(col("status"))).equalTo("success"));
    }

    public static Dataset<Row> successful(Dataset<Row> deployments, AppConfig cfg) {
        return deployments.filter(isSuccessfulProduction(cfg));
    }
}
