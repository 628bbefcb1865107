insert into removed_lines by name
with

batch as (
    select * from batch_removed_lines
),

final as (
    select
        article_id,
        line_no,
        text,
        reason,
    from batch
    semi join new_article_ids using (article_id)
)

select * from final
