package dev.valueledger.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The typed configuration of a run: reads HOCON once (defaults from {@code conf/application.conf},
 * environment overrides, a {@code --config} file, command-line overrides) and rejects unknown or
 * mistyped keys by name. Nothing else in the code base reads raw configuration keys.
 */
public final class AppConfig {

    /** Classpath location of the packaged copy of {@code conf/application.conf}. */
    public static final String DEFAULTS_RESOURCE = "dev/valueledger/application.conf";
    private static final String ROOT = "valueledger";
    /** Maps whose keys are the user's to choose; everything else must exist in the defaults. */
    private static final Set<String> OPEN_MAPS = Set.of(
            ROOT + ".spark.extra", ROOT + ".quarantine.thresholds");

    public record Catalog(String implementation, String schema, String bronzeSchema,
                          String silverSchema, String metastoreDir) {
        public boolean persistent() {
            return "hive".equals(implementation);
        }
    }

    public record SparkSettings(String master, String appName, int shufflePartitions,
                                Map<String, String> extra) { }

    public record Privacy(String hashKeyEnv, boolean allowInsecureDevKey) { }

    /** A flow item type rule: matches when the item's type or one of its labels is listed. */
    public record FlowTypeRule(List<String> types, List<String> labels, String flowType) { }

    public record FlowItemTypes(List<FlowTypeRule> rules, String defaultType) { }

    public record Quarantine(double defaultThreshold, Map<String, Double> thresholds) {
        public double thresholdFor(String source) {
            return thresholds.getOrDefault(source, defaultThreshold);
        }
    }

    public record Dora(String productionEnvironment) { }

    public record Adoption(int activeWindowDays, List<Integer> withinDays) { }

    public record Attribution(String estimator, String controlGroup, int postMonths, int preMonths,
                              int cleanControlMonths, int bootstrapSamples, long bootstrapSeed,
                              int minAccounts, List<String> covariates, double confidenceLevel) {
        public boolean neverTreatedControls() {
            return "never-treated".equals(controlGroup);
        }
    }

    public record Capitalisation(Set<String> categories) { }

    public record Outcomes(int defaultWindowDays, int minAccounts) { }

    private static final Set<String> FLOW_TYPES = Set.of("feature", "defect", "risk", "debt");
    private static final Set<String> STATUS_CATEGORIES = Set.of("todo", "active", "waiting", "done");

    private final Config config;
    private final String reportingCurrency;
    private final int fiscalYearStartMonth;
    private final String lakeRoot;
    private final int parallelWrites;
    private final Catalog catalog;
    private final SparkSettings spark;
    private final Privacy privacy;
    private final Map<String, String> statusCategories;
    private final FlowItemTypes flowItemTypes;
    private final Quarantine quarantine;
    private final Dora dora;
    private final Adoption adoption;
    private final Attribution attribution;
    private final Capitalisation capitalisation;
    private final Outcomes outcomes;

    private AppConfig(Config config) {
        this.config = config;
        try {
            Config c = config.getConfig(ROOT);
            reportingCurrency = currency(c, "reporting-currency");
            fiscalYearStartMonth = intIn(c, "fiscal-year-start-month", 1, 12);
            lakeRoot = nonBlank(c, "lake.root");
            parallelWrites = intIn(c, "lake.parallel-writes", 1, 64);
            catalog = new Catalog(oneOf(c, "catalog.implementation", Set.of("hive", "in-memory")),
                    identifier(c, "catalog.schema"), identifier(c, "catalog.bronze-schema"),
                    identifier(c, "catalog.silver-schema"), c.getString("catalog.metastore-dir"));
            spark = new SparkSettings(nonBlank(c, "spark.master"), nonBlank(c, "spark.app-name"),
                    intIn(c, "spark.shuffle-partitions", 1, 100_000), stringMap(c.getConfig("spark.extra")));
            privacy = new Privacy(nonBlank(c, "privacy.hash-key-env"), c.getBoolean("privacy.allow-insecure-dev-key"));
            statusCategories = statusCategories(c.getConfig("status-categories"));
            flowItemTypes = flowItemTypes(c);
            quarantine = quarantine(c);
            dora = new Dora(nonBlank(c, "dora.production-environment"));
            adoption = new Adoption(intIn(c, "adoption.active-window-days", 1, 3660),
                    List.copyOf(c.getIntList("adoption.within-days")));
            attribution = new Attribution(
                    oneOf(c, "attribution.estimator", Set.of("callaway-santanna")),
                    oneOf(c, "attribution.control-group", Set.of("not-yet-treated", "never-treated")),
                    intIn(c, "attribution.post-months", 1, 120),
                    intIn(c, "attribution.pre-months", 0, 120),
                    intIn(c, "attribution.clean-control-months", 0, 120),
                    intIn(c, "attribution.bootstrap-samples", 0, 100_000),
                    c.getLong("attribution.bootstrap-seed"),
                    intIn(c, "attribution.min-accounts", 1, Integer.MAX_VALUE),
                    covariates(c),
                    doubleIn(c, "attribution.confidence-level", 0.5, 0.9999));
            capitalisation = new Capitalisation(categories(c, "capitalisation.categories"));
            outcomes = new Outcomes(intIn(c, "outcomes.default-window-days", 1, 3660),
                    intIn(c, "outcomes.min-accounts", 1, Integer.MAX_VALUE));
        } catch (ConfigException.WrongType | ConfigException.BadValue | ConfigException.Missing e) {
            throw new ConfigError(describe(e));
        }
    }

    /** Defaults only (plus the environment): what a run gets without --config. */
    public static AppConfig defaults() {
        return load(Optional.empty(), Map.of());
    }

    /**
     * Layers, highest first: {@code overrides} (command-line flags such as --lake), the optional
     * file, environment variables referenced by the defaults, the packaged defaults.
     */
    public static AppConfig load(Optional<File> file, Map<String, String> overrides) {
        Config defaults = ConfigFactory.parseResources(AppConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config layered = defaults;
        if (file.isPresent()) {
            File f = file.get();
            if (!f.isFile() || !f.canRead()) {
                throw new ConfigError("config file " + f + " does not exist or cannot be read; pass a readable HOCON file to --config");
            }
            Config user;
            try {
                user = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new ConfigError("config file " + f + " is not valid HOCON: " + e.getMessage());
            }
            rejectUnknownKeys(user, defaults, f.toString());
            layered = user.withFallback(layered);
        }
        if (!overrides.isEmpty()) {
            Config o = ConfigFactory.parseMap(overrides, "command line");
            rejectUnknownKeys(o, defaults, "command line");
            layered = o.withFallback(layered);
        }
        try {
            return new AppConfig(layered.resolve());
        } catch (ConfigException.UnresolvedSubstitution e) {
            throw new ConfigError("configuration has an unresolved substitution: " + e.getMessage());
        }
    }

    /** A copy with further overrides (full keys such as {@code valueledger.lake.root}). */
    public AppConfig with(Map<String, ?> overrides) {
        Config o = ConfigFactory.parseMap(overrides, "override");
        rejectUnknownKeys(o, config, "override");
        return new AppConfig(o.withFallback(config).resolve());
    }

    private static void rejectUnknownKeys(Config user, Config defaults, String origin) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(user.root(), "", defaults, unknown);
        if (!unknown.isEmpty()) {
            throw new ConfigError("unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " in " + origin
                    + "; see conf/application.conf for the keys there are");
        }
    }

    private static void collectUnknown(ConfigObject obj, String prefix, Config defaults, List<String> unknown) {
        for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
            String key = ConfigUtil.joinPath(e.getKey());
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (OPEN_MAPS.contains(prefix)) {
                continue;
            }
            if (!defaults.hasPathOrNull(path)) {
                unknown.add(path);
            } else if (e.getValue().valueType() == ConfigValueType.OBJECT && !OPEN_MAPS.contains(path)) {
                collectUnknown((ConfigObject) e.getValue(), path, defaults, unknown);
            }
        }
    }

    private static String describe(ConfigException e) {
        String where = e.origin() == null ? "" : " (" + e.origin().description() + ")";
        return "configuration error" + where + ": " + e.getMessage().replaceFirst("^.*?: ", "");
    }

    private static String nonBlank(Config c, String key) {
        String v = c.getString(key);
        if (v.isBlank()) {
            throw new ConfigError("configuration key " + ROOT + "." + key + " must not be empty");
        }
        return v;
    }

    private static String identifier(Config c, String key) {
        String v = nonBlank(c, key);
        if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigError("configuration key " + ROOT + "." + key + " = '" + v
                    + "' is not a valid schema name (letters, digits, underscore)");
        }
        return v;
    }

    private static String currency(Config c, String key) {
        String v = c.getString(key);
        if (!v.matches("[A-Z]{3}")) {
            throw new ConfigError("configuration key " + ROOT + "." + key + " = '" + v
                    + "' is not an ISO 4217 currency code (three capital letters)");
        }
        return v;
    }

    private static int intIn(Config c, String key, int min, int max) {
        int v = c.getInt(key);
        if (v < min || v > max) {
            throw new ConfigError("configuration key " + ROOT + "." + key + " = " + v + " must be between " + min + " and " + max);
        }
        return v;
    }

    private static double doubleIn(Config c, String key, double min, double max) {
        double v = c.getDouble(key);
        if (v < min || v > max) {
            throw new ConfigError("configuration key " + ROOT + "." + key + " = " + v + " must be between " + min + " and " + max);
        }
        return v;
    }

    private static String oneOf(Config c, String key, Set<String> allowed) {
        String v = c.getString(key);
        if (!allowed.contains(v)) {
            throw new ConfigError("configuration key " + ROOT + "." + key + " = '" + v + "' must be one of " + new TreeSet<>(allowed));
        }
        return v;
    }

    private static Map<String, String> stringMap(Config c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            // "spark.x.y" = v and spark.x.y = v (nested) both mean the Spark setting spark.x.y.
            m.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped()));
        }
        return Map.copyOf(m);
    }

    private static Map<String, String> statusCategories(Config c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String category : List.of("todo", "active", "waiting", "done")) {
            for (String status : c.getStringList(category)) {
                String previous = m.put(status.toLowerCase(Locale.ROOT), category);
                if (previous != null && !previous.equals(category)) {
                    throw new ConfigError("status '" + status + "' is mapped to both " + previous + " and " + category
                            + " in " + ROOT + ".status-categories; keep it in one list");
                }
            }
        }
        for (String key : c.root().keySet()) {
            if (!STATUS_CATEGORIES.contains(key)) {
                throw new ConfigError("unknown status category " + ROOT + ".status-categories." + key
                        + "; the categories are todo, active, waiting, done");
            }
        }
        return Map.copyOf(m);
    }

    private static FlowItemTypes flowItemTypes(Config c) {
        List<FlowTypeRule> rules = new ArrayList<>();
        int i = 0;
        for (Config r : c.getConfigList("flow-item-types.rules")) {
            String where = ROOT + ".flow-item-types.rules[" + i++ + "]";
            for (String k : r.root().keySet()) {
                if (!Set.of("types", "labels", "flow-type").contains(k)) {
                    throw new ConfigError("unknown key '" + k + "' in " + where + "; a rule has types, labels and flow-type");
                }
            }
            String type = r.getString("flow-type");
            if (!FLOW_TYPES.contains(type)) {
                throw new ConfigError(where + ".flow-type = '" + type + "' must be one of " + new TreeSet<>(FLOW_TYPES));
            }
            rules.add(new FlowTypeRule(
                    r.hasPath("types") ? List.copyOf(r.getStringList("types")) : List.of(),
                    r.hasPath("labels") ? List.copyOf(r.getStringList("labels")) : List.of(), type));
        }
        String def = c.getString("flow-item-types.default");
        if (!FLOW_TYPES.contains(def)) {
            throw new ConfigError(ROOT + ".flow-item-types.default = '" + def + "' must be one of " + new TreeSet<>(FLOW_TYPES));
        }
        return new FlowItemTypes(List.copyOf(rules), def);
    }

    private static Quarantine quarantine(Config c) {
        double def = doubleIn(c, "quarantine.default-threshold", 0.0, 1.0);
        Map<String, Double> m = new LinkedHashMap<>();
        Config t = c.getConfig("quarantine.thresholds");
        for (String source : t.root().keySet()) {
            if (!SourceNames.ALL.contains(source)) {
                throw new ConfigError("unknown source '" + source + "' in " + ROOT + ".quarantine.thresholds; sources are " + SourceNames.ALL);
            }
            m.put(source, doubleIn(t, source, 0.0, 1.0));
        }
        return new Quarantine(def, Map.copyOf(m));
    }

    private static List<String> covariates(Config c) {
        List<String> v = List.copyOf(c.getStringList("attribution.covariates"));
        for (String s : v) {
            if (!Set.of("segment", "plan", "tenure", "pre_mrr").contains(s)) {
                throw new ConfigError(ROOT + ".attribution.covariates: '" + s + "' is not one of segment, plan, tenure, pre_mrr");
            }
        }
        if (v.size() != Set.copyOf(v).size()) {
            throw new ConfigError(ROOT + ".attribution.covariates: " + v + " names a covariate twice; list each once");
        }
        return v;
    }

    private static Set<String> categories(Config c, String key) {
        Set<String> s = new TreeSet<>(c.getStringList(key));
        for (String v : s) {
            if (!FLOW_TYPES.contains(v) && !"innovation".equals(v)) {
                throw new ConfigError(ROOT + "." + key + ": '" + v + "' is not an investment category (feature, defect, risk, debt, innovation)");
            }
        }
        return Set.copyOf(s);
    }

    public String reportingCurrency() { return reportingCurrency; }
    public int fiscalYearStartMonth() { return fiscalYearStartMonth; }
    public String lakeRoot() { return lakeRoot; }
    /** How many independent tables a stage writes at once (1 = one after another). */
    public int parallelWrites() { return parallelWrites; }
    public Catalog catalog() { return catalog; }
    public SparkSettings spark() { return spark; }
    public Privacy privacy() { return privacy; }
    /** Lower-cased workflow status to its category (todo, active, waiting, done). */
    public Map<String, String> statusCategories() { return statusCategories; }
    public FlowItemTypes flowItemTypes() { return flowItemTypes; }
    public Quarantine quarantine() { return quarantine; }
    public Dora dora() { return dora; }
    public Adoption adoption() { return adoption; }
    public Attribution attribution() { return attribution; }
    public Capitalisation capitalisation() { return capitalisation; }
    public Outcomes outcomes() { return outcomes; }

    /** SHA-256 of the resolved configuration, recorded with every run (pipeline_runs.config_hash). */
    public String configHash() {
        String rendered = config.getConfig(ROOT).root().render(ConfigRenderOptions.concise().setJson(true));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
