-- Lines removed from the articles a run loaded, by reason.
with

run_articles as (
    select article_id from articles where run_id = $run_id
),

removed_lines as (
    select article_id, reason from removed_lines
),

final as (
    select
        removed_lines.reason,
        count(*) as line_count,
    from removed_lines
    semi join run_articles using (article_id)
    group by removed_lines.reason
)

select * from final
order by line_count desc, reason
