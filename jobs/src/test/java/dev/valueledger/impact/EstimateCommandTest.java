package dev.valueledger.impact;

import dev.valueledger.SparkTestBase;
import dev.valueledger.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.Assertions;

/** The estimate command on mpdta writes R did's numbers; a bad panel is a user error that says why. */
class EstimateCommandTest extends SparkTestBase {

    @TempDir
    Path out;

    private static Map<String, String[]> byKey(List<String> lines, int... keyCols) {
        Map<String, String[]> m = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.replace("\"", "").split(",");
            StringBuilder k = new StringBuilder();
            for (int c : keyCols) {
                k.append(f[c]).append('/');
            }
            m.put(k.toString(), f);
        }
        return m;
    }

    @Test
    void mpdtaFilesMatchR() throws IOException {
        EstimateCommand.run(spark(), new EstimateOptions(ValidationData.file("mpdta/mpdta.csv"),
                "countyreal", "year", "lemp", "first.treat", ControlGroup.NEVER_TREATED, out.toString()));

        List<String> attgt = Files.readAllLines(out.resolve("attgt.csv"));
        assertEquals("group,t,att,se", attgt.get(0));
        Map<String, String[]> got = byKey(attgt, 0, 1);
        List<String> exp = Files.readAllLines(Path.of(ValidationData.file("mpdta/expected_attgt_never_treated.csv")));
        assertEquals(exp.size(), attgt.size());
        byKey(exp, 1, 2).forEach((k, e) -> {
            String[] g = got.get(k);
            assertEquals(Double.parseDouble(e[3]), Double.parseDouble(g[2]), 1e-9, "att " + k);
            assertEquals(Double.parseDouble(e[4]), Double.parseDouble(g[3]), 1e-9, "se " + k);
        });

        List<String> aggte = Files.readAllLines(out.resolve("aggte.csv"));
        assertEquals("type,egt,att_egt,se_egt,overall_att,overall_se", aggte.get(0));
        Map<String, String[]> gotAgg = byKey(aggte, 0, 1);
        List<String> expAgg = Files.readAllLines(Path.of(ValidationData.file("mpdta/expected_aggte_never_treated.csv")));
        assertEquals(expAgg.size(), aggte.size());
        byKey(expAgg, 1, 2).forEach((k, e) -> {
            String[] g = gotAgg.get(k);
            assertEquals(Double.parseDouble(e[5]), Double.parseDouble(g[4]), 1e-9, "overall_att " + k);
            assertEquals(Double.parseDouble(e[6]), Double.parseDouble(g[5]), 1e-9, "overall_se " + k);
            if (!"NA".equals(e[3])) {
                assertEquals(Double.parseDouble(e[3]), Double.parseDouble(g[2]), 1e-9, "att_egt " + k);
                assertEquals(Double.parseDouble(e[4]), Double.parseDouble(g[3]), 1e-9, "se_egt " + k);
            }
        });
    }

    @Test
    void mpdtaWithCovariateLpopMatchesRsDoublyRobustEstimates() throws IOException {
        EstimateCommand.run(spark(), new EstimateOptions(ValidationData.file("mpdta/mpdta.csv"),
                "countyreal", "year", "lemp", "first.treat", ControlGroup.NEVER_TREATED, out.toString(), List.of("lpop")));

        Map<String, String[]> got = byKey(Files.readAllLines(out.resolve("attgt.csv")), 0, 1);
        assertEquals(DoublyRobustCellTest.PUBLISHED.length, got.size());
        for (double[] p : DoublyRobustCellTest.PUBLISHED) {
            String k = (int) p[0] + "/" + (int) p[1] + "/";
            String[] g = got.get(k);
            // R prints 4 decimals; its standard errors are bootstrap ones, ours analytic (within 6%).
            assertEquals(p[2], Double.parseDouble(g[2]), 5e-5, "att " + k);
            assertEquals(p[3], Double.parseDouble(g[3]), 0.15 * p[3], "se " + k);
        }
        List<String> aggte = Files.readAllLines(out.resolve("aggte.csv"));
        assertEquals(Files.readAllLines(Path.of(ValidationData.file("mpdta/expected_aggte_never_treated.csv"))).size(),
                aggte.size(), "the same aggregations as without covariates");
    }

    @Test
    void unbalancedPanelNamesTheProblem() throws IOException {
        Path panel = out.resolve("gap.csv");
        // Unit 2 misses period 2.
        Files.writeString(panel, "id,period,y,g\n1,1,1.0,0\n1,2,2.0,0\n2,1,1.0,2\n");
        UserError e = assertThrows(UserError.class, () -> EstimateCommand.run(spark(), new EstimateOptions(
                panel.toString(), "id", "period", "y", "g", ControlGroup.NEVER_TREATED, ".")));
        Assertions.assertTrue(e.getMessage().contains("not balanced") && e.getMessage().contains("id = 2"), e.getMessage());
    }

    @Test
    void missingColumnIsNamed() throws IOException {
        Path panel = out.resolve("p.csv");
        Files.writeString(panel, "id,period,y\n1,1,1.0\n");
        UserError e = assertThrows(UserError.class, () -> EstimateCommand.run(spark(), new EstimateOptions(
                panel.toString(), "id", "period", "y", "g", ControlGroup.NEVER_TREATED, ".")));
        Assertions.assertTrue(e.getMessage().contains("no column 'g'"), e.getMessage());
    }

    @Test
    void monthlyPanelGivesTheSameEstimatesWithMonthLabels() throws IOException {
        // mpdta with each year written as its January: periods stay in the same order, so every
        // cell equals R's, labelled by month.
        List<String> in = Files.readAllLines(Path.of(ValidationData.file("mpdta/mpdta.csv")));
        List<String> out2 = new java.util.ArrayList<>(List.of("year,countyreal,lemp,first_treat"));
        for (String line : in.subList(1, in.size())) {
            String[] f = line.split(",");
            String cohort = "0".equals(f[4]) ? "0" : f[4] + "-01";
            out2.add(f[0] + "-01," + f[1] + "," + f[3] + "," + cohort);
        }
        Path panel = out.resolve("monthly.csv");
        Files.write(panel, out2);
        Path dir = out.resolve("monthly-out");
        EstimateCommand.run(spark(), new EstimateOptions(panel.toString(), "countyreal",
                "year", "lemp", "first_treat", ControlGroup.NEVER_TREATED, dir.toString()));
        Map<String, String[]> got = byKey(Files.readAllLines(dir.resolve("attgt.csv")), 0, 1);
        // R: ATT(2004, 2006) = -0.137258738889403, se 0.0364356642876865.
        String[] cell = got.get("2004-01/2006-01/");
        assertEquals(-0.137258738889403, Double.parseDouble(cell[2]), 1e-9);
        assertEquals(0.0364356642876865, Double.parseDouble(cell[3]), 1e-9);
        Map<String, String[]> agg = byKey(Files.readAllLines(dir.resolve("aggte.csv")), 0, 1);
        // R: dynamic e = 2 is -0.137258738889403; event times stay integers, calendar egt a month.
        assertEquals(-0.137258738889403, Double.parseDouble(agg.get("dynamic/2/")[2]), 1e-9);
        assertEquals(-0.0370593399359766, Double.parseDouble(agg.get("calendar/2007-01/")[2]), 1e-9);
    }
}
