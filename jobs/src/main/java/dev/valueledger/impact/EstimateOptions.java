package dev.valueledger.impact;

import java.util.List;

/**
 * What {@code valueledger estimate} runs on (CONTRACT §4): a panel file, its unit, time, outcome and
 * cohort columns, the control group, the folder for attgt.csv and aggte.csv, and optional numeric
 * covariate columns for the doubly robust adjustment (CONTRACT §2 Impact; R did's xformla).
 */
public record EstimateOptions(String panel, String unit, String time, String outcome, String cohort,
                              ControlGroup control, String out, List<String> covariates) {

    public EstimateOptions {
        covariates = List.copyOf(covariates);
    }

    /** Without covariates: the unadjusted estimator, as R did's default xformla = ~1. */
    public EstimateOptions(String panel, String unit, String time, String outcome, String cohort,
                           ControlGroup control, String out) {
        this(panel, unit, time, outcome, cohort, control, out, List.of());
    }
}
