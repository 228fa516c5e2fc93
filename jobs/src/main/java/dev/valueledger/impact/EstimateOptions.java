package dev.valueledger.impact;

import dev.valueledger.UserError;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Arguments of {@code valueledger estimate --panel FILE --unit COL --time COL --outcome COL --cohort COL [--control never|not-yet] [--out DIR]} (CONTRACT §4). */
public record EstimateOptions(String panel, String unit, String time, String outcome, String cohort,
                              ControlGroup control, String out) {

    private static final Set<String> REQUIRED = Set.of("panel", "unit", "time", "outcome", "cohort");
    private static final Set<String> KNOWN = Set.of("panel", "unit", "time", "outcome", "cohort", "control", "out");

    /** Parses the arguments after the command name; defaults: never-treated controls, output in the current folder. */
    public static EstimateOptions parse(List<String> args) {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || !KNOWN.contains(a.substring(2))) {
                throw new UserError("estimate: unknown argument '" + a + "'; usage: estimate --panel FILE --unit COL"
                        + " --time COL --outcome COL --cohort COL [--control never|not-yet] [--out DIR]");
            }
            if (i + 1 >= args.size()) {
                throw new UserError("estimate: " + a + " needs a value");
            }
            v.put(a.substring(2), args.get(++i));
        }
        for (String r : REQUIRED) {
            if (!v.containsKey(r)) {
                throw new UserError("estimate: --" + r + " is required");
            }
        }
        return new EstimateOptions(v.get("panel"), v.get("unit"), v.get("time"), v.get("outcome"), v.get("cohort"),
                ControlGroup.parse(v.getOrDefault("control", "never")), v.getOrDefault("out", "."));
    }
}
