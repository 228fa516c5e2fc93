-- Does the revenue story add up?
-- For finance. The quarter's MRR bridge (start, realised growth, end), the invoices behind it, how
-- much growth the Epics are credited with and how much is left unattributed; reconciles must be
-- true (CONTRACT §3 invariants: movements tie to invoice lines to the cent, attribution never
-- exceeds realised growth).
SELECT quarter,
       mrr_start,
       realised_growth,
       mrr_end,
       invoice_total,
       one_time_revenue,
       attributed_total,
       unattributed,
       scale_factor,
       reconciles,
       currency
FROM value_ledger.revenue_reconciliation
ORDER BY quarter
