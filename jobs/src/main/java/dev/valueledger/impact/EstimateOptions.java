package dev.valueledger.impact;

/**
 * What {@code valueledger estimate} runs on (CONTRACT §4): a panel file, its unit, time, outcome and
 * cohort columns, the control group, and the folder for attgt.csv and aggte.csv.
 */
public record EstimateOptions(String panel, String unit, String time, String outcome, String cohort,
                              ControlGroup control, String out) { }
