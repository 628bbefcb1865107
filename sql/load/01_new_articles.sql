-- The batch's articles whose content the warehouse does not hold yet; children are loaded for these only.
create or replace temp table new_article_ids as
with

batch as (
    select article_id from batch_articles
),

final as (
    select distinct article_id
    from batch
    anti join articles using (article_id)
)

select * from final
