-- What did each Epic cost, what did it earn, and is the return above zero?
-- For finance's quarterly review. Cost and capitalised cost to date come from team costs shared by
-- active item-days (epic_cost_monthly); value is the reconciled attributed MRR made annual, with
-- the interval carried from the impact estimate (CONTRACT §2 ROI). Read roi with its interval.
SELECT r.quarter,
       r.epic_key,
       e.title,
       e.investment_category,
       r.cost_to_date,
       r.capitalized_to_date,
       r.attributed_annual_value,
       r.value_ci_low,
       r.value_ci_high,
       round(r.roi, 3)             AS roi,
       round(r.roi_ci_low, 3)      AS roi_ci_low,
       round(r.roi_ci_high, 3)     AS roi_ci_high,
       r.payback_months,
       r.currency
FROM value_ledger.epic_roi r
JOIN value_ledger.dim_epic e ON e.epic_key = r.epic_key
WHERE r.quarter = (SELECT max(quarter) FROM value_ledger.epic_roi)
ORDER BY r.cost_to_date DESC, r.epic_key
