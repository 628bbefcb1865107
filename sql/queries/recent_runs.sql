-- The last 20 runs with their stage counts.
with

runs as (
    select * from runs
),

final as (
    select
        run_id,
        status,
        started_at,
        finished_at,
        inputs_discovered,
        inputs_unchanged,
        inputs_rejected,
        articles_read,
        articles_duplicate,
        articles_ner,
        articles_loaded,
        lines_removed,
        lines_repeated,
        articles_gazetteer_matched,
        mentions_loaded,
        checks_run,
        checks_failed,
    from runs
)

select * from final
order by started_at desc
limit 20
