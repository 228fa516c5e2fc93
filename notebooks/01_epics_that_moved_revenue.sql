-- Which Epics moved revenue, and how sure are we?
-- For engineering leaders. One row per Epic and quarter: the estimated effect on an account's MRR
-- (difference-in-differences, CONTRACT §2 impact) with its 95% interval, whether the pre-release
-- trends were parallel, the verdict, and the MRR credited to the Epic after reconciliation.
-- "inconclusive" is an honest answer: the interval holds 0, or the comparison is not trustworthy.
SELECT i.quarter,
       i.epic_key,
       e.title,
       t.name                      AS team,
       i.n_treated,
       i.n_control,
       round(i.estimate, 2)        AS mrr_effect_per_account,
       round(i.ci_low, 2)          AS ci_low,
       round(i.ci_high, 2)         AS ci_high,
       i.pre_trend_ok,
       i.verdict,
       i.attributed_mrr,
       i.currency
FROM value_ledger.epic_impact i
JOIN value_ledger.dim_epic e ON e.epic_key = i.epic_key
LEFT JOIN value_ledger.dim_team t ON t.team_id = e.team_id
WHERE i.outcome = 'mrr'
ORDER BY i.quarter DESC, i.attributed_mrr DESC NULLS LAST, i.epic_key
