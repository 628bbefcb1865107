insert into related_headlines by name
with

batch as (
    select * from batch_related_headlines
),

final as (
    select
        article_id,
        headline_no,
        headline,
    from batch
    semi join new_article_ids using (article_id)
)

select * from final
