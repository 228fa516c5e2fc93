package dev.valueledger.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * A hand-written input folder in the canonical layout (CONTRACT §1): every required source, a few
 * optional ones, in CSV, JSON lines and gzip, with one bad record of a known kind where asked.
 */
final class TinyCompany {

    private TinyCompany() { }

    static Path write(Path dir, boolean withBadInvoiceLines) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("teams.csv"), """
                team_id,name,product_id,product_name
                t1,Payments,p1,Billing
                t2,"Growth, web",p2,Web
                """);
        Files.writeString(dir.resolve("epics.jsonl"), """
                {"epic_key":"PAY-1","title":"Faster checkout","team_id":"t1","status":"Done","created_at":"2025-01-02T09:00:00Z","investment_category":"feature","feature_keys":["fast_checkout"],"outcome":{"metric":"mrr","direction":"increase","baseline":null,"target":1000,"window_days":90,"hypothesis":"checkout converts"},"key_results":["kr-1"]}
                {"epic_key":"GRO-1","title":"Landing pages","team_id":"t2","status":"In Progress","created_at":"2025-01-05T09:00:00+01:00","investment_category":"innovation","feature_keys":[],"released_at":null}
                """);
        Files.writeString(dir.resolve("work_items.csv"), """
                item_key,type,epic_key,team_id,status,created_at,resolved_at,story_points,labels,assignee
                PAY-2,Story,PAY-1,t1,Done,2025-01-03T09:00:00Z,2025-01-20T17:00:00Z,3,,ana@acme.example
                PAY-3,Bug,,t1,Done,2025-02-01T09:00:00Z,2025-02-02T09:00:00Z,1,security;tech-debt,bo@acme.example
                GRO-2,Story,GRO-1,t2,In Progress,2025-01-06T09:00:00Z,,5,,cy@acme.example
                """);
        gzip(dir.resolve("work_item_transitions.csv.gz"), """
                item_key,from_status,to_status,changed_at
                PAY-2,,To Do,2025-01-03T09:00:00Z
                PAY-2,To Do,In Progress,2025-01-06T09:00:00Z
                PAY-2,In Progress,Done,2025-01-20T17:00:00Z
                PAY-3,,To Do,2025-02-01T09:00:00Z
                PAY-3,To Do,Done,2025-02-02T09:00:00Z
                GRO-2,,To Do,2025-01-06T09:00:00Z
                GRO-2,To Do,In Progress,2025-01-07T09:00:00Z
                """);
        Files.writeString(dir.resolve("accounts.csv"), """
                account_id,created_at,segment,region,plan
                a1,2024-05-01T00:00:00Z,enterprise,emea,pro
                a2,2024-06-01T00:00:00Z,smb,na,basic
                """);
        Path events = Files.createDirectories(dir.resolve("product_events"));
        gzip(events.resolve("part-00000.jsonl.gz"), """
                {"event_id":"e1","timestamp":"2025-01-10T10:00:00Z","account_id":"a1","user_id":"ana@a1.example","event":"page_view","feature_key":null}
                {"event_id":"e2","timestamp":"2025-02-10T10:00:00Z","account_id":"a1","user_id":"ana@a1.example","event":"checkout","feature_key":"fast_checkout","properties":{"ms":120}}
                """);
        gzip(events.resolve("part-00001.jsonl.gz"), """
                {"event_id":"e3","timestamp":"2025-03-10T10:00:00-05:00","account_id":"a2","user_id":"bo@a2.example","event":"page_view"}
                """);
        StringBuilder invoices = new StringBuilder("invoice_id,line_id,account_id,kind,status,currency,amount,period_start,period_end\n");
        for (int m = 1; m <= 3; m++) {
            invoices.append(String.format("i%d,1,a1,subscription,paid,EUR,1000.00,2025-%02d-01,2025-%02d-01%n", m, m, m + 1));
            invoices.append(String.format("j%d,1,a2,subscription,paid,USD,100.00,2025-%02d-01,2025-%02d-01%n", m, m, m + 1));
        }
        invoices.append("k1,1,a1,one_time,paid,EUR,500.00,2025-01-15,2025-01-16\n");
        if (withBadInvoiceLines) {
            invoices.append("bad1,1,a1,subscription,paid,XYZ,10.00,2025-01-01,2025-02-01\n");
        }
        Files.writeString(dir.resolve("invoice_lines.csv"), invoices.toString());
        Files.writeString(dir.resolve("fx_rates.csv"), """
                month,currency,rate_to_reporting
                2025-01,USD,0.9
                2025-02,USD,0.92
                """);
        Files.writeString(dir.resolve("team_costs.csv"), """
                team_id,month,currency,loaded_cost,fte
                t1,2025-01,EUR,50000.00,4
                t2,2025-01,EUR,30000.00,2.5
                """);
        Files.writeString(dir.resolve("_truth.json"), "{\"not\":\"input\"}");
        return dir;
    }

    private static void gzip(Path p, String text) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
