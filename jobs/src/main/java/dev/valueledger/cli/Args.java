package dev.valueledger.cli;

import dev.valueledger.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Parsed command-line options of one subcommand: {@code --name value} options, flags, positionals. */
final class Args {

    private final String command;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();

    private Args(String command) {
        this.command = command;
    }

    /** Rejects any option the subcommand does not know, naming it and where to look. */
    static Args parse(String command, String[] argv, int from, Set<String> valued, Set<String> flags) {
        Args a = new Args(command);
        for (int i = from; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name) && value == null) {
                    a.options.put(name, "true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
                            throw new UserError("option --" + name + " of '" + command + "' needs a value; see valueledger " + command + " --help");
                        }
                        value = argv[++i];
                    }
                    a.options.put(name, value);
                } else {
                    throw new UserError("unknown option --" + name + " for '" + command + "'; see valueledger " + command + " --help");
                }
            } else {
                a.positionals.add(s);
            }
        }
        return a;
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(options.get(name));
    }

    String require(String name, String what) {
        return get(name).orElseThrow(() -> new UserError("'" + command + "' needs --" + name + " " + what + "; see valueledger " + command + " --help"));
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    double number(String name, double dflt, double min, double max) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(v.get());
            if (d < min || d > max || Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UserError("--" + name + " '" + v.get() + "' must be a number between " + min + " and " + max);
        }
    }

    long integer(String name, long dflt) {
        Optional<String> v = get(name);
        try {
            return v.map(Long::parseLong).orElse(dflt);
        } catch (NumberFormatException e) {
            throw new UserError("--" + name + " '" + v.get() + "' must be a whole number");
        }
    }

    List<String> positionals() {
        return positionals;
    }
}
