-- Did the outcome each Epic promised come true?
-- For product and engineering leaders. Counts the Epic outcome scorecards by status per team and
-- quarter (achieved / partial / missed / pending / inconclusive, CONTRACT §2 outcome attainment),
-- next to the team's OKR attainment and ROI from team_value_quarter.
SELECT s.quarter,
       t.name                                              AS team,
       count(*)                                            AS epics,
       count_if(s.status = 'achieved')                     AS achieved,
       count_if(s.status = 'partial')                      AS partial,
       count_if(s.status = 'missed')                       AS missed,
       count_if(s.status = 'pending')                      AS pending,
       count_if(s.status = 'inconclusive')                 AS inconclusive,
       max(v.okr_attainment)                               AS okr_attainment,
       max(v.roi)                                          AS team_roi
FROM value_ledger.epic_outcome_scorecard s
JOIN value_ledger.dim_epic e ON e.epic_key = s.epic_key
JOIN value_ledger.dim_team t ON t.team_id = e.team_id
LEFT JOIN value_ledger.team_value_quarter v ON v.team_id = e.team_id AND v.quarter = s.quarter
GROUP BY s.quarter, t.name
ORDER BY s.quarter DESC, t.name
