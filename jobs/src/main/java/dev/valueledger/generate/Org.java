package dev.valueledger.generate;

import java.util.ArrayList;
import java.util.List;

/** The engineering organisation: teams, the products they own, their services and their people. */
final class Org {
    private static final String[][] TEAMS = {
            {"payments", "Payments", "PAY", "core"}, {"billing", "Billing", "BIL", "core"},
            {"reporting", "Reporting", "REP", "analytics"}, {"mobile", "Mobile", "MOB", "mobile"},
            {"platform", "Platform", "PLT", "platform"}, {"integrations", "Integrations", "INT", "integrations"},
            {"checkout", "Checkout", "CHK", "core"}, {"insights", "Insights", "INS", "analytics"},
            {"identity", "Identity, Access & SSO", "IDN", "platform"}, {"workspace", "Workspace", "WSP", "workspace"},
            {"search", "Search", "SRC", "workspace"}, {"notifications", "Notifications", "NTF", "platform"},
            {"data", "Data Pipeline", "DAT", "analytics"}, {"growth", "Growth", "GRO", "core"},
            {"onboarding", "Onboarding", "ONB", "workspace"}, {"admin", "Admin Console", "ADM", "workspace"},
            {"security", "Security", "SEC", "platform"}, {"api", "Public API", "API", "integrations"},
            {"mobile-web", "Mobile Web (\"Lite\")", "MWB", "mobile"}, {"collab", "Collaboration", "COL", "workspace"}};
    private static final String[][] PRODUCTS = {
            {"core", "prod-core", "Ledger Core"}, {"analytics", "prod-analytics", "Analytics"},
            {"mobile", "prod-mobile", "Mobile App"}, {"platform", "prod-platform", "Platform"},
            {"integrations", "prod-integrations", "Integrations Hub"}, {"workspace", "prod-workspace", "Workspace"}};
    private static final String[] FIRST = {"ana", "ben", "chloe", "dev", "elif", "farid", "grace", "hugo", "ines",
            "jonas", "kemal", "lea", "marta", "nils", "olga", "pablo", "quinn", "rosa", "sven", "tariq", "uma",
            "viktor", "wen", "xavier", "yara", "zoe"};
    private static final String[] LAST = {"silva", "meyer", "okafor", "nowak", "rossi", "tanaka", "dubois", "jensen",
            "garcia", "kowalski", "novak", "haddad", "smith", "larsen", "costa", "ivanova", "moreau", "fischer"};

    /**
     * One team. Delivery habits (deploy rate per business day, failure and incident rates) differ by
     * team so that DORA figures spread over the performance levels.
     */
    record Team(int index, String teamId, String name, String projectKey, String productId, String productName,
                String mainService, List<String> services, String docsRepo, String costCurrency,
                List<String> emails, List<String> logins, double deployRate, double failureRate,
                double incidentRate, double fte) {
    }

    private Org() { }

    static List<Team> build(int teamCount, long seed) {
        List<Team> teams = new ArrayList<>();
        int person = 0;
        for (int i = 0; i < teamCount; i++) {
            Rng rng = Rng.of(seed, "team", i);
            String[] t = TEAMS[i % TEAMS.length];
            int round = i / TEAMS.length;
            String slug = round == 0 ? t[0] : t[0] + "-" + (round + 1);
            String name = round == 0 ? t[1] : t[1] + " " + (round + 1);
            String key = round == 0 ? t[2] : t[2] + (round + 1);
            String[] product = productOf(t[3]);
            List<String> services = new ArrayList<>();
            services.add(slug + "-service");
            if (rng.chance(0.4)) {
                services.add(slug + "-web");
            }
            List<String> emails = new ArrayList<>();
            List<String> logins = new ArrayList<>();
            int people = rng.between(5, 9);
            for (int p = 0; p < people; p++, person++) {
                String first = FIRST[person % FIRST.length];
                String last = LAST[(person / FIRST.length + person * 7) % LAST.length];
                String n = person < FIRST.length * LAST.length ? "" : String.valueOf(person);
                emails.add(first + "." + last + n + "@ledgerly.example");
                logins.add(first.charAt(0) + last + n);
            }
            // One team sits in the US subsidiary and is costed in USD.
            String costCurrency = i == 1 ? "USD" : "EUR";
            double deployRate = rng.uniform(0.15, 0.9);
            teams.add(new Team(i, slug, name, key, product[1], product[2], services.get(0), List.copyOf(services),
                    slug + "-docs", costCurrency, List.copyOf(emails), List.copyOf(logins), deployRate,
                    rng.uniform(0.03, 0.18), rng.uniform(0.02, 0.12), people));
        }
        return List.copyOf(teams);
    }

    private static String[] productOf(String code) {
        for (String[] p : PRODUCTS) {
            if (p[0].equals(code)) {
                return p;
            }
        }
        throw new IllegalStateException(code);
    }
}
