package dev.valueledger.delivery;

import dev.valueledger.publish.TableSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** dim_team: the teams and the product each belongs to (CONTRACT §1 teams, §3). */
public final class TeamDimension {

    public static final TableSpec SPEC = TableSpec.gold("dim_team", "Teams and their products (CONTRACT §1 teams)")
            .column("team_id", "Team (teams.team_id)")
            .column("name", "Team name")
            .column("product_id", "Product the team works on")
            .column("product_name", "Name of that product")
            .column("run_id", "Run that wrote the row (pipeline_runs.run_id)")
            .key("team_id")
            .build();

    private TeamDimension() { }

    public static Dataset<Row> of(Dataset<Row> teams) {
        return teams.select("team_id", "name", "product_id", "product_name");
    }
}
