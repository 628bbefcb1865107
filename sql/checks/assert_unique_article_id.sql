-- Every article is one row: the id is derived from content, so two rows would be a duplicate load.
with

articles as (
    select article_id from articles
),

final as (
    select
        article_id,
        count(*) as row_count,
    from articles
    group by article_id
    having count(*) > 1
)

select * from final
