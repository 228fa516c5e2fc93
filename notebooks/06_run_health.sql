-- Can these numbers be trusted today?
-- For whoever runs the pipeline. The last runs, how they ended, what they read and quarantined,
-- and how many data-quality checks each failed or warned on (CONTRACT §3 pipeline_runs,
-- data_quality_results). Look at the quarantine table for the records behind the counts.
SELECT r.run_id,
       r.quarter,
       r.status,
       r.started_at,
       r.finished_at,
       r.rows_read,
       r.rows_quarantined,
       count_if(q.status = 'fail')   AS checks_failed,
       count_if(q.status = 'warn')   AS checks_warned,
       r.message
FROM value_ledger.pipeline_runs r
LEFT JOIN value_ledger.data_quality_results q ON q.run_id = r.run_id
GROUP BY r.run_id, r.quarter, r.status, r.started_at, r.finished_at, r.rows_read, r.rows_quarantined, r.message
ORDER BY r.started_at DESC
LIMIT 20
