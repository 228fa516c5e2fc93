package dev.valueledger.delivery;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract_all;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

/** Pull request to work item keys: its item_keys (when it names any), else every issue key in its title and branch, with the link method (CONTRACT §1 pull_requests). */
public final class PullRequestLinks {

    /** An issue key as CONTRACT §1 defines it. */
    public static final String ITEM_KEY_PATTERN = "[A-Z][A-Z0-9]+-\\d+";
    public static final String EXPLICIT = "explicit";
    public static final String TITLE_BRANCH_PATTERN = "title_branch_pattern";
    public static final String NONE = "none";

    private PullRequestLinks() { }

    /** The pull requests with item_keys replaced by the linked keys and a link_method column. */
    public static Dataset<Row> of(Dataset<Row> pullRequests) {
        // A space keeps a key at the end of the title from running into the branch name.
        Column found = array_distinct(regexp_extract_all(
                concat_ws(" ", col("title"), col("branch")), lit(ITEM_KEY_PATTERN), lit(0)));
        // An empty item_keys names no item, so it falls back to the pattern as a missing one does.
        Column explicit = col("item_keys").isNotNull().and(size(col("item_keys")).gt(0));
        return pullRequests
                .withColumn("link_method", when(explicit, EXPLICIT)
                        .when(size(found).gt(0), TITLE_BRANCH_PATTERN).otherwise(NONE))
                .withColumn("item_keys", when(explicit, col("item_keys")).otherwise(found));
    }
}
