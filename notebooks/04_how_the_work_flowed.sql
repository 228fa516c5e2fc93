-- How did the work flow, team by team?
-- For engineering leaders. Flow metrics (velocity, flow time, load, efficiency and the mix of work,
-- CONTRACT §2 flow) beside the four DORA metrics and the performance level, per team and quarter.
SELECT f.quarter,
       t.name                         AS team,
       f.flow_velocity,
       f.flow_time_p50_days,
       f.flow_time_p85_days,
       f.flow_load,
       round(f.flow_efficiency, 3)    AS flow_efficiency,
       round(f.share_feature, 3)      AS share_feature,
       round(f.share_defect, 3)       AS share_defect,
       d.deployment_frequency_per_week,
       d.lead_time_p50_hours,
       round(d.change_failure_rate, 3) AS change_failure_rate,
       d.time_to_restore_p50_hours,
       d.performance_level
FROM value_ledger.team_flow_quarter f
JOIN value_ledger.dim_team t ON t.team_id = f.team_id
LEFT JOIN value_ledger.team_dora_quarter d ON d.team_id = f.team_id AND d.quarter = f.quarter
ORDER BY f.quarter DESC, t.name
