package dev.valueledger.impact;

import dev.valueledger.UserError;
import org.apache.spark.sql.Column;

import java.util.Locale;

import static org.apache.spark.sql.functions.lit;

/** Which accounts serve as controls of a group-time cell, as R did's control_group (CONTRACT §2 Impact). */
public enum ControlGroup {
    /** R's "nevertreated": only units never treated within the panel. */
    NEVER_TREATED("never_treated"),
    /** R's "notyettreated": never treated, or first treated after the cell's period t. */
    NOT_YET_TREATED("not_yet_treated");

    private final String label;

    ControlGroup(String label) {
        this.label = label;
    }

    /** The value written to epic_impact.control_group. */
    public String label() {
        return label;
    }

    /** Accepts the CLI spelling (never, not-yet) and the configuration one (never-treated, not-yet-treated). */
    public static ControlGroup parse(String s) {
        switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "never": case "never-treated": case "never_treated": case "nevertreated":
                return NEVER_TREATED;
            case "not-yet": case "not-yet-treated": case "not_yet_treated": case "notyettreated":
                return NOT_YET_TREATED;
            default:
                throw new UserError("control group '" + s + "' is not one of never, not-yet");
        }
    }

    /**
     * Whether a unit of cohort {@code unitCohort} (0 = never treated) is a control of cell (g, t).
     * With a varying base period the base is always before t, so R's "treated after max(t, base)"
     * is "treated after t"; the cell's own cohort is never its own control (no anticipation).
     */
    public Column isControl(Column unitCohort, Column g, Column t) {
        Column never = unitCohort.equalTo(lit(0));
        if (this == NEVER_TREATED) {
            return never;
        }
        return never.or(unitCohort.gt(t).and(unitCohort.notEqual(g)));
    }
}
