create or replace view removed_lines_by_reason as
with

removed_lines as (
    select article_id, reason from removed_lines
),

final as (
    select
        reason,
        count(*) as line_count,
        count(distinct article_id) as article_count,
    from removed_lines
    group by reason
)

select * from final
order by line_count desc, reason
